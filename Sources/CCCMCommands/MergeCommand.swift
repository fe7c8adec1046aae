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
    // Shard files are read one at a time and kept without their rows (`ShardFile.headerOnly`), so
    // checking them needs the memory of one file, not of all.
    var formats: [String?] = []
    var decoded: [Result<ShardFile, SavedResultsError>] = []
    for index in files.indices {
      let bytes = try read(index)
      let format = ShardFile.formatField(bytes)
      formats.append(format)
      decoded.append(Result { () throws(SavedResultsError) in try ShardFile.decode(bytes).headerOnly })
    }
    guard formats.contains(ShardFile.currentFormat) else {
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
        shards.append((name(index), try decoded[index].get()))
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

  /// The bytes of file `index`, exiting 2 when it cannot be read.
  func read(_ index: Int) throws -> Data {
    do {
      return try InputFile.read(files[index], limit: SavedResults.maximumFileSize, what: "a results or shard file", advice: "use more shards")
    } catch {
      printError("\(Excerpt.sanitized(files[index], limit: Excerpt.pathLimit)): error: cannot read the file: \(error.reason)")
      throw ExitCode(.fileError)
    }
  }

  /// The merged shards with their rows, read again one file at a time in replication order (the
  /// shards' rows are all held, as the commands' reports need them, except beyond the bound); for
  /// shards of `run` beyond the exact bound, statistics instead of rows (`StreamedResults`), the
  /// rows going to `writer` (-o) as each file is read.
  func filled(_ merged: MergedShards, shards: [(name: String, file: ShardFile)], streams: Bool, writer: SavedResults.StreamWriter?) throws -> MergedShards {
    var merged = merged
    let order = shards.indices.sorted { (shards[$0].file.wave ?? 1, shards[$0].file.shard.index) < (shards[$1].file.wave ?? 1, shards[$1].file.shard.index) }
    var values: [[Double]] = Array(repeating: [], count: merged.results.count)
    var statistics = merged.results.map { StreamedResults(layout: $0.layout, first: merged.header.span.lowerBound) }
    // shards[i] is files[i] (every file given is a shard once checked).
    for index in order {
      let file: ShardFile
      do {
        file = try ShardFile.decode(try read(index))
      } catch let error as SavedResultsError {
        printError("\(name(index)): error: \(error.description); the file changed while it was merged")
        throw ExitCode(.fileError)
      }
      for part in file.parts {
        if streams {
          part.results.values.withUnsafeBufferPointer { rows in
            statistics[part.scenario].append(rows)
            writer?.write(rows)
          }
        } else {
          values[part.scenario] += part.results.values
        }
      }
    }
    for (s, run) in merged.results.enumerated() {
      merged.results[s] =
        streams
        ? SimulationResults(scenario: run.scenario, layout: run.layout, seed: run.seed, streamed: statistics[s].finish())
        : SimulationResults(scenario: run.scenario, layout: run.layout, seed: run.seed, values: values[s])
    }
    return merged
  }

  /// Prints what the sharded command would have printed, after writing `-o` if asked.
  func report(_ merged: MergedShards, shards: [(name: String, file: ShardFile)]) throws {
    let header = merged.header
    if let (field, problem) = header.reportProblem {
      printError("\(name(0)): error: the shard file is damaged or was edited: report.\(field): \(problem); simulate the shard again")
      throw ExitCode(.fileError)
    }
    // The shards are held without rows here: the count is the span's.
    let width = merged.results.first?.layout.count ?? 0
    let count = header.span.count
    let streams = header.command == .run && header.wave == nil && count > ReplicationBlocks.exactBound(width: width)
    var writer: SavedResults.StreamWriter?
    if streams, let output, let first = merged.results.first {
      do {
        writer = try SavedResults.StreamWriter(
          path: output, role: "-o", inputs: files, scenarioName: first.scenario, scenarioHash: header.scenarios[0].hash, layout: first.layout,
          seed: header.seed, generator: header.generator, version: header.version, first: header.span.lowerBound, replications: count)
      } catch {
        printError("\(Excerpt.sanitized(output, limit: Excerpt.pathLimit)): error: cannot write the file (-o): \(error.reason)")
        throw ExitCode(.fileError)
      }
    }
    let merged = try filled(merged, shards: shards, streams: streams, writer: writer)
    let record = header.report
    let format = self.format ?? OutputFormat(rawValue: record.format) ?? .table
    let reported: (results: [SimulationResults], precision: Experiment.PrecisionOutcome?, wavesLeftOut: Int?)
    do {
      reported = try merged.reported()
    } catch {
      printError(error.description)
      throw ExitCode(.anotherWave)
    }
    if let stopped = reported.wavesLeftOut {
      printError("note: precision stopped after wave \(stopped); waves from \(stopped + 1) on were not needed and are left out")
    }
    let results = reported.results
    let note = reported.precision.flatMap { outcome in record.precision.map { ComparisonReport.precisionNote(outcome, objective: record.objective, precision: $0) } }
    if let writer {
      do throws(OutputFileError) { try writer.finish() } catch {
        printError("\(Excerpt.sanitized(output ?? "", limit: Excerpt.pathLimit)): error: cannot write the file (-o): \(error.reason)")
        throw ExitCode(.fileError)
      }
    } else if let output {
      if header.wave != nil {
        printError("error: -o keeps one run's results; the waves of --precision are merged for their report only")
        throw ExitCode(.badUsage)
      }
      try checkWritable(output, as: "-o", inputs: files)
      let text: String
      do {
        text = try header.mergedJSON(results)
      } catch {
        printError("\(Excerpt.sanitized(output, limit: Excerpt.pathLimit)): error: \(error); nothing was written")
        throw ExitCode(.fileError)
      }
      try writeAtomically(text, to: output, as: "-o", inputs: files)
    }
    var document = try reportDocument { () throws(ReportError) in
      try header.command.document(for: results, base: header.scenarios.first?.name ?? "", record: record, note: note)
    }
    document.title = "cccm merge: " + (document.title ?? header.command.rawValue).replacingOccurrences(of: "cccm ", with: "")
    try emitReport(document, format: format, charts: charts, colour: header.command == .compare && terminalColour(format)) {
      Provenance.merge(
        of: header, results: results, shards: shards, commandLine: Provenance.commandLine(["cccm"] + CommandLine.arguments.dropFirst()), version: CCCM.version)
    }
  }
}
