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
