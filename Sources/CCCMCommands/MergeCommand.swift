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
  @Option(name: .long, help: "Also write the merged report as an Excel workbook (.xlsx), as the command's --xlsx does (shards only).")
  var xlsx: String?

  func validate() throws {
    guard !files.isEmpty else { throw ValidationError("give the shard files to merge") }
  }

  func run() throws {
    try checkChartsDirectory(charts)
    if let xlsx { try checkWritable(xlsx, as: "--xlsx", inputs: files) }
    if let (shards, readers, merged) = streamingShards() {
      if merged.header.wave == nil { return try reportStreamed(merged, shards: shards, readers: readers) }
      if try reportWaves(merged, shards: shards, readers: readers) { return }
    }
    let (formats, headers) = try ShardFile.headers(count: files.count, read: read)
    guard formats.contains(ShardFile.currentFormat) else {
      if xlsx != nil { throw ValidationError("--xlsx writes the report of merged shards; results files of one run merge into one file (-o)") }
      return try SavedResults.mergeFiles(try files.indices.map(read), names: files, output: output, format: format)
    }
    if let index = formats.firstIndex(where: { $0 != ShardFile.currentFormat }), formats[index] == SavedResults.currentFormat {
      let shard = formats.firstIndex(of: ShardFile.currentFormat) ?? 0
      printError(
        "error: cannot merge: \(name(index)) is a results file (run --save), but \(name(shard)) is a shard (--shard I/N --save); merge either shards or results files of one run")
      throw ExitCode(.shardsDoNotMerge)
    }
    var shards: [(name: String, file: ShardFile)] = []
    for index in files.indices {
      do throws(SavedResultsError) {
        shards.append((name(index), try headers[index].get()))
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
    if let (field, problem) = header.reportProblem {
      printError("\(name(0)): error: the shard file is damaged or was edited: report.\(field): \(problem); simulate the shard again")
      throw ExitCode(.fileError)
    }
    let writer = try merged.streams ? streamWriter(merged) : nil
    let filled = try merged.filled(shards.map(\.file), read: reread, rows: writer.map { writer in { writer.write($0) } })
    let reported: (results: [SimulationResults], precision: Experiment.PrecisionOutcome?, wavesLeftOut: Int?, streamed: StreamedComparison?)
    do {
      reported = try filled.reported()
    } catch {
      printError(error.description)
      throw ExitCode(.anotherWave)
    }
    try emit(reported, of: filled, shards: shards, writer: writer)
  }

  /// Prints what the merged shards report (`reported`), after the note on waves left out and
  /// writing `-o` if asked.
  func emit(
    _ reported: (results: [SimulationResults], precision: Experiment.PrecisionOutcome?, wavesLeftOut: Int?, streamed: StreamedComparison?),
    of merged: MergedShards, shards: [(name: String, file: ShardFile)], writer: SavedResults.StreamWriter?
  ) throws {
    let header = merged.header
    if let stopped = reported.wavesLeftOut {
      printError("note: precision stopped after wave \(stopped); waves from \(stopped + 1) on were not needed and are left out")
    }
    try writeOutput(header, results: reported.results, writer: writer)
    let document = try reportDocument { () throws(ReportError) in try merged.document(reported) }
    let format = self.format ?? OutputFormat(rawValue: header.report.format) ?? .table
    try emitReport(document, format: format, charts: charts, xlsx: xlsx, colour: header.command == .compare && terminalColour(format)) {
      Provenance.merge(
        of: header, results: reported.results, shards: shards, commandLine: Provenance.commandLine(["cccm"] + CommandLine.arguments.dropFirst()),
        version: CCCM.version)
    }
  }
}

extension Merge {
  /// Shard files beyond the exact bound, or waves of `--precision`, each read without its values
  /// (`ShardFile.StreamReader`), when every file is a shard file as `--save` writes it and they
  /// merge; nil otherwise, and the files are read whole (which says what is wrong with them).
  func streamingShards() -> (shards: [(name: String, file: ShardFile)], readers: [ShardFile.StreamReader], merged: MergedShards)? {
    var readers: [ShardFile.StreamReader] = []
    for path in files {
      guard let reader = try? ShardFile.StreamReader.open(path) else { return nil }
      readers.append(reader)
    }
    let shards = readers.indices.map { (name: name($0), file: readers[$0].header) }
    guard let merged = try? ShardFile.merged(shards), merged.beyondBound || merged.header.wave != nil, merged.header.reportProblem == nil else { return nil }
    return (shards, readers, merged)
  }

  /// Prints the report of shards beyond the exact bound from statistics gathered a block at a
  /// time, as the unsharded command keeps them, after writing `-o` if asked (read a second time).
  func reportStreamed(_ merged: MergedShards, shards: [(name: String, file: ShardFile)], readers: [ShardFile.StreamReader]) throws {
    let header = merged.header
    let writer = header.command == .run ? try streamWriter(merged) : nil
    let summarised: (merged: MergedShards, comparison: StreamedComparison?)
    do {
      summarised = try merged.streamed(readers, rows: writer.map { writer in { writer.write($0) } })
    } catch { throw refuse(error) }
    let results = summarised.merged.results
    if let writer {
      try writeOutput(header, results: results, writer: writer)
    } else if let output {
      do throws(ShardWriteError) {
        try merged.writeWhole(readers, to: output, inputs: files)
      } catch {
        switch error {
        case .input(let error): throw refuse(error)
        case .output(let error):
          printError("\(Excerpt.sanitized(output, limit: Excerpt.pathLimit)): error: cannot write the file (-o): \(error.reason)")
          throw ExitCode(.fileError)
        }
      }
    }
    let document = try reportDocument { () throws(ReportError) in try summarised.merged.document(streamed: results, comparison: summarised.comparison) }
    let format = self.format ?? OutputFormat(rawValue: header.report.format) ?? .table
    try emitReport(document, format: format, charts: charts, xlsx: xlsx, colour: header.command == .compare && terminalColour(format)) {
      Provenance.merge(
        of: header, results: results, shards: shards, commandLine: Provenance.commandLine(["cccm"] + CommandLine.arguments.dropFirst()),
        version: CCCM.version)
    }
  }

  /// Prints the report of waves of `compare --precision` whose total is beyond the exact bound,
  /// read a block at a time (`MergedShards.reportedWaves`); false when they are read whole.
  func reportWaves(_ merged: MergedShards, shards: [(name: String, file: ShardFile)], readers: [ShardFile.StreamReader]) throws -> Bool {
    let reported: (results: [SimulationResults], precision: Experiment.PrecisionOutcome?, wavesLeftOut: Int?, streamed: StreamedComparison?)
    do throws(WavesReadError) {
      guard let streamed = try merged.reportedWaves(readers) else { return false }
      reported = streamed
    } catch {
      switch error {
      case .read(let error): throw refuse(error)
      case .shortfall(let shortfall):
        printError(shortfall.description)
        throw ExitCode(.anotherWave)
      }
    }
    try emit(reported, of: merged, shards: shards, writer: nil)
    return true
  }

  /// Says why a shard's values were not read; the exit status.
  func refuse(_ error: ShardReadError) -> ExitCode {
    switch error {
    case .values(let file, let error):
      printError("\(name(file)): error: \(error.description.replacingOccurrences(of: "`cccm run FILE --save FILE.json`", with: "--shard I/N --save FILE"))")
    case .unreadable(let file, let error):
      printError("\(name(file)): error: cannot read the file: \(error.reason)")
    }
    return ExitCode(.fileError)
  }
}
