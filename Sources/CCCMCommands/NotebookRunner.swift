import ArgumentParser
import CCCMSupport
import Calibration
import Foundation
import ScenarioFiles

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Runs a notebook's `cccm` commands: never through a shell, always with `executable` (this
/// `cccm`), in the notebook's folder, and only when every argument stays inside the notebook's
/// project: the nearest enclosing folder holding `.git`, or else the notebook's own folder.
struct NotebookRunner {
  /// The `cccm` to run.
  let executable: String
  /// The notebook's folder, symbolic links resolved: the working directory of every command, and
  /// (unless `allowOutside`) the tree its arguments must stay in.
  let directory: String
  /// The tree every argument must stay in (unless `allowOutside`).
  let root: String
  let allowOutside: Bool

  init(executable: String, notebook: String, allowOutside: Bool = false) {
    self.executable = executable
    let absolute = URL(fileURLWithPath: notebook).path
    directory = canonicalPath(parentPath(absolute))
    root = Self.projectRoot(of: directory)
    self.allowOutside = allowOutside
  }

  /// The nearest folder at or above `directory` that holds `.git`, else `directory` itself.
  static func projectRoot(of directory: String) -> String {
    var candidate = directory
    while true {
      if FileManager.default.fileExists(atPath: candidate + "/.git") { return candidate }
      let parent = parentPath(candidate)
      guard parent != candidate, !parent.isEmpty else { return directory }
      candidate = parent
    }
  }

