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
  @inline(__always)
  func precedes(_ other: ScheduledEvent) -> Bool {
    time < other.time || (time == other.time && sequence < other.sequence)
  }
}

/// The future event list: a binary min-heap ordered by (time, sequence).
///
/// `schedule` and `next` are O(log n); storage is reused across replications (`reset`), so the
/// event loop allocates nothing once warm.
struct EventCalendar {
  private var heap: [ScheduledEvent] = []
  private var sequence: UInt64 = 0

  init() { heap.reserveCapacity(1024) }

  var isEmpty: Bool { heap.isEmpty }
  var count: Int { heap.count }

  mutating func reset() {
    heap.removeAll(keepingCapacity: true)
    sequence = 0
  }

  /// Adds an event at `time`. O(log n).
  mutating func schedule(_ event: Event, at time: Double) {
    let item = ScheduledEvent(time: time, sequence: sequence, event: event)
    sequence &+= 1
    heap.append(item)
    var child = heap.count - 1
    heap.withUnsafeMutableBufferPointer { h in
      while child > 0 {
        let parent = (child - 1) / 2
        guard item.precedes(h[parent]) else { break }
        h[child] = h[parent]
        child = parent
      }
      h[child] = item
    }
  }

  /// Time of the next event, if any. O(1).
  var nextTime: Double? { heap.first?.time }

  /// Removes and returns the earliest event. O(log n).
  mutating func next() -> ScheduledEvent? {
    guard let last = heap.popLast() else { return nil }
    guard !heap.isEmpty else { return last }
    let top = heap[0]
    heap.withUnsafeMutableBufferPointer { h in
      let n = h.count
      var parent = 0
      while true {
        var child = 2 * parent + 1
        if child >= n { break }
        if child + 1 < n, h[child + 1].precedes(h[child]) { child += 1 }
        guard h[child].precedes(last) else { break }
        h[parent] = h[child]
        parent = child
      }
      h[parent] = last
    }
    return top
  }
}
