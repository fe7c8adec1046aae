/// What happens at a moment of simulated time. Handled by one exhaustive `switch` in `Replication`.
enum Event: Sendable {
  /// The next opportunity of a segment arrives.
  case arrival(segment: Int32)
  /// A presales expert finishes serving an opportunity.
  case presalesDone(opportunity: Int32)
  /// An opportunity reaches the end of its current stage.
  case stageDone(opportunity: Int32)
  /// A presales request's patience runs out (ignored unless `token` still matches the request).
  case patienceOut(opportunity: Int32, token: UInt32)
}

struct ScheduledEvent: Sendable {
  var time: Double
  var sequence: UInt64
  var event: Event

  /// Calendar order: by time, ties by scheduling order, so runs are deterministic.
  /// Written so the (unpredictable) time comparison can compile to a select rather than a branch;
  /// equal times are rare, so the branch on them is well predicted.
  @inline(__always)
  func precedes(_ other: ScheduledEvent) -> Bool {
    if time == other.time { return sequence < other.sequence }
    return time < other.time
  }
}

/// The future event list: events in (time, sequence) order.
///
/// Two binary min-heaps behind one interface: arrivals (at most one pending per segment, so a tiny
/// heap) and the work on opportunities. Most events of a busy scenario are arrivals, and keeping them
/// apart halves the depth each of them travels. Every event takes its sequence number from one
/// counter, so the order is exactly that of a single heap. Storage is reused across replications
/// (`reset`): the event loop allocates nothing once warm.
struct EventCalendar {
  private var arrivals = EventHeap()
  private var work = EventHeap()
  private var sequence: UInt64 = 0

  init() {}

  var isEmpty: Bool { arrivals.isEmpty && work.isEmpty }
  var count: Int { arrivals.count + work.count }

  mutating func reset() {
    arrivals.removeAll()
    work.removeAll()
    sequence = 0
  }

  /// Adds an event at `time`. O(log n).
  mutating func schedule(_ event: Event, at time: Double) {
    let item = ScheduledEvent(time: time, sequence: sequence, event: event)
    sequence &+= 1
    if case .arrival = event { arrivals.insert(item) } else { work.insert(item) }
  }

  /// Removes and returns the earliest event if it is due before `limit`. O(log n).
  mutating func next(before limit: Double) -> ScheduledEvent? {
    let takeArrival: Bool
    switch (arrivals.first, work.first) {
    case (nil, nil): return nil
    case (let arrival?, nil): takeArrival = arrival.time < limit
      if !takeArrival { return nil }
    case (nil, let other?): if other.time >= limit { return nil }
      takeArrival = false
    case (let arrival?, let other?):
      takeArrival = arrival.precedes(other)
      if (takeArrival ? arrival.time : other.time) >= limit { return nil }
    }
    return takeArrival ? arrivals.removeFirst() : work.removeFirst()
  }

  /// Removes and returns the earliest event, if any.
  mutating func next() -> ScheduledEvent? { next(before: .infinity) }
}

/// A binary min-heap of scheduled events by (time, sequence).
struct EventHeap {
  private var items: [ScheduledEvent] = []

  init() { items.reserveCapacity(256) }

  var isEmpty: Bool { items.isEmpty }
  var count: Int { items.count }
  var first: ScheduledEvent? { items.first }

  mutating func removeAll() { items.removeAll(keepingCapacity: true) }

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

  /// Removes the earliest item: the hole at the root walks down to a leaf along the earlier
  /// children (one comparison per level), then the last item sifts up from there (Floyd's
  /// bottom-up variant; the last item usually belongs near the bottom). O(log n).
  mutating func removeFirst() -> ScheduledEvent? {
    guard let last = items.popLast() else { return nil }
    guard !items.isEmpty else { return last }
    let top = items[0]
    items.withUnsafeMutableBufferPointer { h in
      let n = h.count
      var hole = 0
      var child = 1
      while child < n {
        if child + 1 < n { child += h[child + 1].precedes(h[child]) ? 1 : 0 }
        h[hole] = h[child]
        hole = child
        child = 2 * hole + 1
      }
      while hole > 0 {
        let parent = (hole - 1) / 2
        guard last.precedes(h[parent]) else { break }
        h[hole] = h[parent]
        hole = parent
      }
      h[hole] = last
    }
    return top
  }
}
