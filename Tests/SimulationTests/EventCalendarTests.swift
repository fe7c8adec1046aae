import TestSupport
import Testing

import CoverageModel
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
    // A patience clock is numbered by its token, taken when the request starts waiting (as the
    // engine does); sometimes a token is taken and no clock scheduled (a pool without patience),
    // and some clocks go into the calendar only later, with their old number (a patience lane's
    // next clock, scheduled when the one before it comes up).
    var deferred: [(token: UInt64, opportunity: Int32, time: Double)] = []
    func schedulePatience(opportunity: Int32, at time: Double, later: Bool) {
      let token = calendar.newToken()
      #expect(token == UInt64(sequence))
      sequence += 1
      if later { return deferred.append((token, opportunity, time)) }
      calendar.schedule(.patienceOut(opportunity: opportunity, token: token), at: time)
      reference.append((time, Int(token), .patienceOut(opportunity: opportunity, token: token)))
    }
    func scheduleDeferred(dueFrom now: Double) {
      while let clock = deferred.first, numbers.below(2) == 0 {
        deferred.removeFirst()
        let time = max(clock.time, now)
        calendar.schedule(.patienceOut(opportunity: clock.opportunity, token: clock.token), at: time)
        reference.append((time, Int(clock.token), .patienceOut(opportunity: clock.opportunity, token: clock.token)))
      }
    }
    for s in 0..<segments { schedule(.arrival(segment: Int32(s)), at: Double(numbers.below(4))) }
    var now = 0.0
    var taken = 0
    while taken < 5_000 {
      // Times on a coarse grid, so that ties are common.
      for _ in 0..<numbers.below(3) {
        let subject = Int32(numbers.below(1000))
        let time = now + Double(numbers.below(6)) / 2
        switch numbers.below(4) {
        case 0: schedule(.stageDone(opportunity: subject), at: time)
        case 1: schedule(.presalesDone(opportunity: subject), at: time)
        case 2: schedulePatience(opportunity: subject, at: time, later: numbers.below(3) == 0)
        default:
          _ = calendar.newToken()
          sequence += 1
        }
      }
      scheduleDeferred(dueFrom: now)
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

  @Test("packed events round-trip every kind, subject and sequence number within the limits", arguments: [0, 1, 1 << 20, ScheduledEvent.sequenceLimit - 1])
  func packing(sequence: UInt64) {
    let range = ScheduledEvent.subjectRange
    for subject in [0, 1, -1, 123_456, range.lowerBound, range.upperBound - 1] {
      let events: [Event] = [
        .arrival(segment: subject), .presalesDone(opportunity: subject), .stageDone(opportunity: subject),
        .patienceOut(opportunity: subject, token: sequence), .repLeaves(seat: subject), .seatFilled(seat: subject),
      ]
      for event in events {
        var item = ScheduledEvent(time: -3.5, sequence: sequence, event: event)
        #expect(item.event == event && item.sequence == sequence && item.time == -3.5)
        item.subject = -1
        #expect(item.subject == -1 && item.sequence == sequence && item.kind == ScheduledEvent(time: 0, sequence: 0, event: event).kind)
      }
    }
    #expect(MemoryLayout<ScheduledEvent>.stride == 16)
  }

  @Test("the calendar's limits hold what validation lets a replication have")
  func limits() {
    // Opportunity slots: open ones hold a slot of an account team; those lost in a hand-over wait
    // for their pending event, at most one each.
    #expect(Int64(ScheduledEvent.subjectRange.upperBound) > 2 * Int64(Scenario.maximumSlots))
    #expect(Double(ScheduledEvent.sequenceLimit) >= 2 * Scenario.maximumEvents)
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
