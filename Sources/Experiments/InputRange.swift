import CCCMSupport

/// A parameter and the range it is varied over, `PATH=LOW..HIGH`: the factors of `sensitivity`,
/// `global-sensitivity` and `threshold`.
public struct InputRange: Sendable, Hashable {
  public var path: String
  public var low: Double
  public var high: Double

  public init(path: String, low: Double, high: Double) {
    self.path = path
    self.low = low
    self.high = high
  }

  /// `PATH=LOW..HIGH` with LOW < HIGH, both finite numbers; refused with the reason otherwise.
  public static func parse(_ text: String) -> Result<InputRange, SweepError> {
    let quoted = "--vary \"\(Excerpt.sanitized(text, limit: 80))\""
    guard let equals = text.firstIndex(of: "=") else {
      return .failure(SweepError("\(quoted) needs PATH=LOW..HIGH, e.g. presales.Presales.cost_per_expert_year=100000..400000"))
    }
    let path = String(text[..<equals])
    let spec = text[text.index(after: equals)...]
    guard !path.isEmpty else { return .failure(SweepError("\(quoted): give a key path before '='")) }
    guard let dots = spec.range(of: "..") else {
      return .failure(SweepError("\(quoted): give a range LOW..HIGH after '=', e.g. 0.5..1"))
    }
    var ends: [Double] = []
    for part in [spec[..<dots.lowerBound], spec[dots.upperBound...]] {
      guard let value = Double(part.trimmingCharacters(in: .whitespaces)), value.isFinite else {
        return .failure(SweepError("\(quoted): \"\(Excerpt.sanitized(String(part), limit: 40))\" is not a number"))
      }
      ends.append(value)
    }
    guard ends[0] < ends[1] else {
      return .failure(SweepError("\(quoted): LOW must be below HIGH (got \(NumberText.shortest(ends[0]))..\(NumberText.shortest(ends[1])))"))
    }
    return .success(InputRange(path: path, low: ends[0], high: ends[1]))
  }

  /// Whether both ends are whole numbers: a global sensitivity design then draws whole values.
  public var isWhole: Bool { low == low.rounded() && high == high.rounded() }

  /// The value at `u` in [0, 1]: `low + u (high - low)`, or for whole ends the whole number
  /// `floor(low + u (high - low + 1))`, at most `high` (uniform over low...high).
  public func value(at u: Double) -> Double {
    guard isWhole else { return low + u * (high - low) }
    return min(high, (low + u * (high - low + 1)).rounded(.down))
  }

  /// The K evenly spaced values from low to high, rounded to 9 decimals where that is exact enough.
  public func grid(points: Int) -> [Double] {
    (0..<points).map { k in
      let value = k == points - 1 ? high : low + (high - low) * Double(k) / Double(points - 1)
      let rounded = (value * 1e9).rounded() / 1e9
      return rounded.isFinite && abs(value) < 1e9 ? rounded : value
    }
  }

  /// The grid for a parameter that takes whole numbers (a count of reps or experts): the K
  /// evenly spaced values rounded to the nearest whole number, each once, from the first whole
  /// number at or above LOW to the last at or below HIGH. Fewer than K when the range holds
  /// fewer whole numbers.
  public func wholeGrid(points: Int) -> [Double] {
    let first = low.rounded(.up)
    let last = high.rounded(.down)
    guard first <= last else { return [] }
    var values: [Double] = []
    for value in InputRange(path: path, low: first, high: last).grid(points: points).map({ $0.rounded() }) where values.last != value {
      values.append(value)
    }
    return values
  }
}
