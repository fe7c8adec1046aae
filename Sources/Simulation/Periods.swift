import CoverageModel

/// The months and quarters of a measured period [0, horizon), for results by period.
///
/// With a start date they are calendar months and quarters (the first and last may be partial);
/// without one, months of 365/12 days counted from day 0 and quarters of three such months.
public struct PeriodCalendar: Hashable, Sendable {
  public struct Period: Hashable, Sendable {
    public var label: String
    public var start: Double
    public var end: Double
    /// For a quarter: its months' indices.
    public var months: Range<Int>
    public var days: Double { end - start }
  }

  public private(set) var months: [Period] = []
  public private(set) var quarters: [Period] = []

  /// At most this many months (a century); a longer horizon is reported by its first century.
  public static let maximumMonths = 1200

  public init(horizon: Double, startDate: CalendarDate?) {
    if let date = startDate {
      var year = date.year
      var month = date.month
      var start = 0.0
      var offset = Double(CalendarDate.days(inMonth: month, of: year) - date.day + 1)
      var quarterKey: (Int, Int)?
      while start < horizon, months.count < Self.maximumMonths {
        let end = min(horizon, start + offset)
        let index = months.count
        let date = CalendarDate(year: year, month: month, day: 1)
        months.append(Period(label: date.monthLabel, start: start, end: end, months: index..<index + 1))
        let quarter = (year, date.quarter)
        if let key = quarterKey, key == quarter {
          quarters[quarters.count - 1].end = end
          quarters[quarters.count - 1].months = quarters[quarters.count - 1].months.lowerBound..<index + 1
        } else {
          quarters.append(Period(label: "\(year)-Q\(quarter.1)", start: start, end: end, months: index..<index + 1))
          quarterKey = quarter
        }
        start = end
        month += 1
        if month > 12 {
          month = 1
          year += 1
        }
        offset = Double(CalendarDate.days(inMonth: month, of: year))
      }
    } else {
      let length = 365.0 / 12
      var index = 0
      while Double(index) * length < horizon, index < Self.maximumMonths {
        let start = Double(index) * length
        months.append(Period(label: "M\(index + 1)", start: start, end: min(horizon, start + length), months: index..<index + 1))
        if index % 3 == 0 {
          quarters.append(Period(label: "Q\(index / 3 + 1)", start: start, end: min(horizon, start + length), months: index..<index + 1))
        } else {
          quarters[quarters.count - 1].end = min(horizon, start + length)
          quarters[quarters.count - 1].months = quarters[quarters.count - 1].months.lowerBound..<index + 1
        }
        index += 1
      }
    }
  }
}
