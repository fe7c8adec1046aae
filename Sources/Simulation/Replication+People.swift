import CoverageModel
import Randomness

/// People (docs/model.md, "People"): a rep leaving hands over or loses their open opportunities;
/// a rep of a team with `time` has hours while in post, as their ramp gives them.
extension Replication {
  /// Seat `seat`'s rep leaves: the seat is vacant until its backfill, and the rep's open
  /// opportunities pass to the team's rep with the most free slots (over capacity if need be; kept
  /// for the backfill if nobody is in post), each lost with the team's handover_loss.
  mutating func repLeaves(_ seat: Int) {
    let people = Int(plan.seats[seat].people)
    if plan.hasEffort, effort.isTimed(Int(plan.people[people].team)) { return timedRepLeaves(seat, team: Int(plan.people[people].team)) }
    let loss = plan.people[people].handoverLoss
    for i in opportunities.indices where opportunities[i].rep == Int32(seat) {
      if loss > 0 {
        generator.select(key: workforce.handoverKey(seat: seat, opportunity: opportunities[i].key), attribute: StreamAttribute.only)
        if generator.uniform() < loss {
          abandon(Int32(i), people: people)
          continue
        }
      }
      let heir = workforce.freestSeat(people: people, at: now, plan: plan, handingOver: seat)
      guard heir >= 0 else { continue }
      workforce.release(Int32(seat))
      workforce.take(heir)
      opportunities[i].rep = heir
    }
    workforce.leave(seat, at: now, plan: plan, calendar: &calendar, generator: generator)
  }

  /// An open opportunity lost in a hand-over: it counts as lost now and gives back its team slot,
  /// rep and specialist; the event it was waiting for frees it (a request waiting without
  /// patience has none, so is freed here).
  mutating func abandon(_ index: Int32, people: Int) {
    let opportunity = opportunities[Int(index)]
    if now >= 0 {
      metrics.lost(segment: Int(opportunity.segment))
      workforce.handoverLost(people: people, at: now)
    }
    if trace != nil { traceClosed(index, won: false) }
    occupyTeam(Int(opportunity.team), by: -1)
    releaseSpecialist(index)
    workforce.release(opportunity.rep)
    opportunities[Int(index)].rep = -1
    opportunities[Int(index)].abandoned = true
    if opportunity.waiting {
      recordWait(index)
      opportunities[Int(index)].waiting = false
      if !opportunity.patienceClock { freeSlot(index) }
    } else {
      // A patience clock left over from a request already served must not free it.
      opportunities[Int(index)].token = calendar.newToken()
    }
  }

  // MARK: - Reps of teams with `time` as people

  /// The rep of a team of people sitting in `seat` (nil: no seat, or not the team's).
  @inline(__always)
  func seatRep(_ seat: Int32, team t: Int) -> Int? {
    let team = effort.teams[t]
    guard team.seatStart >= 0, seat >= Int32(team.seatStart), Int(seat) < team.seatStart + team.reps else { return nil }
    return team.firstRep + Int(seat) - team.seatStart
  }

  /// Whether a rep has hours now: always, or for a seat, an occupant whose ramp is above 0.
  @inline(__always)
  func working(rep r: Int) -> Bool {
    let seat = Int(effort.reps[r].seat)
    guard seat >= 0 else { return true }
    guard workforce.seats[seat].employed else { return false }
    let people = plan.people[Int(plan.seats[seat].people)]
    return !people.rampCapacity || workforce.productivity(seat, at: now, plan: plan) > 0
  }

  /// Selling hours rep r accrues over [a, b): its rate, or for a seat, its rate while occupied
  /// times the occupant's ramp by tenure month (with ramp_applies_to capacity).
  func accrued(rep r: Int, from a: Double, to b: Double) -> Double {
    let rep = effort.reps[r]
    guard rep.seat >= 0 else { return rep.rate * (b - a) }
    guard b > a else { return 0 }
    let s = Int(rep.seat)
    guard workforce.seats[s].employed else { return 0 }
    let people = plan.people[Int(plan.seats[s].people)]
    guard people.rampCapacity else { return rep.rate * (b - a) }
    let hireDay = workforce.seats[s].hireDay
    let months = people.ramp.range.count
    var hours = 0.0
    var start = a
    var k = max(0, Int((a - hireDay) / daysPerTenureMonth))
    while start < b {
      guard k < months else { return hours + rep.rate * (b - start) }
      let end = min(b, hireDay + Double(k + 1) * daysPerTenureMonth)
      if end > start { hours += rep.rate * plan.rampValues[Int(people.ramp.start) + k] * (end - start) }
      start = max(start, end)
      k += 1
    }
    return hours
  }

