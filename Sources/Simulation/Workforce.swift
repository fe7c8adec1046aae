import CoverageModel
import Randomness

/// The reps of teams whose reps are people (docs/model.md, "People"): who sits in each seat, since
/// when, how many opportunities each works, when they leave and when the seat is filled again; and
/// the people metrics over [0, horizon). Owned by a `Replication`; empty when no team has people.
///
/// Random draws come from each seat's own stream (`StreamKey.seat`): its occupants' times to
/// leaving, backfill delays and the first occupant's tenure (`StreamAttribute`); a hand-over's
/// loss draws from a stream of (seat, opportunity).
struct Workforce: ~Copyable {
  struct Seat {
    /// The current occupant's first day (tenure starts here).
    var hireDay = 0.0
    /// When the seat's current state (employed, vacant, not yet open) began, for the time tallies.
    var since = 0.0
    var busy: Int32 = 0
    /// Occupants so far (the current one's number).
    var occupant: UInt32 = 0
    var employed = false
    var open = false
    /// The current occupant's credited bookings and days employed within [0, horizon).
    var credited = 0.0
    var employedDays = 0.0
  }

  /// One team's people tallies over the year or a month.
  struct Tally {
    var headcount = 0.0, vacant = 0.0, seatDays = 0.0, capacity = 0.0, nominal = 0.0
    var leavers = 0.0, hires = 0.0, handoverLosses = 0.0
    var credited = 0.0, quotaDays = 0.0, atQuotaDays = 0.0
    static func - (a: Self, b: Self) -> Self {
      Tally(
        headcount: a.headcount - b.headcount, vacant: a.vacant - b.vacant, seatDays: a.seatDays - b.seatDays,
        capacity: a.capacity - b.capacity, nominal: a.nominal - b.nominal, leavers: a.leavers - b.leavers, hires: a.hires - b.hires,
        handoverLosses: a.handoverLosses - b.handoverLosses, credited: a.credited - b.credited, quotaDays: a.quotaDays - b.quotaDays,
        atQuotaDays: a.atQuotaDays - b.atQuotaDays)
    }
    static func + (a: Self, b: Self) -> Self {
      Tally(
        headcount: a.headcount + b.headcount, vacant: a.vacant + b.vacant, seatDays: a.seatDays + b.seatDays,
        capacity: a.capacity + b.capacity, nominal: a.nominal + b.nominal, leavers: a.leavers + b.leavers, hires: a.hires + b.hires,
        handoverLosses: a.handoverLosses + b.handoverLosses, credited: a.credited + b.credited, quotaDays: a.quotaDays + b.quotaDays,
        atQuotaDays: a.atQuotaDays + b.atQuotaDays)
    }
  }

  /// A tenure start so early that every ramp is over: the reps of a team without `tenure_months`.
  static let longAgo = -1e15

  var seats: PlainArray<Seat>
  var seatKeys: PlainArray<UInt64>
  var totals: PlainArray<Tally>
  /// By month (`month * people + team`), when results are kept by period.
  var months: PlainArray<Tally>
  let monthStarts: [Double]
  let monthEnds: [Double]
  let horizon: Double

  /// The tallies at a transition's switch and the plan before it: pay before the switch is at
  /// the former organisation's rates.
  var atSwitch: (totals: [Tally], months: [Tally], plan: SimulationPlan)?

  /// `seats`: the seats of every organisation the replication may have (a transition's two).
  init(plan: SimulationPlan, seats count: Int) {
    seats = PlainArray(repeating: Seat(), count: count)
    seatKeys = PlainArray(repeating: 0, count: count)
    totals = PlainArray(repeating: Tally(), count: plan.people.count)
    monthStarts = plan.periods?.months.map(\.start) ?? []
    monthEnds = plan.periods?.months.map(\.end) ?? []
    months = PlainArray(repeating: Tally(), count: monthEnds.count * plan.people.count)
    horizon = plan.horizon
  }

