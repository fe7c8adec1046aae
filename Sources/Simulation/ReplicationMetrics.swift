/// Whether a run keeps results by period, as a type: the engine is specialised for each, so a run
/// without periods carries no test for them in its event loop.
protocol PeriodMode: SendableMetatype {
  static var byPeriod: Bool { get }
}
enum WithoutPeriods: PeriodMode { static var byPeriod: Bool { false } }
enum WithPeriods: PeriodMode { static var byPeriod: Bool { true } }

/// Accumulates one replication's metrics over the measured window [0, horizon) (docs/model.md).
struct ReplicationMetrics<Mode: PeriodMode>: ~Copyable {
  struct TeamTally: BusyTime {
    var credited = 0.0, wins = 0.0, blocked = 0.0, cycleDays = 0.0
    var busyArea = 0.0, lastChange = 0.0
    static func + (a: Self, b: Self) -> Self {
      TeamTally(
        credited: a.credited + b.credited, wins: a.wins + b.wins, blocked: a.blocked + b.blocked, cycleDays: a.cycleDays + b.cycleDays,
        busyArea: a.busyArea + b.busyArea)
    }
  }
  struct SegmentTally {
    var arrivals = 0.0, accepted = 0.0, wins = 0.0, losses = 0.0, waitSum = 0.0, waitCount = 0.0, bookings = 0.0, cycleDays = 0.0
    static func + (a: Self, b: Self) -> Self {
      SegmentTally(
        arrivals: a.arrivals + b.arrivals, accepted: a.accepted + b.accepted, wins: a.wins + b.wins, losses: a.losses + b.losses,
        waitSum: a.waitSum + b.waitSum, waitCount: a.waitCount + b.waitCount, bookings: a.bookings + b.bookings,
        cycleDays: a.cycleDays + b.cycleDays)
    }
  }
  struct PoolTally: BusyTime {
    var busyArea = 0.0, lastChange = 0.0, waitSum = 0.0, waitCount = 0.0
    static func + (a: Self, b: Self) -> Self {
      PoolTally(busyArea: a.busyArea + b.busyArea, waitSum: a.waitSum + b.waitSum, waitCount: a.waitCount + b.waitCount)
    }
  }

  /// The organisation's tallies over the year, or over one month.
  struct ScenarioTally {
    var arrivals = 0.0, uncovered = 0.0, blocked = 0.0, accepted = 0.0
    var wins = 0.0, losses = 0.0, bookings = 0.0, credited = 0.0, cycleDays = 0.0
    var requests = 0.0, gaveUp = 0.0, margins = 0.0, grossProfit = 0.0, commissions = 0.0
    var waitSum = 0.0, waitCount = 0.0
    /// Pay of reps who are people, for the days they were employed (0 without people).
    var salaries = 0.0
    /// A transition's costs paid at its switch.
    var switchCosts = 0.0
    /// Open deals lost at a transition's switch, and their deal values.
    var switchLosses = 0.0, switchLostValue = 0.0
    /// Opportunities that looked for a specialist, and those that found none (unsupported).
    var specialistSearches = 0.0, unsupported = 0.0

    static func + (a: Self, b: Self) -> Self {
      ScenarioTally(
        arrivals: a.arrivals + b.arrivals, uncovered: a.uncovered + b.uncovered, blocked: a.blocked + b.blocked,
        accepted: a.accepted + b.accepted, wins: a.wins + b.wins, losses: a.losses + b.losses, bookings: a.bookings + b.bookings,
        credited: a.credited + b.credited, cycleDays: a.cycleDays + b.cycleDays, requests: a.requests + b.requests,
        gaveUp: a.gaveUp + b.gaveUp, margins: a.margins + b.margins, grossProfit: a.grossProfit + b.grossProfit,
        commissions: a.commissions + b.commissions, waitSum: a.waitSum + b.waitSum, waitCount: a.waitCount + b.waitCount,
        salaries: a.salaries + b.salaries, switchCosts: a.switchCosts + b.switchCosts, switchLosses: a.switchLosses + b.switchLosses,
        switchLostValue: a.switchLostValue + b.switchLostValue, specialistSearches: a.specialistSearches + b.specialistSearches,
        unsupported: a.unsupported + b.unsupported)
    }

