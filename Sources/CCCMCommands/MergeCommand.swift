import ArgumentParser
import CCCMSupport
import CoverageModel
import Experiments
import Foundation
import Reports
import ScenarioFiles
import Simulation

/// `cccm merge`: shards of a command (`run`, `compare`, `sweep`, `sensitivity` with `--shard I/N
/// --save`) printed as the unsharded command prints them; or shards of one run (`run --first F
/// -r N --save`) as one results file.
struct Merge: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Merge shards: print what the unsharded command prints (shard files of --shard I/N), or join results files of one run (run --first, -o).")

  @Argument(help: "Shard files (`--shard I/N --save`), or results files of one run (`run --save`).") var files: [String]
  @Option(name: [.short, .long], help: "Also write the merged results: a results file for shards of run or results files, a shard file 1/1 otherwise.")
  var output: String?
  @Option(name: .long, help: "The report's format: table, markdown, csv, json or html (a page that lists the shards merged; default: the shards' --format; results files print nothing without it).")
  var format: OutputFormat?
  @Option(name: .long, help: "Also write the merged report's charts as SVG files into this directory (created if missing), as the command's --charts does.")
  var charts: String?

  func validate() throws {
    guard !files.isEmpty else { throw ValidationError("give the shard files to merge") }
  }

  func run() throws {
    try checkChartsDirectory(charts)
    var data: [Data] = []
    for path in files {
      do {
        data.append(try InputFile.read(path, limit: SavedResults.maximumFileSize))
      } catch {
        printError("\(Excerpt.sanitized(path, limit: Excerpt.pathLimit)): error: cannot read the file: \(error.reason)")
        throw ExitCode(.fileError)
      }
    }
    let formats = data.map(ShardFile.formatField)
    guard formats.contains(ShardFile.currentFormat) else { return try mergeResultsFiles(data) }
    if let index = formats.firstIndex(where: { $0 != ShardFile.currentFormat }), formats[index] == SavedResults.currentFormat {
      let shard = formats.firstIndex(of: ShardFile.currentFormat) ?? 0
      printError(
        "error: cannot merge: \(name(index)) is a results file (run --save), but \(name(shard)) is a shard (--shard I/N --save); merge either shards or results files of one run")
      throw ExitCode(.shardsDoNotMerge)
    }
    var shards: [(name: String, file: ShardFile)] = []
    for (index, bytes) in data.enumerated() {
      do {
        shards.append((name(index), try ShardFile.decode(bytes)))
      } catch {
        printError("\(name(index)): error: \(error.description.replacingOccurrences(of: "`cccm run FILE --save FILE.json`", with: "--shard I/N --save FILE"))")
        throw ExitCode(.fileError)
      }
    }
    let merged: MergedShards
    do {
      merged = try ShardFile.merged(shards)
    } catch {
      printError("error: \(error.description)")
      throw ExitCode(.shardsDoNotMerge)
    }
    try report(merged, shards: shards)
  }

  func name(_ index: Int) -> String { Excerpt.sanitized(files[index], limit: Excerpt.pathLimit) }

  /// Prints what the sharded command would have printed, after writing `-o` if asked.
  func report(_ merged: MergedShards, shards: [(name: String, file: ShardFile)]) throws {
    let header = merged.header
    let record = try checked(header)
    let format = self.format ?? OutputFormat(rawValue: record.format) ?? .table
    var results = merged.results
    var note: String?
    if header.wave != nil, let precision = record.precision, let share = try? checkPrecision(precision), let maximum = record.maxReplications {
      let evaluation = Experiment.precisionOutcome(results, waveEnds: merged.waveEnds, objective: record.parsedObjective, share: share, maximum: maximum)
      guard let outcome = evaluation.outcome else {
        let next = Experiment.wave(evaluation.nextWave, batch: header.replications, maximum: maximum)
        printError(
          String(
            format: "precision not reached after wave %d (%d replications): the widest 95%% half-width on %@ is %.2f%% of the baseline mean (target %@); run wave %d (replications %d..<%d) with --wave %d --shard I/N and merge the shards of every wave",
            merged.waveEnds.count, merged.waveEnds.last ?? 0, record.objective, evaluation.widestShare * 100, precision, evaluation.nextWave,
            next.lowerBound, next.upperBound, evaluation.nextWave, evaluation.nextWave))
        throw ExitCode(.anotherWave)
      }
      if evaluation.nextWave - 1 < merged.waveEnds.count {
        printError("note: precision stopped after wave \(evaluation.nextWave - 1); waves from \(evaluation.nextWave) on were not needed and are left out")
      }
      results = outcome.results
      note = Reporting.precisionNote(outcome, objective: record.objective, precision: precision)
    }
    if let output {
      if header.wave != nil {
        printError("error: -o keeps one run's results; the waves of --precision are merged for their report only")
        throw ExitCode(.badUsage)
      }
      try checkWritable(output, inputs: files)
      try writeAtomically(try mergedText(header, results), to: output, inputs: files)
    }
    if format == .html || charts != nil {
      var document: ReportDocument
      switch header.command {
      case "run": document = runDocument(results[0], record: record)
      case "compare": document = try compareDocument(results, record: record, note: note)
      case "sweep": document = sweepDocument(results, base: header.scenarios.first?.name ?? "", record: record)
      default: document = sensitivityDocument(results, base: header.scenarios.first?.name ?? "", record: record)
      }
      document.title = "cccm merge: " + (document.title ?? header.command).replacingOccurrences(of: "cccm ", with: "")
      document.provenance = provenance(header, results: results, shards: shards)
      try writeCharts(document.charts, to: charts)
      if format == .html { return printReport(document.render(.html)) }
    }
    let text: String
    switch header.command {
    case "run": text = Reporting.run(results[0], record, format: format)
    case "compare": text = try Reporting.compare(results, record, format: format, note: note)
    case "sweep": text = Reporting.sweep(results, record, format: format)
    default: text = Reporting.sensitivity(results, record, format: format)
    }
    print(text, terminator: "")
  }

  /// What was merged: this command line, the command the shards are of, each scenario with its
  /// hash, and every shard file with its seed, generator, version and the replications it held.
  func provenance(_ header: ShardFile, results: [SimulationResults], shards: [(name: String, file: ShardFile)]) -> Provenance {
    let entries = header.scenarios.enumerated().map { i, s in
      Provenance.ScenarioEntry(
        name: s.name, file: header.command == "compare" && i < header.files.count ? header.files[i] : i == 0 ? (header.files.first ?? "") : "\(header.files.first ?? "") with --vary",
        hash: s.hash)
    }
    var p = Provenance(
      command: Provenance.commandLine(["cccm"] + CommandLine.arguments.dropFirst()), version: CCCM.version, seed: header.seed,
      replications: results.first?.replications ?? header.replications, generator: header.generator, scenarios: entries)
    let shardsOf = Provenance.commandLine(["cccm", header.command] + header.files)
    p.blocks.append(.title("Shards merged"))
    p.blocks.append(.text("\(shards.count) shard file\(shards.count == 1 ? "" : "s") of \(shardsOf) (report options as recorded in the shards).\n"))
    var table = TextTable(header: ["shard file", "shard", "wave", "seed", "generator", "cccm version", "replications held"], textColumns: 7)
    for (name, file) in shards.sorted(by: { ($0.file.wave ?? 1, $0.file.shard.index) < ($1.file.wave ?? 1, $1.file.shard.index) }) {
      let held = file.parts.map { part in
        let scenario = part.scenario < header.scenarios.count ? header.scenarios[part.scenario].name : "scenario \(part.scenario + 1)"
        return "\(scenario) \(part.results.firstReplication)..<\(part.results.firstReplication + part.results.replications)"
      }
      table.add([name, file.shard.description, file.wave.map(String.init) ?? "-", "\(file.seed)", file.generator, file.version, held.isEmpty ? "none" : held.joined(separator: "; ")])
    }
    p.blocks.append(.table(table, coloured: false))
    return p
  }

  /// The merged results as a file: a results file (`run --save`) for shards of run, one shard file
  /// 1/1 for the others.
  func mergedText(_ header: ShardFile, _ results: [SimulationResults]) throws -> String {
    do {
      let saved = results.enumerated().map { index, run in
        SavedResults(results: run, scenarioHash: header.scenarios[index].hash, generator: header.generator, version: header.version)
      }
      if header.command == "run" { return try saved[0].json() }
      var whole = header
      whole.shard = Shard(index: 1, count: 1)
      whole.parts = saved.enumerated().map { ShardFile.Part(scenario: $0, results: $1) }
      return try whole.json()
    } catch {
      printError("\(Excerpt.sanitized(output ?? "", limit: Excerpt.pathLimit)): error: \(error); nothing was written")
      throw ExitCode(.fileError)
    }
  }

  /// The shards' report options, each as the command would have accepted it (exit 2 otherwise).
  func checked(_ header: ShardFile) throws -> ReportRecord {
    let record = header.report
    func damaged(_ field: String, _ problem: String) throws -> Never {
      printError("\(name(0)): error: the shard file is damaged or was edited: report.\(field): \(problem); simulate the shard again")
      throw ExitCode(.fileError)
    }
    let known = MetricLayout.scenarioMetrics
    if OutputFormat(rawValue: record.format) == nil { try damaged("format", "expected table, markdown, csv or json, got \(Excerpt.quoted(record.format))") }
    if let by = record.by, PeriodKind(rawValue: by) == nil { try damaged("by", "expected month or quarter, got \(Excerpt.quoted(by))") }
    for target in record.targets {
      if case .failure(let problem) = Target.parse(target) { try damaged("targets", problem.description) }
    }
    for metric in record.metrics + [record.objective] where !known.contains(metric) { try damaged("metrics", "unknown metric \(Excerpt.quoted(metric))") }
    if ComparisonLayout(rawValue: record.layout) == nil { try damaged("layout", "expected auto, columns or rows, got \(Excerpt.quoted(record.layout))") }
    if let precision = record.precision, (try? checkPrecision(precision)) == nil { try damaged("precision", "expected a share such as 1%, got \(Excerpt.quoted(precision))") }
    if header.wave != nil, record.precision == nil { try damaged("precision", "a wave without --precision") }
    let expected: Int
    switch header.command {
    case "run": expected = 1
    case "compare": expected = max(2, header.scenarios.count)
    case "sweep":
      let factors = record.vary.compactMap { try? Sweep.factor($0).get() }
      if factors.count != record.vary.count { try damaged("vary", "a factor that --vary refuses") }
      expected = 1 + Sweep(factors: factors).grid.count
    default:
      let factors = record.vary.compactMap { try? Sweep.ends($0).get() }
      if factors.count != record.vary.count { try damaged("vary", "a factor that --vary refuses") }
      expected = 1 + 2 * factors.count
    }
    if header.scenarios.count != expected { try damaged("vary", "\(header.command) of these options runs \(expected) scenarios, the file lists \(header.scenarios.count)") }
    return record
  }

  /// Results files of one run (`run --first F -r N --save`) as one results file.
  func mergeResultsFiles(_ data: [Data]) throws {
    guard let output else { throw ValidationError("results files of `run --save` merge into one: give -o OUT") }
    var shards: [SavedResults] = []
    for (index, bytes) in data.enumerated() {
      do {
        shards.append(try SavedResults.decode(bytes))
      } catch {
        printError("\(name(index)): error: \(error.description)")
        throw ExitCode(.fileError)
      }
    }
    try checkWritable(output, inputs: files)
    let merged: SavedResults
    do {
      merged = try SavedResults.merged(shards)
    } catch {
      printError("error: \(error.description)")
      throw ExitCode(.shardsDoNotMerge)
    }
    let text: String
    do {
      text = try merged.json()
    } catch {
      printError("\(Excerpt.sanitized(output, limit: Excerpt.pathLimit)): error: \(error); nothing was written")
      throw ExitCode(.fileError)
    }
    try writeAtomically(text, to: output, inputs: files)
    printError("merged \(shards.count) files: replications \(merged.firstReplication)..<\(merged.firstReplication + merged.replications) of \(Excerpt.sanitized(merged.scenario, limit: 80))")
    if let format { print(RunReport.render(RunSummary(merged.results), format: format), terminator: "") }
  }
}
