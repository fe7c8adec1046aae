/// What happens at a moment of simulated time. Handled by one exhaustive `switch` in `Replication`.
enum Event: Sendable, Equatable {
  /// The next opportunity of a segment arrives.
  case arrival(segment: Int32)
  /// A presales expert finishes serving an opportunity.
  case presalesDone(opportunity: Int32)
  /// An opportunity reaches the end of its current stage.
  case stageDone(opportunity: Int32)
  /// A presales request's patience runs out (ignored unless `token` still matches the request).
  /// The token is the event's own sequence number, taken by `EventCalendar.newToken()`.
  case patienceOut(opportunity: Int32, token: UInt64)
  /// A rep leaves their seat (teams whose reps are people).
  case repLeaves(seat: Int32)
  /// A new rep fills a seat: a backfill or a planned hire.
  case seatFilled(seat: Int32)
  /// A rep of a team with `time` finishes a deal's work (ignored unless `token`, the event's own
  /// sequence number, is still the rep's).
  case workDone(rep: Int32, token: UInt64)
  /// A month ends (scenarios with reps' time: coverage and the response).
  case monthStart
}

/// An event in the calendar, packed into 16 bytes: the heap moves these around a lot, and a node's
/// four children fill one 64-byte cache line.
struct ScheduledEvent: Sendable {
  /// The time as an unsigned integer in the same order (`timeKey(_:)`), so that (time, order)
  /// compares as one 128-bit integer: three instructions, no floating-point compare.
  var timeKey: UInt64
  /// The scheduling sequence number (high 35 bits), the event's kind (3 bits) and its subject (low
  /// 26 bits, two's complement). Sequence numbers are unique, so ordering by `order` is ordering by
  /// sequence.
  var order: UInt64

  /// Sequence numbers a replication can use: twice what validation lets a scenario expect
  /// (`Scenario.maximumEvents`).
  static let sequenceLimit: UInt64 = 1 << 35
  /// Subjects an event can name: opportunity slots (at most twice `Scenario.maximumSlots` open at
  /// once, counting those lost in a hand-over that wait for their event), seats, segments; -1.
  static let subjectRange: Range<Int32> = -(1 << 25)..<(1 << 25)
  private static let subjectMask: UInt64 = (1 << 26) - 1

  @inline(__always)
  private static func pack(_ sequence: UInt64, _ kind: UInt64, _ subject: Int32) -> UInt64 {
    assert(sequence < sequenceLimit && subjectRange.contains(subject), "event beyond the calendar's limits")
    return sequence << 29 | kind << 26 | UInt64(UInt32(bitPattern: subject)) & subjectMask
  }

  init(time: Double, sequence: UInt64, event: Event) {
    timeKey = Self.timeKey(time)
    switch event {
    case .arrival(let segment): order = Self.pack(sequence, 0, segment)
    case .presalesDone(let opportunity): order = Self.pack(sequence, 1, opportunity)
    case .stageDone(let opportunity): order = Self.pack(sequence, 2, opportunity)
    case .patienceOut(let opportunity, _): order = Self.pack(sequence, 3, opportunity)
    case .repLeaves(let seat): order = Self.pack(sequence, 4, seat)
    case .seatFilled(let seat): order = Self.pack(sequence, 5, seat)
    case .workDone(let rep, _): order = Self.pack(sequence, 6, rep)
    case .monthStart: order = Self.pack(sequence, 7, -1)
    }
  }

  /// The subject: opportunity slot, seat or segment.
  var subject: Int32 {
    @inline(__always) get { (Int32(truncatingIfNeeded: order) << 6) >> 6 }
    set { order = order & ~Self.subjectMask | UInt64(UInt32(bitPattern: newValue)) & Self.subjectMask }
  }

  var kind: UInt64 { @inline(__always) get { order >> 26 & 7 } }