    /// Writes the scenario metrics, each formed from its parts; `years` of fixed cost, the
    /// waiting days, the requests they are over and the waits' 90th percentile given.
    func write(into out: MetricBlock<ScenarioMetric>, fixedCostYear: Double, years: Double, waitSum: Double, waitCount: Double, waitP90: Double) {
      let cost = fixedCostYear * years + margins + commissions + salaries + switchCosts
      out[.arrivals] = arrivals
      out[.uncovered] = uncovered
      out[.blocked] = blocked
      out[.accepted] = accepted
      out[.wins] = wins
      out[.losses] = losses
      out.setRatio(.winRate, wins, wins + losses)
      out[.bookings] = bookings
      out[.creditedBookings] = credited
      out.setRatio(.cycleDaysWon, cycleDays, wins)
      out[.presalesRequests] = requests
      out.setRatio(.presalesWaitMean, waitSum, waitCount)
      out[.presalesWaitP90] = waitP90
      out[.presalesGaveUp] = gaveUp
      out[.cost] = cost
      out.setRatio(.efficiency, bookings, cost)
      out[.grossProfit] = grossProfit
      out[.contribution] = grossProfit - cost
      out[.dealsLostAtSwitch] = switchLosses
      out[.valueLostAtSwitch] = switchLostValue
      out.setRatio(.specialistUnsupportedShare, unsupported, specialistSearches)
    }
  }

  var total = ScenarioTally()
  var waits = PlainArray<Double>(capacity: 4096)
  var teams: PlainArray<TeamTally>
  var segments: PlainArray<SegmentTally>
  var pools: PlainArray<PoolTally>
  /// By month (empty unless results are kept by period): tallies, the month each wait's request was made in, the month
  /// of the current time and where the next one begins.
  var months: PlainArray<ScenarioTally>
  /// By month, each team's, segment's and pool's tallies (`month * count + entity`).
  var monthTeams: PlainArray<TeamTally>
  var monthSegments: PlainArray<SegmentTally>
  var monthPools: PlainArray<PoolTally>
  /// Each team's and pool's busy area up to the start of the current month.
  var teamAreaAtMonthStart: PlainArray<Double>
  var poolAreaAtMonthStart: PlainArray<Double>
  var waitMonths = PlainArray<Int32>(capacity: 0)
  var month = 0
  let monthStarts: [Double]
  let monthEnds: [Double]
  var byPeriod: Bool { Mode.byPeriod }

  init(plan: SimulationPlan) {
    teams = PlainArray(repeating: TeamTally(), count: plan.teams.count)
    segments = PlainArray(repeating: SegmentTally(), count: plan.segments.count)
    pools = PlainArray(repeating: PoolTally(), count: plan.pools.count)
    monthEnds = plan.periods?.months.map(\.end) ?? []
    monthStarts = plan.periods?.months.map(\.start) ?? []
    months = PlainArray(repeating: ScenarioTally(), count: monthEnds.count)
    monthTeams = PlainArray(repeating: TeamTally(), count: monthEnds.count * plan.teams.count)
    monthSegments = PlainArray(repeating: SegmentTally(), count: monthEnds.count * plan.segments.count)
    monthPools = PlainArray(repeating: PoolTally(), count: monthEnds.count * plan.pools.count)
    teamAreaAtMonthStart = PlainArray(repeating: 0, count: plan.teams.count)
    poolAreaAtMonthStart = PlainArray(repeating: 0, count: plan.pools.count)
  }

  mutating func reset(start: Double) {
    total = ScenarioTally()
    waits.removeAll()
    teams.fill(with: TeamTally(lastChange: start))
    segments.fill(with: SegmentTally())
    pools.fill(with: PoolTally(lastChange: start))
    if byPeriod {
      months.fill(with: ScenarioTally())
      monthTeams.fill(with: TeamTally())
      monthSegments.fill(with: SegmentTally())
      monthPools.fill(with: PoolTally())
      teamAreaAtMonthStart.fill(with: 0)
      poolAreaAtMonthStart.fill(with: 0)
      waitMonths.removeAll()
      month = 0
    }
  }

  /// Moves the current month on to the one holding `now` (times only grow within a replication).
  @inline(__always)
  mutating func advance(to now: Double, teamBusy: borrowing PlainArray<Int32>, poolBusy: borrowing PlainArray<Int32>) {
    while month < monthEnds.count - 1, now >= monthEnds[month] {
      closeMonth(month, teamBusy: teamBusy, poolBusy: poolBusy, final: false)
      month += 1
    }
  }

