import ArgumentParser
import CCCMSupport
import Calibration
import CoverageModel
import Experiments
import Foundation
import Reports
import ScenarioFiles

/// `cccm fit`: a scenario fitted from a CRM export, with its evidence.
struct Fit: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Fit a scenario from a CRM export (--map MAPPING.yaml, --until DATE): arrivals and seasons, win probability by competing risks, cycle times and deal sizes ranked over five families, teams; prints the fit report.")

  @Argument(help: "The opportunities export (CSV with a header row).") var export: String
  @Option(name: .long, help: "The mapping file: the export's columns, stages, joins and segments (see docs/calibration.md).") var map: String
  @Option(name: .long, help: "The cut-off date YYYY-MM-DD: only what was known then is used.") var until: String
  @Option(name: .long, help: "Count arrivals from this date YYYY-MM-DD (default: the mapping's scenario.since, else the first engage date); deals engaged earlier and still open then count for outcomes, cycle times and the open pipeline.") var since: String?
  @Option(name: .long, help: "The dynamics the fit writes (overrides the mapping's scenario.dynamics; without either, all): all, none, or a list of outcome_days, stale, quarter_pull, arrival_dispersion, rep_win_factor.")
  var dynamics: String?
  @Option(name: .shortAndLong, help: "Write the fitted scenario here (YAML, commented).") var output: String?
  @Option(name: .long, help: "Also write the deals open at the cut-off (CSV: the pipeline a back-test starts from).") var pipeline: String?
  @Option(name: .long, help: "Report format: table, markdown, csv, json, or html (one self-contained page: what was fitted, the report, the fit diagnostics as charts).")
  var format: OutputFormat = .table
  @Option(name: .long, help: "Also write the fit diagnostics as SVG files into this directory (created if missing), one file per chart.")
  var charts: String?
  @Option(name: .long, help: "Also fit K bootstrap resamples of the export and write them as the scenario's parameter sets (beside -o, as NAME.sets.yaml), so runs draw one per replication (0: none; default 0).", transform: { try wholeNumber($0, option: "--resamples", range: "0 to 1000") })
  var resamples: Int = 0
  @Flag(name: .long, help: "Print no report (write the files only).") var quiet = false
  @Option(name: .long, help: "Also write the fit report as an Excel workbook (.xlsx): its tables with numbers as numbers, the report as printed, what was fitted.")
  var xlsx: String?

  func validate() throws {
    guard let cutoff = CalendarDate(until) else { throw ValidationError("--until \(Excerpt.sanitized(until)) is not a date YYYY-MM-DD") }
    // The fitted scenario starts the day after the cut-off, and scenario dates end with 2999.
    guard (cutoff.year, cutoff.month, cutoff.day) < (2999, 12, 31) else {
      throw ValidationError("--until \(until): the fitted scenario starts the day after the cut-off, and scenario dates end on 2999-12-31; give an earlier cut-off")
    }
    if let since, CalendarDate(since) == nil { throw ValidationError("--since \(Excerpt.sanitized(since)) is not a date YYYY-MM-DD") }
    if let dynamics, let unknown = Mapping.Dynamic.parse(dynamics).unknown {
      throw ValidationError("--dynamics: unknown dynamic \"\(Excerpt.sanitized(unknown))\"; use all, none or any of \(Mapping.Dynamic.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    guard (0...1000).contains(resamples) else { throw ValidationError("--resamples must be from 0 to 1000, got \(resamples)") }
    if resamples > 0, output == nil { throw ValidationError("--resamples writes the parameter sets beside the scenario: give -o FILE too") }
  }

  func run() throws {
    try checkChartsDirectory(charts)
    // Checked in `validate`; a guard rather than a force-unwrap all the same.
    guard let cutoff = CalendarDate(until) else { throw ValidationError("--until \(Excerpt.sanitized(until)) is not a date YYYY-MM-DD") }
    let fitted: FitRun
    do {
      var mapping = try Mapping.load(path: map)
      mapping.chooseDynamics(dynamics)
      let data = try Export.load(path: export, mapping: mapping)
      // Outputs are checked once every input (the export, the mapping, its joined tables) is read.
      if let output { try checkWritable(output, as: "-o") }
      if let pipeline { try checkWritable(pipeline, as: "--pipeline") }
      if let xlsx { try checkWritable(xlsx, as: "--xlsx", inputs: [export, map]) }
      if resamples > 0, let output { try checkWritable(ScenarioWriting.parameterSetsPath(output), as: "--resamples") }
      fitted = try FitRun.run(
        data, mapping: mapping, mappingFile: map, until: Day(cutoff), since: since.flatMap(CalendarDate.init).map(Day.init), output: output, resamples: resamples)
    } catch let error as CalibrationError {
      printError(error.description)
      throw ExitCode(error.exitStatus)
    }
    if let sets = fitted.sets { try writeAtomically(sets.yaml, to: sets.path, as: "--resamples") }
    if let output { try writeAtomically(fitted.yaml, to: output, as: "-o") }
    if let pipeline { try writeAtomically(fitted.fitted.pipeline.csv, to: pipeline, as: "--pipeline") }
    let result = fitted.fitted.fit
    var document = FitReport.document(result)
    if format == .html || charts != nil || xlsx != nil {
      document.title = "cccm fit: \(result.scenarioName) from \(export)"
      var details = [
        Provenance.Detail("export", export, code: true), Provenance.Detail("mapping", map, code: true), Provenance.Detail("cut-off", result.until.description),
        Provenance.Detail("arrivals from", result.first.description), Provenance.Detail("bootstrap", "\(result.bootstrap) resamples, seed \(result.seed)"),
      ]
      if let pipeline { details.append(Provenance.Detail("open pipeline", pipeline, code: true)) }
      document.provenance = Provenance(
        command: Provenance.commandLine(["cccm"] + CommandLine.arguments.dropFirst()), version: CCCM.version, details: details,
        scenarios: [
          Provenance.ScenarioEntry(name: fitted.fitted.scenario.name, file: output ?? "(not written: no -o)", hash: ScenarioEncoder.fingerprint(of: fitted.fitted.scenario))
        ])
      if let xlsx { try writeWorkbook(document, to: xlsx) }
      if format == .html || charts != nil { document.charts = ReportCharts.fit(result) }
      try writeCharts(document.charts, to: charts)
      if format == .html, !quiet { return printReport(document.render(.html)) }
    }
    if !quiet { print(document.render(format), terminator: "") }
  }
}
