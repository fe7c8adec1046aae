import CoverageModel
import Randomness

/// Presales (docs/model.md): requests queued by pool policy, patience clocks in their lanes,
/// service by pooled or tracked experts, and requests that give up.
extension Replication {
  /// Puts a request in a queue and starts its patience clock.
  mutating func enqueue(_ index: Int32, in queue: Int, pool: Int) {
    let token = calendar.newToken()
    opportunities[Int(index)].token = token
    opportunities[Int(index)].waiting = true
    opportunities[Int(index)].patienceClock = plan.pools[pool].patience != nil
    if queue >= 0 { queues[queue].append(index, token: token) } else { expertQueues[-queue - 1].append(index, token: token) }
    if let patience = plan.pools[pool].patience {
      if !usesPatienceLanes || patienceLanes[pool].add(PatienceLane.Clock(due: now + patience, opportunity: index, token: token)) {
        calendar.schedule(.patienceOut(opportunity: index, token: token), at: now + patience)
      }
    }
  }

  /// The lane's next clock that may still matter, in the calendar; those of requests served or
  /// withdrawn since are dropped (their events would do nothing).
  mutating func scheduleNextPatience(lane: Int) {
    patienceLanes[lane].scheduled = nil
    while let clock = patienceLanes[lane].popFirst() {
      let opportunity = opportunities[Int(clock.opportunity)]
      // As `runOutOfPatience` decides: a clock matters while its request waits, or frees an
      // opportunity lost in a hand-over. A token never comes back, and a request that is not
      // waiting waits again only under a new token: a clock that does not matter now never will.
      guard opportunity.token == clock.token, opportunity.waiting || opportunity.abandoned else { continue }
      patienceLanes[lane].scheduled = clock.token
      return calendar.schedule(.patienceOut(opportunity: clock.opportunity, token: clock.token), at: clock.due)
    }
  }

  /// A request to a pool whose experts are tracked one by one. With `coordinate`, a later request
  /// of the same opportunity waits for the expert who served its first; otherwise (and for a
  /// first request) the free expert with the lowest index serves it, or it waits for any.
  mutating func requestExpert(_ index: Int32, pool: Int) {
    let poolPlan = plan.pools[pool]
    let first = Int(poolPlan.expertStart)
    let grade = poolPlan.tiered ? Int(opportunities[Int(index)].grade) : 0
    let assigned = lastExpert[Int(index) * plan.identityPools + Int(poolPlan.identity)]
    if poolPlan.coordinate, assigned >= 0 {
      if !expertBusy[first + Int(assigned)] { return startService(index, pool: pool, expert: assigned) }
      return enqueue(index, in: -(expertQueue(pool: pool, expert: Int(assigned), grade: grade)) - 1, pool: pool)
    }
    for e in 0..<Int(poolPlan.experts) where !expertBusy[first + e] { return startService(index, pool: pool, expert: Int32(e)) }
    enqueue(index, in: queueStart[pool] + grade, pool: pool)
  }

  @inline(__always)
  private func expertQueue(pool: Int, expert: Int, grade: Int) -> Int {
    (Int(plan.pools[pool].expertStart) + expert) * max(plan.gradeMinimums.count, 1) + grade
  }

  mutating func startService(_ index: Int32, pool: Int, expert: Int32 = -1) {
    let poolPlan = plan.pools[pool]
    opportunities[Int(index)].waiting = false
    occupyPool(pool, by: 1)
    recordWait(index)
    if poolPlan.affectsWinFactor { adjustWinFactor(index, pool: pool, expert: expert) }
    generator.select(key: opportunities[Int(index)].key, attribute: StreamAttribute.presalesService(Int(opportunities[Int(index)].stage)))
    calendar.schedule(.presalesDone(opportunity: index), at: now + generator.sample(poolPlan.service, from: plan.samplerTables))
  }

  /// A served request's effect on the win factor: a hand-off to another expert than the
  /// opportunity's previous one, and the pool's served factor the first time.
  private mutating func adjustWinFactor(_ index: Int32, pool: Int, expert: Int32) {
    let poolPlan = plan.pools[pool]

    if expert >= 0 {
      expertBusy[Int(poolPlan.expertStart) + Int(expert)] = true
      opportunities[Int(index)].expert = expert
      let slot = Int(index) * plan.identityPools + Int(poolPlan.identity)
      let previous = lastExpert[slot]
      if previous >= 0, previous != expert {
        opportunities[Int(index)].winFactor *= poolPlan.handoffWinFactor
        if trace != nil { traceFactor(index, .presalesServed, poolPlan.handoffWinFactor) }
      }
      lastExpert[slot] = expert
    }
    if poolPlan.servedWinFactor != 1, pool < 64, servedPools[Int(index)] & (1 << UInt64(pool)) == 0 {
      servedPools[Int(index)] |= 1 << UInt64(pool)
      opportunities[Int(index)].winFactor *= poolPlan.servedWinFactor
      if trace != nil { traceFactor(index, .presalesServed, poolPlan.servedWinFactor) }
    }
  }

