/// Accumulates one replication's metrics over the measured window [0, horizon) (MODEL.md §7).
struct ReplicationMetrics {
  let plan: SimulationPlan
  var arrivals = 0.0, uncoveredCount = 0.0, blockedCount = 0.0, acceptedCount = 0.0
  var wins = 0.0, losses = 0.0, bookings = 0.0, credited = 0.0, cycleDays = 0.0
  var requests = 0.0, gaveUpCount = 0.0, margins = 0.0
  var waits: [Double] = []
  var teamCredited: [Double], teamWins: [Double], teamBlocked: [Double]
  var teamArea: [Double], teamLastChange: [Double]
  var segmentArrivals: [Double], segmentAccepted: [Double], segmentWins: [Double], segmentLosses: [Double]
  var segmentWaitSum: [Double], segmentWaitCount: [Double]
  var poolArea: [Double], poolLastChange: [Double], poolWaitSum: [Double], poolWaitCount: [Double]

  init(plan: SimulationPlan) {
    self.plan = plan
    let teams = plan.teams.count
    let segments = plan.segments.count
    let pools = plan.pools.count
    teamCredited = Array(repeating: 0, count: teams)
    teamWins = teamCredited
    teamBlocked = teamCredited
    teamArea = teamCredited
    teamLastChange = teamCredited
    segmentArrivals = Array(repeating: 0, count: segments)
    segmentAccepted = segmentArrivals
    segmentWins = segmentArrivals
    segmentLosses = segmentArrivals
    segmentWaitSum = segmentArrivals
    segmentWaitCount = segmentArrivals
    poolArea = Array(repeating: 0, count: pools)
    poolLastChange = poolArea
    poolWaitSum = poolArea
    poolWaitCount = poolArea
    waits.reserveCapacity(4096)
  }

  mutating func reset(start: Double) {
    arrivals = 0; uncoveredCount = 0; blockedCount = 0; acceptedCount = 0
    wins = 0; losses = 0; bookings = 0; credited = 0; cycleDays = 0
    requests = 0; gaveUpCount = 0; margins = 0
    waits.removeAll(keepingCapacity: true)
    for i in teamCredited.indices {
      teamCredited[i] = 0; teamWins[i] = 0; teamBlocked[i] = 0; teamArea[i] = 0; teamLastChange[i] = start
    }
    for i in segmentArrivals.indices { segmentArrivals[i] = 0; segmentAccepted[i] = 0; segmentWins[i] = 0; segmentLosses[i] = 0; segmentWaitSum[i] = 0; segmentWaitCount[i] = 0 }
    for i in poolArea.indices { poolArea[i] = 0; poolLastChange[i] = start; poolWaitSum[i] = 0; poolWaitCount[i] = 0 }
  }

  mutating func arrival(segment: Int) {
    arrivals += 1
    segmentArrivals[segment] += 1
  }
  mutating func uncovered() { uncoveredCount += 1 }
  mutating func blocked(team: Int) {
    blockedCount += 1
    teamBlocked[team] += 1
  }
  mutating func accepted(segment: Int) {
    acceptedCount += 1
    segmentAccepted[segment] += 1
  }
  mutating func request() { requests += 1 }
  mutating func gaveUp() { gaveUpCount += 1 }
  mutating func wait(_ days: Double, pool: Int, segment: Int) {
    waits.append(days)
    segmentWaitSum[segment] += days
    segmentWaitCount[segment] += 1
    poolWaitSum[pool] += days
    poolWaitCount[pool] += 1
  }
  mutating func won(value: Double, cycleDays days: Double, segment: Int, team: Int, specialist: Int, margin: Double) {
    wins += 1
    bookings += value
    credited += value
    cycleDays += days
    segmentWins[segment] += 1
    teamWins[team] += 1
    teamCredited[team] += value
    margins += margin * value
    if specialist >= 0 {
      credited += value
      teamWins[specialist] += 1
      teamCredited[specialist] += value
    }
  }
  mutating func lost(segment: Int) {
    losses += 1
    segmentLosses[segment] += 1
  }

  /// Adds busy x time since the last change, clipped to [0, horizon).
  @inline(__always)
  static func accumulate(_ area: inout Double, _ last: inout Double, busy: Int32, now: Double) {
    let from = max(last, 0)
    if now > from { area += Double(busy) * (now - from) }
    last = now
  }
  mutating func teamBusyChanged(_ team: Int, busy: Int32, at now: Double) {
    Self.accumulate(&teamArea[team], &teamLastChange[team], busy: busy, now: now)
  }
  mutating func poolBusyChanged(_ pool: Int, busy: Int32, at now: Double) {
    Self.accumulate(&poolArea[pool], &poolLastChange[pool], busy: busy, now: now)
  }

  mutating func close(at horizon: Double, teamBusy: [Int32], poolBusy: [Int32]) {
    for t in teamArea.indices { teamBusyChanged(t, busy: teamBusy[t], at: horizon) }
    for p in poolArea.indices { poolBusyChanged(p, busy: poolBusy[p], at: horizon) }
  }

  /// The 90th percentile of the waits (nearest-rank), NaN with no waits.
  mutating func waitP90() -> Double {
    guard !waits.isEmpty else { return .nan }
    let rank = Int((0.9 * Double(waits.count)).rounded(.up)) - 1
    let k = max(0, min(waits.count - 1, rank))
    waits.withUnsafeMutableBufferPointer { buffer in quickSelect(buffer, k) }
    return waits[k]
  }

  mutating func write(into out: UnsafeMutableBufferPointer<Double>) {
    let years = plan.horizon / 365
    let fixedCost = plan.teams.reduce(0) { $0 + $1.yearlyCost } + plan.pools.reduce(0) { $0 + $1.yearlyCost }
    let cost = fixedCost * years + margins
    func ratio(_ a: Double, _ b: Double) -> Double { b > 0 ? a / b : .nan }
    let values: [Double] = [
      arrivals, uncoveredCount, blockedCount, acceptedCount, wins, losses, ratio(wins, wins + losses), bookings, credited,
      ratio(cycleDays, wins), requests, ratio(waits.reduce(0, +), Double(waits.count)), waitP90(), gaveUpCount, cost,
      ratio(bookings, cost),
    ]
    for (i, v) in values.enumerated() { out[i] = v }
    let layout = plan.layout
    for t in plan.teams.indices {
      out[layout.teamIndex(t, 0)] = teamCredited[t]
      out[layout.teamIndex(t, 1)] = teamWins[t]
      out[layout.teamIndex(t, 2)] = teamBlocked[t]
      out[layout.teamIndex(t, 3)] = ratio(teamArea[t], Double(plan.teams[t].capacity) * plan.horizon)
    }
    for s in plan.segments.indices {
      out[layout.segmentIndex(s, 0)] = segmentArrivals[s]
      out[layout.segmentIndex(s, 1)] = ratio(segmentAccepted[s], segmentArrivals[s])
      out[layout.segmentIndex(s, 2)] = ratio(segmentWins[s], segmentWins[s] + segmentLosses[s])
      out[layout.segmentIndex(s, 3)] = ratio(segmentWaitSum[s], segmentWaitCount[s])
    }
    for p in plan.pools.indices {
      out[layout.poolIndex(p, 0)] = ratio(poolArea[p], Double(plan.pools[p].experts) * plan.horizon)
      out[layout.poolIndex(p, 1)] = ratio(poolWaitSum[p], poolWaitCount[p])
    }
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
