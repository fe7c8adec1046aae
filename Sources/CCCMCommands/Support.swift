import ArgumentParser
import CCCMSupport
import CoverageModel
import Experiments
import Foundation
import Randomness
import Reports
import ScenarioFiles
import Simulation

extension OutputFormat: ExpressibleByArgument {}

extension ExitCode {
  /// The `ExitCode` that ends `cccm` with `status`.
  init(_ status: ExitStatus) { self.init(status.rawValue) }
}

func printError(_ text: String) {
  StandardStreams.error(text.hasSuffix("\n") ? text : text + "\n")
}

/// Loads a scenario, printing every problem and exiting 1 (invalid) or 2 (unreadable) on failure.
func loadScenario(_ path: String) throws -> Scenario {
  try loadScenarioRecordingFiles(path).scenario
}

/// The designs a command compares on common random numbers (the baseline first), with the files
/// read; refused (exit 1) when they do not simulate the same days (`Experiment.clockMismatch`).
func loadDesigns(_ files: [String]) throws -> (scenarios: [Scenario], inputs: [String]) {
  var scenarios: [Scenario] = []
  var inputs: [String] = []
  var extended: [String?] = []
  for file in files {
    let (scenario, read) = try loadScenarioRecordingFiles(file)
    scenarios.append(scenario)
    inputs += read
    // The files read end with the file itself, after the one it extends.
    extended.append(read.count > 1 ? Excerpt.sanitized(displayedPath(read[read.count - 2]), limit: Excerpt.pathLimit) : nil)
  }
  let shown = files.map { Excerpt.sanitized($0, limit: Excerpt.pathLimit) }
  if let problem = Experiment.clockMismatch(scenarios, files: shown) {
    printError(problem)
    throw ExitCode(.invalidScenario)
  }
  for note in Experiment.transitionOrigins(scenarios, files: shown, extended: extended) { printError(note) }
  return (scenarios, inputs)
}

/// `path` relative to the working directory when it lies inside it, else as it is.
func displayedPath(_ path: String) -> String {
  let here = FileManager.default.currentDirectoryPath
  return path.hasPrefix(here + "/") ? String(path.dropFirst(here.count + 1)) : path
}

/// `loadScenario`, with the files read (the scenario and the files it extends).
func loadScenarioRecordingFiles(_ path: String) throws -> (scenario: Scenario, files: [String]) {
  try loading { () throws(ScenarioLoadError) in try ScenarioLoader().loadRecordingFiles(path: path) }
}

/// What `load` reads from scenario files, printing every problem and exiting 1 (invalid) or 2
/// (unreadable) on failure.
func loading<T>(_ load: () throws(ScenarioLoadError) -> T) throws -> T {
  do {
    return try load()
  } catch .invalid(let error) {
    printError(error.description)
    throw ExitCode(.invalidScenario)
  } catch {
    printError(error.description)
    throw ExitCode(.fileError)
  }
}

/// Stages a file to be written safely when the command succeeds (`FileOutput`: atomic replacement
/// keeping permissions, owner and group, symlinks followed unless `rules` say not, devices and
/// FIFOs written directly; read-only files, the command's inputs and a file another output `role`
/// names refused), exiting 2 on failure.
func writeAtomically(_ text: String, to path: String, as role: String, inputs: [String] = [], rules: FileOutput.Rules = .standard) throws {
  try writeAtomically(Data(text.utf8), to: path, as: role, inputs: inputs, rules: rules)
}

/// `writeAtomically` of bytes (a workbook).
func writeAtomically(_ data: Data, to path: String, as role: String, inputs: [String] = [], rules: FileOutput.Rules = .standard) throws {
  do {
    try FileOutput.write(data, to: path, as: role, inputs: inputs, rules: rules)
  } catch {
    printError("\(Excerpt.sanitized(path, limit: Excerpt.pathLimit)): error: cannot write the file (\(role)): \(error.reason)")
    throw ExitCode(.fileError)
  }
}