  /// When rep r, from `now`, has accrued `hours` selling hours (infinity: never, as things stand).
  func accrual(rep r: Int, hours: Double) -> Double {
    let rep = effort.reps[r]
    guard rep.seat >= 0 else { return now + hours / rep.rate }
    let s = Int(rep.seat)
    guard workforce.seats[s].employed, rep.rate > 0 else { return .infinity }
    let people = plan.people[Int(plan.seats[s].people)]
    guard people.rampCapacity else { return now + hours / rep.rate }
    let hireDay = workforce.seats[s].hireDay
    let months = people.ramp.range.count
    var remaining = hours
    var start = now
    var k = max(0, Int((now - hireDay) / daysPerTenureMonth))
    while k < months {
      let end = hireDay + Double(k + 1) * daysPerTenureMonth
      let rate = rep.rate * plan.rampValues[Int(people.ramp.start) + k]
      if end > start, rate > 0 {
        if remaining <= rate * (end - start) { return start + remaining / rate }
        remaining -= rate * (end - start)
      }
      start = max(start, end)
      k += 1
    }
    return start + remaining / rep.rate
  }

  /// A seat's new occupant: the seat's rep has no hours while it is vacant, and works again.
  mutating func fillSeat(_ s: Int) {
    var r = -1
    if plan.hasEffort {
      let t = Int(plan.people[Int(plan.seats[s].people)].team)
      if effort.isTimed(t), let rep = seatRep(Int32(s), team: t) { r = rep }
    }
    if r >= 0 { flush(rep: r) }
    workforce.fill(s, at: now, plan: plan, calendar: &calendar, generator: generator)
    if r >= 0 { scheduleCompletion(rep: r) }
  }

  /// Seat `s`'s rep leaves a team with time: every rep's hours are brought up to now, and each of
  /// the leaver's open deals is lost with the team's handover_loss or passes, with its pending
  /// work, to the rep with the least pending work then (the first on ties; kept for the backfill
  /// when nobody else is in post).
  mutating func timedRepLeaves(_ s: Int, team t: Int) {
    let team = effort.teams[t]
    for r in team.firstRep..<(team.firstRep + team.reps) { flush(rep: r) }
    let leaver = seatRep(Int32(s), team: t) ?? team.firstRep
    let p = Int(plan.seats[s].people)
    let loss = plan.people[p].handoverLoss
    for i in opportunities.indices where opportunities[i].rep == Int32(s) {
      let index = Int32(i)
      let job = i < effort.jobs.count && effort.jobs[i].key == opportunities[i].key && effort.jobs[i].active ? Int(effort.jobs[i].rep) : -1
      if loss > 0 {
        generator.select(key: workforce.handoverKey(seat: s, opportunity: opportunities[i].key), attribute: StreamAttribute.only)
        if generator.uniform() < loss {
          if job >= 0 { dropJob(index, from: job) }
          abandon(index, people: p)
          // Its customer days over, the deal waited for work: no event is left to free it.
          if job >= 0, effort.jobs[i].daysDone { freeSlot(index) }
          continue
        }
      }
      let heir = leastPendingRep(team: t, excluding: leaver)
      guard heir != leaver, workforce.seats[Int(effort.reps[heir].seat)].employed else { continue }
      let seat = effort.reps[heir].seat
      workforce.release(Int32(s))
      workforce.take(seat)
      opportunities[i].rep = seat
      guard job >= 0 else { continue }
      dropJob(index, from: job)
      effort.jobs[i].active = true
      effort.jobs[i].rep = Int32(heir)
      effort.reps[heir].jobs.append(index)
      if !effort.jobs[i].stale { effort.reps[heir].pending += effort.jobs[i].left }
    }
    workforce.leave(s, at: now, plan: plan, calendar: &calendar, generator: generator)
    for r in team.firstRep..<(team.firstRep + team.reps) { scheduleCompletion(rep: r) }
  }

  /// Takes a job off its rep's desk (its pending work with it).
  private mutating func dropJob(_ index: Int32, from r: Int) {
    let i = Int(index)
    effort.jobs[i].active = false
    effort.reps[r].jobs.removeAll { $0 == index }
    if !effort.jobs[i].stale { effort.reps[r].pending = max(0, effort.reps[r].pending - max(0, effort.jobs[i].left)) }
  }
}