  static var currentExecutable: String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
  }

  /// Options (their property names) whose value is a file or folder the command writes.
  static let writingOptions: Set<String> = ["save", "output", "mapOut", "pipeline", "charts"]

  /// A command line as `cccm` reads it: every string value the argument parser gives its
  /// options and arguments, by option (property) name, and whether the command is `notebook`.
  /// Paths are judged here, after parsing, so no spelling (`-o=PATH`, `-oPATH`, a repeated
  /// option, `--opt PATH` after `--`) reaches `cccm` unjudged.
  struct Parsed {
    var values: [(option: String, value: String)]
    var isNotebook: Bool
    /// The value of an option that takes one (the last given, as the parser keeps it).
    func value(of option: String) -> String? { values.last { $0.option == option }?.value }
  }

  /// Parses `arguments` with `cccm`'s own root command; nil when it would not parse (then `cccm`
  /// refuses it too, before running anything). Help and version requests parse to no values.
  static func parse(_ arguments: [String]) -> Result<Parsed, CommandRefusal> {
    let command: any ParsableCommand
    do {
      command = try CCCM.parseAsRoot(arguments)
    } catch {
      if CCCM.exitCode(for: error) == .success { return .success(Parsed(values: [], isNotebook: false)) }
      let message = CCCM.message(for: error).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
      return .failure(CommandRefusal("refused: cccm would not read this command line: \(excerpt(message, limit: 160))"))
    }
    var values: [(String, String)] = []
    collectStrings(command, option: "", depth: 0, into: &values)
    let isNotebook = command is Notebook || command is NotebookRun || command is NotebookCheck
    return .success(Parsed(values: values, isNotebook: isNotebook))
  }

  /// Every `String` inside a parsed command (through property wrappers, option groups, optionals
  /// and arrays), labelled with the property that holds it.
  static func collectStrings(_ value: Any, option: String, depth: Int, into values: inout [(String, String)]) {
    if let text = value as? String {
      values.append((option, text))
      return
    }
    guard depth < 12 else { return }
    for child in Mirror(reflecting: value).children {
      var name = option
      // Property wrappers are stored as `_name`; the parser's own storage is `_parsedValue`.
      if let label = child.label, label.hasPrefix("_"), label != "_parsedValue", label != "_wrappedValue" { name = String(label.dropFirst()) }
      collectStrings(child.value, option: name, depth: depth + 1, into: &values)
    }
  }

  /// The arguments (after `cccm`) of a command line, or why it is refused.
  func arguments(of command: String) -> Result<[String], CommandRefusal> {
    let tokens: [String]
    switch tokenize(command) {
    case .success(let t): tokens = t
    case .failure(let refusal): return .failure(refusal)
    }
    guard tokens.first == "cccm" else { return .failure(CommandRefusal("only `cccm` commands are run")) }
    let arguments = Array(tokens.dropFirst())
    let refusal = CommandRefusal("refused: a notebook may not run `cccm notebook` (it would run notebooks from a notebook)")
    if arguments.first(where: { !$0.hasPrefix("-") }) == "notebook" { return .failure(refusal) }
    let parsed: Parsed
    switch Self.parse(arguments) {
    case .success(let p): parsed = p
    case .failure(let refusal): return .failure(refusal)
    }
    if parsed.isNotebook { return .failure(refusal) }
    if !allowOutside, let outside = parsed.values.first(where: { !isInside($0.value) }) {
      return .failure(
        CommandRefusal("refused: \"\(excerpt(outside.value, limit: 80))\" is outside the notebook's project \(root); pass --allow-outside to allow it"))
    }
    if !allowOutside {
      for value in parsed.values {
        if let outside = filesNamedInside(value.value).first(where: { !isInside($0) }) {
          return .failure(
            CommandRefusal(
              "refused: \(excerpt(value.value, limit: 80)) names \"\(excerpt(outside, limit: 160))\", outside the notebook's project \(root); pass --allow-outside to allow it"))
        }
      }
    }
    return .success(arguments)
  }

  /// The files a scenario or mapping named by `value` reads in turn (its `extends` chain, its
  /// `pipeline:` CSV and account lists; a mapping's joined tables), resolved: a notebook's project
  /// check covers paths written inside files as well as on the command line. Other values give none.
  func filesNamedInside(_ value: String) -> [String] {
    guard value.hasSuffix(".yaml") || value.hasSuffix(".yml") else { return [] }
    let path = absolute(value)
    var info = stat()
    guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return [] }
    var named: [String] = []
    let read = CommandFiles.inputsRead {
      // Loading reads the whole chain, valid or not; a mapping names its tables without reading them.
      if case .success(let mapping) = Result(catching: { () throws(CalibrationError) in try Mapping.load(path: path) }) {
        named = [mapping.owners, mapping.accounts].compactMap { $0.map { canonicalPath(mapping.resolve($0.file)) } }
      } else {
        _ = try? ScenarioLoader().load(path: path)
      }
    }
    return (read + named).filter { $0 != path }
  }

  /// Whether a command (its arguments) writes files other than charts: `run --save`, `merge -o`,
  /// `fit -o`, `export --map-out`, as the argument parser reads them.
  static func writesFiles(_ arguments: [String]) -> Bool {
    guard case .success(let parsed) = parse(arguments) else { return false }
    return parsed.values.contains { writingOptions.contains($0.option) && $0.option != "charts" }
  }

  /// Whether a path, read relative to the notebook's folder, stays inside the project (symbolic
  /// links resolved). Values that are not paths (numbers, metric names) resolve inside and pass.
  func isInside(_ candidate: String) -> Bool {
    guard !candidate.isEmpty else { return true }
    let absolute = candidate.hasPrefix("/") ? candidate : (directory == "/" ? "/" : directory + "/") + candidate
    let resolved = canonicalPath(absolute)
    return root == "/" || resolved == root || resolved.hasPrefix(root + "/")
  }

  /// Splits a command line into words: spaces and tabs separate, single or double quotes group.
  /// Without a shell, shell syntax would reach `cccm` as arguments, so it is refused.
  func tokenize(_ line: String) -> Result<[String], CommandRefusal> {
    var tokens: [String] = []
    var current = ""
    var quote: Character?
    var started = false
    for ch in line {
      if let q = quote {
        if ch == q { quote = nil } else { current.append(ch) }
      } else if ch == "\"" || ch == "'" {
        quote = ch
        started = true
      } else if ch == " " || ch == "\t" {
        if started || !current.isEmpty { tokens.append(current) }
        current = ""
        started = false
      } else if "|&;<>`$*\\".contains(ch) {
        return .failure(CommandRefusal("refused: `\(ch)` is shell syntax, and notebook commands run without a shell (quote it if it is meant literally)"))
      } else {
        current.append(ch)
      }
    }
    if quote != nil { return .failure(CommandRefusal("refused: a quote is never closed")) }
    if started || !current.isEmpty { tokens.append(current) }
    return .success(tokens)
  }

  /// What a command printed, or why it failed.
  enum Outcome: Equatable {
    case output(String)
    case failed(String)
  }

  /// Runs `cccm` with `arguments` in the notebook's folder. Standard output is the result; a
  /// command that exits non-zero or is killed by a signal fails, with a short excerpt of what it said.
  func execute(_ arguments: [String]) -> Outcome {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    var environment = ProcessInfo.processInfo.environment
    environment["NO_COLOR"] = "1"
    process.environment = environment
    process.standardInput = FileHandle.nullDevice
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    do {
      try process.run()
    } catch {
      return .failed("could not start \(executable): \(excerpt(error.localizedDescription, limit: 160))")
    }
    // Both pipes are read at once: a command that fills one pipe (64 KB) while cccm waits on the
    // other would otherwise never finish.
    let standardError = PipeReader(err.fileHandleForReading)
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = standardError.wait()
    process.waitUntilExit()
    let said = String(decoding: stderr.isEmpty ? stdout : stderr, as: UTF8.self)
    let status = process.terminationStatus
    if process.terminationReason == .uncaughtSignal {
      return .failed("was killed by signal \(status)\(signalName(status).map { " (\($0))" } ?? "")\(quote(said))")
    }
    guard status == 0 else { return .failed("failed with exit status \(status)\(quote(said))") }
    return .output(String(decoding: stdout, as: UTF8.self))
  }

  /// `: <excerpt>` of what a failed command said: its first error line (else its first line),
  /// control characters removed, at most 160 characters.
  func quote(_ said: String) -> String {
    let lines = said.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    guard let line = lines.first(where: { $0.contains("error") }) ?? lines.first else { return "" }
    return ": " + excerpt(line, limit: 160)
  }

  func signalName(_ signal: Int32) -> String? {
    [4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT", 7: "SIGBUS", 8: "SIGFPE", 9: "SIGKILL", 11: "SIGSEGV", 13: "SIGPIPE", 15: "SIGTERM"][signal]
  }
}