  /// Fills the seats present at `start` and schedules leavers and planned hires.
  mutating func reset(plan: SimulationPlan, replicationKey: UInt64, start: Double, calendar: inout EventCalendar, generator: RandomGenerator) {
    totals.fill(with: Tally())
    months.fill(with: Tally())
    atSwitch = nil
    seats.fill(with: Seat(since: start))
    for people in plan.people {
      for s in people.seats.range {
        let number = s - Int(people.seats.start)
        seatKeys[s] = StreamKey.seat(replicationKey: replicationKey, team: people.nameKey, seat: number)
        seats[s] = Seat(since: start)
        if number < Int(people.initialSeats) {
          var hireDay = Self.longAgo
          if let tenure = people.tenureMonths {
            generator.select(key: seatKeys[s], attribute: StreamAttribute.tenure)
            hireDay = start - generator.sample(tenure, from: plan.samplerTables) * daysPerTenureMonth
          }
          seats[s].open = true
          seats[s].employed = true
          seats[s].hireDay = hireDay
          scheduleLeaving(s, people: people, after: start, calendar: &calendar, generator: generator)
        } else {
          let opens = plan.seats[s].opens
          if opens < horizon { calendar.schedule(.seatFilled(seat: Int32(s)), at: max(opens, start)) }
        }
      }
    }
  }

  private func scheduleLeaving(_ s: Int, people: SimulationPlan.PeoplePlan, after now: Double, calendar: inout EventCalendar, generator: RandomGenerator) {
    guard people.attritionPerDay > 0 else { return }
    generator.select(key: seatKeys[s], attribute: StreamAttribute.leaving(occupant: seats[s].occupant))
    let leaves = now + generator.exponential(mean: 1 / people.attritionPerDay)
    if leaves < horizon { calendar.schedule(.repLeaves(seat: Int32(s)), at: leaves) }
  }

  // MARK: - Ramp and assignment

  /// The productivity of seat `s`'s rep at `now`: the ramp of its tenure month, 1 after it.
  @inline(__always)
  func productivity(_ s: Int, at now: Double, plan: SimulationPlan) -> Double {
    let ramp = plan.people[Int(plan.seats[s].people)].ramp
    let tenure = (now - seats[s].hireDay) / daysPerTenureMonth
    guard tenure < Double(ramp.end - ramp.start) else { return 1 }
    return plan.rampValues[Int(ramp.start) + max(0, Int(tenure))]
  }

  /// Opportunities seat `s`'s rep can work at once at `now` (0 when vacant).
  func capacity(_ s: Int, at now: Double, plan: SimulationPlan) -> Int32 {
    guard seats[s].employed else { return 0 }
    let people = plan.people[Int(plan.seats[s].people)]
    guard people.rampCapacity else { return people.slotsPerRep }
    return Self.slots(productivity(s, at: now, plan: plan), of: people.slotsPerRep)
  }

  /// ceil(productivity x slots), robust to the product's rounding (0.3 x 10 is 3, not 4).
  static func slots(_ productivity: Double, of slots: Int32) -> Int32 {
    Int32(max(0, (productivity * Double(slots) - 1e-9).rounded(.up)))
  }

  /// The team's rep with the most free slots (the lowest seat on ties), or -1 when none has one.
  /// With `handingOver`, the seat leaving is passed over and a rep without a free slot may take it.
  func freestSeat(people p: Int, at now: Double, plan: SimulationPlan, handingOver leaving: Int = -1) -> Int32 {
    var best: Int32 = -1
    var bestFree: Int32 = leaving >= 0 ? .min : 0
    for s in plan.people[p].seats.range where s != leaving && seats[s].employed {
      let free = capacity(s, at: now, plan: plan) - seats[s].busy
      if free > bestFree {
        best = Int32(s)
        bestFree = free
      }
    }
    return best
  }

  @inline(__always) mutating func take(_ s: Int32) { seats[Int(s)].busy += 1 }
  @inline(__always) mutating func release(_ s: Int32) { seats[Int(s)].busy -= 1 }

  /// Bookings credited to seat `s`'s rep (counted wins only).
  mutating func credit(_ s: Int32, value: Double, plan: SimulationPlan, month: Int) {
    let p = Int(plan.seats[Int(s)].people)
    if seats[Int(s)].employed { seats[Int(s)].credited += value }
    totals[p].credited += value
    if !months.isEmpty { months[month * totals.count + p].credited += value }
  }

  mutating func handoverLost(people p: Int, at now: Double) {
    count(p, at: now) { $0.handoverLosses += 1 }
  }

  // MARK: - Leavers and hires