  @inline(__always)
  mutating func arrival(segment: Int) {
    total.arrivals += 1
    if byPeriod {
      months[month].arrivals += 1
      monthSegments[month * segments.count + segment].arrivals += 1
    }
    segments[segment].arrivals += 1
  }
  @inline(__always)
  mutating func uncovered() {
    total.uncovered += 1
    if byPeriod { months[month].uncovered += 1 }
  }
  @inline(__always)
  mutating func blocked(team: Int) {
    total.blocked += 1
    if byPeriod {
      months[month].blocked += 1
      monthTeams[month * teams.count + team].blocked += 1
    }
    teams[team].blocked += 1
  }
  @inline(__always)
  mutating func accepted(segment: Int) {
    total.accepted += 1
    if byPeriod {
      months[month].accepted += 1
      monthSegments[month * segments.count + segment].accepted += 1
    }
    segments[segment].accepted += 1
  }
  /// A presales request made now: a request, and for its pool and segment one more in the
  /// denominators of the mean waits (the requests made in the period).
  @inline(__always)
  mutating func request(pool: Int, segment: Int) {
    total.requests += 1
    total.waitCount += 1
    segments[segment].waitCount += 1
    pools[pool].waitCount += 1
    if byPeriod {
      months[month].requests += 1
      months[month].waitCount += 1
      monthSegments[month * segments.count + segment].waitCount += 1
      monthPools[month * pools.count + pool].waitCount += 1
    }
  }
  /// An opportunity looked for a specialist now and found one (`found`) or none (unsupported).
  @inline(__always)
  mutating func soughtSpecialist(found: Bool) {
    total.specialistSearches += 1
    if !found { total.unsupported += 1 }
    if byPeriod {
      months[month].specialistSearches += 1
      if !found { months[month].unsupported += 1 }
    }
  }
  @inline(__always)
  mutating func gaveUp() {
    total.gaveUp += 1
    if byPeriod { months[month].gaveUp += 1 }
  }
  /// A presales request's wait over [start, end): it ended at `end` (served, given up, lost or
  /// withdrawn) or is still running at the horizon `end` (censored). Its days inside the measured
  /// window are waiting days of the window, of its pool and segment, and of each month they fall
  /// in (a request waiting across a month end gives each month its part), so that waiting days
  /// over requests made is Little's law's mean wait. A request made in the window also gives
  /// its wait up to `end` to the 90th percentile, in the month it was made.
  @inline(__always)
  mutating func wait(from start: Double, to end: Double, pool: Int, segment: Int) {
    if start >= 0 { waits.append(end - start) }
    let days = end - max(start, 0)
    if days > 0 {
      total.waitSum += days
      segments[segment].waitSum += days
      pools[pool].waitSum += days
    }
    if byPeriod { monthlyWait(from: start, to: end, pool: pool, segment: segment) }
  }

  /// Each month's part of a wait over [start, end), from the month holding `end` back to the one
  /// holding `start`; a request made in the window is filed under that month for the percentile.
  private mutating func monthlyWait(from start: Double, to end: Double, pool: Int, segment: Int) {
    var m = month
    while m < monthEnds.count - 1, end > monthEnds[m] { m += 1 }
    while true {
      let days = min(end, monthEnds[m]) - max(start, monthStarts[m], 0)
      if days > 0 {
        months[m].waitSum += days
        monthSegments[m * segments.count + segment].waitSum += days
        monthPools[m * pools.count + pool].waitSum += days
      }
      if m == 0 || start >= monthStarts[m] { break }
      m -= 1
    }
    if start >= 0 { waitMonths.append(Int32(m)) }
  }
  @inline(__always)
  mutating func won(
    value: Double, cycleDays days: Double, segment: Int, team: Int, specialist: Int, margin: Double, grossMargin: Double,
    commission: Double
  ) {
    total.wins += 1
    total.bookings += value
    total.credited += value
    total.cycleDays += days
    total.grossProfit += grossMargin * value
    total.commissions += commission * value
    total.margins += margin * value
    if specialist >= 0 { total.credited += value }
    if byPeriod {
      months[month].wins += 1
      months[month].bookings += value
      months[month].credited += specialist >= 0 ? 2 * value : value
      months[month].cycleDays += days
      months[month].grossProfit += grossMargin * value
      months[month].commissions += commission * value
      months[month].margins += margin * value
      monthSegments[month * segments.count + segment].wins += 1
      monthSegments[month * segments.count + segment].bookings += value
      monthSegments[month * segments.count + segment].cycleDays += days
      monthTeams[month * teams.count + team].wins += 1
      monthTeams[month * teams.count + team].credited += value
      monthTeams[month * teams.count + team].cycleDays += days
      if specialist >= 0 {
        monthTeams[month * teams.count + specialist].wins += 1
        monthTeams[month * teams.count + specialist].credited += value
        monthTeams[month * teams.count + specialist].cycleDays += days
      }
    }
    segments[segment].wins += 1
    segments[segment].bookings += value
    segments[segment].cycleDays += days
    teams[team].wins += 1
    teams[team].credited += value
    teams[team].cycleDays += days
    if specialist >= 0 {
      teams[specialist].wins += 1
      teams[specialist].credited += value
      teams[specialist].cycleDays += days
    }
  }
  @inline(__always)
  mutating func lost(segment: Int) {
    total.losses += 1
    if byPeriod {
      months[month].losses += 1
      monthSegments[month * segments.count + segment].losses += 1
    }
    segments[segment].losses += 1
  }

