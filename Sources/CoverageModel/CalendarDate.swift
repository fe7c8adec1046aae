/// A calendar date (proleptic Gregorian), as `start_date: 2027-01-01` in scenario files, with the
/// month and quarter arithmetic every layer uses: seasonality and the quarter-end push in the
/// engine, results by period, months of a CRM export.
public struct CalendarDate: Hashable, Sendable, CustomStringConvertible {
  public var year: Int
  public var month: Int
  public var day: Int
  public init(year: Int, month: Int, day: Int) {
    self.year = year
    self.month = month
    self.day = day
  }

  /// Days since 1970-01-01 of this proleptic Gregorian date (Hinnant's days_from_civil).
  public var daysSinceEpoch: Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }

  /// The date of a day since 1970-01-01 (Hinnant's civil_from_days).
  public init(daysSinceEpoch days: Int) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let day = doy - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    self.init(year: yoe + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day)
  }

  /// `2027-01-31` or nil when the text is not a valid date from year 1900 to 2999.
  public init?(_ text: String) {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
      let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
      (1900...2999).contains(year), (1...12).contains(month), (1...Self.days(inMonth: month, of: year)).contains(day)
    else { return nil }
    self.init(year: year, month: month, day: day)
  }

  /// The calendar quarter, 1 to 4.
  @inlinable public var quarter: Int { (month - 1) / 3 + 1 }

  /// The first day of the next month.
  @inlinable public var nextMonthStart: CalendarDate {
    month == 12 ? CalendarDate(year: year + 1, month: 1, day: 1) : CalendarDate(year: year, month: month + 1, day: 1)
  }

  /// The first day of its calendar quarter.
  @inlinable public var quarterStart: CalendarDate { CalendarDate(year: year, month: (quarter - 1) * 3 + 1, day: 1) }

  /// The first day of the next calendar quarter.
  @inlinable public var nextQuarterStart: CalendarDate {
    quarter == 4 ? CalendarDate(year: year + 1, month: 1, day: 1) : CalendarDate(year: year, month: quarter * 3 + 1, day: 1)
  }

  /// The month as results and exports label it: `2017-03`.
  public var monthLabel: String { "\(year)-\(month < 10 ? "0" : "")\(month)" }

  /// The months' short English names, January first, as reports and fitted scenarios print them.
  public static let monthAbbreviations = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

  public var description: String {
    "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
  }

  public static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

  public static func days(inMonth month: Int, of year: Int) -> Int {
    switch month {
    case 2: isLeap(year) ? 29 : 28
    case 4, 6, 9, 11: 30
    default: 31
    }
  }
}