/// Why a notebook command is not run.
struct CommandRefusal: Error, Equatable {
  let message: String
  init(_ message: String) { self.message = message }
}

/// One line of untrusted text for a message: control characters as spaces, cut to `limit` characters.
func excerpt(_ text: String, limit: Int) -> String {
  var clean = String(String.UnicodeScalarView(text.unicodeScalars.map { NotebookOutput.isControl($0) ? " " : $0 }))
  if clean.count > limit { clean = String(clean.prefix(limit - 3)) + "..." }
  return clean
}

/// Reads a file handle to its end on another thread.
private final class PipeReader: @unchecked Sendable {
  private let lock = NSLock()
  private var data = Data()
  private let done = DispatchSemaphore(value: 0)

  init(_ handle: FileHandle) {
    Thread.detachNewThread { [self] in
      let read = handle.readDataToEndOfFile()
      lock.withLock { data = read }
      done.signal()
    }
  }

  func wait() -> Data {
    done.wait()
    return lock.withLock { data }
  }
}

/// The folder part of an absolute path (`/` for a top-level entry).
func parentPath(_ path: String) -> String {
  guard let slash = path.lastIndex(of: "/") else { return "." }
  let parent = String(path[..<slash])
  return parent.isEmpty ? "/" : parent
}

/// An absolute path with symbolic links, `.` and `..` resolved; the part that does not exist yet
/// is resolved lexically on top of the longest part that does.
func canonicalPath(_ path: String) -> String {
  if let resolved = realpath(path, nil) {
    defer { free(resolved) }
    return String(cString: resolved)
  }
  guard let slash = path.lastIndex(of: "/") else { return path }
  let last = String(path[path.index(after: slash)...])
  let parent = parentPath(path)
  guard parent != path else { return path }
  let base = canonicalPath(parent)
  switch last {
  case "", ".": return base
  case "..": return parentPath(base)
  default: return base == "/" ? "/" + last : base + "/" + last
  }
}
