import CoverageModel

/// A calendar day as a whole number of days since 1970-01-01, so ages and windows are
/// subtractions (Howard Hinnant's civil-from-days algorithms).
public struct Day: Hashable, Comparable, Sendable, Strideable, CustomStringConvertible {
  public var number: Int
  public init(number: Int) { self.number = number }

  public init(_ date: CalendarDate) {
    let y = date.month <= 2 ? date.year - 1 : date.year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (date.month + 9) % 12
    let doy = (153 * mp + 2) / 5 + date.day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    number = era * 146097 + doe - 719468
  }

  public var date: CalendarDate {
    let z = number + 719468
    let era = (z >= 0 ? z : z - 146096) / 146097
    let doe = z - era * 146097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let day = doy - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    return CalendarDate(year: yoe + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day)
  }

  /// The calendar month, 1 to 12.
  public var month: Int { date.month }
  /// "2017-03".
  public var monthLabel: String {
    let d = date
    return "\(d.year)-\(d.month < 10 ? "0" : "")\(d.month)"
  }

  public var description: String { date.description }
  public static func < (a: Day, b: Day) -> Bool { a.number < b.number }
  public func distance(to other: Day) -> Int { other.number - number }
  public func advanced(by n: Int) -> Day { Day(number: number + n) }
}