  /// A time's bit pattern made to sort as an unsigned integer in the order of the times: a
  /// non-negative time gets its sign bit set, a negative one has every bit flipped (IEEE 754 is
  /// sign and magnitude). Exact and reversible (`time`); the one pair it orders differently from
  /// `<` is -0 before +0, which compare equal as numbers (never both pending in practice: -0 is
  /// the start of a run without warm-up, and nothing is scheduled at +0 before the run starts).
  @inline(__always)
  static func timeKey(_ time: Double) -> UInt64 {
    let bits = time.bitPattern
    return bits ^ (UInt64(bitPattern: Int64(bitPattern: bits) >> 63) | 0x8000_0000_0000_0000)
  }

  var time: Double {
    @inline(__always) get {
      Double(bitPattern: timeKey ^ (UInt64(bitPattern: Int64(bitPattern: ~timeKey) >> 63) | 0x8000_0000_0000_0000))
    }
    set { timeKey = Self.timeKey(newValue) }
  }

  var sequence: UInt64 { order >> 29 }

  var event: Event {
    switch kind {
    case 0: .arrival(segment: subject)
    case 1: .presalesDone(opportunity: subject)
    case 2: .stageDone(opportunity: subject)
    case 3: .patienceOut(opportunity: subject, token: sequence)
    case 4: .repLeaves(seat: subject)
    case 5: .seatFilled(seat: subject)
    case 6: .workDone(rep: subject, token: sequence)
    default: .monthStart
    }
  }

  var isArrival: Bool { kind == 0 }

  /// Calendar order: by time, ties by scheduling order, so runs are deterministic. One 128-bit
  /// unsigned comparison (compare, subtract with borrow, set), with no branch.
  @inline(__always)
  func precedes(_ other: ScheduledEvent) -> Bool {
    (UInt128(timeKey) << 64 | UInt128(order)) < (UInt128(other.timeKey) << 64 | UInt128(other.order))
  }

  /// Whether it is due before `limit` (a time key).
  @inline(__always)
  func isBefore(_ limit: UInt64) -> Bool { timeKey < limit }
}

/// The future event list: events in (time, sequence) order.
///
/// Arrivals and the work on opportunities are kept apart. There is exactly one pending arrival per
/// segment, so arrivals sit in a tournament tree over the segments: an arrival handled is replaced
/// by its segment's next one, which replays log2(segments) matches. The work is a 4-ary heap.
/// Most events of a busy scenario are arrivals; this keeps them off the heap. Every event takes its
/// sequence number from one counter, so the order is exactly that of a single heap ordered by
/// (time, sequence). Storage is reused across replications (`reset`): the event loop allocates
/// nothing once warm.
struct EventCalendar: ~Copyable {
  private var arrivals: ArrivalTournament
  private var work = EventHeap()
  private var sequence: UInt64 = 0

  /// A calendar for arrivals from `segments` segments (at most one pending each).
  init(segments: Int) { arrivals = ArrivalTournament(segments: segments) }

  var count: Int { arrivals.count + work.count }
  var isEmpty: Bool { count == 0 }

  mutating func reset() {
    arrivals.removeAll()
    work.removeAll()
    sequence = 0
  }

  /// Adds an event at `time`; an arrival replaces its segment's pending one. O(log n).
  /// A patience clock's sequence number is its token, taken before (`newToken()`).
  mutating func schedule(_ event: Event, at time: Double) {
    let item: ScheduledEvent
    if case .patienceOut(_, let token) = event {
      item = ScheduledEvent(time: time, sequence: token, event: event)
    } else if case .workDone(_, let token) = event {
      item = ScheduledEvent(time: time, sequence: token, event: event)
    } else {
      item = ScheduledEvent(time: time, sequence: sequence, event: event)
      sequence &+= 1
    }
    if item.isArrival {
      arrivals.set(item)
    } else {
      work.insert(item)
    }
  }

  /// A number no other token or event of this replication has, larger than every earlier one:
  /// the next sequence number. A request's patience clock is scheduled with its token as its
  /// sequence number, so the event's place in the order is that of the moment the token was taken.
  mutating func newToken() -> UInt64 {
    defer { sequence &+= 1 }
    return sequence
  }

