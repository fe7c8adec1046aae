import CoverageModel
import Randomness

/// The response of demand to coverage (docs/model.md, "Effort: reps' time, travel and
/// coverage"): a month's coverage hours per account-year set each responding segment's rate for
/// the next month.
extension Replication {
  /// The factor on a segment's rate from its owners' coverage hours a year (`hours` per team):
  /// each owner's response weighted by its share of the accounts; uncovered accounts keep the base.
  func responseFactor(_ response: EffortPlan.Response, hours: [Double], plan: EffortPlan) -> Double {
    var factor = 1 - response.owners.reduce(0) { $0 + $1.share }
    for (team, share) in response.owners {
      let h = plan.teams[team].timed ? plan.coverageHoursPerAccountYear(team: team, coverageHoursPerYear: hours[team]) : response.rule.referenceHoursPerAccountYear
      factor += share * response.rule.factor(hoursPerAccountYear: h)
    }
    // A rate of exactly 0 would never reach the next arrival; a millionth is none in practice.
    return max(factor, 1e-6)
  }

  /// Multiplies a segment's current rate by `factor` (its base rate times its factor).
  mutating func scaleRate(segment s: Int, by factor: Double) {
    plan.segments[s].meanInterarrival = effort.baseInterarrival[s] / factor
    for k in plan.segments[s].seasons.range { plan.seasonRates[k] = effort.baseSeasonRates[k] * factor }
  }

  /// A month ends: every rep's hours are brought up to date, the month's coverage becomes each
  /// team's coverage hours per account-year, and segments with a response get the next month's
  /// rate; their pending arrivals are re-timed (the same unit-rate draw, time-changed).
  mutating func effortMonthEnds() {
    let effortPlan = plan.effort ?? EffortPlan()
    for r in effort.reps.indices { flush(rep: r) }
    let days = now - effort.monthStart
    if days > 0 {
      let yearly = effort.monthCoverage.map { $0 * 365 / days }
      recordFactors(upTo: now)
      let before = plan
      for (k, response) in effortPlan.responses.enumerated() {
        effort.factors[k] = responseFactor(response, hours: yearly, plan: effortPlan)
        scaleRate(segment: response.segment, by: effort.factors[k])
      }
      if !effortPlan.responses.isEmpty { retimeResponding(from: before) }
    }
    for t in effort.monthCoverage.indices { effort.monthCoverage[t] = 0 }
    effort.monthStart = now
    let next = plan.clock.month(at: now).end
    if next < plan.horizon { calendar.schedule(.monthStart, at: next) }
  }

  /// Each responding segment's pending arrival re-timed to its new rate.
  private mutating func retimeResponding(from before: SimulationPlan) {
    for response in plan.effort?.responses ?? [] {
      let s = response.segment
      let pending = calendar.pendingArrival(segment: s)
      guard pending.isFinite else { continue }
      let mass = before.expectedArrivals(before.segments[s], from: now, to: pending)
      calendar.schedule(.arrival(segment: Int32(s)), at: plan.arrivalTime(plan.segments[s], after: now, reaching: mass))
    }
  }

  /// Factor-days of each response from the month's start to `time`, in the measured horizon.
  mutating func recordFactors(upTo time: Double) {
    let from = max(effort.monthStart, 0)
    guard time > from else { return }
    let month = periodMonth(at: from)
    for k in effort.factors.indices where k < effort.factorDays.count {
      effort.factorDays[k] += effort.factors[k] * (time - from)
      if let month { effort.monthFactorDays[month][k] += effort.factors[k] * (time - from) }
    }
  }

  /// The index of the period month `time` lies in (nil: no periods, or outside them).
  func periodMonth(at time: Double) -> Int? {
    guard let months = plan.periods?.months else { return nil }
    return months.firstIndex { time >= $0.start && time < $0.end }
  }
}
