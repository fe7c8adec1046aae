import CoverageModel

/// Months and quarters of the year for any simulated time, warm-up included: for seasonality
/// (the month a time falls in, and where that month ends) and the quarter-end push (where the
/// quarter holding a time ends).
///
/// With a start date, calendar months (January is month 0) and calendar quarters, as
/// `CalendarDate` reckons them; without one,
/// twelfths of 365 days counted from day 0 (day 0 starts month 0) and quarters of three of them.
struct YearClock: Sendable {
  let startDay: Int?

  init(startDate: CalendarDate?) {
    startDay = startDate?.daysSinceEpoch
  }

  static let monthLength = 365.0 / 12

  /// The calendar date holding time `t` (with a start date).
  @inline(__always)
  private func date(at t: Double, from startDay: Int) -> CalendarDate { CalendarDate(daysSinceEpoch: Int((Double(startDay) + t).rounded(.down))) }

  /// The month of the year holding time `t` (0...11) and the time that month ends.
  func month(at t: Double) -> (index: Int, end: Double) {
    guard let startDay else {
      let k = (t / Self.monthLength).rounded(.down)
      let index = Int(k.truncatingRemainder(dividingBy: 12))
      return (index < 0 ? index + 12 : index, (k + 1) * Self.monthLength)
    }
    let date = date(at: t, from: startDay)
    return (date.month - 1, Double(date.nextMonthStart.daysSinceEpoch - startDay))
  }

  /// The time the quarter holding `t` ends.
  func quarterEnd(at t: Double) -> Double {
    guard let startDay else {
      let length = 3 * Self.monthLength
      return ((t / length).rounded(.down) + 1) * length
    }
    return Double(date(at: t, from: startDay).nextQuarterStart.daysSinceEpoch - startDay)
  }

  /// The time the quarter holding `t` began.
  func quarterStart(at t: Double) -> Double {
    guard let startDay else {
      let length = 3 * Self.monthLength
      return (t / length).rounded(.down) * length
    }
    return Double(date(at: t, from: startDay).quarterStart.daysSinceEpoch - startDay)
  }

  /// A number for the month holding `t`, the same for the same month whatever the warm-up: year x
  /// 12 + month with a start date, else twelfths of 365 days from day 0 (negative in warm-up).
  func absoluteMonth(at t: Double) -> Int {
    guard let startDay else { return Int((t / Self.monthLength).rounded(.down)) }
    let date = date(at: t, from: startDay)
    return date.year * 12 + date.month - 1
  }
}
