/// Every exit status of `cccm`, on one type (the README's table): a command ends with one of these
/// and nothing else, so a script can tell an invalid scenario from an unreadable file from a bad
/// command line.
public enum ExitStatus: Int32, CaseIterable, Comparable, Sendable {
  case success = 0
  /// An invalid scenario: every problem is printed as `file:line:column: error: key.path: message`.
  case invalidScenario = 1
  /// An unreadable or unwritable file, standard output included (full disk, closed pipe).
  case fileError = 2
  /// `notebook check`: a stored output differs from a fresh run, or is missing.
  case staleNotebook = 3
  /// A notebook command failed (non-zero exit or killed by a signal) or was refused; `notebook run`
  /// left the notebook unchanged.
  case notebookCommandFailed = 4
  /// A notebook's ```sh or output block is never closed; `notebook run` left it unchanged.
  case malformedNotebook = 5
  /// Shards that do not make one command: missing, duplicated, overlapping, foreign (`cccm merge`).
  case shardsDoNotMerge = 6
  /// Merged waves of `compare --precision` that have not reached it: another wave is needed.
  case anotherWave = 7
  /// `fit`, `backtest`: a problem in the mapping file.
  case invalidMapping = 8
  /// `fit`, `backtest`: a problem in the export or a joined table.
  case invalidExport = 9
  /// A bad command line: an unknown option, a number out of its range, a refused generator.
  case badUsage = 64

  /// The more serious of two statuses is the higher one (a command that checks several files ends
  /// with the worst).
  public static func < (a: ExitStatus, b: ExitStatus) -> Bool { a.rawValue < b.rawValue }
}