  /// Seat `s`'s rep leaves at `now`: the seat is vacant until its backfill starts.
  mutating func leave(_ s: Int, at now: Double, plan: SimulationPlan, calendar: inout EventCalendar, generator: RandomGenerator) {
    let p = Int(plan.seats[s].people)
    account(s, upTo: now, plan: plan)
    finishOccupant(s, plan: plan)
    seats[s].employed = false
    count(p, at: now) { $0.leavers += 1 }
    generator.select(key: seatKeys[s], attribute: StreamAttribute.backfill(occupant: seats[s].occupant))
    let filled = now + generator.sample(plan.people[p].backfill, from: plan.samplerTables)
    if filled < horizon { calendar.schedule(.seatFilled(seat: Int32(s)), at: filled) }
  }

  /// A new rep (tenure 0) takes seat `s` at `now`: a backfill, or a planned hire's seat opening.
  mutating func fill(_ s: Int, at now: Double, plan: SimulationPlan, calendar: inout EventCalendar, generator: RandomGenerator) {
    let p = Int(plan.seats[s].people)
    account(s, upTo: now, plan: plan)
    seats[s].open = true
    seats[s].employed = true
    seats[s].occupant += 1
    seats[s].hireDay = now
    seats[s].credited = 0
    seats[s].employedDays = 0
    count(p, at: now) { $0.hires += 1 }
    scheduleLeaving(s, people: plan.people[p], after: now, calendar: &calendar, generator: generator)
  }

  /// The key of the hand-over of an opportunity (by its key) from seat `s`'s current rep.
  func handoverKey(seat s: Int, opportunity: UInt64) -> UInt64 {
    StreamKey.combine(StreamKey.combine(seatKeys[s], UInt64(seats[s].occupant)), opportunity)
  }

  /// Adds a counted event (a leaver, a hire, a hand-over loss) to the year and its month.
  private mutating func count(_ p: Int, at now: Double, _ add: (inout Tally) -> Void) {
    guard now >= 0, now < horizon else { return }
    add(&totals[p])
    if !months.isEmpty { add(&months[month(at: now) * totals.count + p]) }
  }

  private func month(at time: Double) -> Int {
    var low = 0
    var high = monthEnds.count - 1
    while low < high {
      let mid = (low + high) / 2
      if monthEnds[mid] > time { high = mid } else { low = mid + 1 }
    }
    return low
  }

  // MARK: - Time tallies

  /// Adds seat `s`'s state from its last change to `now` to the time tallies.
  private mutating func account(_ s: Int, upTo now: Double, plan: SimulationPlan) {
    let from = max(seats[s].since, 0)
    let to = min(now, horizon)
    seats[s].since = now
    guard to > from, seats[s].open else { return }
    let p = Int(plan.seats[s].people)
    let people = plan.people[p]
    let slots = Double(people.slotsPerRep)
    let employed = seats[s].employed
    if employed { seats[s].employedDays += to - from }
    spread(p, from: from, to: to) { tally, days in
      tally.seatDays += days
      tally.nominal += slots * days
      if employed { tally.headcount += days } else { tally.vacant += days }
    }
    guard employed else { return }
    // Slot-days available: constant within a tenure month (k counted, not recomputed from times,
    // so a month boundary that rounds either way is neither skipped nor counted twice).
    let months = Double(people.ramp.end - people.ramp.start)
    let tenure = (from - seats[s].hireDay) / daysPerTenureMonth
    guard people.rampCapacity, tenure < months else {
      spread(p, from: from, to: to) { tally, days in tally.capacity += slots * days }
      return
    }
    var k = max(0, Int(tenure))
    var start = from
    while start < to {
      guard k < Int(months) else {
        spread(p, from: start, to: to) { tally, days in tally.capacity += slots * days }
        return
      }
      let end = min(to, seats[s].hireDay + Double(k + 1) * daysPerTenureMonth)
      let available = Double(Self.slots(plan.rampValues[Int(people.ramp.start) + k], of: people.slotsPerRep))
      if end > start { spread(p, from: start, to: end) { tally, days in tally.capacity += available * days } }
      start = max(start, end)
      k += 1
    }
  }

  /// Adds days of [from, to) to the year's tally and to each month's share of it.
  private mutating func spread(_ p: Int, from: Double, to: Double, _ add: (inout Tally, Double) -> Void) {
    add(&totals[p], to - from)
    guard !months.isEmpty else { return }
    var m = month(at: from)
    while m < monthEnds.count, monthStarts[m] < to {
      let days = min(to, monthEnds[m]) - max(from, monthStarts[m])
      if days > 0 { add(&months[m * totals.count + p], days) }
      m += 1
    }
  }

