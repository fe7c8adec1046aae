/// A first-in, first-out queue that reuses its storage.
struct FIFO<Element> {
  private var items: [Element] = []
  private var head = 0

  mutating func append(_ element: Element) { items.append(element) }

  /// The oldest element, left in place.
  var first: Element? { head < items.count ? items[head] : nil }

  mutating func popFirst() -> Element? {
    guard head < items.count else { return nil }
    let item = items[head]
    head += 1
    if head == items.count {
      items.removeAll(keepingCapacity: true)
      head = 0
    } else if head > 1024, head * 2 > items.count {
      items.removeFirst(head)
      head = 0
    }
    return item
  }

  mutating func removeAll() {
    items.removeAll(keepingCapacity: true)
    head = 0
  }
}

/// A FIFO of waiting requests (opportunity, token), with stale entries skipped by the reader.
struct PresalesQueue {
  private var entries = FIFO<(Int32, UInt64)>()

  mutating func append(_ opportunity: Int32, token: UInt64) { entries.append((opportunity, token)) }
  /// The oldest entry, left in place.
  var first: (Int32, UInt64)? { entries.first }
  mutating func popFirst() -> (Int32, UInt64)? { entries.popFirst() }
  mutating func removeAll() { entries.removeAll() }
}

/// A pool's patience clocks, in the order they fall due: one patience for every request of a
/// pool, so clocks started later end later. Only the lane's first clock that may still matter
/// is in the calendar (`scheduled`: its token); most requests are served before their patience
/// runs out, and their clocks are dropped when the lane comes to them, without an event. A clock
/// keeps the sequence number of the moment it started (its token), so the events that happen
/// come in exactly the order of a calendar holding every clock.
struct PatienceLane {
  struct Clock {
    var due: Double
    var opportunity: Int32
    var token: UInt64
  }
  private var clocks = FIFO<Clock>()
  /// The token of the lane's clock in the calendar, if one is.
  var scheduled: UInt64?
  /// When the lane's last clock falls due.
  private var lastDue = -Double.infinity

  /// Takes a new clock; true if it goes into the calendar now: the lane's first (nothing in the
  /// calendar for the lane means nothing queued either), or one due before the lane's last (a
  /// transition shortened the pool's patience), which is the calendar's alone. Inlined into
  /// `enqueue` (docs/performance.md).
  @inline(__always)
  mutating func add(_ clock: Clock) -> Bool {
    if scheduled == nil {
      scheduled = clock.token
      lastDue = clock.due
      return true
    }
    guard clock.due >= lastDue else { return true }
    clocks.append(clock)
    lastDue = clock.due
    return false
  }

  mutating func popFirst() -> Clock? { clocks.popFirst() }

  mutating func removeAll() {
    clocks.removeAll()
    scheduled = nil
    lastDue = -.infinity
  }
}
