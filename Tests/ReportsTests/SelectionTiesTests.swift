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
}