  /// A rep's quota result once their time in the seat (within the window) is over.
  private mutating func finishOccupant(_ s: Int, plan: SimulationPlan) {
    let p = Int(plan.seats[s].people)
    let quota = plan.people[p].quota
    let days = seats[s].employedDays
    guard quota > 0, days > 0 else { return }
    totals[p].quotaDays += days
    if seats[s].credited >= quota * days / 365 { totals[p].atQuotaDays += days }
  }

  /// Closes the year: every seat's state to the horizon, every rep still in post.
  mutating func close(plan: SimulationPlan) {
    for s in seats.indices {
      account(s, upTo: horizon, plan: plan)
      if seats[s].employed { finishOccupant(s, plan: plan) }
    }
  }

  /// Pay of the reps employed over a team's tally, and the cost of its hires (either alone when
  /// `hires` or `pay` is false: the bridge's cost lines).
  static func salaries(_ tally: Tally, people: SimulationPlan.PeoplePlan, pay: Bool = true, hires: Bool = true) -> Double {
    guard pay, hires else { return pay ? people.costPerRepYear * tally.headcount / 365 : hires ? people.costPerHire * tally.hires : 0 }
    return people.costPerRepYear * tally.headcount / 365 + people.costPerHire * tally.hires
  }

  /// The year's pay and hiring cost, and each month's (after a transition, the part before its
  /// switch at the former organisation's rates).
  func salaries(plan: SimulationPlan, pay: Bool = true, hires: Bool = true) -> (year: Double, months: [Double]) {
    var year = 0.0
    var byMonth = Array(repeating: 0.0, count: monthEnds.count)
    for (p, people) in plan.people.enumerated() {
      let n = totals.count
      if let (before, beforeMonths, former) = atSwitch, former.people[p].costPerRepYear != people.costPerRepYear || former.people[p].costPerHire != people.costPerHire {
        year += Self.salaries(before[p], people: former.people[p], pay: pay, hires: hires)
          + Self.salaries(totals[p] - before[p], people: people, pay: pay, hires: hires)
        for m in byMonth.indices {
          let earlier = beforeMonths[m * n + p]
          byMonth[m] += Self.salaries(earlier, people: former.people[p], pay: pay, hires: hires)
            + Self.salaries(months[m * n + p] - earlier, people: people, pay: pay, hires: hires)
        }
      } else {
        year += Self.salaries(totals[p], people: people, pay: pay, hires: hires)
        for m in byMonth.indices { byMonth[m] += Self.salaries(months[m * n + p], people: people, pay: pay, hires: hires) }
      }
    }
    return (year, byMonth)
  }

  // MARK: - Transition

  /// A transition's switch at `now`: seat states to the switch at the former's ramps, released
  /// reps leave, carried reps move to their new seats (their pending leaving and backfill with
  /// them), and seats nobody is carried into open for new hires.
  mutating func reorganise(
    _ transition: TransitionPlan, at now: Double, before: SimulationPlan, replicationKey: UInt64, calendar: inout EventCalendar,
    generator: RandomGenerator
  ) {
    let after = transition.after
    // Time tallies up to the switch at the former's terms, for seats whose terms change (a seat
    // that stays on the same terms is left alone, so an identical transition changes no sum).
    for s in before.seats.indices {
      let p = Int(before.seats[s].people)
      let target = Int(transition.seatMap[s])
      let same = target == s && after.seats[s].people == before.seats[s].people && Self.sameTerms(before, after, people: p)
      if !same { account(s, upTo: now, plan: before) }
    }
    for s in before.seats.indices where transition.seatMap[s] < 0 {
      if seats[s].employed {
        finishOccupant(s, plan: before)
        count(Int(before.seats[s].people), at: now) { $0.leavers += 1 }
      }
      seats[s] = Seat(since: now)
    }
    atSwitch = (totals.array, months.array, before)
    var moved = [Seat](repeating: Seat(since: now), count: seats.count)
    var keys = [UInt64](repeating: 0, count: seats.count)
    for s in before.seats.indices where transition.seatMap[s] >= 0 {
      moved[Int(transition.seatMap[s])] = seats[s]
      keys[Int(transition.seatMap[s])] = seatKeys[s]
    }
    for s in moved.indices {
      seats[s] = moved[s]
      seatKeys[s] = keys[s]
    }
    calendar.renumberSeats(transition.seatMap)
    // A carried rep whose attrition rate changed: the same draw at the new rate.
    var factors = [Double](repeating: 1, count: seats.count)
    for s in before.seats.indices where transition.seatMap[s] >= 0 {
      let target = Int(transition.seatMap[s])
      let old = before.people[Int(before.seats[s].people)].attritionPerDay
      let people = after.people[Int(after.seats[target].people)]
      guard old != people.attritionPerDay, seats[target].employed else { continue }
      if old == 0 {
        scheduleLeaving(target, people: people, after: now, calendar: &calendar, generator: generator)
      } else {
        factors[target] = people.attritionPerDay > 0 ? old / people.attritionPerDay : .infinity
      }
    }
    calendar.retimeDepartures(factors, now: now)
    for seat in transition.newSeats {
      let s = Int(seat)
      let people = after.people[Int(after.seats[s].people)]
      seatKeys[s] = StreamKey.seat(replicationKey: replicationKey, team: people.nameKey, seat: s - Int(people.seats.start))
      let opens = max(after.seats[s].opens, now)
      if opens < horizon { calendar.schedule(.seatFilled(seat: seat), at: opens) }
    }
  }