  /// Removes and returns the earliest event if it is due before `limit`. O(log n).
  mutating func next(before limit: Double) -> ScheduledEvent? {
    let limitKey = ScheduledEvent.timeKey(limit)
    let arrival = arrivals.first
    if let other = work.first, other.precedes(arrival) {
      return other.isBefore(limitKey) ? work.removeFirst() : nil
    }
    guard arrival.isBefore(limitKey) else { return nil }
    arrivals.remove(segment: Int(arrival.subject))
    return arrival
  }

  /// Removes and returns the earliest event, if any.
  mutating func next() -> ScheduledEvent? { next(before: .infinity) }

  /// When segment `segment`'s next arrival is due (+infinity: none pending).
  func pendingArrival(segment: Int) -> Double { arrivals.pending(segment: segment) }

  /// Renumbers the seats of pending rep events (a transition moves reps between seats); a seat
  /// mapped to -1 has its events ignored. Times and order are unchanged, so the heap stays valid.
  mutating func renumberSeats(_ map: [Int32]) { work.renumberSeats(map) }

  /// Moves each seat's pending departure to now + (its time - now) x `factors[seat]` (a new
  /// attrition rate on the same exponential draw; +infinity: nobody leaves any more).
  mutating func retimeDepartures(_ factors: [Double], now: Double) { work.retimeDepartures(factors, now: now) }
}

/// One pending arrival per segment in a winner tree: `winner[node]` is the segment whose arrival
/// is earliest below `node`; leaves are `capacity + segment`. A segment with nothing pending holds
/// a time of +infinity.
struct ArrivalTournament: ~Copyable {
  private var pending: PlainArray<ScheduledEvent>
  private var winner: PlainArray<Int32>
  private let capacity: Int
  private(set) var count = 0
  /// The segment whose arrival was last removed: `set` usually refills it straight away, so its
  /// replay waits for that (one replay instead of two).
  private var vacated = -1

  init(segments: Int) {
    var capacity = 1
    while capacity < segments { capacity *= 2 }
    self.capacity = capacity
    pending = PlainArray(repeating: Self.nothing(0), count: capacity)
    for s in 0..<capacity { pending[s] = Self.nothing(s) }
    winner = PlainArray(repeating: 0, count: 2 * capacity)
    removeAll()
  }

  /// The time key of +infinity (`ScheduledEvent.timeKey(.infinity)`): nothing pending.
  private static var never: UInt64 { 0xFFF0_0000_0000_0000 }

  private static func nothing(_ segment: Int) -> ScheduledEvent {
    ScheduledEvent(time: .infinity, sequence: ScheduledEvent.sequenceLimit - 1, event: .arrival(segment: Int32(segment)))
  }

  mutating func removeAll() {
    for s in 0..<capacity { pending[s] = Self.nothing(s) }
    for leaf in capacity..<(2 * capacity) { winner[leaf] = Int32(leaf - capacity) }
    for node in stride(from: capacity - 1, to: 0, by: -1) { winner[node] = winner[2 * node] }
    count = 0
    vacated = -1
  }

  func pending(segment: Int) -> Double { pending[segment].time }

  /// The earliest pending arrival (time +infinity if none).
  var first: ScheduledEvent {
    mutating get {
      if vacated >= 0 { replayVacated() }
      return pending[Int(winner[1])]
    }
  }

  /// Sets the pending arrival of `item`'s segment. O(log segments).
  mutating func set(_ item: ScheduledEvent) {
    let segment = Int(item.subject)
    if pending[segment].timeKey == Self.never { count += 1 }
    pending[segment] = item
    if vacated >= 0, vacated != segment { replayVacated() }
    vacated = -1
    replay(from: segment)
  }

  /// Removes the pending arrival of `segment`.
  mutating func remove(segment: Int) {
    if vacated >= 0 { replayVacated() }
    if pending[segment].timeKey != Self.never { count -= 1 }
    pending[segment] = Self.nothing(segment)
    vacated = segment
  }

  private mutating func replayVacated() {
    let segment = vacated
    vacated = -1
    replay(from: segment)
  }

