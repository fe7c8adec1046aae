import CoverageModel
import Randomness

/// A pipeline deal compiled for the engine: indices resolved once.
struct PipelinePlan: Sendable {
  var key: UInt64
  var segment: Int32
  var team: Int32
  var stages: SimulationPlan.Span
  var stage: Int32
  var daysInStage: Double
  /// NaN: drawn from the segment's deal size.
  var dealSize: Double
  var solution: Int32

  /// The scenario's validated pipeline (names resolve; `ScenarioFiles` checks them).
  static func compile(_ s: Scenario, plan: SimulationPlan) -> [PipelinePlan] {
    let workers = s.pipelineTeams()
    return zip(s.pipeline, workers).compactMap { deal, worker in
      guard let segment = s.segments.firstIndex(where: { $0.name == deal.segment }), let team = worker else { return nil }
      let stages = plan.segments[segment].motion.isEmpty ? plan.teams[team].stages : plan.segments[segment].motion
      let motion = s.motionName(segment: s.segments[segment], team: s.teams[team]).flatMap { s.motion(named: $0) }
      guard let stage = motion?.stages.firstIndex(where: { $0.name == deal.stage }), stage < stages.range.count else { return nil }
      return PipelinePlan(
        key: StreamKey.name("pipeline\u{0}" + deal.id), segment: Int32(segment), team: Int32(team), stages: stages, stage: Int32(stage),
        daysInStage: deal.daysInStage, dealSize: deal.dealSize ?? .nan,
        solution: deal.solution.flatMap { name in s.solutions.firstIndex { $0.name == name } }.map(Int32.init) ?? -1)
    }
  }
}

extension Replication {
  /// Starts the replication with the pipeline's deals in progress: each holds a slot of its team,
  /// its current stage lasts what is left given its days in stage (`sampleBeyond`), and it goes
  /// on as any opportunity. Its value, when the file has none, and every draw come from its own
  /// streams (keyed by its id and the replication), so variants meet the same deals. Its presales
  /// request and specialist for the current stage are taken as done; it is not an arrival.
  mutating func startPipeline(replicationKey: UInt64) {
    for (row, deal) in plan.pipeline.enumerated() {
      var opportunity = Opportunity()
      opportunity.key = StreamKey.combine(replicationKey, deal.key)
      opportunity.segment = deal.segment
      opportunity.team = deal.team
      opportunity.stages = deal.stages
      opportunity.stage = deal.stage
      opportunity.arrival = now - deal.daysInStage
      opportunity.solution = deal.solution
      var value = deal.dealSize
      if value.isNaN {
        generator.select(key: opportunity.key, attribute: StreamAttribute.dealSize)
        value = generator.sample(plan.segments[Int(deal.segment)].dealSize, from: plan.samplerTables)
      }
      opportunity.value = value
      var grade = 0
      while grade < plan.gradeMinimums.count - 1, value < plan.gradeMinimums[grade] { grade += 1 }
      opportunity.grade = Int32(grade)
      if plan.usesFit { opportunity.winFactor = plan.fit[Int(deal.team) * plan.segments.count + Int(deal.segment)].winFactor }
      occupyTeam(Int(deal.team), by: 1)
      // In a team of people the deal holds a slot of the rep with the most free slots, as a new
      // one would (even beyond the rep's slots: the pipeline is what it is).
      let people = plan.teams[Int(deal.team)].people
      if people >= 0 {
        let seat = workforce.freestSeat(people: Int(people), at: now, plan: plan, handingOver: .max)
        if seat >= 0 {
          workforce.take(seat)
          opportunity.rep = seat
        }
      }
      let slot = Int32(opportunities.count)
      opportunities.append(opportunity)
      for _ in 0..<plan.identityPools { lastExpert.append(-1) }
      if plan.servesWinFactor { servedPools.append(0) }
      if let trace {
        var causes = WinCauses()
        causes[.fit] = opportunity.winFactor
        trace.open(
          TracedOpportunity(
            segment: Int(deal.segment), arrival: -1, pipelineRow: row, account: -1, team: Int(deal.team), rep: Int(opportunity.rep),
            created: opportunity.arrival, closed: nil, outcome: .open, value: value, solution: Int(deal.solution), key: opportunity.key,
            grossMargin: grossMargin(opportunity), causes: causes),
          slot: slot)
      }
      scheduleStageEnd(slot, elapsed: deal.daysInStage)
    }
  }
}
