import Foundation

/// A linear map from a domain of data values to a range of drawing coordinates (either way round:
/// a y axis maps its low value to the bottom, a larger coordinate).
public struct LinearScale: Sendable, Equatable {
  public let domain: ClosedRange<Double>
  public let range: (Double, Double)

  public init(domain: ClosedRange<Double>, range: (Double, Double)) {
    self.domain = domain
    self.range = range
  }

  public static func == (a: LinearScale, b: LinearScale) -> Bool { a.domain == b.domain && a.range == b.range }

  /// The coordinate of a value (values outside the domain extrapolate; a zero-width domain maps to
  /// the middle of the range).
  public func callAsFunction(_ value: Double) -> Double {
    let width = domain.upperBound - domain.lowerBound
    guard width > 0 else { return (range.0 + range.1) / 2 }
    return range.0 + (value - domain.lowerBound) / width * (range.1 - range.0)
  }

  /// The coordinate of a value clamped to the domain (marks never leave the plot).
  public func clamped(_ value: Double) -> Double { self(min(max(value, domain.lowerBound), domain.upperBound)) }
}

/// "Nice" axis ticks after Heckbert (Graphics Gems, 1990): a step of 1, 2 or 5 times a power of ten,
/// and a tick range from a multiple of the step at or below the data to one at or above it.
public struct NiceTicks: Sendable, Equatable {
  /// The step between ticks: 1, 2 or 5 x 10^exponent.
  public let step: Double
  /// The step's leading digit (1, 2 or 5) and its power of ten.
  public let mantissa: Int
  public let exponent: Int
  /// Ticks as whole multiples of the step: ticks are `first * step ... last * step`.
  public let first: Int
  public let last: Int

  /// The tick values (computed from whole multiples, so no drift accumulates).
  public var values: [Double] { (first...last).map { Self.value($0, mantissa: mantissa, exponent: exponent) } }
  public var low: Double { Self.value(first, mantissa: mantissa, exponent: exponent) }
  public var high: Double { Self.value(last, mantissa: mantissa, exponent: exponent) }
  /// Decimal places that show every tick exactly (0 for steps of 1 and more).
  public var decimals: Int { max(0, -exponent) }

  /// k x mantissa x 10^exponent, formed so that 0.1-steps give 0.3 and not 0.30000000000000004.
  static func value(_ k: Int, mantissa: Int, exponent: Int) -> Double {
    let whole = Double(k * mantissa)
    return exponent >= 0 ? whole * pow(10, Double(exponent)) : whole / pow(10, Double(-exponent))
  }

  /// Ticks for data from `low` to `high`, aiming at about `count` ticks (at least 2). A zero-width
  /// or non-finite domain is widened first (a single value gets room around it).
  public init(low: Double, high: Double, count: Int = 5) {
    var (a, b) = (min(low, high), max(low, high))
    if !a.isFinite || !b.isFinite { (a, b) = (0, 1) }
    if a == b {
      let pad = a == 0 ? 1 : abs(a) * 0.1
      (a, b) = (a - pad, b + pad)
    }
    let wanted = max(count, 2)
    let range = Self.nice(b - a, round: false)
    let raw = Self.nice(range / Double(wanted - 1), round: true)
    let exponent = Int(floor(log10(raw)))
    var mantissa = Int((raw / pow(10, Double(exponent))).rounded())
    // nice() gives 1, 2, 5 or 10; 10 is 1 of the next power.
    var e = exponent
    if mantissa >= 10 { (mantissa, e) = (1, e + 1) }
    let step = Self.value(1, mantissa: mantissa, exponent: e)
    // A small tolerance, so data on a tick is not pushed one step out by rounding.
    var first = Int(floor(a / step + 1e-9))
    var last = Int(ceil(b / step - 1e-9))
    if first == last { (first, last) = (first, first + 1) }
    self.mantissa = mantissa
    self.exponent = e
    self.step = step
    self.first = first
    self.last = last
  }

  /// Heckbert's nice number: the 1, 2, 5 or 10 times a power of ten nearest to `x` (`round`), or
  /// the smallest at or above it.
  public static func nice(_ x: Double, round: Bool) -> Double {
    guard x > 0, x.isFinite else { return 1 }
    let exponent = floor(log10(x))
    let fraction = x / pow(10, exponent)
    let niceFraction: Double
    if round {
      niceFraction = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10
    } else {
      niceFraction = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
    }
    return niceFraction * pow(10, exponent)
  }
}

/// How tick values are written: divided (money in millions), with the decimals the step needs, an
/// optional sign and suffix. Locale-free and fixed, so the output is the same on every machine.
public struct TickFormat: Sendable, Equatable {
  public var divisor: Double
  public var suffix: String
  public var signed: Bool

  public init(divisor: Double = 1, suffix: String = "", signed: Bool = false) {
    self.divisor = divisor
    self.suffix = suffix
    self.signed = signed
  }

  /// A tick's label, with as many decimals as the ticks' step needs after division.
  public func label(_ value: Double, ticks: NiceTicks) -> String {
    let scaled = value / divisor
    let stepScaled = ticks.step / divisor
    let decimals = max(0, min(6, Int(ceil(-log10(stepScaled) - 1e-9))))
    var text = String(format: "%.\(decimals)f", scaled)
    if text.hasPrefix("-"), text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) { text.removeFirst() }
    if signed, scaled > 0, text.contains(where: { $0 != "0" && $0 != "." }) { text = "+" + text }
    return text + suffix
  }
}
