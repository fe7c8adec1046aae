/// What happens at a moment of simulated time. Handled by one exhaustive `switch` in `Replication`.
enum Event: Sendable, Equatable {
  /// The next opportunity of a segment arrives.
  case arrival(segment: Int32)
  /// A presales expert finishes serving an opportunity.
  case presalesDone(opportunity: Int32)
  /// An opportunity reaches the end of its current stage.
  case stageDone(opportunity: Int32)
  /// A presales request's patience runs out (ignored unless `token` still matches the request).
  case patienceOut(opportunity: Int32, token: UInt32)
}

/// An event in the calendar, packed into 24 bytes: the heap moves these around a lot.
struct ScheduledEvent: Sendable {
  var time: Double
  /// The scheduling sequence number (high 62 bits) and the event's kind (low 2 bits). Sequence
  /// numbers are unique, so ordering by `order` is ordering by sequence.
  var order: UInt64
  var subject: Int32
  var token: UInt32

  init(time: Double, sequence: UInt64, event: Event) {
    self.time = time
    switch event {
    case .arrival(let segment): (order, subject, token) = (sequence << 2, segment, 0)
    case .presalesDone(let opportunity): (order, subject, token) = (sequence << 2 | 1, opportunity, 0)
    case .stageDone(let opportunity): (order, subject, token) = (sequence << 2 | 2, opportunity, 0)
    case .patienceOut(let opportunity, let token): (order, subject, self.token) = (sequence << 2 | 3, opportunity, token)
    }
  }

  var sequence: UInt64 { order >> 2 }

  var event: Event {
    switch order & 3 {
    case 0: .arrival(segment: subject)
    case 1: .presalesDone(opportunity: subject)
    case 2: .stageDone(opportunity: subject)
    default: .patienceOut(opportunity: subject, token: token)
    }
  }

  var isArrival: Bool { order & 3 == 0 }

  /// Calendar order: by time, ties by scheduling order, so runs are deterministic. Written so the
  /// (unpredictable) time comparison compiles to a select rather than a branch; equal times are
  /// rare, so the branch on them is well predicted.
  @inline(__always)
  func precedes(_ other: ScheduledEvent) -> Bool {
    if time == other.time { return order < other.order }
    return time < other.time
  }
}

/// The future event list: events in (time, sequence) order.
///
/// Two binary min-heaps behind one interface: arrivals (exactly one pending per segment, so a tiny
/// heap) and the work on opportunities. Most events of a busy scenario are arrivals, and keeping them
/// apart shortens the path each of them travels; an arrival taken from the calendar stays at the top
/// of its heap until its segment's next arrival replaces it, one sift instead of two. Every event
/// takes its sequence number from one counter, so the order is exactly that of a single heap.
/// Storage is reused across replications (`reset`): the event loop allocates nothing once warm.
struct EventCalendar: ~Copyable {
  private var arrivals = EventHeap()
  private var work = EventHeap()
  private var sequence: UInt64 = 0
  /// The arrival last returned by `next`, still at the top of `arrivals`.
  private var takenArrival = false

  init() {}

  var count: Int { arrivals.count + work.count - (takenArrival ? 1 : 0) }
  var isEmpty: Bool { count == 0 }

  mutating func reset() {
    arrivals.removeAll()
    work.removeAll()
    sequence = 0
    takenArrival = false
  }

  /// Adds an event at `time`. O(log n).
  mutating func schedule(_ event: Event, at time: Double) {
    let item = ScheduledEvent(time: time, sequence: sequence, event: event)
    sequence &+= 1
    if item.isArrival {
      if takenArrival {
        takenArrival = false
        arrivals.replaceFirst(with: item)
      } else {
        arrivals.insert(item)
      }
    } else {
      work.insert(item)
    }
  }

  /// Removes and returns the earliest event if it is due before `limit`. O(log n).
  mutating func next(before limit: Double) -> ScheduledEvent? {
    if takenArrival {
      takenArrival = false
      _ = arrivals.removeFirst()
    }
    let takeArrival: Bool
    if let arrival = arrivals.first {
      if let other = work.first {
        takeArrival = arrival.precedes(other)
      } else {
        takeArrival = true
      }
    } else {
      takeArrival = false
    }
    if takeArrival {
      guard let arrival = arrivals.first, arrival.time < limit else { return nil }
      takenArrival = true
      return arrival
    }
    guard let other = work.first, other.time < limit else { return nil }
    return work.removeFirst()
  }

  /// Removes and returns the earliest event, if any.
  mutating func next() -> ScheduledEvent? { next(before: .infinity) }
}

/// A binary min-heap of scheduled events by (time, sequence).
struct EventHeap: ~Copyable {
  private var items = PlainArray<ScheduledEvent>(capacity: 256)

  init() {}

  var isEmpty: Bool { items.isEmpty }
  var count: Int { items.count }
  var first: ScheduledEvent? { items.isEmpty ? nil : items[0] }

  mutating func removeAll() { items.removeAll() }

  /// Sifts the new item up from the end. O(log n).
  mutating func insert(_ item: ScheduledEvent) {
    items.append(item)
    items.withUnsafeMutableBufferPointer { h in
      var child = h.count - 1
      while child > 0 {
        let parent = (child - 1) / 2
        guard item.precedes(h[parent]) else { break }
        h[child] = h[parent]
        child = parent
      }
      h[child] = item
    }
  }

  /// Removes the earliest item. O(log n).
  mutating func removeFirst() -> ScheduledEvent? {
    guard let last = items.popLast() else { return nil }
    guard !items.isEmpty else { return last }
    let top = items[0]
    siftFromRoot(last)
    return top
  }

  /// Replaces the earliest item by `item` (which must not precede it). O(log n).
  mutating func replaceFirst(with item: ScheduledEvent) {
    siftFromRoot(item)
  }

  /// Puts `item` in the hole at the root: the hole walks down to a leaf along the earlier children
  /// (one comparison per level, as a select: which child is earlier is a coin toss), then `item`
  /// sifts up from there (Floyd's bottom-up variant: it usually belongs near the bottom).
  private mutating func siftFromRoot(_ item: ScheduledEvent) {
    items.withUnsafeMutableBufferPointer { h in
      let n = h.count
      var hole = 0
      var child = 1
      while child < n {
        if child &+ 1 < n { child &+= h[child &+ 1].precedes(h[child]) ? 1 : 0 }
        h[hole] = h[child]
        hole = child
        child = 2 &* hole &+ 1
      }
      while hole > 0 {
        let parent = (hole &- 1) / 2
        guard item.precedes(h[parent]) else { break }
        h[hole] = h[parent]
        hole = parent
      }
      h[hole] = item
    }
  }
}