  @inline(__always)
  mutating func teamBusyChanged(_ team: Int, busy: Int32, at now: Double) {
    teams[team].busyChanged(busy: busy, at: now)
  }
  @inline(__always)
  mutating func poolBusyChanged(_ pool: Int, busy: Int32, at now: Double) {
    pools[pool].busyChanged(busy: busy, at: now)
  }

  /// Busy area up to `time` (no later than the next change): the tally's area plus the busy count
  /// held since its last change. Read only, so the totals stay as they are without periods.
  private static func area<T: BusyTime>(_ tally: T, busy: Int32, upTo time: Double) -> Double {
    tally.busyArea + Double(busy) * max(0, time - max(tally.lastChange, 0))
  }

  /// Closes month `m` at its end: each team's and pool's busy area in the month is its area up to
  /// the month's end less its area up to the month's start.
  private mutating func closeMonth(_ m: Int, teamBusy: borrowing PlainArray<Int32>, poolBusy: borrowing PlainArray<Int32>, final: Bool) {
    let end = monthEnds[m]
    for t in teams.indices {
      let upTo = final ? teams[t].busyArea : Self.area(teams[t], busy: teamBusy[t], upTo: end)
      monthTeams[m * teams.count + t].busyArea = upTo - teamAreaAtMonthStart[t]
      teamAreaAtMonthStart[t] = upTo
    }
    for p in pools.indices {
      let upTo = final ? pools[p].busyArea : Self.area(pools[p], busy: poolBusy[p], upTo: end)
      monthPools[m * pools.count + p].busyArea = upTo - poolAreaAtMonthStart[p]
      poolAreaAtMonthStart[p] = upTo
    }
  }

  mutating func close(at horizon: Double, teamBusy: borrowing PlainArray<Int32>, poolBusy: borrowing PlainArray<Int32>) {
    if byPeriod { advance(to: horizon, teamBusy: teamBusy, poolBusy: poolBusy) }
    for t in teams.indices { teamBusyChanged(t, busy: teamBusy[t], at: horizon) }
    for p in pools.indices { poolBusyChanged(p, busy: poolBusy[p], at: horizon) }
    if byPeriod { closeMonth(month, teamBusy: teamBusy, poolBusy: poolBusy, final: true) }
  }

  /// The 90th percentile of the waits (nearest-rank), NaN with no waits. It reorders `waits`,
  /// so that they no longer match `waitMonths`: the periods' percentiles must be taken before.
  mutating func waitP90() -> Double {
    guard !waits.isEmpty else { return .nan }
    let rank = Int((0.9 * Double(waits.count)).rounded(.up)) - 1
    let k = max(0, min(waits.count - 1, rank))
    waits.withUnsafeMutableBufferPointer { buffer in quickSelect(buffer, k) }
    return waits[k]
  }

  /// A transition's costs paid at its switch (now).
  mutating func switchCost(_ cost: Double) {
    total.switchCosts += cost
    if byPeriod { months[month].switchCosts += cost }
  }

