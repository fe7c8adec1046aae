import ArgumentParser
import CCCMSupport
import Charts
import CoverageModel
import Experiments
import Foundation
import Reports
import Workbook
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
  (scenario.name, file, ScenarioEncoder.fingerprint(of: scenario))
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
  let parent = PathText.directory(of: directory)
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
    try writeAtomically(chart.svg(standalone: true), to: (directory == "/" ? "/" : directory + "/") + chart.id + ".svg", as: "--charts (\(chart.id).svg)", rules: .inFolder)
  }
}

func printReport(_ text: String) { print(text, terminator: "") }

/// Whether compare's tables are painted: a table on a terminal, and no NO_COLOR (https://no-color.org).
func terminalColour(_ format: OutputFormat) -> Bool {
  format == .table && isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
}

/// Prints a command's report, one document in every format: the HTML page with what was run
/// (`provenance`, worked out for it alone), `--charts DIR` written from the same document.
/// `--xlsx FILE` writes the same document as an Excel workbook.
func emitReport(
  _ document: ReportDocument, format: OutputFormat, charts: String?, xlsx: String? = nil, colour: Bool = false, provenance: () throws -> Provenance
) throws {
  var document = document
  if format == .html || xlsx != nil { document.provenance = try provenance() }
  try writeCharts(document.charts, to: charts)
  if let xlsx { try writeWorkbook(document, to: xlsx) }
  printReport(document.render(format, colour: colour))
}

/// Writes `document` as an Excel workbook (`ExcelWorkbook`), atomically, never over one of
/// `inputs`; exit 2 if it cannot.
func writeWorkbook(_ document: ReportDocument, to path: String, inputs: [String] = []) throws {
  let data: Data
  do {
    data = try ExcelWorkbook.bytes(document)
  } catch {
    printError(error.description)
    throw ExitCode(.fileError)
  }
  try writeAtomically(data, to: path, as: "--xlsx", inputs: inputs)
}

/// A report that the results cannot give (`--by` of results kept without periods), exit 2.
func reportDocument(_ build: () throws(ReportError) -> ReportDocument) throws -> ReportDocument {
  do {
    return try build()
  } catch {
    printError(error.description)
    throw ExitCode(.fileError)
  }
}

/// Prints a report of the commands that explore designs (select, Morris, Sobol, uncertainty,
/// allocate): its charts built only for `--format html` or `--charts`.
func printExploreReport(
  _ document: ReportDocument, title: String, scenarios: [(name: String, file: String, hash: String)], seed: UInt64, replications: Int, options: SimulationOptions,
  charts: () -> [any Chart]
) throws {
  var document = document
  document.title = title
  if options.format == .html || options.charts != nil { document.charts = charts() }
  try emitReport(document, format: options.format, charts: options.charts, xlsx: options.xlsx) {
    provenance(scenarios: scenarios, seed: seed, replications: replications, generator: options.generator)
  }
}
