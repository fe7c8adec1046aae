import ArgumentParser
import CCCMSupport
import Charts
import CoverageModel
import Experiments
import Foundation
import Reports
import ScenarioFiles
import Simulation

/// What a report says it ran: this command line, cccm's version, and each scenario's file and hash.
func provenance(scenarios: [(name: String, file: String, hash: String)], seed: UInt64, replications: Int, generator: String) -> Provenance {
  Provenance(
    command: Provenance.commandLine(["cccm"] + CommandLine.arguments.dropFirst()), version: CCCM.version, seed: seed, replications: replications,
    generator: generator, scenarios: scenarios.map { Provenance.ScenarioEntry(name: $0.name, file: $0.file, hash: $0.hash) })
}

/// The provenance entry of a loaded scenario.
func scenarioEntry(_ scenario: Scenario, file: String) -> (name: String, file: String, hash: String) {
  (scenario.name, file, SavedResults.hash(of: scenario))
}

/// Checks, before any work, that `--charts DIR` can be written: an existing directory, or a new
/// one whose parent exists. Exits 2 if not.
func checkChartsDirectory(_ directory: String?) throws {
  guard let directory else { return }
  var isDirectory: ObjCBool = false
  if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
    guard isDirectory.boolValue else {
      printError("\(Excerpt.sanitized(directory, limit: Excerpt.pathLimit)): error: --charts needs a directory, and this is a file")
      throw ExitCode(.fileError)
    }
    guard FileManager.default.isWritableFile(atPath: directory) else {
      printError("\(Excerpt.sanitized(directory, limit: Excerpt.pathLimit)): error: cannot write charts into it (read-only)")
      throw ExitCode(.fileError)
    }
    return
  }
  let parent = (directory as NSString).deletingLastPathComponent
  guard parent.isEmpty || FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory), parent.isEmpty || isDirectory.boolValue else {
    printError("\(Excerpt.sanitized(directory, limit: Excerpt.pathLimit)): error: --charts: no such directory \(Excerpt.sanitized(parent, limit: Excerpt.pathLimit)) to create it in")
    throw ExitCode(.fileError)
  }
}

/// Writes each chart as `DIR/<id>.svg` (atomically, see `writeAtomically`), creating DIR if needed.
func writeCharts(_ charts: [any Chart], to directory: String?) throws {
  guard let directory else { return }
  do {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false, attributes: nil)
  } catch {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
      printError("\(Excerpt.sanitized(directory, limit: Excerpt.pathLimit)): error: cannot create the charts directory: \(error.localizedDescription)")
      throw ExitCode(.fileError)
    }
  }
  for chart in charts {
    try writeAtomically(chart.svg(standalone: true), to: (directory as NSString).appendingPathComponent(chart.id + ".svg"))
  }
}

/// Writes `--charts` and prints the page for `--format html`; true when the page was printed.
func emitChartedReport(_ document: ReportDocument, options: SimulationOptions) throws -> Bool {
  try writeCharts(document.charts, to: options.charts)
  guard options.format == .html else { return false }
  printReport(document.render(.html))
  return true
}

func printReport(_ text: String) { print(text, terminator: "") }

/// `run --format html` or `--charts`: the report's document with what was run and its charts.
/// True when the page was printed (nothing else to print).
func chartedRun(_ results: SimulationResults, scenario: Scenario, file: String, record: ReportRecord, options: SimulationOptions) throws -> Bool {
  guard options.format == .html || options.charts != nil else { return false }
  var document = runDocument(results, record: record)
  document.provenance = provenance(
    scenarios: [scenarioEntry(scenario, file: file)], seed: results.seed, replications: results.replications, generator: options.generator)
  return try emitChartedReport(document, options: options)
}

/// `run`'s page and charts (without what was run).
func runDocument(_ results: SimulationResults, record: ReportRecord) -> ReportDocument {
  var document = RunReport.document(RunSummary(results))
  let kind = record.by.flatMap(PeriodKind.init(rawValue:))
  if let kind { document.append(PeriodReport.document(results, by: kind, metrics: PeriodReport.defaultMetrics)) }
  let targets = record.targets.compactMap { try? Target.parse($0).get() }
  if !targets.isEmpty { document.append(TargetReport.document(targets: targets, baseline: results, variants: [], confidence: 0.95)) }
  document.title = "cccm run: \(results.scenario)"
  document.charts = ReportCharts.run(results, by: kind)
  return document
}

/// `compare --format html` or `--charts`. `saved`: the files are results (`--from`), whose
/// recorded hashes are shown.
func chartedCompare(_ all: [SimulationResults], files: [String], saved: Bool, record: ReportRecord, options: SimulationOptions, note: String?) throws -> Bool {
  guard options.format == .html || options.charts != nil else { return false }
  var document = try compareDocument(all, record: record, note: note)
  let entries: [(name: String, file: String, hash: String)]
  if saved {
    entries = try zip(files, files.map(SavedResults.load)).map { ($1.scenario, $0, $1.scenarioHash) }
  } else {
    entries = try files.map { scenarioEntry(try loadScenario($0), file: $0) }
  }
  document.provenance = provenance(scenarios: entries, seed: all[0].seed, replications: all[0].replications, generator: options.generator)
  return try emitChartedReport(document, options: options)
}

