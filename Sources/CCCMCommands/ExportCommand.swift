import ArgumentParser
import CCCMSupport
import Calibration
import CoverageModel
import Foundation
import Reports
import ScenarioFiles
import Simulation

/// `cccm export`: one simulated replication as a CRM-like export, with a mapping that reads it back.
struct ExportOpportunities: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Write one replication's simulated opportunities as a CRM-like export (CSV) that cccm fit reads back (--map-out writes its mapping and tables).")

  @Argument(help: "The scenario file.") var scenario: String
  @Option(name: .long, help: "The replication to export (0-based), as run numbers them.", transform: { try wholeNumber($0, option: "--replication", range: "0 or more") })
  var replication: Int
  @Option(name: .long, parsing: .unconditional, help: "Master seed, 0 to 2^64-1 (default: the scenario's).", transform: parseSeed) var seed: UInt64?
  @Option(name: .shortAndLong, help: "The export to write (CSV).") var output: String
  @Option(name: .long, help: "Also write a mapping for cccm fit here, with the owners and accounts tables beside it.") var mapOut: String?

  func validate() throws {
    guard replication >= 0, replication < Scenario.maximumReplications else { throw ValidationError("--replication must be from 0 to \(Scenario.maximumReplications - 1), got \(replication)") }
  }

  func run() throws {
    let (loaded, files) = try loadScenarioRecordingFiles(scenario)
    let tables = mapOut.map { Self.tablePaths(mapping: $0, export: output) }
    let outputs = [(output, "-o")] + (mapOut.map { [($0, "--map-out")] } ?? [])
      + (tables.map { [($0.owners, "--map-out's owners table"), ($0.accounts, "--map-out's accounts table")] } ?? [])
    for (path, role) in outputs { try checkWritable(path, as: role, inputs: files) }
    let seed = self.seed ?? loaded.seed
    let trace = Simulator(scenario: loaded).traces(replications: replication..<(replication + 1), seed: seed, threads: 1).first ?? []
    let export = SimulatedExport(trace, scenario: loaded)
    if let mapOut, let tables {
      let directory = URL(fileURLWithPath: mapOut).deletingLastPathComponent().path
      func relative(_ path: String) -> String {
        let url = URL(fileURLWithPath: path).standardizedFileURL.path
        let base = URL(fileURLWithPath: directory).standardizedFileURL.path + "/"
        return url.hasPrefix(base) ? String(url.dropFirst(base.count)) : url
      }
      try writeAtomically(export.owners, to: tables.owners, as: "--map-out's owners table", inputs: files)
      try writeAtomically(export.accounts, to: tables.accounts, as: "--map-out's accounts table", inputs: files)
      try writeAtomically(SimulatedExport.mapping(scenario: loaded, ownersFile: relative(tables.owners), accountsFile: relative(tables.accounts)), to: mapOut, as: "--map-out", inputs: files)
    }
    try writeAtomically(export.opportunities, to: output, as: "-o", inputs: files)
    print("cccm export: \(SafeText.escaped(loaded.name)), replication \(replication), seed \(seed): \(export.rows) opportunities written to \(SafeText.escaped(output))"
      + (mapOut.map { ", mapping \(SafeText.escaped($0))" } ?? ""))
  }

  /// The owners and accounts tables beside the mapping, named after the export.
  static func tablePaths(mapping: String, export: String) -> (owners: String, accounts: String) {
    let directory = URL(fileURLWithPath: mapping).deletingLastPathComponent()
    let stem = URL(fileURLWithPath: export).deletingPathExtension().lastPathComponent
    return (directory.appendingPathComponent("\(stem)-owners.csv").path, directory.appendingPathComponent("\(stem)-accounts.csv").path)
  }
}