/// Checks, before any work, that `path` can be written as `role` (`FileOutput.plan`), exiting 2 if not.
func checkWritable(_ path: String, as role: String, inputs: [String] = []) throws {
  do {
    _ = try FileOutput.plan(path, as: role, inputs: inputs)
  } catch {
    printError("\(Excerpt.sanitized(path, limit: Excerpt.pathLimit)): error: cannot write the file (\(role)): \(error.reason)")
    throw ExitCode(.fileError)
  }
}

/// Puts every staged output in place (`FileOutput.commitStaged`), exiting 2 naming the file that failed.
func commitOutputs() throws {
  do {
    try FileOutput.commitStaged()
  } catch {
    printError("\(Excerpt.sanitized(error.path ?? "", limit: Excerpt.pathLimit)): error: cannot write the file: \(error.reason)")
    throw ExitCode(.fileError)
  }
}

/// Options shared by `run` and `compare`.
struct SimulationOptions: ParsableArguments {
  // `.unconditional`: a value that starts with "-" (`--seed -5`) is the option's value, refused
  // with the valid range, not "Missing value".
  @Option(name: [.short, .long], parsing: .unconditional, help: "Replications per scenario, 2 to 1,000,000 (default: the scenario's `replications`).", transform: BoundedOption.replications.parse)
  var replications: Int?

  @Option(name: .long, parsing: .unconditional, help: "Seed of the random streams, 0 to 2^64-1 (default: the scenario's `seed`).", transform: parseSeed)
  var seed: UInt64?

  @Option(name: .long, parsing: .unconditional, help: "Worker threads; 0 uses every core.", transform: BoundedOption.threads.parse)
  var threads: Int = 0

  @Option(name: .long, help: "GSL generator: philox (default, counter-based) or a GSL name such as mt19937 or taus2.")
  var generator: String = "philox"

  @Option(name: .long, help: "Output format: table, markdown, csv, json, or html (one self-contained page: what was run, the summary, the charts).")
  var format: OutputFormat = .table

  @Option(name: .long, help: "Also write the report's charts as SVG files into this directory (created if missing), one file per chart.")
  var charts: String?

  @Option(name: .long, help: "Also write the report as an Excel workbook (.xlsx): its numbers as one wide table, the report as printed, the data rows and what was run.")
  var xlsx: String?

  @Flag(name: .shortAndLong, help: "No progress bar.")
  var quiet = false

  @Option(name: .long, help: "Also report by period: month or quarter (calendar ones when the scenario has start_date).")
  var by: PeriodKind?

  @Option(name: .long, help: "A target such as bookings>=85M or win_rate>25% (repeatable): the probability of reaching it, per scenario and paired between them.")
  var target: [String] = []

  /// The parsed targets (validated in `validate`).
  var targets: [Target] { target.compactMap { try? Target.parse($0).get() } }

  func validate() throws {
    // Before any work: the workbook's folder exists and the file is writable (inputs are checked
    // again when it is written).
    if let xlsx { try checkWritable(xlsx, as: "--xlsx") }
    try BoundedOption.replications.check(replications)
    try BoundedOption.threads.check(threads)
    for text in target {
      if case .failure(let problem) = Target.parse(text) { throw ValidationError(problem.description) }
    }
    if !target.isEmpty, format == .json { throw ValidationError("--target is reported in table, markdown and csv formats; use one of them") }
    try checkGenerator(generator)
  }

  var generatorKind: GeneratorKind { GeneratorKind(name: generator) ?? .philox }

  /// The report options these give (`--format`, `--by`, `--target`); a command adds its own.
  var record: ReportRecord {
    var record = ReportRecord()
    (record.format, record.by, record.targets) = (format.rawValue, by?.rawValue, target)
    return record
  }
}

/// Refuses an unknown or unsafe `--generator` (exit 64) with a did-you-mean and the accepted names.
func checkGenerator(_ name: String) throws {
  guard GeneratorKind(name: name) == nil else { return }
  let names = GeneratorKind.availableNames
  let hint = GeneratorKind.unsafeNames.contains(name) ? nil : Suggestion.didYouMean(name, among: names)
  throw ValidationError("--generator: " + GeneratorKind.refusal(Excerpt.sanitized(name)).replacingOccurrences(of: "; accepted:", with: "; \(hint.map { $0 + " " } ?? "")accepted:"))
}

