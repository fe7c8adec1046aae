/// Accumulates one replication's metrics over the measured window [0, horizon) (MODEL.md §7).
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

  var arrivals = 0.0, uncoveredCount = 0.0, blockedCount = 0.0, acceptedCount = 0.0
  var wins = 0.0, losses = 0.0, bookings = 0.0, credited = 0.0, cycleDays = 0.0
  var requests = 0.0, gaveUpCount = 0.0, margins = 0.0, grossProfit = 0.0, commissions = 0.0
  var waits = PlainArray<Double>(capacity: 4096)
  var teams: PlainArray<TeamTally>
  var segments: PlainArray<SegmentTally>
  var pools: PlainArray<PoolTally>

  init(plan: SimulationPlan) {
    teams = PlainArray(repeating: TeamTally(), count: plan.teams.count)
    segments = PlainArray(repeating: SegmentTally(), count: plan.segments.count)
    pools = PlainArray(repeating: PoolTally(), count: plan.pools.count)
  }

  mutating func reset(start: Double) {
    arrivals = 0; uncoveredCount = 0; blockedCount = 0; acceptedCount = 0
    wins = 0; losses = 0; bookings = 0; credited = 0; cycleDays = 0
    requests = 0; gaveUpCount = 0; margins = 0; grossProfit = 0; commissions = 0
    waits.removeAll()
    teams.fill(with: TeamTally(lastChange: start))
    segments.fill(with: SegmentTally())
    pools.fill(with: PoolTally(lastChange: start))
  }

  mutating func arrival(segment: Int) {
    arrivals += 1
    segments[segment].arrivals += 1
  }
  mutating func uncovered() { uncoveredCount += 1 }
  mutating func blocked(team: Int) {
    blockedCount += 1
    teams[team].blocked += 1
  }
  mutating func accepted(segment: Int) {
    acceptedCount += 1
    segments[segment].accepted += 1
  }
  mutating func request() { requests += 1 }
  mutating func gaveUp() { gaveUpCount += 1 }
  mutating func wait(_ days: Double, pool: Int, segment: Int) {
    waits.append(days)
    segments[segment].waitSum += days
    segments[segment].waitCount += 1
    pools[pool].waitSum += days
    pools[pool].waitCount += 1
  }
  mutating func won(
    value: Double, cycleDays days: Double, segment: Int, team: Int, specialist: Int, margin: Double, grossMargin: Double,
    commission: Double
  ) {
    wins += 1
    bookings += value
    credited += value
    cycleDays += days
    grossProfit += grossMargin * value
    commissions += commission * value
    segments[segment].wins += 1
    segments[segment].bookings += value
    teams[team].wins += 1
    teams[team].credited += value
    margins += margin * value
    if specialist >= 0 {
      credited += value
      teams[specialist].wins += 1
      teams[specialist].credited += value
    }
  }
  mutating func lost(segment: Int) {
    losses += 1
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
    let cost = fixedCost * years + margins + commissions
    func ratio(_ a: Double, _ b: Double) -> Double { b > 0 ? a / b : .nan }
    let values: [Double] = [
      arrivals, uncoveredCount, blockedCount, acceptedCount, wins, losses, ratio(wins, wins + losses), bookings, credited,
      ratio(cycleDays, wins), requests, ratio(waitSum(), Double(waits.count)), waitP90(), gaveUpCount, cost,
      ratio(bookings, cost), grossProfit, grossProfit - cost,
    ]
    for (i, v) in values.enumerated() { out[i] = v }
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
