import CCCMSupport
import CoverageModel
import Yams

/// Reads typed values out of a YAML node tree, recording a diagnostic, with location and key path,
/// for everything that does not fit, and carrying on so that every problem is found in one pass.
final class NodeReader {
  let file: String
  private(set) var diagnostics: [Diagnostic] = []
  /// Where each key path was written, for diagnostics found after decoding.
  var locations: [String: SourceLocation] = [:]
  /// The directory files named in the scenario are relative to (nil: the current directory).
  var directory: String?
  /// Values written `{uncertain: DISTRIBUTION}`, by key path (`number` returns their means).
  var uncertain: [UncertainValue] = []
  /// A parameter set's values for uncertain values, by key path: `number` returns these where they
  /// are written instead of the means, so every change after (a merge, an embedding) carries them.
  var drawn: [String: Double] = [:]

  init(file: String) { self.file = file }

  func location(of node: Node?) -> SourceLocation {
    guard let mark = node?.mark else { return SourceLocation(file: file, line: 1, column: 1) }
    return SourceLocation(file: file, line: mark.line, column: mark.column)
  }

  func error(_ node: Node?, _ path: String, _ message: String) {
    diagnostics.append(Diagnostic(location: location(of: node), path: path, message: message))
  }

  /// A problem in another file the scenario names (a `pipeline:` CSV's row and column).
  func error(at location: SourceLocation, _ path: String, _ message: String) {
    diagnostics.append(Diagnostic(location: location, path: path, message: message))
  }

  func record(_ node: Node, at path: String) { locations[path] = location(of: node) }

  // MARK: - Shapes

  /// The key-value pairs of a mapping, after checking every key is known and the required ones present.
  func mapping(_ node: Node, _ path: String, allowed: [String], required: [String] = []) -> [(key: String, node: Node)]? {
    guard case .mapping(let mapping) = node else {
      error(node, path, "expected a mapping with keys \(allowed.prefix(6).joined(separator: ", ")), found \(describe(node))")
      return nil
    }
    record(node, at: path)
    var pairs: [(key: String, node: Node)] = []
    var seen = Set<String>()
    for (keyNode, value) in mapping {
      guard case .scalar(let scalar) = keyNode else {
        error(keyNode, path, "keys must be plain names")
        continue
      }
      let key = scalar.string
      let keyPath = join(path, key)
      guard allowed.contains(key) else {
        let hint = Suggestion.didYouMean(key, among: allowed) ?? "known keys: \(allowed.joined(separator: ", "))"
        error(keyNode, keyPath, "unknown key \"\(key)\"; \(hint)")
        continue
      }
      if !seen.insert(key).inserted {
        error(keyNode, keyPath, "duplicate key \"\(key)\"; remove one of them")
        continue
      }
      record(value, at: keyPath)
      pairs.append((key, value))
    }
    for key in required where !seen.contains(key) {
      error(node, path, "missing required key \"\(key)\"")
    }
    return pairs
  }

  /// The items of a sequence.
  func sequence(_ node: Node, _ path: String) -> [Node]? {
    guard case .sequence(let sequence) = node else {
      error(node, path, "expected a list, found \(describe(node))")
      return nil
    }
    return Array(sequence)
  }

  // MARK: - Scalars

  func string(_ node: Node, _ path: String) -> String? {
    guard case .scalar(let scalar) = node, !scalar.string.isEmpty else {
      error(node, path, "expected a name or text, found \(describe(node))")
      return nil
    }
    return scalar.string
  }

  /// A name or a list of names.
  func names(_ node: Node, _ path: String) -> [String]? {
    if case .scalar = node { return string(node, path).map { [$0] } }
    guard let items = sequence(node, path) else { return nil }
    let names = items.enumerated().compactMap { string($1, "\(path)[\($0)]") }
    return names.count == items.count ? names : nil
  }

  func number(_ node: Node, _ path: String) -> Double? {
    if let inner = Self.uncertainInner(node) {
      guard let distribution = uncertainNumber(node, inner, path) else { return nil }
      return drawn[path] ?? Self.writtenMean(distribution)
    }
    guard case .scalar(let scalar) = node, scalar.style == .plain,
      let value = Double(scalar.string.replacingOccurrences(of: "_", with: "")), value.isFinite
    else {
      error(node, path, "expected a number, found \(describe(node))")
      return nil
    }
    return value
  }

  /// An uncertain value's mean as a scenario holds it: to 15 significant digits, the precision a
  /// number written in a file has, so uniform(1.15, 1.45) holds 1.3, as written, not the sum's
  /// rounding error 1.2999999999999998 (which `diff` would show as a change from 1.3).
  static func writtenMean(_ distribution: Distribution) -> Double {
    let mean = distribution.mean
    guard mean.isFinite, let tidy = Double(String(format: "%.15g", mean)) else { return mean }
    return tidy
  }

  /// `{uncertain: DISTRIBUTION}`: the node under `uncertain`, else nil.
  static func uncertainInner(_ node: Node) -> Node? {
    guard case .mapping(let mapping) = node, mapping.count == 1, let (key, inner) = mapping.first, key.string == "uncertain" else { return nil }
    return inner
  }

  /// An uncertain value's distribution, recorded with its path and location; nil (with a
  /// diagnostic) when the distribution is invalid or the path is one `set` cannot reach.
  func uncertainNumber(_ node: Node, _ inner: Node, _ path: String) -> Distribution? {
    guard !path.contains("["), !path.isEmpty else {
      error(node, path, "{uncertain: ...} must be at a key path `set` can reach (named items, no list positions), such as segments.NAME.opportunities_per_account_year")
      return nil
    }
    guard let distribution = distribution(inner, join(path, "uncertain")) else { return nil }
    let location = location(of: node)
    uncertain.removeAll { $0.path == path }
    uncertain.append(UncertainValue(path: path, distribution: distribution, location: "\(location.file):\(location.line):\(location.column)"))
    return distribution
  }

