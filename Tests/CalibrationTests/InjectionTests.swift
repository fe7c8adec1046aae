import CoverageModel
import Foundation
import ScenarioFiles
import TestSupport
import Testing

@testable import Calibration

/// Pieces of hostile CRM values: YAML, CSV and terminal metacharacters, and a key injection.
let hostilePieces = [
  "West", "\n    cost_per_rep_year: 99000000 #", "\n", "\r\n", "\u{85}", "\u{2028}", "\u{2029}", "\"", "'", "\\", "\\N", ": ", "#", " #x",
  "- ", "{", "}", "[", "]", "&a", "*a", "!!str", "|", ">", "%", "@cmd", "=1", "+1", "-1", "\t", "\u{1B}[31m", "\u{202E}", "\u{2066}",
  "\u{FEFF}", "\u{7F}", "\u{9B}", "é", "Ж", "\u{1F600}", "null", "true", "~", "1e3", "0x10", ".inf", "---", "...",
]

@Suite("CRM values are data, never YAML")
struct InjectionTests {
  /// A fit of `owners` (each owner its own team, selling its own product: a segment), written and loaded back.
  static func fitted(owners: [String]) throws -> (FitResult, Scenario) {
    let mapping = try Mapping.parse(
      goodMapping.replacingOccurrences(of: "  owner: owner\n", with: "  owner: owner\n  product: product\n") + "\nsegments: {by: [product]}\nscenario: {bootstrap: 0}\n",
      file: "map.yaml")
    var lines = ["id,owner,product,stage,engaged,closed,amount"]
    for (i, owner) in owners.enumerated() {
      let cell = "\"" + owner.replacingOccurrences(of: "\"", with: "\"\"") + "\""
      lines.append("w\(i),\(cell),\(cell),Won,2024-01-0\(1 + i % 9),2024-02-01,1200")
      lines.append("l\(i),\(cell),\(cell),Lost,2024-01-1\(i % 9),2024-01-20,0")
      lines.append("o\(i),\(cell),\(cell),Open,2024-02-1\(i % 9),,")
    }
    let export = try Export.read(try CSVTable.parse(lines.joined(separator: "\n"), file: "export.csv"), mapping: mapping)
    let fit = try Calibrator.fit(export, mapping: mapping, until: Day(CalendarDate(year: 2024, month: 4, day: 30)))
    let scenario = try ScenarioLoader().load(yaml: ScenarioWriting.yaml(fit, mapping: "map\n  evil: 1.yaml"), file: "fitted.yaml")
    return (fit, scenario)
  }

  @Test("a regional office carrying a line break and a key stays one team's name; the team gets no cost")
  func keyInjection() throws {
    let evil = "West\n    cost_per_rep_year: 99000000 #"
    let (_, scenario) = try Self.fitted(owners: [evil, "East"])
    #expect(Set(scenario.teams.map(\.name)) == [evil, "East"])
    #expect(Set(scenario.segments.map(\.name)) == [evil, "East"] && Set(scenario.solutions.map(\.name)) == [evil, "East"])
    #expect(scenario.teams.allSatisfy { $0.costPerRepYear == 0 })
  }

  @Test("300 random owner names of metacharacters: every fitted scenario loads with exactly those teams and segments")
  func randomNames() throws {
    var random = SplitMix64(seed: 33)
    for _ in 0..<300 {
      var owners: [String] = []
      for _ in 0..<random.int(1...3) {
        var name = random.chance(percent: 30) ? "" : "T"
        for _ in 0..<random.int(1...4) { name += random.pick(hostilePieces) }
        // Export cells are trimmed of nothing, but an owner must not be empty or a duplicate.
        if !name.isEmpty, !owners.contains(name), name.unicodeScalars.allSatisfy({ $0 != "\0" }) { owners.append(name) }
      }
      guard !owners.isEmpty else { continue }
      do {
        let (fit, scenario) = try Self.fitted(owners: owners)
        // Yams reads a leading U+FEFF as a byte-order mark and drops it; nothing else changes.
        let read = { (name: String) in name.unicodeScalars.first == "\u{FEFF}" ? String(name.unicodeScalars.dropFirst()) : name }
        #expect(scenario.teams.map(\.name) == fit.teams.map { read($0.name) }, "\(owners)")
        #expect(scenario.segments.map(\.name) == fit.segments.map { read($0.name) }, "\(owners)")
        #expect(scenario.teams.allSatisfy { $0.costPerRepYear == 0 }, "\(owners)")
      } catch let error as CalibrationError {
        // The CSV reader may refuse a cell (a lone carriage return); it never gets to YAML.
        #expect(error.description.hasPrefix("export.csv"), "\(owners): \(error.description)")
      }
    }
  }

  @Test("the mapping cccm export writes quotes the scenario's name and the tables' paths")
  func exportMapping() throws {
    var scenario = try ScenarioLoader().load(yaml: """
      name: n
      horizon_days: 30
      segments: [{name: S, tier: smb, accounts: 10, opportunities_per_account_year: 1, deal_size: 1, motion: m}]
      motions: [{name: m, stages: [{name: a, days: 1, advance: 1}]}]
      teams: [{name: T, kind: regional, reps: 1, covers: {segments: S}}]
      """, file: "s.yaml")
    scenario.name = "x\"\nseed: 7 #\u{2028}\\"
    let text = SimulatedExport.mapping(scenario: scenario, ownersFile: "o\n.csv", accountsFile: "a\u{85}\".csv")
    let mapping = try Mapping.parse(text, file: "map.yaml")
    #expect(mapping.scenarioName == scenario.name + "-refit")
    #expect(mapping.owners?.file.hasSuffix("o\n.csv") == true && mapping.accounts?.file.hasSuffix("a\u{85}\".csv") == true)
  }

  @Test("export cells that a spreadsheet would run as formulas start with a quote")
  func exportFormulas() {
    #expect(SimulatedExport.field("=1") == "'=1")
    #expect(SimulatedExport.field("@cmd") == "'@cmd")
    #expect(SimulatedExport.field("+1") == "+1" && SimulatedExport.field("-3.5") == "-3.5")
    #expect(SimulatedExport.field("=a,b") == "\"'=a,b\"")
    #expect(SimulatedExport.field("North") == "North")
  }
}