/// A progress bar on standard error, shown only on a terminal and only after a second.
final class ProgressBar: @unchecked Sendable {
  private let total: Int
  private let label: String
  private let start = Date()
  private let lock = NSLock()
  private var lastDraw = Date.distantPast
  private var drawn = false
  private let enabled: Bool

  init(total: Int, label: String, quiet: Bool) {
    self.total = total
    self.label = label
    enabled = !quiet && isatty(STDERR_FILENO) == 1
  }

  func update(_ done: Int) {
    guard enabled else { return }
    lock.lock()
    defer { lock.unlock() }
    let now = Date()
    let elapsed = now.timeIntervalSince(start)
    guard elapsed > 1, now.timeIntervalSince(lastDraw) > 0.1 || done == total else { return }
    lastDraw = now
    drawn = true
    let rate = Double(done) / elapsed
    let left = rate > 0 ? Double(total - done) / rate : 0
    let width = 30
    let filled = total > 0 ? width * done / total : width
    let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
    let line = String(format: "\r%@ [%@] %d/%d  %.0f rep/s  %.0fs left ", label, bar, done, total, rate, left)
    StandardStreams.error(line)
  }

  /// One more replication done (for bars counted across several runs).
  func tick() {
    lock.lock()
    ticks += 1
    let done = ticks
    lock.unlock()
    update(done)
  }
  private var ticks = 0

  func finish() {
    guard enabled, drawn else { return }
    StandardStreams.error("\r\u{1B}[K")
  }
}

/// Refuses, up front, a run whose per-replication results would not fit in half of this machine's
/// memory (results are kept for every replication: a wide scenario at a million replications can
/// need tens of gigabytes).
func checkResultsFit(_ scenarios: [Scenario], replications: Int, byPeriod: Bool, streams: Bool = false) throws {
  let bytes = scenarios.reduce(0.0) { total, scenario in
    let periods = byPeriod ? PeriodCalendar(horizon: scenario.horizonDays, startDate: scenario.startDate) : nil
    let width = MetricLayout(scenario: scenario, periods: periods).count
    // A run that streams keeps at most the exact bound's rows.
    let kept = streams ? min(replications, ReplicationBlocks.exactBound(width: width)) : replications
    return total + Double(width) * 8 * Double(kept)
  }
  let available = Double(ProcessInfo.processInfo.physicalMemory) / 2
  guard bytes <= available else {
    let gb = { (x: Double) in String(format: "%.1f GB", x / 1e9) }
    throw ValidationError(
      "\(replications) replications would keep \(gb(bytes)) of results, more than half of this machine's memory (\(gb(available * 2))): lower --replications, or run shards (run --first F -r N --save) and merge them")
  }
}

/// Runs a scenario with the shared options and a progress bar.
/// With `streams`, rows beyond the exact bound are not kept (`Simulator.run`), and each block of
/// them goes to `rows` as it finishes.
func simulate(
  _ scenario: Scenario, options: SimulationOptions, replications: Int? = nil, first: Int = 0, streams: Bool = false,
  rows: ((Range<Int>, UnsafeBufferPointer<Double>) -> Void)? = nil
) -> SimulationResults {
  let simulator = Simulator(scenario: scenario, generator: options.generatorKind, byPeriod: options.by != nil)
  let count = replications ?? options.replications ?? scenario.replications
  let progress = ProgressBar(total: count, label: scenario.name, quiet: options.quiet)
  let results = simulator.run(
    replications: count, seed: options.seed ?? scenario.seed, first: first, threads: options.threads,
    progress: { progress.update($0) }, exactBound: streams ? ReplicationBlocks.exactBound(width: simulator.layout.count) : nil, rows: rows)
  progress.finish()
  return results
}

extension PeriodKind: ExpressibleByArgument {}
