import ArgumentParser
import Experiments
import Reports
import ScenarioFiles

/// `cccm merge`: shards of one run (`run --first F -r N --save`) as one results file.
struct Merge: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Merge results files of one run (same scenario, seed, generator and layout; disjoint, gap-free replication ranges) into one.")

  @Argument(help: "Results files written by `run --save`.") var files: [String]
  @Option(name: [.short, .long], help: "Where to write the merged results (JSON).") var output: String
  @Option(name: .long, help: "Also print the merged run's summary: table, markdown, csv or json.") var format: OutputFormat?

  func run() throws {
    let shards = try files.map(SavedResults.load)
    try checkWritable(output, inputs: files)
    let merged: SavedResults
    do {
      merged = try SavedResults.merged(shards)
    } catch {
      printError("error: \(error.description)")
      throw Exit.fileError
    }
    let text: String
    do {
      text = try merged.json()
    } catch {
      printError("\(Excerpt.sanitized(output, limit: Excerpt.pathLimit)): error: \(error); nothing was written")
      throw Exit.fileError
    }
    try writeAtomically(text, to: output, inputs: files)
    printError("merged \(shards.count) files: replications \(merged.firstReplication)..<\(merged.firstReplication + merged.replications) of \(Excerpt.sanitized(merged.scenario, limit: 80))")
    if let format { print(RunReport.render(RunSummary(merged.results), format: format), terminator: "") }
  }
}
