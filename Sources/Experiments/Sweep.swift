import CCCMSupport
import CoverageModel
import Foundation
import ScenarioFiles

/// A design swept over a grid of values: factors named by key path (as `set` names them), each
/// with its values; every point of the grid is the base scenario with those values set.
public struct Sweep: Sendable {
  public struct Factor: Sendable, Hashable {
    public var path: String
    public var values: [Double]
    public init(path: String, values: [Double]) {
      self.path = path
      self.values = values
    }
  }

  public let factors: [Factor]

  /// `teams.West.reps=9..15`, `...=6..12:2` (a step), or `...=0.5,0.6,0.8` (a list); at most 1,000
  /// values. Nil, with the reason, for anything else.
  public static func factor(_ text: String) -> Result<Factor, SweepError> {
    guard let equals = text.firstIndex(of: "=") else {
      return .failure(SweepError("--vary \"\(text)\" needs PATH=VALUES, e.g. teams.West.reps=9..15 or presales.Presales.experts=10,12,14"))
    }
    let path = String(text[..<equals])
    let spec = String(text[text.index(after: equals)...])
    guard !path.isEmpty, !spec.isEmpty else { return .failure(SweepError("--vary \"\(text)\": give a key path and values")) }
    var values: [Double] = []
    if let range = spec.range(of: "..") {
      var upperText = String(spec[range.upperBound...])
      var step = 1.0
      if let colon = upperText.firstIndex(of: ":") {
        guard let s = Double(upperText[upperText.index(after: colon)...]), s > 0, s.isFinite else {
          return .failure(SweepError("--vary \"\(text)\": the step after ':' must be a number above 0"))
        }
        step = s
        upperText = String(upperText[..<colon])
      }
      guard let low = Double(spec[..<range.lowerBound]), let high = Double(upperText), low.isFinite, high.isFinite, low <= high else {
        return .failure(SweepError("--vary \"\(text)\": a range is LOW..HIGH with LOW <= HIGH, e.g. 9..15 or 0.5..0.9:0.1"))
      }
      // Counted as a double first: a tiny step or a range of 1e308 each way gives no Int.
      let steps = ((high - low) / step + 1e-9).rounded(.down)
      guard steps.isFinite, steps < 1000 else {
        return .failure(SweepError("--vary \"\(text)\" gives \(steps.isFinite && steps < 1e15 ? String(Int(steps) + 1) : "too many") values; at most 1,000"))
      }
      let count = Int(steps) + 1
      values = (0..<count).map { low + Double($0) * step }.map { value in
        // Rounded to 9 decimals (0.1 steps give 0.3, not 0.30000000000000004), where that is finite.
        let rounded = (value * 1e9).rounded() / 1e9
        return rounded.isFinite ? rounded : value
      }
    } else {
      for item in spec.split(separator: ",", omittingEmptySubsequences: false) {
        guard let value = Double(item.trimmingCharacters(in: .whitespaces)), value.isFinite else {
          return .failure(SweepError("--vary \"\(text)\": \"\(item)\" is not a number"))
        }
        values.append(value)
      }
      guard values.count <= 1000 else { return .failure(SweepError("--vary \"\(text)\" gives \(values.count) values; at most 1,000")) }
    }
    return .success(Factor(path: path, values: values))
  }

  /// `PATH=LOW..HIGH` as a factor of its two ends (for one-at-a-time sensitivity).
  public static func ends(_ text: String) -> Result<Factor, SweepError> {
    InputRange.parse(text).map { Factor(path: $0.path, values: [$0.low, $0.high]) }
  }

  public init(factors: [Factor]) { self.factors = factors }

  /// Every combination of the factors' values, the first factor varying slowest.
  public var grid: [[Double]] {
    factors.reduce([[]]) { points, factor in points.flatMap { point in factor.values.map { point + [$0] } } }
  }

  /// The scenario of one point: the base file extended with a `set` per factor, loaded and validated
  /// like a variant file (a bad path or value gets the located, did-you-mean message `set` gives),
  /// with the base's transition: a point is the base as it runs with its values set, so the point
  /// at the base's own values runs exactly as the base.
  /// `loader` reads the files (a parameter set's draws, for `uncertainty`).
  public func scenario(at values: [Double], base path: String, loader: ScenarioLoader = ScenarioLoader()) throws(ScenarioLoadError) -> Scenario {
    let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
    // Paths, names and labels hold team names from the file: written with the encoder's quoting.
    var yaml = "extends: \(YAMLText.quoted(absolute))\n"
    yaml += "name: \(YAMLText.quoted(factors.isEmpty ? "base" : Self.label(factors, values)))\nchanges: []\n"
    if !factors.isEmpty { yaml = String(yaml.dropLast("changes: []\n".count)) + "changes:\n" }
    for (factor, value) in zip(factors, values) {
      yaml += "  - set: {path: \(YAMLText.quoted(factor.path)), value: \(NumberText.shortest(value))}\n"
    }
    var loader = loader
    loader.keepsBaseTransition = true
    return try loader.load(yaml: yaml, file: "--vary")
  }

  /// `reps=12` or `reps=12, experts=14`: a point's name, from the last part of each path.
  public static func label(_ factors: [Factor], _ values: [Double]) -> String {
    zip(factors, values).map { "\($0.path.split(separator: ".").last ?? "") = \(NumberText.shortest($1))" }.joined(separator: ", ")
  }
}

public struct SweepError: Error, Sendable, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
}

extension Sweep {
  /// The base with one factor set to one value; refused with what `set` says of the path or value,
  /// against the `--vary` it came from.
  public static func alone(_ factor: Factor, at value: Double, text: String, base file: String) throws(VaryError) -> Scenario {
    do {
      return try Sweep(factors: [factor]).scenario(at: [value], base: file)
    } catch {
      // The message after the synthesised change's key path is what `set` says of the path or value.
      let detail = error.description.components(separatedBy: "set.value: ").last.map { $0.components(separatedBy: "set.path: ").last ?? $0 } ?? error.description
      throw .factor(text: text, detail: detail)
    }
  }
}

/// A `--vary` the base refuses: a factor alone, or a point of the design.
public enum VaryError: Error, Sendable, CustomStringConvertible {
  /// The factor `text` alone: what `set` says of its path or value.
  case factor(text: String, detail: String)
  /// The point `label` (`path=value, ...`): the loader's reason.
  case point(label: String, reason: String)
  /// More factors than the design can take (checked with the options).
  case tooManyFactors

  public var description: String {
    switch self {
    case .factor(let text, let detail): "error: --vary \(Excerpt.sanitized(text, limit: 80)): \(detail)"
    case .point(let label, let reason): "error: --vary at \(label): \(reason)"
    case .tooManyFactors: "error: --method sobol takes at most \(SobolIndices.maximumFactors) factors"
    }
  }
}
