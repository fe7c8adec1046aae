import CoverageModel
import Randomness

/// Specialists (docs/model.md): embedded ones of the owner, overlay groups by solution, their
/// slots taken and freed.
extension Replication {
  @inline(__always)
  func motionHasSpecialistStage(_ stages: SimulationPlan.Span) -> Bool {
    for k in stages.range where plan.stages[k].engagesSpecialist { return true }
    return false
  }

  /// The opportunity's specialist: an embedded one of its team with a free slot, else the first
  /// overlay group for its solution with a free slot that engages, else none (unsupported).
  mutating func engage(_ index: Int32) {
    var opportunity = opportunities[Int(index)]
    opportunity.awaitsSpecialist = false
    let solution = Int(opportunity.solution)
    let team = plan.teams[Int(opportunity.team)]
    var engaged = false
    // The factor applied, for the bridge's records only (`trace`).
    var applied = 1.0
    for k in team.embedded.range where plan.embedded[k].solution == solution {
      let skill = plan.embedded[k]
      if skill.desk >= 0 {
        guard deskBusy[Int(skill.desk)] < plan.desks[Int(skill.desk)].capacity else { break }
        deskBusy[Int(skill.desk)] += 1
        opportunity.desk = skill.desk
      }
      opportunity.winFactor *= skill.winUplift
      applied = skill.winUplift
      opportunity.value *= skill.dealUplift
      engaged = true
      break
    }
    if !engaged, let candidate = engageSpecialist(for: solution, key: opportunity.key) {
      opportunity.specialist = candidate.team
      opportunity.desk = candidate.desk
      opportunity.winFactor *= candidate.winUplift
      applied = candidate.winUplift
      opportunity.value *= candidate.dealUplift
      engaged = true
    }
    if !engaged { opportunity.winFactor *= plan.solutions[solution].unsupportedWinFactor }
    if now >= 0 { metrics.soughtSpecialist(found: engaged) }
    opportunities[Int(index)] = opportunity
    if trace != nil { traceFactor(index, .specialist, engaged ? applied : plan.solutions[solution].unsupportedWinFactor) }
  }

  /// The first overlay group for the solution with a free slot that engages (a product group
  /// only with its engage probability; its k-th candidate uses draw k of the engagement stream).
  private mutating func engageSpecialist(for solution: Int, key: UInt64) -> SimulationPlan.CandidatePlan? {
    var drawn = 0
    var u = 0.0
    for candidate in plan.candidates[plan.solutions[solution].specialists.range] {
      guard deskBusy[Int(candidate.desk)] < plan.desks[Int(candidate.desk)].capacity else { continue }
      if candidate.engageProbability < 1 {
        if drawn == 0 { generator.select(key: key, attribute: StreamAttribute.engagement) }
        u = generator.uniform()
        drawn += 1
        guard u < candidate.engageProbability else { continue }
      }
      deskBusy[Int(candidate.desk)] += 1
      occupyTeam(Int(candidate.team), by: 1)
      return candidate
    }
    return nil
  }

  /// The specialist leaves: its slot is free again (the credit stays with the deal).
  @inline(__always)
  mutating func releaseSpecialist(_ index: Int32) {
    let desk = opportunities[Int(index)].desk
    guard desk >= 0 else { return }
    deskBusy[Int(desk)] -= 1
    let team = plan.desks[Int(desk)].team
    if team >= 0 { occupyTeam(Int(team), by: -1) }
    opportunities[Int(index)].desk = -1
  }
}
