import Estimation
import Simulation
import Foundation

/// How a metric's values read best: money in K/M, rates in %, days, weeks, hours, counts, ratios.
public enum MetricUnit: Sendable {
  case count, money, rate, days, weeks, hours, ratio

  /// The unit the metric catalogue gives (a count for names it does not know).
  public init(metric: String) {
    switch MetricDescriptor.named(metric)?.unit ?? .count {
    case .money: self = .money
    case .rate: self = .rate
    case .days: self = .days
    case .weeks: self = .weeks
    case .hours: self = .hours
    case .ratio: self = .ratio
    case .count: self = .count
    }
  }

  /// A value for people: `1.23M`, `45.6%`, `12.30 d`, `1.50 wk`, `1,234 h`, `1,234.5`, `2.310x`.
  public func format(_ value: Double, signed: Bool = false) -> String {
    guard value.isFinite else { return value.isNaN ? "-" : (value > 0 ? "inf" : "-inf") }
    let sign = signed && value > 0 ? "+" : ""
    switch self {
    case .money:
      let magnitude = abs(value)
      if magnitude >= 1e9 { return sign + String(format: "%.2fB", value / 1e9) }
      if magnitude >= 1e6 { return sign + String(format: "%.2fM", value / 1e6) }
      if magnitude >= 1e3 { return sign + String(format: "%.1fK", value / 1e3) }
      return sign + String(format: "%.0f", value)
    case .rate: return sign + String(format: "%.1f%%", value * 100)
    case .days: return sign + String(format: "%.2f d", value)
    case .weeks: return sign + String(format: "%.2f wk", value)
    case .hours: return sign + (abs(value) >= 100 ? grouped(value) : String(format: "%.2f", value)) + " h"
    case .ratio: return sign + String(format: "%.3fx", value)
    case .count:
      return sign + (abs(value) >= 100 ? grouped(value) : String(format: "%.2f", value))
    }
  }

  /// A difference between two values: signed, and for rates in percentage points (`+0.42 pp`), so
  /// that a small change in a rate keeps its digits.
  public func formatDifference(_ value: Double) -> String {
    guard self == .rate, value.isFinite else { return format(value, signed: true) }
    return String(format: "%+.2f pp", value * 100)
  }

  /// A summary's 95% interval: `[1.20M, 1.35M]`.
  public func interval(_ s: Summary) -> String { "[\(format(s.ci95Low)), \(format(s.ci95High))]" }

  /// A difference's interval: `[+0.12M, +0.30M]`, rates in percentage points.
  public func interval(_ d: PairedDifference) -> String { "[\(formatDifference(d.ciLow)), \(formatDifference(d.ciHigh))]" }

  private func grouped(_ value: Double) -> String {
    let whole = String(format: "%.0f", abs(value))
    var out = ""
    for (i, ch) in whole.reversed().enumerated() {
      if i > 0, i % 3 == 0 { out.append(",") }
      out.append(ch)
    }
    return (value < 0 ? "-" : "") + String(out.reversed())
  }
}

/// A relative change as a signed percentage: `+4.2%`.
func formatRelative(_ value: Double) -> String {
  guard value.isFinite else { return "-" }
  return String(format: "%+.1f%%", value * 100)
}
