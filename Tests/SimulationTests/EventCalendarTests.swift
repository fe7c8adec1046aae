import TestSupport
import Testing

@testable import Simulation


@Suite("Event calendar")
struct EventCalendarTests {
  /// Drives a calendar as the engine does (now only moves forward; one arrival pending per segment,
  /// replaced when it is taken), against a reference: every pending event in a list, the earliest
  /// by (time, sequence) found by a scan.
  @Test("events come out by time, ties in scheduling order, as a single sorted list would give them", arguments: [1, 3, 16, 17])
  func matchesSortedOrder(segments: Int) {
    var numbers = SplitMix64(seed: UInt64(segments))
    var calendar = EventCalendar(segments: segments)
    var reference: [(time: Double, sequence: Int, event: Event)] = []
    var sequence = 0
    func schedule(_ event: Event, at time: Double) {
      calendar.schedule(event, at: time)
      reference.append((time, sequence, event))
      sequence += 1
    }
    for s in 0..<segments { schedule(.arrival(segment: Int32(s)), at: Double(numbers.below(4))) }
    var now = 0.0
    var taken = 0
    while taken < 5_000 {
      // Times on a coarse grid, so that ties are common.
      for _ in 0..<numbers.below(3) {
        let subject = Int32(numbers.below(1000))
        let kind = numbers.below(3)
        let event: Event =
          kind == 0 ? .stageDone(opportunity: subject)
          : kind == 1 ? .presalesDone(opportunity: subject) : .patienceOut(opportunity: subject, token: UInt32(numbers.below(9)))
        schedule(event, at: now + Double(numbers.below(6)) / 2)
      }
      guard let item = calendar.next() else { break }
      let earliest = reference.indices.min { a, b in
        (reference[a].time, reference[a].sequence) < (reference[b].time, reference[b].sequence)
      }!
      let expected = reference.remove(at: earliest)
      #expect(item.time == expected.time && item.sequence == UInt64(expected.sequence) && item.event == expected.event)
      #expect(item.time >= now)
      now = item.time
      taken += 1
      if case .arrival(let segment) = item.event {
        schedule(.arrival(segment: segment), at: now + Double(numbers.below(4)))
      }
      let count = calendar.count
      #expect(count == reference.count)
    }
    #expect(taken == 5_000)
  }

  @Test("next(before:) leaves events at or after the limit in place")
  func limit() {
    var calendar = EventCalendar(segments: 2)
    calendar.schedule(.arrival(segment: 0), at: 5)
    calendar.schedule(.stageDone(opportunity: 1), at: 3)
    calendar.schedule(.arrival(segment: 1), at: 10)
    let first = calendar.next(before: 5)?.event
    let none = calendar.next(before: 5)
    let count = calendar.count
    let second = calendar.next(before: 6)?.event
    let third = calendar.next()?.event
    let after = calendar.next()
    let empty = calendar.isEmpty
    #expect(first == .stageDone(opportunity: 1))
    #expect(none == nil)
    #expect(count == 2)
    #expect(second == .arrival(segment: 0))
    #expect(third == .arrival(segment: 1))
    #expect(after == nil && empty)
  }

  @Test("reset empties the calendar and restarts sequence numbers")
  func reset() {
    var calendar = EventCalendar(segments: 3)
    calendar.schedule(.arrival(segment: 2), at: 1)
    calendar.schedule(.stageDone(opportunity: 4), at: 2)
    _ = calendar.next()
    calendar.reset()
    let empty = calendar.isEmpty
    #expect(empty)
    calendar.schedule(.presalesDone(opportunity: 9), at: 7)
    let sequence = calendar.next()?.sequence
    #expect(sequence == 0)
  }

  @Test("packed events round-trip every kind")
  func packing() {
    for event in [Event.arrival(segment: 7), .presalesDone(opportunity: 123_456), .stageDone(opportunity: 0), .patienceOut(opportunity: 5, token: .max)] {
      let item = ScheduledEvent(time: -3.5, sequence: 1 << 40, event: event)
      #expect(item.event == event && item.sequence == 1 << 40 && item.time == -3.5)
    }
  }

  @Test("plain arrays grow, index and pop like arrays")
  func plainArray() {
    var plain = PlainArray<Int>(capacity: 1)
    var array: [Int] = []
    for i in 0..<1000 {
      plain.append(i * 3)
      array.append(i * 3)
      if i % 7 == 0 {
        let popped = plain.popLast()
        #expect(popped == array.popLast())
      }
    }
    let copy = plain.array
    #expect(copy == array)
    plain[5] += 1
    let fifth = plain[5]
    #expect(fifth == array[5] + 1)
    plain.fill(with: 2)
    let filled = plain.array
    #expect(filled == Array(repeating: 2, count: array.count))
    plain.removeAll()
    let empty = plain.isEmpty
    let popped = plain.popLast()
    #expect(empty && popped == nil)
  }
}