  /// Replays the matches on the path from `segment`'s leaf to the root.
  private mutating func replay(from segment: Int) {
    let leaf = capacity + segment
    pending.withUnsafeMutableBufferPointer { pending in
      winner.withUnsafeMutableBufferPointer { winner in
        var node = leaf >> 1
        while node >= 1 {
          let left = winner[node &* 2]
          let right = winner[node &* 2 &+ 1]
          winner[node] = pending[Int(right)].precedes(pending[Int(left)]) ? right : left
          node >>= 1
        }
      }
    }
  }
}

/// A 4-ary min-heap of scheduled events by (time, sequence): half the levels of a binary heap,
/// and a node's four children are compared as two pairs, then the winners.
struct EventHeap: ~Copyable {
  private var items = PlainArray<ScheduledEvent>(capacity: 256)

  init() {}

  var isEmpty: Bool { items.isEmpty }
  var count: Int { items.count }
  var first: ScheduledEvent? { items.isEmpty ? nil : items[0] }

  mutating func removeAll() { items.removeAll() }

  mutating func renumberSeats(_ map: [Int32]) {
    for i in items.indices where items[i].kind == 4 || items[i].kind == 5 {
      let seat = Int(items[i].subject)
      items[i].subject = seat >= 0 && seat < map.count ? map[seat] : -1
    }
  }

  mutating func retimeDepartures(_ factors: [Double], now: Double) {
    var changed = false
    for i in items.indices where items[i].kind == 4 && items[i].subject >= 0 {
      let factor = factors[Int(items[i].subject)]
      guard factor != 1 else { continue }
      items[i].time = factor.isFinite ? now + (items[i].time - now) * factor : .infinity
      changed = true
    }
    guard changed else { return }
    // Heap order restored bottom-up (Floyd), four children a node.
    items.withUnsafeMutableBufferPointer { h in
      for start in stride(from: (h.count - 2) / 4, through: 0, by: -1) {
        var parent = start
        while true {
          let first = 4 * parent + 1
          guard first < h.count else { break }
          var child = first
          for other in (first + 1)..<min(first + 4, h.count) where h[other].precedes(h[child]) { child = other }
          guard h[child].precedes(h[parent]) else { break }
          h.swapAt(parent, child)
          parent = child
        }
      }
    }
  }

  /// Sifts the new item up from the end. O(log n).
  mutating func insert(_ item: ScheduledEvent) {
    items.append(item)
    items.withUnsafeMutableBufferPointer { h in Self.siftUp(item, from: h.count - 1, in: h) }
  }

  /// Removes the earliest item. O(log n).
  mutating func removeFirst() -> ScheduledEvent? {
    guard let last = items.popLast() else { return nil }
    guard !items.isEmpty else { return last }
    let top = items[0]
    siftFromRoot(last)
    return top
  }

  /// Puts `item` in the hole at the root: the hole walks down to a leaf along the earliest
  /// children (with four children: the earlier of each pair, then of the two, as selects), then
  /// `item` sifts up from there (Floyd's bottom-up variant: it usually belongs near the bottom).
  private mutating func siftFromRoot(_ item: ScheduledEvent) {
    items.withUnsafeMutableBufferPointer { h in
      let n = h.count
      var hole = 0
      var child = 1
      while child < n {
        var best = child
        if child &+ 3 < n {
          let a = h[child &+ 1].precedes(h[child]) ? child &+ 1 : child
          let b = h[child &+ 3].precedes(h[child &+ 2]) ? child &+ 3 : child &+ 2
          best = h[b].precedes(h[a]) ? b : a
        } else {
          var other = child &+ 1
          while other < n {
            if h[other].precedes(h[best]) { best = other }
            other &+= 1
          }
        }
        h[hole] = h[best]
        hole = best
        child = 4 &* hole &+ 1
      }
      Self.siftUp(item, from: hole, in: h)
    }
  }

  /// Puts `item` in the hole at `start` and moves it up past every parent it precedes (each
  /// moving down into the hole).
  @inline(__always)
  private static func siftUp(_ item: ScheduledEvent, from start: Int, in h: UnsafeMutableBufferPointer<ScheduledEvent>) {
    var hole = start
    while hole > 0 {
      let parent = (hole &- 1) >> 2
      guard item.precedes(h[parent]) else { break }
      h[hole] = h[parent]
      hole = parent
    }
    h[hole] = item
  }
}
