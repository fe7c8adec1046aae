import CCCMSupport

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

  /// Control characters escaped everywhere, quoted excerpts of the file cut to `Excerpt.limit`
  /// characters, key paths and messages capped, so a hostile file cannot flood or drive the terminal.
  public var description: String {
    let file = Excerpt.sanitized(location.file, limit: Excerpt.pathLimit)
    let place = "\(file):\(location.line):\(location.column)"
    let text = Excerpt.boundedMessage(message)
    return path.isEmpty ? "\(place): error: \(text)" : "\(place): error: \(Excerpt.sanitized(path, limit: Excerpt.keyPathLimit)): \(text)"
  }
}

/// Every problem found in a scenario (and the files it extends), in file order.
public struct ScenarioError: Error, Sendable, CustomStringConvertible {
  public var diagnostics: [Diagnostic]
  public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
  public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// Suggestions for misspelt names and keys.
///
/// Bounded, because a hostile file can hold tens of thousands of unknown names among tens of
/// thousands of known ones: names longer than `maximumLength` get no suggestion, candidates whose
/// length differs by more than the allowed distance are skipped, the distance stops once a row
/// exceeds the limit, and while a file loads (`withBudget`) at most `suggestionsPerFile` searches
/// and `cellsPerFile` edit-distance cells are spent; past that the hint says so.
public enum Suggestion {
  /// Names longer than this get no suggestion (misspellings of long names are rare, and costly).
  public static let maximumLength = 64
  /// Searches per loaded file.
  public static let suggestionsPerFile = 1_000
  /// Candidates looked at per loaded file.
  public static let candidatesPerFile = 1_000_000
  /// Edit-distance cells (one comparison of two characters) per loaded file.
  public static let cellsPerFile = 5_000_000

  /// The work left for the file being loaded (see `withBudget`); nil outside a load.
  public final class Budget: @unchecked Sendable {
    public internal(set) var searches = 0
    public internal(set) var candidates = 0
    public internal(set) var cells = 0
    public init() {}
    var exhausted: Bool {
      searches >= Suggestion.suggestionsPerFile || candidates >= Suggestion.candidatesPerFile || cells >= Suggestion.cellsPerFile
    }
  }

  @TaskLocal static var budget: Budget?

  /// Runs `body` (one file's load) with a fresh budget, which it returns for inspection.
  public static func withBudget<T>(_ body: () -> T) -> (T, Budget) {
    let fresh = Budget()
    let result = $budget.withValue(fresh) { body() }
    return (result, fresh)
  }

  /// What a hint says once the budget is spent.
  public static let exhaustedHint = "(no more suggestions: too many unknown names in this file)"

  /// `did you mean "North"?` when a candidate is close enough, else nil.
  public static func didYouMean(_ word: String, among candidates: some Sequence<String>) -> String? {
    if let budget, budget.exhausted { return exhaustedHint }
    guard let best = closest(word, among: candidates) else { return nil }
    return "did you mean \"\(best)\"?"
  }

  /// The candidate nearest by edit distance, if within a third of the word's length (at least 2).
  static func closest(_ word: String, among candidates: some Sequence<String>) -> String? {
    let a = Array(word.lowercased())
    guard a.count <= maximumLength else { return nil }
    budget?.searches += 1
    let limit = max(2, a.count / 3)
    var best: (String, Int)?
    for candidate in candidates {
      if let budget {
        guard budget.candidates < candidatesPerFile, budget.cells < cellsPerFile else { break }
        budget.candidates += 1
      }
      let length = candidate.count
      guard length <= maximumLength, abs(length - a.count) <= limit else { continue }
      let bound = min(limit, (best?.1 ?? .max) - 1)
      guard bound >= 0 else { break }
      let distance = editDistance(a, Array(candidate.lowercased()), limit: bound)
      if distance <= bound { best = (candidate, distance) }
    }
    return best?.0
  }

  /// Levenshtein distance.
  static func editDistance(_ a: String, _ b: String) -> Int {
    editDistance(Array(a), Array(b), limit: .max)
  }

  /// Levenshtein distance (the two-row dynamic programme), or a number above `limit` as soon as
  /// a whole row exceeds it. Spends the current budget's cells.
  static func editDistance(_ a: [Character], _ b: [Character], limit: Int) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = previous
    for i in 1...a.count {
      current[0] = i
      var rowMinimum = i
      for j in 1...b.count {
        current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        rowMinimum = min(rowMinimum, current[j])
      }
      budget?.cells += b.count
      if rowMinimum > limit { return limit &+ 1 }
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