  /// An open deal worth `value` lost at a transition's switch (now); it is also one of the losses.
  mutating func lostAtSwitch(value: Double) {
    total.switchLosses += 1
    total.switchLostValue += value
    if byPeriod {
      months[month].switchLosses += 1
      months[month].switchLostValue += value
    }
  }

  /// Writes the replication's row in `plan.layout` order (`phases`: the organisation over time).
  mutating func write(into out: UnsafeMutableBufferPointer<Double>, plan: SimulationPlan, phases: Phases) {
    let years = plan.horizon / 365
    // The periods first: they pair `waits[i]` with `waitMonths[i]`, which the whole run's
    // percentile then no longer keeps (it selects in place, so a run without periods copies nothing).
    if let periods = plan.periods { writePeriods(periods, phases: phases, into: out, plan: plan) }
    total.write(
      into: plan.layout.scenario(in: out, offset: 0), fixedCostYear: phases.fixedCostYear(plan, from: 0, to: plan.horizon), years: years,
      waitSum: total.waitSum, waitCount: total.waitCount, waitP90: waitP90())
    writeEntities(
      into: out, at: 0, plan: plan, phases: phases, from: 0, days: plan.horizon, team: { teams[$0] }, segment: { segments[$0] },
      pool: { pools[$0] })
  }

}

extension ReplicationMetrics {
  /// Each month's and quarter's scenario metrics, formed from the period's own tallies (a
  /// quarter's from its months' tallies added up).
  mutating func writePeriods(_ periods: PeriodCalendar, phases: Phases, into out: UnsafeMutableBufferPointer<Double>, plan: SimulationPlan) {
    let layout = plan.layout
    for kind in PeriodKind.allCases {
      for (p, period) in (kind == .month ? periods.months : periods.quarters).enumerated() {
        var tally = ScenarioTally()
        for m in period.months { tally = tally + months[m] }
        tally.write(
          into: layout.scenario(in: out, offset: layout.index(period: p, of: kind, metric: 0)),
          fixedCostYear: phases.fixedCostYear(plan, from: period.start, to: period.end), years: period.days / 365, waitSum: tally.waitSum,
          waitCount: tally.waitCount, waitP90: waitP90(months: period.months))
        let (t, g, q) = (teams.count, segments.count, pools.count)
        writeEntities(
          into: out, at: layout.index(period: p, of: kind, metric: 0), plan: plan, phases: phases, from: period.start, days: period.days,
          team: { e in period.months.reduce(TeamTally()) { $0 + monthTeams[$1 * t + e] } },
          segment: { e in period.months.reduce(SegmentTally()) { $0 + monthSegments[$1 * g + e] } },
          pool: { e in period.months.reduce(PoolTally()) { $0 + monthPools[$1 * q + e] } })
      }
    }
  }

  /// Each team's, segment's and pool's metrics over `days`, at `offset` plus their places in the
  /// layout of the totals.
  func writeEntities(
    into out: UnsafeMutableBufferPointer<Double>, at offset: Int, plan: SimulationPlan, phases: Phases, from: Double, days: Double,
    team: (Int) -> TeamTally,
    segment: (Int) -> SegmentTally, pool: (Int) -> PoolTally
  ) {
    func ratio(_ a: Double, _ b: Double) -> Double { b > 0 ? a / b : .nan }
    let layout = plan.layout
    for t in plan.teams.indices {
      let tally = team(t)
      let metrics = layout.team(t, in: out, offset: offset)
      metrics[.creditedBookings] = tally.credited
      metrics[.wins] = tally.wins
      metrics[.blocked] = tally.blocked
      metrics[.utilization] = ratio(tally.busyArea, phases.slotDays(team: t, plan, from: from, days: days))
      metrics.setRatio(.cycleDaysWon, tally.cycleDays, tally.wins)
    }
    for s in plan.segments.indices {
      let tally = segment(s)
      let metrics = layout.segment(s, in: out, offset: offset)
      metrics[.arrivals] = tally.arrivals
      metrics.setRatio(.coverage, tally.accepted, tally.arrivals)
      metrics.setRatio(.winRate, tally.wins, tally.wins + tally.losses)
      metrics.setRatio(.presalesWaitMean, tally.waitSum, tally.waitCount)
      metrics[.bookings] = tally.bookings
      metrics.setRatio(.cycleDaysWon, tally.cycleDays, tally.wins)
    }
    for p in plan.pools.indices {
      let tally = pool(p)
      let metrics = layout.pool(p, in: out, offset: offset)
      metrics[.utilization] = ratio(tally.busyArea, phases.expertDays(pool: p, plan, from: from, days: days))
      metrics.setRatio(.waitMean, tally.waitSum, tally.waitCount)
    }
  }

