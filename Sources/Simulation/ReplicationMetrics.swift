/// Accumulates one replication's metrics over the measured window [0, horizon) (docs/model.md).
struct ReplicationMetrics: ~Copyable {
  struct TeamTally: BusyTime {
    var credited = 0.0, wins = 0.0, blocked = 0.0
    var busyArea = 0.0, lastChange = 0.0
  }
  struct SegmentTally {
    var arrivals = 0.0, accepted = 0.0, wins = 0.0, losses = 0.0, waitSum = 0.0, waitCount = 0.0, bookings = 0.0
  }
  struct PoolTally: BusyTime {
    var busyArea = 0.0, lastChange = 0.0, waitSum = 0.0, waitCount = 0.0
  }

  /// The organisation's tallies over the year, or over one month.
  struct ScenarioTally {
    var arrivals = 0.0, uncovered = 0.0, blocked = 0.0, accepted = 0.0
    var wins = 0.0, losses = 0.0, bookings = 0.0, credited = 0.0, cycleDays = 0.0
    var requests = 0.0, gaveUp = 0.0, margins = 0.0, grossProfit = 0.0, commissions = 0.0
    var waitSum = 0.0, waitCount = 0.0

    static func + (a: Self, b: Self) -> Self {
      ScenarioTally(
        arrivals: a.arrivals + b.arrivals, uncovered: a.uncovered + b.uncovered, blocked: a.blocked + b.blocked,
        accepted: a.accepted + b.accepted, wins: a.wins + b.wins, losses: a.losses + b.losses, bookings: a.bookings + b.bookings,
        credited: a.credited + b.credited, cycleDays: a.cycleDays + b.cycleDays, requests: a.requests + b.requests,
        gaveUp: a.gaveUp + b.gaveUp, margins: a.margins + b.margins, grossProfit: a.grossProfit + b.grossProfit,
        commissions: a.commissions + b.commissions, waitSum: a.waitSum + b.waitSum, waitCount: a.waitCount + b.waitCount)
    }

    /// The scenario metrics in catalogue order, each formed from its parts; `years` of fixed
    /// cost, the waits' sum and count and their 90th percentile given.
    func values(fixedCostYear: Double, years: Double, waitSum: Double, waitCount: Double, waitP90: Double) -> [Double] {
      func ratio(_ a: Double, _ b: Double) -> Double { b > 0 ? a / b : .nan }
      let cost = fixedCostYear * years + margins + commissions
      return [
        arrivals, uncovered, blocked, accepted, wins, losses, ratio(wins, wins + losses), bookings, credited,
        ratio(cycleDays, wins), requests, ratio(waitSum, waitCount), waitP90, gaveUp, cost, ratio(bookings, cost),
        grossProfit, grossProfit - cost,
      ]
    }
  }

  var total = ScenarioTally()
  var waits = PlainArray<Double>(capacity: 4096)
  var teams: PlainArray<TeamTally>
  var segments: PlainArray<SegmentTally>
  var pools: PlainArray<PoolTally>
  /// By month (empty unless results are kept by period): tallies, each wait's month, the month
  /// of the current time and where the next one begins.
  var months: PlainArray<ScenarioTally>
  var waitMonths = PlainArray<Int32>(capacity: 0)
  var month = 0
  let monthEnds: [Double]
  var byPeriod: Bool { !monthEnds.isEmpty }

  init(plan: SimulationPlan) {
    teams = PlainArray(repeating: TeamTally(), count: plan.teams.count)
    segments = PlainArray(repeating: SegmentTally(), count: plan.segments.count)
    pools = PlainArray(repeating: PoolTally(), count: plan.pools.count)
    monthEnds = plan.periods?.months.map(\.end) ?? []
    months = PlainArray(repeating: ScenarioTally(), count: monthEnds.count)
  }

  mutating func reset(start: Double) {
    total = ScenarioTally()
    waits.removeAll()
    teams.fill(with: TeamTally(lastChange: start))
    segments.fill(with: SegmentTally())
    pools.fill(with: PoolTally(lastChange: start))
    if byPeriod {
      months.fill(with: ScenarioTally())
      waitMonths.removeAll()
      month = 0
    }
  }

  /// Moves the current month on to the one holding `now` (times only grow within a replication).
  @inline(__always)
  mutating func advance(to now: Double) {
    while month < monthEnds.count - 1, now >= monthEnds[month] { month += 1 }
  }

