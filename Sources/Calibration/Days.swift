import CoverageModel

/// A calendar day as a whole number of days since 1970-01-01, so ages and windows are
/// subtractions (Howard Hinnant's civil-from-days algorithms).
public struct Day: Hashable, Comparable, Sendable, Strideable, CustomStringConvertible {
  public var number: Int
  public init(number: Int) { self.number = number }

  public init(_ date: CalendarDate) { number = date.daysSinceEpoch }

  public var date: CalendarDate { CalendarDate(daysSinceEpoch: number) }

  /// The calendar month, 1 to 12.
  public var month: Int { date.month }
  /// "2017-03".
  public var monthLabel: String { date.monthLabel }

  public var description: String { date.description }
  public static func < (a: Day, b: Day) -> Bool { a.number < b.number }
  public func distance(to other: Day) -> Int { other.number - number }
  public func advanced(by n: Int) -> Day { Day(number: number + n) }
}
