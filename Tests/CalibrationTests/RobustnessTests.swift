import CoverageModel
import Foundation
import ScenarioFiles
import TestSupport
import Testing

@testable import Calibration

@Suite("Every fit writes a valid scenario")
struct RobustnessTests {
  @Test("every segment grouping of the shipped export, with and without bootstrap, gives a scenario that validates",
        arguments: [("[]", "opportunities"), ("[team]", "size"), ("[industry]", "opportunities"), ("[region, product]", "size"), ("[team, industry]", "none")])
  func groupings(by: String, potential: String) throws {
    let folder = repositoryRoot.appendingPathComponent("data/crm-sales-opportunities")
    let text = try String(contentsOf: folder.appendingPathComponent("mapping.yaml"), encoding: .utf8)
      .replacingOccurrences(of: "  by: [region]", with: "  by: \(by)")
      .replacingOccurrences(of: "account_potential: opportunities", with: "account_potential: \(potential)")
      .replacingOccurrences(of: "bootstrap: 200 ", with: "bootstrap: 0 ")
    let mapping = try Mapping.parse(text, file: folder.appendingPathComponent("mapping.yaml").path)
    let export = try Export.load(path: folder.appendingPathComponent("sales_pipeline.csv").path, mapping: mapping)
    let fit = try Calibrator.fit(export, mapping: mapping, until: Day(CalendarDate(year: 2017, month: 9, day: 30)))
    let scenario = try ScenarioLoader().load(yaml: ScenarioWriting.yaml(fit, mapping: "mapping.yaml"), file: "fitted.yaml")
    #expect(scenario.segments.count == fit.segments.count && fit.segments.map(\.arrivals).reduce(0, +) == fit.counts.used - fit.counts.openAtWindowStart)
  }

  @Test("300 random small exports: cccm fit either refuses with a located message or writes a scenario that validates")
  func randomExports() throws {
    var random = SplitMix64(seed: 14)
    let mapping = try Mapping.parse(goodMapping + "\nscenario: {bootstrap: 12}\n", file: "map.yaml")
    let stages = ["Won", "Lost", "Open"]
    var fitted = 0
    for _ in 0..<300 {
      var lines = ["id,owner,stage,engaged,closed,amount"]
      for i in 0..<random.int(1...40) {
        let engaged = Day(CalendarDate(year: 2024, month: 1, day: 1)).advanced(by: random.int(0...200))
        let stage = random.pick(stages)
        let closed = stage == "Open" ? "" : engaged.advanced(by: random.int(0...(random.chance(percent: 50) ? 3 : 120))).description
        let amount = stage == "Won" ? (random.chance(percent: 10) ? "" : String(random.int(0...100_000))) : ""
        lines.append("o\(i),rep\(random.int(0...2)),\(stage),\(engaged),\(closed),\(amount)")
      }
      let until = Day(CalendarDate(year: 2024, month: 1, day: 1)).advanced(by: random.int(0...320))
      do {
        let export = try Export.read(try CSVTable.parse(lines.joined(separator: "\n"), file: "random.csv"), mapping: mapping)
        let fit = try Calibrator.fit(export, mapping: mapping, until: until)
        let yaml = ScenarioWriting.yaml(fit, mapping: "map.yaml")
        do {
          _ = try ScenarioLoader().load(yaml: yaml, file: "fitted.yaml")
          fitted += 1
        } catch {
          Issue.record("an invalid scenario from\n\(lines.joined(separator: "\n"))\nuntil \(until):\n\(error)")
        }
      } catch {
        #expect(error.description.hasPrefix("random.csv"), "\(error.description)")
      }
    }
    #expect(fitted > 200)
  }
}