  /// Whether team `p`'s reps work, ramp and are paid alike in both plans.
  static func sameTerms(_ a: SimulationPlan, _ b: SimulationPlan, people p: Int) -> Bool {
    let (x, y) = (a.people[p], b.people[p])
    return x.slotsPerRep == y.slotsPerRep && x.rampCapacity == y.rampCapacity && x.costPerRepYear == y.costPerRepYear
      && x.costPerHire == y.costPerHire && x.quota == y.quota && a.rampValues[x.ramp.range] == b.rampValues[y.ramp.range]
  }

  /// Every rep's load set to nothing (a switch counts them afresh).
  mutating func clearLoads() {
    for s in seats.indices { seats[s].busy = 0 }
  }

  // MARK: - Results

  /// Writes the people metrics of the totals and of each period, and puts each people team's
  /// utilization on the slots it had (vacancies and ramp-up excluded) instead of its full seats.
  func write(into out: UnsafeMutableBufferPointer<Double>, plan: SimulationPlan, phases: Phases) {
    let layout = plan.layout
    writeTallies(into: out, at: 0, plan: plan, phases: phases, from: 0, days: plan.horizon, wholeHorizon: true) { totals[$0] }
    guard let periods = plan.periods else { return }
    for kind in PeriodKind.allCases {
      for (index, period) in (kind == .month ? periods.months : periods.quarters).enumerated() {
        let n = totals.count
        writeTallies(
          into: out, at: layout.index(period: index, of: kind, metric: 0), plan: plan, phases: phases, from: period.start, days: period.days,
          wholeHorizon: false
        ) { p in
          period.months.reduce(Tally()) { $0 + months[$1 * n + p] }
        }
      }
    }
  }

  private func writeTallies(
    into out: UnsafeMutableBufferPointer<Double>, at offset: Int, plan: SimulationPlan, phases: Phases, from: Double, days: Double,
    wholeHorizon: Bool, tally: (Int) -> Tally
  ) {
    func ratio(_ a: Double, _ b: Double) -> Double { b > 0 ? a / b : .nan }
    let layout = plan.layout
    for (p, people) in plan.people.enumerated() {
      let t = tally(p)
      let quota = people.quota > 0 ? people.quota : .nan
      let metrics = layout.people(p, in: out, offset: offset)
      metrics[.headcount] = t.headcount / days
      metrics.setRatio(.vacantShare, t.vacant, t.seatDays)
      metrics.setRatio(.capacityShare, t.capacity, t.nominal)
      metrics[.leavers] = t.leavers
      metrics[.hires] = t.hires
      metrics[.handoverLosses] = t.handoverLosses
      metrics.setRatio(.quotaAttainment, t.credited, quota * t.headcount / 365)
      metrics.setRatio(.atQuotaShare, t.atQuotaDays, wholeHorizon && people.quota > 0 ? t.quotaDays : 0)
      // The metrics writer put utilization on the team's full seats over the period: this puts it on
      // the slot-days the team had.
      let team = layout.team(Int(people.team), in: out, offset: offset)
      let full = phases.slotDays(team: Int(people.team), plan, from: from, days: days)
      team[.utilization] = ratio(team[.utilization] * full, t.capacity)
    }
  }
}