  /// The 90th percentile (nearest rank) of the waits of the requests made in these months, NaN with none.
  func waitP90(months range: Range<Int>) -> Double {
    var selected: [Double] = []
    for i in waits.indices where range.contains(Int(waitMonths[i])) { selected.append(waits[i]) }
    guard !selected.isEmpty else { return .nan }
    let k = max(0, min(selected.count - 1, Int((0.9 * Double(selected.count)).rounded(.up)) - 1))
    selected.withUnsafeMutableBufferPointer { quickSelect($0, k) }
    return selected[k]
  }
}

/// A busy count integrated over time, for utilization.
protocol BusyTime {
  /// Busy units x days since 0, and when the busy count last changed.
  var busyArea: Double { get set }
  var lastChange: Double { get set }
}

extension BusyTime {
  /// Adds `busy` x the time since the last change, clipped to [0, now).
  @inline(__always)
  mutating func busyChanged(busy: Int32, at now: Double) {
    let from = max(lastChange, 0)
    if now > from { busyArea += Double(busy) * (now - from) }
    lastChange = now
  }
}

/// Hoare's selection: afterwards buffer[k] holds the k-th smallest value. Expected O(n).
func quickSelect(_ a: UnsafeMutableBufferPointer<Double>, _ k: Int) {
  var low = 0
  var high = a.count - 1
  while low < high {
    let pivot = a[(low + high) / 2]
    var i = low
    var j = high
    while i <= j {
      while a[i] < pivot { i += 1 }
      while a[j] > pivot { j -= 1 }
      if i <= j {
        a.swapAt(i, j)
        i += 1
        j -= 1
      }
    }
    if k <= j { high = j } else if k >= i { low = i } else { return }
  }
}

/// The organisation over time, for what depends on it when results are written (fixed costs,
/// slots and experts): the plan at the end, and before `day` the former one of a transition.
struct Phases {
  let former: SimulationPlan?
  let day: Double

  // Where both organisations agree, the one-organisation formula: an identical transition gives
  // results identical to the bit.

  /// Days of [from, from + days) before the switch.
  private func daysBefore(from: Double, days: Double) -> Double {
    guard former != nil else { return 0 }
    return max(0, min(from + days, day) - from)
  }

  /// The yearly fixed cost (teams and pools) over [from, to), averaged over the phases.
  func fixedCostYear(_ plan: SimulationPlan, from: Double, to: Double) -> Double {
    func fixed(_ plan: SimulationPlan) -> Double { plan.teams.reduce(0) { $0 + $1.yearlyCost } + plan.pools.reduce(0) { $0 + $1.yearlyCost } }
    guard let former, to > from, fixed(former) != fixed(plan) else { return fixed(plan) }
    let before = daysBefore(from: from, days: to - from)
    if before == 0 { return fixed(plan) }
    if before == to - from { return fixed(former) }
    return (fixed(former) * before + fixed(plan) * (to - from - before)) / (to - from)
  }

  /// Team `t`'s slot-days over the window.
  func slotDays(team t: Int, _ plan: SimulationPlan, from: Double, days: Double) -> Double {
    guard let former, former.teams[t].capacity != plan.teams[t].capacity else { return Double(plan.teams[t].capacity) * days }
    let before = daysBefore(from: from, days: days)
    if before == days { return Double(former.teams[t].capacity) * days }
    return Double(former.teams[t].capacity) * before + Double(plan.teams[t].capacity) * (days - before)
  }

  /// Pool `p`'s expert-days over the window.
  func expertDays(pool p: Int, _ plan: SimulationPlan, from: Double, days: Double) -> Double {
    guard let former, former.pools[p].experts != plan.pools[p].experts else { return Double(plan.pools[p].experts) * days }
    let before = daysBefore(from: from, days: days)
    if before == days { return Double(former.pools[p].experts) * days }
    return Double(former.pools[p].experts) * before + Double(plan.pools[p].experts) * (days - before)
  }
}
