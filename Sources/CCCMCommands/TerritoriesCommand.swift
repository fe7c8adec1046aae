import ArgumentParser
import CCCMSupport
import Foundation
import Reports
import ScenarioFiles

/// `cccm territories FILE`: each account team's territory and workload, their balance, and who
/// covers which named account; `-o` writes the assignment as CSV for the CRM.
struct TerritoriesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "territories",
    abstract: "Show each account team's accounts, potential, expected opportunities and workload, their balance across reps, and who covers which named account; -o writes the assignment as CSV.")

  @Argument(help: "A scenario file (a variant shows its assignment after its changes, with each account's owner before).") var file: String
  @Option(name: [.short, .long], help: "Write the account-to-team assignment as CSV to this file (name, team, ...; for a variant also previous_team).")
  var output: String?
  @Flag(name: .long, help: "Only the accounts whose owner the variant changes (in the report and in -o).") var changesOnly = false
  @Option(name: .long, help: "Report format: table, markdown, csv, json or html (a page with charts of workload and opportunities per rep).")
  var format: OutputFormat = .table
  @Option(name: .long, help: "Also write each chart as a standalone SVG file into this directory.") var charts: String?
  @Option(name: .long, help: "Also write the report as an Excel workbook (.xlsx): its tables with numbers as numbers, the report as printed, what was read.")
  var xlsx: String?

  func run() throws {
    try checkChartsDirectory(charts)
    let assessment = try loading { () throws(ScenarioLoadError) in try TerritoryAssessment.assess(path: file, changesOnly: changesOnly) }
    let inputs = assessment.files + assessment.scenario.segments.compactMap { $0.accountList?.path }
    if let output { try checkWritable(output, as: "-o", inputs: inputs) }
    if let xlsx { try checkWritable(xlsx, as: "--xlsx", inputs: inputs) }
    var document = TerritoryReport.document(assessment, changesOnly: changesOnly)
    if format == .html || xlsx != nil { document.title = "cccm territories: \(assessment.scenario.name)" }
    if let xlsx {
      document.provenance = Provenance(
        command: Provenance.commandLine(["cccm"] + CommandLine.arguments.dropFirst()), version: CCCM.version, details: [],
        scenarios: [Provenance.ScenarioEntry(name: assessment.scenario.name, file: file, hash: ScenarioEncoder.fingerprint(of: assessment.scenario))])
      try writeWorkbook(document, to: xlsx, inputs: inputs)
    }
    try writeCharts(document.charts, to: charts)
    if let output {
      try writeAtomically(TerritoryReport.assignmentCSV(assessment), to: output, as: "-o", inputs: inputs)
    }
    printReport(document.render(format))
  }
}