  mutating func arrival(segment: Int) {
    total.arrivals += 1
    if byPeriod { months[month].arrivals += 1 }
    segments[segment].arrivals += 1
  }
  mutating func uncovered() {
    total.uncovered += 1
    if byPeriod { months[month].uncovered += 1 }
  }
  mutating func blocked(team: Int) {
    total.blocked += 1
    if byPeriod { months[month].blocked += 1 }
    teams[team].blocked += 1
  }
  mutating func accepted(segment: Int) {
    total.accepted += 1
    if byPeriod { months[month].accepted += 1 }
    segments[segment].accepted += 1
  }
  mutating func request() {
    total.requests += 1
    if byPeriod { months[month].requests += 1 }
  }
  mutating func gaveUp() {
    total.gaveUp += 1
    if byPeriod { months[month].gaveUp += 1 }
  }
  mutating func wait(_ days: Double, pool: Int, segment: Int) {
    waits.append(days)
    if byPeriod {
      waitMonths.append(Int32(month))
      months[month].waitSum += days
      months[month].waitCount += 1
    }
    segments[segment].waitSum += days
    segments[segment].waitCount += 1
    pools[pool].waitSum += days
    pools[pool].waitCount += 1
  }
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
    }
    segments[segment].wins += 1
    segments[segment].bookings += value
    teams[team].wins += 1
    teams[team].credited += value
    if specialist >= 0 {
      teams[specialist].wins += 1
      teams[specialist].credited += value
    }
  }
  mutating func lost(segment: Int) {
    total.losses += 1
    if byPeriod { months[month].losses += 1 }
    segments[segment].losses += 1
  }

  mutating func teamBusyChanged(_ team: Int, busy: Int32, at now: Double) {
    teams[team].busyChanged(busy: busy, at: now)
  }
  mutating func poolBusyChanged(_ pool: Int, busy: Int32, at now: Double) {
    pools[pool].busyChanged(busy: busy, at: now)
  }

  mutating func close(at horizon: Double, teamBusy: borrowing PlainArray<Int32>, poolBusy: borrowing PlainArray<Int32>) {
    for t in teams.indices { teamBusyChanged(t, busy: teamBusy[t], at: horizon) }
    for p in pools.indices { poolBusyChanged(p, busy: poolBusy[p], at: horizon) }
  }

  /// The sum of the waits, in the order they were recorded.
  func waitSum() -> Double {
    var sum = 0.0
    for i in waits.indices { sum += waits[i] }
    return sum
  }

  /// The 90th percentile of the waits (nearest-rank), NaN with no waits.
  mutating func waitP90() -> Double {
    guard !waits.isEmpty else { return .nan }
    let rank = Int((0.9 * Double(waits.count)).rounded(.up)) - 1
    let k = max(0, min(waits.count - 1, rank))
    waits.withUnsafeMutableBufferPointer { buffer in quickSelect(buffer, k) }
    return waits[k]
  }

  /// Writes the replication's row in `plan.layout` order.
  mutating func write(into out: UnsafeMutableBufferPointer<Double>, plan: SimulationPlan) {
    let years = plan.horizon / 365
    let fixedCost = plan.teams.reduce(0) { $0 + $1.yearlyCost } + plan.pools.reduce(0) { $0 + $1.yearlyCost }
    func ratio(_ a: Double, _ b: Double) -> Double { b > 0 ? a / b : .nan }
    let values = total.values(fixedCostYear: fixedCost, years: years, waitSum: waitSum(), waitCount: Double(waits.count), waitP90: waitP90())
    for (i, v) in values.enumerated() { out[i] = v }
    if let periods = plan.periods { writePeriods(periods, fixedCostYear: fixedCost, into: out, layout: plan.layout) }
    let layout = plan.layout
    for t in teams.indices {
      let team = teams[t]
      out[layout.teamIndex(t, 0)] = team.credited
      out[layout.teamIndex(t, 1)] = team.wins
      out[layout.teamIndex(t, 2)] = team.blocked
      out[layout.teamIndex(t, 3)] = ratio(team.busyArea, Double(plan.teams[t].capacity) * plan.horizon)
    }
    for s in segments.indices {
      let segment = segments[s]
      out[layout.segmentIndex(s, 0)] = segment.arrivals
      out[layout.segmentIndex(s, 1)] = ratio(segment.accepted, segment.arrivals)
      out[layout.segmentIndex(s, 2)] = ratio(segment.wins, segment.wins + segment.losses)
      out[layout.segmentIndex(s, 3)] = ratio(segment.waitSum, segment.waitCount)
      out[layout.segmentIndex(s, 4)] = segment.bookings
    }
    for p in pools.indices {
      let pool = pools[p]
      out[layout.poolIndex(p, 0)] = ratio(pool.busyArea, Double(plan.pools[p].experts) * plan.horizon)
      out[layout.poolIndex(p, 1)] = ratio(pool.waitSum, pool.waitCount)
    }
  }
}

extension ReplicationMetrics {
  /// Each month's and quarter's scenario metrics, formed from the period's own tallies (a
  /// quarter's from its months' tallies added up).
  mutating func writePeriods(_ periods: PeriodCalendar, fixedCostYear: Double, into out: UnsafeMutableBufferPointer<Double>, layout: MetricLayout) {
    for kind in PeriodKind.allCases {
      for (p, period) in (kind == .month ? periods.months : periods.quarters).enumerated() {
        var tally = ScenarioTally()
        for m in period.months { tally = tally + months[m] }
        let values = tally.values(
          fixedCostYear: fixedCostYear, years: period.days / 365, waitSum: tally.waitSum, waitCount: tally.waitCount,
          waitP90: waitP90(months: period.months))
        for (i, v) in values.enumerated() { out[layout.index(period: p, of: kind, metric: i)] = v }
      }
    }
  }

  /// The 90th percentile (nearest rank) of the waits recorded in these months, NaN with none.
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
