import CCCMSupport
import CoverageModel
import Foundation
import Yams

/// Reads a scenario's `pipeline:` file: a CSV of the opportunities open on day 0 (MODEL: "Starting
/// from a real pipeline"; docs/scenario-format.md). Problems are located at the file's row and
/// column (`open.csv:3:6: error: pipeline[1].days_in_stage: ...`); names (segment, team, stage,
/// solution) are checked by `ScenarioValidator` on the resolved scenario.
enum PipelineFile {
  static let columns = ["id", "segment", "account", "team", "stage", "days_in_stage", "deal_size", "solution"]
  static let required = ["id", "segment", "account", "team", "stage", "days_in_stage"]
  /// The most deals a pipeline file may hold.
  static let maximumRows = 1_000_000

  /// Decodes `pipeline: FILE` (relative to the scenario file's directory) onto `scenario`.
  static func decode(_ node: Node, directory: String, reader: NodeReader, into scenario: inout Scenario) {
    guard let name = reader.string(node, "pipeline") else { return }
    reader.record(node, at: "pipeline")
    let path = RelativePath.resolve(name, in: directory)
    let text: String
    do {
      text = try InputFile.text(path, limit: InputFile.textLimit, what: "a pipeline CSV", advice: "keep the deals open on the start day only")
    } catch {
      reader.error(node, "pipeline", "\"\(Excerpt.sanitized(name))\": \(error.reason); check the path (it is relative to this file)")
      return
    }
    scenario.pipelineFile = path
    scenario.pipeline = read(text, file: name, reader: reader)
  }

  /// The deals of a pipeline CSV; every problem is added to `reader`.
  static func read(_ text: String, file: String, reader: NodeReader) -> [PipelineDeal] {
    func problem(_ row: Int, _ column: Int, _ path: String, _ message: String) {
      reader.error(at: SourceLocation(file: file, line: row, column: column + 1), path, message)
    }
    var csv = CSVReader(text)
    guard let header = csv.next(), header.contains(where: { !$0.isEmpty }) else {
      problem(1, 0, "pipeline", "\(CSV.noHeaderRow) \(columns.joined(separator: ", "))")
      return []
    }
    var index: [String: Int] = [:]
    for (i, name) in header.enumerated() {
      if !columns.contains(name) {
        let hint = Suggestion.didYouMean(name, among: columns) ?? "the columns are \(columns.joined(separator: ", "))"
        problem(1, i, "pipeline", "unknown column \"\(Excerpt.sanitized(name))\"; \(hint)")
      } else if index[name] != nil {
        problem(1, i, "pipeline", "column \"\(name)\" appears twice; remove one")
      } else {
        index[name] = i
      }
    }
    let missing = required.filter { index[$0] == nil }
    if !missing.isEmpty {
      problem(1, 0, "pipeline", "missing column\(missing.count == 1 ? "" : "s") \(missing.map { "\"\($0)\"" }.joined(separator: ", ")); the header needs \(required.joined(separator: ", ")) (deal_size and solution are optional)")
      return []
    }
    var deals: [PipelineDeal] = []
    var seen: [String: Int] = [:]
    var problems = 0
    var rowNumber = 1
    while let fields = csv.next() {
      rowNumber += 1
      if CSV.isBlank(fields) { continue }  // a blank line
      let path = "pipeline[\(deals.count)]"
      let before = reader.diagnostics.count
      guard fields.count == header.count else {
        problem(rowNumber, 0, path, CSV.fieldCountProblem(fields.count, header: header.count))
        problems += 1
        if problems >= CSV.problemLimit { break } else { continue }
      }
      func field(_ column: String) -> String { index[column].map { fields[$0] } ?? "" }
      func column(_ name: String) -> Int { index[name] ?? 0 }
      for name in ["id", "segment", "team", "stage"] where field(name).isEmpty {
        problem(rowNumber, column(name), "\(path).\(name)", "empty \(name); every open deal needs one")
      }
      let id = field("id")
      if !id.isEmpty, let first = seen[id] {
        problem(rowNumber, column("id"), "\(path).id", "duplicate id \"\(Excerpt.sanitized(id))\" (first on row \(first)); ids must be unique")
      }
      seen[id] = seen[id] ?? rowNumber
      let days = Double(field("days_in_stage"))
      if days == nil || !(days ?? 0).isFinite || (days ?? 0) < 0 {
        problem(rowNumber, column("days_in_stage"), "\(path).days_in_stage", "\"\(Excerpt.sanitized(field("days_in_stage")))\" is not a number of days of at least 0")
      }
      var size: Double?
      let sizeText = field("deal_size")
      if !sizeText.isEmpty {
        size = Double(sizeText)
        if size == nil || !(size ?? 0).isFinite || (size ?? 0) < 0 {
          problem(rowNumber, column("deal_size"), "\(path).deal_size", "\"\(Excerpt.sanitized(sizeText))\" is not an amount of at least 0; leave it empty to draw it from the segment's deal_size")
        }
      }
      for name in ["segment", "team", "stage", "solution"] where index[name] != nil {
        reader.locations["\(path).\(name)"] = SourceLocation(file: file, line: rowNumber, column: column(name) + 1)
      }
      if reader.diagnostics.count > before {
        problems += 1
        if problems >= CSV.problemLimit { break }
        continue
      }
      let solution = field("solution")
      deals.append(
        PipelineDeal(
          id: id, segment: field("segment"), account: field("account"), team: field("team"), stage: field("stage"), daysInStage: days ?? 0,
          dealSize: size, solution: solution.isEmpty ? nil : solution, row: rowNumber))
      if deals.count > maximumRows {
        problem(rowNumber, 0, "pipeline", "more than \(maximumRows) open deals; this is not a pipeline a simulation can start from")
        break
      }
    }
    return deals
  }
}