/// `compare`'s page and charts (without what was run).
func compareDocument(_ all: [SimulationResults], record: ReportRecord, note: String?) throws -> ReportDocument {
  let chosen = record.metrics.isEmpty ? Comparison.defaultMetrics : record.metrics
  let comparison = Comparison(baseline: all[0], variants: Array(all.dropFirst()), metrics: chosen, objective: record.parsedObjective, teams: record.teams)
  var document = ComparisonReport.document(
    comparison, verbose: record.verbose, note: note, layout: ComparisonLayout(rawValue: record.layout) ?? .automatic)
  let targets = record.targets.compactMap { try? Target.parse($0).get() }
  if !targets.isEmpty {
    document.append(TargetReport.document(targets: targets, baseline: all[0], variants: Array(all.dropFirst()), confidence: comparison.confidence))
  }
  var kind = record.by.flatMap(PeriodKind.init(rawValue:))
  if let by = kind {
    guard all.allSatisfy({ !$0.layout.months.isEmpty }) else {
      printError("error: --by needs results kept by period; saved results without periods cannot be shown by \(by.rawValue): run them again with --by")
      throw ExitCode(.fileError)
    }
    document.append(
      PeriodReport.comparisonDocument(
        baseline: all[0], variants: Array(all.dropFirst()), by: by, metrics: record.metrics.isEmpty ? PeriodReport.defaultMetrics : chosen,
        confidence: comparison.confidence, objective: record.objective))
  } else {
    kind = nil
  }
  document.title = "cccm compare: \(all[0].scenario) against \(all.dropFirst().map(\.scenario).joined(separator: ", "))"
  document.charts = ReportCharts.compare(comparison, baseline: all[0], variants: Array(all.dropFirst()), by: kind)
  return document
}

/// `sweep --format html` or `--charts`: `all` is the base, then every grid point.
func chartedSweep(_ all: [SimulationResults], base: Scenario, file: String, record: ReportRecord, options: SimulationOptions) throws -> Bool {
  guard options.format == .html || options.charts != nil else { return false }
  var document = sweepDocument(all, base: base.name, record: record)
  document.provenance = provenance(
    scenarios: [scenarioEntry(base, file: file)], seed: all[0].seed, replications: all[0].replications, generator: options.generator)
  return try emitChartedReport(document, options: options)
}

/// `sweep`'s page and charts (without what was run).
func sweepDocument(_ all: [SimulationResults], base: String, record: ReportRecord) -> ReportDocument {
  let sweep = Sweep(factors: record.vary.compactMap { try? Sweep.factor($0).get() })
  let points = zip(sweep.grid, all.dropFirst()).map { SweepReport.Point(label: Sweep.label(sweep.factors, $0), values: $0, results: $1) }
  var document = SweepReport.document(
    factors: sweep.factors.map(\.path), base: all[0], points: points, metrics: record.metrics.isEmpty ? ["bookings", "cost"] : record.metrics,
    objective: record.objective)
  document.title = "cccm sweep: \(base) over \(sweep.factors.map(\.path).joined(separator: " x "))"
  document.charts = ReportCharts.sweep(factors: sweep.factors.map(\.path), base: all[0], points: points, objective: record.objective)
  return document
}

/// `sensitivity --format html` or `--charts`: `all` is the base, then each factor's low and high.
func chartedSensitivity(_ all: [SimulationResults], base: Scenario, file: String, record: ReportRecord, options: SimulationOptions) throws -> Bool {
  guard options.format == .html || options.charts != nil else { return false }
  var document = sensitivityDocument(all, base: base.name, record: record)
  document.provenance = provenance(
    scenarios: [scenarioEntry(base, file: file)], seed: all[0].seed, replications: all[0].replications, generator: options.generator)
  return try emitChartedReport(document, options: options)
}

/// `sensitivity`'s (tornado) page and chart (without what was run).
func sensitivityDocument(_ all: [SimulationResults], base: String, record: ReportRecord) -> ReportDocument {
  let factors = record.vary.compactMap { try? Sweep.ends($0).get() }
  let bars = factors.enumerated().map { i, factor in
    TornadoReport.Bar(factor: factor.path, low: factor.values.first ?? 0, high: factor.values.last ?? 0, lowResults: all[1 + 2 * i], highResults: all[2 + 2 * i])
  }
  var document = TornadoReport.document(base: all[0], bars: bars, objective: record.objective)
  document.title = "cccm sensitivity: \(base), \(record.objective)"
  document.charts = [ReportCharts.tornado(base: all[0], bars: bars, objective: record.objective)]
  return document
}

/// Prints a report of the commands that explore designs (select, Morris, Sobol, uncertainty,
/// allocate): with `--format html` or `--charts`, first given its title, what was run and its
/// charts (built only then).
func printExploreReport(
  _ document: ReportDocument, title: String, scenarios: [(name: String, file: String, hash: String)], seed: UInt64, replications: Int, options: SimulationOptions,
  charts: () -> [any Chart]
) throws {
  var document = document
  if options.format == .html || options.charts != nil {
    document.title = title
    document.provenance = provenance(scenarios: scenarios, seed: seed, replications: replications, generator: options.generator)
    document.charts = charts()
    if try emitChartedReport(document, options: options) { return }
  }
  printReport(document.render(options.format))
}