  /// A request stops waiting now (served, given up, lost or withdrawn): its wait goes to the metrics.
  @inline(__always)
  mutating func recordWait(_ index: Int32) {
    let i = Int(index)
    metrics.wait(from: opportunities[i].requestTime, to: now, pool: Int(opportunities[i].pool), segment: Int(opportunities[i].segment))
  }

  /// The requests still waiting at the horizon: their waits so far count (censored there).
  mutating func censorWaits() {
    for i in opportunities.indices where opportunities[i].waiting {
      metrics.wait(
        from: opportunities[i].requestTime, to: plan.horizon, pool: Int(opportunities[i].pool), segment: Int(opportunities[i].segment))
    }
  }

  mutating func finishPresales(_ index: Int32) {
    let pool = Int(opportunities[Int(index)].pool)
    occupyPool(pool, by: -1)
    if plan.pools[pool].identity >= 0 {
      let expert = opportunities[Int(index)].expert
      expertBusy[Int(plan.pools[pool].expertStart) + Int(expert)] = false
      opportunities[Int(index)].expert = -1
      if let next = nextWaiting(pool: pool, expert: Int(expert)) { startService(next, pool: pool, expert: expert) }
    } else if poolBusy[pool] < plan.pools[pool].experts, let next = nextWaiting(pool: pool) {
      // (A pool can have more busy than experts for a while after a transition takes some away.)
      startService(next, pool: pool)
    }
    if trace != nil { tracePresales(index, days: now - opportunities[Int(index)].requestTime) }
    if plan.mayAbandon, opportunities[Int(index)].abandoned { return freeSlot(index) }
    scheduleStageEnd(index)
  }

  /// Whether a queue entry is a request still waiting (it has not given up, or been served since).
  @inline(__always)
  private func isWaiting(_ entry: (Int32, UInt64)) -> Bool {
    opportunities[Int(entry.0)].waiting && opportunities[Int(entry.0)].token == entry.1
  }

  /// The next request a freed expert of the pool serves, taken off its queue: by grade when
  /// tiered, then first come first served; entries of requests that gave up are dropped.
  @inline(__always)
  mutating func nextWaiting(pool: Int) -> Int32? {
    for queue in queueStart[pool]..<queueStart[pool + 1] {
      while let entry = queues[queue].popFirst() {
        if isWaiting(entry) { return entry.0 }
      }
    }
    return nil
  }

  /// For a tracked expert: the requests waiting for that expert and those waiting for any, in
  /// policy order (grade, then the earlier request).
  private mutating func nextWaiting(pool: Int, expert: Int) -> Int32? {
    // Each queue is read and popped on its own: one expression choosing between `queues` and
    // `expertQueues` would make both unique (two runtime checks) on every read.
    for grade in 0..<(queueStart[pool + 1] - queueStart[pool]) {
      let general = queueStart[pool] + grade
      let own = plan.pools[pool].coordinate ? expertQueue(pool: pool, expert: expert, grade: grade) : -1
      var mine: (Int32, UInt64)?
      if own >= 0 {
        // Entries of requests that gave up are dropped.
        mine = expertQueues[own].first
        while let entry = mine, !isWaiting(entry) {
          _ = expertQueues[own].popFirst()
          mine = expertQueues[own].first
        }
      }
      var any = queues[general].first
      while let entry = any, !isWaiting(entry) {
        _ = queues[general].popFirst()
        any = queues[general].first
      }
      switch (mine, any) {
      case (nil, nil): continue
      case (let m?, let a?) where m.1 < a.1:
        // Tokens count up within a replication: the smaller came first.
        _ = expertQueues[own].popFirst()
        return m.0
      case (_, let a?):
        _ = queues[general].popFirst()
        return a.0
      case (let m?, nil):
        _ = expertQueues[own].popFirst()
        return m.0
      }
    }
    return nil
  }

  mutating func runOutOfPatience(_ index: Int32, token: UInt64) {
    let opportunity = opportunities[Int(index)]
    if plan.mayAbandon, opportunity.abandoned {
      // Lost in a hand-over while it waited: this was its pending event.
      if opportunity.token == token { freeSlot(index) }
      return
    }
    guard opportunity.waiting, opportunity.token == token else { return }
    let pool = Int(opportunity.pool)
    opportunities[Int(index)].waiting = false
    opportunities[Int(index)].winFactor *= plan.pools[pool].noPresalesWinFactor
    if trace != nil {
      traceFactor(index, .presalesGaveUp, plan.pools[pool].noPresalesWinFactor)
      tracePresales(index, days: now - opportunity.requestTime)
    }
    recordWait(index)
    if opportunity.requestTime >= 0 { metrics.gaveUp() }
    scheduleStageEnd(index)
  }
}
