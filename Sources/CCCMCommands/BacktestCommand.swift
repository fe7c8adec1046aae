import ArgumentParser
import CCCMSupport
import Calibration
import CoverageModel
import Foundation
import Reports
import ScenarioFiles
import Experiments

/// `cccm backtest`: fit up to A, simulate from the pipeline open at A through B, score against what happened.
struct BacktestCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "backtest",
    abstract: "Back-test a fit: fit the export up to --until, simulate from the deals open then through --through, and score the prediction month by month and per team against what happened.")

  @Argument(help: "The opportunities export (CSV with a header row).") var export: String
  @Option(name: .long, help: "The mapping file (see docs/calibration.md).") var map: String
  @Option(name: .long, help: "The cut-off date A (YYYY-MM-DD): the fit uses nothing after it.") var until: String
  @Option(name: .long, help: "The last day B (YYYY-MM-DD) simulated and scored.") var through: String
  @Option(name: .long, help: "Count arrivals from this date (default: the mapping's scenario.since).") var since: String?
  @Option(name: [.short, .long], parsing: .unconditional, help: "Replications, 2 to 1,000,000 (default 200).", transform: BoundedOption.replications.parse)
  var replications: Int = 200
  @Option(name: .long, parsing: .unconditional, help: "Master seed of the simulation, 0 to 2^64-1 (default 1).", transform: parseSeed) var seed: UInt64 = 1
  @Option(name: .long, parsing: .unconditional, help: "Worker threads; 0 uses every core.", transform: BoundedOption.threads.parse) var threads: Int = 0
  @Option(name: .long, help: "Report format: table, markdown, csv, json or html (a page with a chart per quantity).") var format: OutputFormat = .table
  @Option(name: .long, help: "Also write each chart as a standalone SVG file into this directory.") var charts: String?

  func validate() throws {
    guard let a = CalendarDate(until) else { throw ValidationError("--until \(Excerpt.sanitized(until)) is not a date YYYY-MM-DD") }
    guard let b = CalendarDate(through) else { throw ValidationError("--through \(Excerpt.sanitized(through)) is not a date YYYY-MM-DD") }
    guard Day(b) > Day(a) else { throw ValidationError("--through \(through) must come after --until \(until)") }
    guard Day(a).distance(to: Day(b)) <= 3660 else { throw ValidationError("--through is more than ten years after --until; back-test a shorter span") }
    if let since, CalendarDate(since) == nil { throw ValidationError("--since \(Excerpt.sanitized(since)) is not a date YYYY-MM-DD") }
    try BoundedOption.replications.check(replications)
    try BoundedOption.threads.check(threads)
  }

  func run() throws {
    guard let a = CalendarDate(until), let b = CalendarDate(through) else { throw ValidationError("--until and --through must be dates YYYY-MM-DD") }
    try checkChartsDirectory(charts)
    let result: Backtest
    do {
      let mapping = try Mapping.load(path: map)
      let data = try Export.load(path: export, mapping: mapping)
      result = try Backtest.run(
        data, mapping: mapping, mappingFile: map, until: Day(a), through: Day(b), since: since.flatMap(CalendarDate.init).map(Day.init),
        replications: replications, seed: seed, threads: threads)
    } catch {
      printError(error.description)
      throw ExitCode(error.exitStatus)
    }
    var document = BacktestReport.document(result)
    if format == .html {
      document.title = "cccm backtest: \(result.fit.scenarioName), fitted up to \(until), through \(through)"
      document.provenance = provenance(
        scenarios: [(result.scenario.name, export, SavedResults.hash(of: result.scenario))], seed: seed, replications: replications, generator: "philox")
    }
    try writeCharts(document.charts, to: charts)
    printReport(document.render(format))
  }
}
