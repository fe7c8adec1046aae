/// Where a problem is: file, line and column (1-based).
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
  public var file: String
  public var line: Int
  public var column: Int
  public init(file: String, line: Int, column: Int) {
    self.file = file
    self.line = line
    self.column = column
  }
  public var description: String { "\(file):\(line):\(column)" }
}

/// One problem in a scenario file, printed as `file:line:column: error: key.path: message`.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
  public var location: SourceLocation
  /// The key path, with named things by name: `teams.North.reps`, `changes[2].split_team.team`.
  public var path: String
  public var message: String

  public init(location: SourceLocation, path: String, message: String) {
    self.location = location
    self.path = path
    self.message = message
  }

  public var description: String {
    path.isEmpty ? "\(location): error: \(message)" : "\(location): error: \(path): \(message)"
  }
}

/// Every problem found in a scenario (and the files it extends), in file order.
public struct ScenarioError: Error, Sendable, CustomStringConvertible {
  public var diagnostics: [Diagnostic]
  public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
  public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// Suggestions for misspelt names and keys.
public enum Suggestion {
  /// `did you mean "North"?` when a candidate is close enough, else nil.
  public static func didYouMean(_ word: String, among candidates: some Sequence<String>) -> String? {
    guard let best = closest(word, among: candidates) else { return nil }
    return "did you mean \"\(best)\"?"
  }

  /// The candidate nearest by edit distance, if within a third of the word's length (at least 2).
  static func closest(_ word: String, among candidates: some Sequence<String>) -> String? {
    let limit = max(2, word.count / 3)
    var best: (String, Int)?
    for candidate in candidates {
      let distance = editDistance(word.lowercased(), candidate.lowercased())
      if distance <= limit, distance < (best?.1 ?? .max) { best = (candidate, distance) }
    }
    return best?.0
  }

  /// Levenshtein distance (the two-row dynamic programme).
  static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = previous
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }
}

extension Array where Element == String {
  /// `"a", "b" or "c"`, for messages.
  var quotedList: String {
    let quoted = map { "\"\($0)\"" }
    guard quoted.count > 1 else { return quoted.first ?? "" }
    return quoted.dropLast().joined(separator: ", ") + " or " + (quoted.last ?? "")
  }
}
