import Estimation
import Foundation
import Testing

@testable import Reports

@Suite("select marks designs within delta of the selected one")
struct SelectionTiesTests {
  @Test("an eliminated design within delta is 'as good' in the table and JSON; one beyond delta is plainly eliminated")
  func withinDelta() throws {
    let setting = SelectionReport.Setting(
      objective: "contribution", largerIsBetter: true, delta: 1_000_000, deltaText: "given", confidence: 0.95, firstStage: 20, maximum: 1000, stages: 25,
      simulated: 60, fixedSample: 30, seed: 1)
    let designs = [
      SelectionReport.Design(name: "best", mean: 10_000_000, used: 25, status: .selected),
      SelectionReport.Design(name: "close", mean: 9_400_000, used: 22, status: .eliminated),
      SelectionReport.Design(name: "far", mean: 7_000_000, used: 20, status: .eliminated),
    ]
    let document = SelectionReport.document(setting: setting, designs: designs)
    let table = document.render(.table, colour: false)
    let close = try #require(table.split(separator: "\n").first { $0.hasPrefix("close") })
    let far = try #require(table.split(separator: "\n").first { $0.hasPrefix("far") })
    #expect(close.hasSuffix("eliminated after 22, within delta: as good"))
    #expect(far.hasSuffix("eliminated after 20"))
    #expect(table.contains("Within delta of the selected design: close."))
    let json = try #require(try JSONSerialization.jsonObject(with: Data(document.render(.json, colour: false).utf8)) as? [String: Any])
    let rows = try #require(json["designs"] as? [[String: Any]])
    #expect(rows.map { $0["within_delta"] as? Bool } == [false, true, false])
  }

  @Test("a ratio objective's designs show their ratio of sums with its delta-method interval in the table, CSV and JSON, which names the estimand")
  func ratioObjective() throws {
    let setting = SelectionReport.Setting(
      objective: "win_rate", largerIsBetter: true, delta: 0.005, deltaText: "given", confidence: 0.95, firstStage: 20, maximum: 1000, stages: 30,
      simulated: 70, fixedSample: 40, seed: 1, ratio: true)
    let designs = [
      SelectionReport.Design(name: "best", mean: 0.31, used: 30, status: .selected, interval: (0.30, 0.32), fromSelected: nil),
      SelectionReport.Design(
        name: "other", mean: 0.28, used: 20, status: .eliminated, interval: (0.27, 0.29),
        fromSelected: PairedDifference(baseline: [0.3, 0.31, 0.32], variant: [0.27, 0.28, 0.29])),
    ]
    let document = SelectionReport.document(setting: setting, designs: designs)
    let table = document.render(.table, colour: false)
    #expect(table.contains("ratio of sums over the replications it used, with a delta-method 95% interval"))
    let best = try #require(table.split(separator: "\n").first { $0.hasPrefix("best") })
    #expect(best.contains("[30.0%, 32.0%]"))
    let json = try #require(try JSONSerialization.jsonObject(with: Data(document.render(.json, colour: false).utf8)) as? [String: Any])
    #expect(json["estimand"] as? String == "ratio of sums")
    let rows = try #require(json["designs"] as? [[String: Any]])
    #expect(rows.map { $0["ci95_low"] as? Double } == [0.30, 0.27] && rows.map { $0["ci95_high"] as? Double } == [0.32, 0.29])
    #expect(document.render(.csv, colour: false).contains("best,ci95_low,0.3"))
    // Another objective's JSON has neither.
    let plain = SelectionReport.document(
      setting: SelectionReport.Setting(
        objective: "contribution", largerIsBetter: true, delta: 1, deltaText: "given", confidence: 0.95, firstStage: 20, maximum: 1000, stages: 30,
        simulated: 70, fixedSample: 40, seed: 1), designs: [SelectionReport.Design(name: "best", mean: 1, used: 30, status: .selected)])
    let plainJSON = try #require(try JSONSerialization.jsonObject(with: Data(plain.render(.json, colour: false).utf8)) as? [String: Any])
    #expect(plainJSON["estimand"] == nil && (plainJSON["designs"] as? [[String: Any]])?.first?["ci95_low"] == nil)
  }
}
