import ArgumentParser
import CCCMSupport
import Experiments
import Foundation
import Reports
import ScenarioFiles
import Simulation

extension SavedResults {
  /// The saved results of `compare --from`, checked to pair (same seed, generator and
  /// replications; exit 2 otherwise).
  static func loadPaired(_ files: [String]) throws -> [SimulationResults] {
    let saved = try files.map(load)
    if let problem = pairingProblem(saved) {
      let name = { Excerpt.sanitized(files[$0], limit: Excerpt.pathLimit) }
      printError(problem.message(variantFile: name(problem.variant), baselineFile: name(0)))
      throw ExitCode(.fileError)
    }
    return saved.map(\.results)
  }

  /// Reads a saved file, printing a clear message and exiting 2 if it cannot be read, is not one,
  /// or was damaged or edited into something `run --save` does not write (README: exit statuses).
  static func load(_ path: String) throws -> SavedResults {
    let shown = Excerpt.sanitized(path, limit: Excerpt.pathLimit)
    let data: Data
    do {
      data = try InputFile.read(path, limit: Self.maximumFileSize, what: "a results file", advice: "save fewer replications per file (run --first F -r N) and merge them")
    } catch {
      printError("\(shown): error: cannot read the file: \(error.reason)")
      throw ExitCode(.fileError)
    }
    do {
      return try decode(data)
    } catch {
      printError("\(shown): error: \(error.description)")
      throw ExitCode(.fileError)
    }
  }
}

extension SavedResults {
  /// Results files of one run (`run --first F -r N --save`, read from `names`) merged into one
  /// results file at `output`; its report printed in `format` if given.
  static func mergeFiles(_ data: [Data], names files: [String], output: String?, format: OutputFormat?) throws {
    let name = { Excerpt.sanitized(files[$0], limit: Excerpt.pathLimit) }
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
    try checkWritable(output, as: "-o", inputs: files)
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
    try writeAtomically(text, to: output, as: "-o", inputs: files)
    printError("merged \(shards.count) files: replications \(merged.firstReplication)..<\(merged.firstReplication + merged.replications) of \(Excerpt.sanitized(merged.scenario, limit: 80))")
    if let format { print(RunReport.render(RunSummary(merged.results), format: format), terminator: "") }
  }
}

/// The files `cccm merge` reads and writes: each file's bytes and decoded shard, and `-o`.
extension Merge {
  /// The bytes of file `index`, exiting 2 when it cannot be read.
  func read(_ index: Int) throws -> Data {
    do {
      return try InputFile.read(files[index], limit: SavedResults.maximumFileSize, what: "a results or shard file", advice: "use more shards")
    } catch {
      printError("\(Excerpt.sanitized(files[index], limit: Excerpt.pathLimit)): error: cannot read the file: \(error.reason)")
      throw ExitCode(.fileError)
    }
  }

  /// Shard file `index` decoded again (shards[i] is files[i]), exiting 2 when it no longer decodes.
  func reread(_ index: Int) throws -> ShardFile {
    do {
      return try ShardFile.decode(try read(index))
    } catch let error as SavedResultsError {
      printError("\(name(index)): error: \(error.description); the file changed while it was merged")
      throw ExitCode(.fileError)
    }
  }

  /// The `-o` file of a merge that streams, opened before the rows are read (nil without -o).
  func streamWriter(_ merged: MergedShards) throws -> SavedResults.StreamWriter? {
    guard let output, let first = merged.results.first else { return nil }
    let header = merged.header
    do {
      return try SavedResults.StreamWriter(
        path: output, role: "-o", inputs: files, scenarioName: first.scenario, scenarioHash: header.scenarios[0].hash, layout: first.layout,
        seed: header.seed, generator: header.generator, version: header.version, first: header.span.lowerBound, replications: header.span.count)
    } catch {
      printError("\(Excerpt.sanitized(output, limit: Excerpt.pathLimit)): error: cannot write the file (-o): \(error.reason)")
      throw ExitCode(.fileError)
    }
  }

  /// Finishes the streamed `-o` file, or writes the merged results as one (`-o`, not for waves).
  func writeOutput(_ header: ShardFile, results: [SimulationResults], writer: SavedResults.StreamWriter?) throws {
    if let writer {
      do throws(OutputFileError) { try writer.finish() } catch {
        printError("\(Excerpt.sanitized(output ?? "", limit: Excerpt.pathLimit)): error: cannot write the file (-o): \(error.reason)")
        throw ExitCode(.fileError)
      }
      return
    }
    guard let output else { return }
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
}

extension Compare {
  /// What was compared, for the provenance: the saved files' recorded names and hashes
  /// (`--from`), else the scenarios'.
  func comparedEntries() throws -> [(name: String, file: String, hash: String)] {
    from
      ? try files.map { file in
        let header = try (try? SavedResults.StreamReader.open(file))??.header ?? SavedResults.load(file)
        return (header.scenario, file, header.scenarioHash)
      }
      : try files.map { scenarioEntry(try loadScenario($0), file: $0) }
  }

  /// `compare --from`: the saved results, paired. Beyond the exact bound they are read a block
  /// at a time into paired statistics, as a simulated comparison keeps them, never held whole.
  func compareSaved() throws -> ComparisonStudy.Outcome {
    let readers = files.compactMap { (try? SavedResults.StreamReader.open($0)) ?? nil }
    let headers = readers.map(\.header)
    if readers.count == files.count, SavedResults.pairingProblem(headers) == nil,
      headers[0].replications > ReplicationBlocks.exactBound(width: headers.map(\.layout.count).max() ?? 0)
    {
      let objective = try parseObjective(objective)
      do throws(StreamedComparison.ReadError) {
        let (results, streamed) = try StreamedComparison.reading(readers, objective: objective, targets: options.targets)
        return ComparisonStudy.Outcome(results: results, streamed: streamed)
      } catch {
        printError("\(Excerpt.sanitized(files[error.file], limit: Excerpt.pathLimit)): error: \(error.error.description)")
        throw ExitCode(.fileError)
      }
    }
    return ComparisonStudy.Outcome(results: try SavedResults.loadPaired(files))
  }
}
