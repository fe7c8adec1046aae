import CoverageModel

/// Months and quarters of the year for any simulated time, warm-up included: for seasonality
/// (the month a time falls in, and where that month ends) and the quarter-end push (where the
/// quarter holding a time ends).
///
/// With a start date, calendar months (January is month 0) and calendar quarters; without one,
/// twelfths of 365 days counted from day 0 (day 0 starts month 0) and quarters of three of them.
struct YearClock: Sendable {
  let startDay: Int?

  init(startDate: CalendarDate?) {
    startDay = startDate.map { Self.days(year: $0.year, month: $0.month, day: $0.day) }
  }

  static let monthLength = 365.0 / 12

  /// The month of the year holding time `t` (0...11) and the time that month ends.
  func month(at t: Double) -> (index: Int, end: Double) {
    guard let startDay else {
      let k = (t / Self.monthLength).rounded(.down)
      let index = Int(k.truncatingRemainder(dividingBy: 12))
      return (index < 0 ? index + 12 : index, (k + 1) * Self.monthLength)
    }
    let day = Double(startDay) + t
    let (year, month, _) = Self.civil(Int(day.rounded(.down)))
    let next = month == 12 ? Self.days(year: year + 1, month: 1, day: 1) : Self.days(year: year, month: month + 1, day: 1)
    return (month - 1, Double(next - startDay))
  }

  /// The time the quarter holding `t` ends.
  func quarterEnd(at t: Double) -> Double {
    guard let startDay else {
      let length = 3 * Self.monthLength
      return ((t / length).rounded(.down) + 1) * length
    }
    let (year, month, _) = Self.civil(Int((Double(startDay) + t).rounded(.down)))
    let nextQuarterMonth = (month - 1) / 3 * 3 + 4
    let next = nextQuarterMonth > 12 ? Self.days(year: year + 1, month: 1, day: 1) : Self.days(year: year, month: nextQuarterMonth, day: 1)
    return Double(next - startDay)
  }

  /// The time the quarter holding `t` began.
  func quarterStart(at t: Double) -> Double {
    guard let startDay else {
      let length = 3 * Self.monthLength
      return (t / length).rounded(.down) * length
    }
    let (year, month, _) = Self.civil(Int((Double(startDay) + t).rounded(.down)))
    return Double(Self.days(year: year, month: (month - 1) / 3 * 3 + 1, day: 1) - startDay)
  }

  /// A number for the month holding `t`, the same for the same month whatever the warm-up: year x
  /// 12 + month with a start date, else twelfths of 365 days from day 0 (negative in warm-up).
  func absoluteMonth(at t: Double) -> Int {
    guard let startDay else { return Int((t / Self.monthLength).rounded(.down)) }
    let (year, month, _) = Self.civil(Int((Double(startDay) + t).rounded(.down)))
    return year * 12 + month - 1
  }

  /// Days since 1970-01-01 of a date (`CalendarDate.daysSinceEpoch`).
  static func days(year: Int, month: Int, day: Int) -> Int { CalendarDate(year: year, month: month, day: day).daysSinceEpoch }

  /// The date of a day since 1970-01-01 (`CalendarDate(daysSinceEpoch:)`).
  static func civil(_ days: Int) -> (year: Int, month: Int, day: Int) {
    let date = CalendarDate(daysSinceEpoch: days)
    return (date.year, date.month, date.day)
  }
}