  /// The largest whole number written as a float (`1e15`) that is read exactly: 2^53.
  static let largestExactFloat = 9_007_199_254_740_992.0

  /// A whole number of at most 2^53 in size, written as digits or as a whole-valued float such as
  /// `1e15` (beyond 2^53 floats are not exact, and no count or seed in a scenario needs more).
  func integer(_ node: Node, _ path: String) -> Int? {
    if Self.uncertainInner(node) != nil {
      error(node, path, "expected a whole number; {uncertain: ...} is for numbers such as rates, shares and sizes (vary counts with sweep or sensitivity)")
      return nil
    }
    let tooLarge = "expected a whole number of at most 2^53 (9007199254740992)"
    if case .scalar(let scalar) = node, scalar.style == .plain, let exact = Int(scalar.string.replacingOccurrences(of: "_", with: "")) {
      guard exact.magnitude <= UInt(Self.largestExactFloat) else {
        error(node, path, "\(tooLarge), found \(Excerpt.sanitized(scalar.string))")
        return nil
      }
      return exact
    }
    guard let value = number(node, path) else { return nil }
    guard value == value.rounded() else {
      error(node, path, "expected a whole number, found \(Excerpt.sanitized(String(value)))")
      return nil
    }
    guard abs(value) <= Self.largestExactFloat else {
      error(node, path, "\(tooLarge), found \(Excerpt.sanitized(String(value)))")
      return nil
    }
    return Int(value)
  }

  func boolean(_ node: Node, _ path: String) -> Bool? {
    if case .scalar(let scalar) = node {
      switch scalar.string.lowercased() {
      case "true", "yes": return true
      case "false", "no": return false
      default: break
      }
    }
    error(node, path, "expected true or false, found \(describe(node))")
    return nil
  }

  /// A number checked against a rule such as "a probability in [0, 1]".
  func number(_ node: Node, _ path: String, _ rule: NumberRule) -> Double? {
    if let inner = Self.uncertainInner(node) {
      // Every value the distribution can give must be valid here, not only its mean.
      guard let distribution = uncertainNumber(node, inner, path) else { return nil }
      let ends = [distribution.quantile(0), distribution.quantile(1)].map { $0.isFinite ? $0 : nil }
      let low = ends[0] ?? distribution.quantile(1e-9)
      let high = ends[1] ?? distribution.quantile(1 - 1e-9)
      for end in [low, high] where !rule.accepts(end) {
        error(node, join(path, "uncertain"), "the distribution reaches \(NumberText.shortest(end)), out of range: expected \(rule.description) for every value it can take")
        uncertain.removeAll { $0.path == path }
        return nil
      }
      guard rule.accepts(distribution.mean) else { return nil }
      return drawn[path] ?? Self.writtenMean(distribution)
    }
    guard let value = number(node, path) else { return nil }
    guard rule.accepts(value) else {
      error(node, path, "\(NumberText.shortest(value)) is out of range: expected \(rule.description)")
      return nil
    }
    return value
  }

  func integer(_ node: Node, _ path: String, _ rule: NumberRule) -> Int? {
    guard let value = integer(node, path) else { return nil }
    guard rule.accepts(Double(value)) else {
      error(node, path, "\(value) is out of range: expected \(rule.description)")
      return nil
    }
    return value
  }

  /// One of a fixed set of words.
  func choice<T: RawRepresentable & CaseIterable>(_ node: Node, _ path: String, as: T.Type) -> T? where T.RawValue == String {
    guard let word = string(node, path) else { return nil }
    if let value = T(rawValue: word) { return value }
    let options = T.allCases.map(\.rawValue)
    let hint = Suggestion.didYouMean(word, among: options) ?? "expected one of \(options.quotedList)"
    error(node, path, "unknown value \"\(word)\"; \(hint)")
    return nil
  }

  func describe(_ node: Node) -> String {
    switch node {
    case .scalar(let scalar):
      if scalar.style == .plain, Double(scalar.string) != nil { return "the number \(Excerpt.sanitized(scalar.string))" }
      return Excerpt.quoted(scalar.string)
    case .mapping: return "a mapping"
    case .sequence: return "a list"
    case .alias: return "an alias"
    }
  }
}

func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

/// A range rule for numbers, with the words messages use.
struct NumberRule: Sendable {
  let description: String
  let accepts: @Sendable (Double) -> Bool

  static let probability = NumberRule(description: "a probability in [0, 1]") { $0 >= 0 && $0 <= 1 }
  static let share = NumberRule(description: "a share in (0, 1]") { $0 > 0 && $0 <= 1 }
  static let offset = NumberRule(description: "an offset in [0, 1)") { $0 >= 0 && $0 < 1 }
  static let positive = NumberRule(description: "a number greater than 0") { $0 > 0 }
  static let nonNegative = NumberRule(description: "a number of at least 0") { $0 >= 0 }
  static let atLeastOne = NumberRule(description: "at least 1") { $0 >= 1 }
  static let factor = NumberRule(description: "a factor of at least 0") { $0 >= 0 }
  static let elasticity = NumberRule(description: "an elasticity from -5 to 5") { $0 >= -5 && $0 <= 5 }
  static let dispersion = NumberRule(description: "a coefficient of variation from 0 to 10") { $0 >= 0 && $0 <= 10 }
  static let replications = NumberRule(description: "from 2 to 1,000,000") {
    $0 >= 2 && $0 <= Double(Scenario.maximumReplications)
  }
}
