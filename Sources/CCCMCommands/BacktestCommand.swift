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
  @Option(name: .long, help: "The cut-off date A (YYYY-MM-DD): the fit uses nothing after it. With --every: the earliest cut-off.") var until: String?
  @Option(name: .long, help: "The last day B (YYYY-MM-DD) simulated and scored. With --every: the last day any cut-off is scored through.") var through: String?
  @Option(name: .long, help: "Back-test from every month-end cut-off with enough history (rolling origin): month.") var every: String?
  @Option(name: .long, help: "The dynamics the fit writes (overrides the mapping's scenario.dynamics; without either, all): all, none, or a list of outcome_days, stale, quarter_pull, arrival_dispersion, rep_win_factor.")
  var dynamics: String?
  @Option(name: .long, help: "Predictive runs: fit K bootstrap resamples of the history and draw one parameter set per replication, so the intervals include the parameters' uncertainty (0: the point estimates; default 0).", transform: { try wholeNumber($0, option: "--resamples", range: "0 to 1000") })
  var resamples: Int = 0
  @Option(name: .long, help: "With --every: months scored after each cut-off (default 3).", transform: { try wholeNumber($0, option: "--horizon", range: "1 to 24") })
  var horizon: Int = 3
  @Option(name: .long, help: "Count arrivals from this date (default: the mapping's scenario.since).") var since: String?
  @Option(name: [.short, .long], parsing: .unconditional, help: "Replications, 2 to 1,000,000 (default 200).", transform: BoundedOption.replications.parse)
  var replications: Int = 200
  @Option(name: .long, parsing: .unconditional, help: "Master seed of the simulation, 0 to 2^64-1 (default 1).", transform: parseSeed) var seed: UInt64 = 1
  @Option(name: .long, parsing: .unconditional, help: "Worker threads; 0 uses every core.", transform: BoundedOption.threads.parse) var threads: Int = 0
  @Option(name: .long, help: "Report format: table, markdown, csv, json or html (a page with a chart per quantity).") var format: OutputFormat = .table
  @Option(name: .long, help: "Also write each chart as a standalone SVG file into this directory.") var charts: String?
  @Option(name: .long, help: "Also write the report as an Excel workbook (.xlsx): its tables with numbers as numbers, the report as printed, what was run.")
  var xlsx: String?

  func validate() throws {
    if let dynamics, let unknown = Mapping.Dynamic.parse(dynamics).unknown {
      throw ValidationError("--dynamics: unknown dynamic \"\(Excerpt.sanitized(unknown))\"; use all, none or any of \(Mapping.Dynamic.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    if let every, every != "month" { throw ValidationError("--every \(Excerpt.sanitized(every)) is not a period; use --every month") }
    guard (0...1000).contains(resamples) else { throw ValidationError("--resamples must be from 0 to 1000, got \(resamples)") }
    guard (1...24).contains(horizon) else { throw ValidationError("--horizon must be from 1 to 24 months, got \(horizon)") }
    if let until, CalendarDate(until) == nil { throw ValidationError("--until \(Excerpt.sanitized(until)) is not a date YYYY-MM-DD") }
    if let through, CalendarDate(through) == nil { throw ValidationError("--through \(Excerpt.sanitized(through)) is not a date YYYY-MM-DD") }
    if every == nil {
      guard let until else { throw ValidationError("give the cut-off --until YYYY-MM-DD (or --every month for every month-end cut-off)") }
      guard let through else { throw ValidationError("give the last day scored, --through YYYY-MM-DD") }
      guard let a = CalendarDate(until), let b = CalendarDate(through) else { return }
      guard Day(b) > Day(a) else { throw ValidationError("--through \(through) must come after --until \(until)") }
      guard Day(a).distance(to: Day(b)) <= 3660 else { throw ValidationError("--through is more than ten years after --until; back-test a shorter span") }
    }
    if let since, CalendarDate(since) == nil { throw ValidationError("--since \(Excerpt.sanitized(since)) is not a date YYYY-MM-DD") }
    try BoundedOption.replications.check(replications)
    try BoundedOption.threads.check(threads)
  }

  func run() throws {
    let day = { (text: String?) in text.flatMap(CalendarDate.init).map(Day.init) }
    try checkChartsDirectory(charts)
    if let xlsx { try checkWritable(xlsx, as: "--xlsx", inputs: [export, map]) }
    if every == nil, day(until) == nil || day(through) == nil { throw ValidationError("--until and --through must be dates YYYY-MM-DD") }
    let study: BacktestStudy
    do {
      study = try BacktestStudy.run(
        .init(
          export: export, mappingFile: map, dynamics: dynamics, until: day(until), through: day(through), rolling: every != nil, since: day(since),
          horizonMonths: horizon, replications: replications, seed: seed, threads: threads, resamples: resamples))
    } catch {
      printError(error.description)
      throw ExitCode(error.exitStatus)
    }
    var document: ReportDocument
    let title: String
    var scenarios: [(name: String, file: String, hash: String)] = []
    switch study {
    case .single(let result):
      document = BacktestReport.document(result)
      title = "cccm backtest: \(result.fit.scenarioName), fitted up to \(result.fit.until), through \(result.through)"
      scenarios = [(result.scenario.name, export, ScenarioEncoder.fingerprint(of: result.scenario))]
    case .rolling(let rolling):
      document = BacktestReport.document(rolling)
      title = "cccm backtest --every month: \(rolling.runs.first?.fit.scenarioName ?? "")"
    }
    if format == .html || xlsx != nil {
      document.title = title
      document.provenance = provenance(scenarios: scenarios, seed: seed, replications: replications, generator: "philox")
    }
    try writeCharts(document.charts, to: charts)
    if let xlsx { try writeWorkbook(document, to: xlsx, inputs: [export, map]) }
    printReport(document.render(format))
  }
}
