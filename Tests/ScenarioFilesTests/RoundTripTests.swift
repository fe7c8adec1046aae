import CoverageModel
import Foundation
import TestSupport
import Testing

@testable import ScenarioFiles

private let referenceFiles: [String] = {
  let variants = (try? FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("scenarios/northwind/variants").path)) ?? []
  return ["scenarios/northwind/baseline.yaml", "scenarios/bench/r1.yaml"] + variants.sorted().map { "scenarios/northwind/variants/\($0)" }
}()

@Suite("show and diff")
struct RoundTripTests {
  @Test("`show` prints YAML that validates and resolves to the same scenario", arguments: referenceFiles)
  func roundTrip(file: String) throws {
    let scenario = try ScenarioLoader().load(path: repositoryRoot.appendingPathComponent(file).path)
    let yaml = ScenarioEncoder.yaml(scenario)
    let again = try ScenarioLoader().load(yaml: yaml, file: "shown.yaml")
    #expect(again == scenario)
    #expect(ScenarioEncoder.yaml(again) == yaml)
  }

  @Test("diff names the teams a split removes and adds, and the coverage it moves")
  func diffOfSplit() throws {
    let base = try ScenarioLoader().load(path: repositoryRoot.appendingPathComponent("scenarios/northwind/baseline.yaml").path)
    let split = try ScenarioLoader().load(path: repositoryRoot.appendingPathComponent("scenarios/northwind/variants/split-west.yaml").path)
    let diff = ScenarioDiff(from: base, to: split)
    #expect(diff.teams.removed == ["West"])
    #expect(diff.teams.added == ["West-Coast", "West-Inland"])
    #expect(diff.coverageMoved.map(\.segment) == ["SMB-West"])
    #expect(diff.coverageMoved.first?.new == "West-Coast 25%, West-Inland 75%")
    #expect(ScenarioDiff(from: base, to: base).isEmpty)
  }

  @Test("diff lists changed fields of a resized pool")
  func diffOfResize() throws {
    let base = try ScenarioLoader().load(path: repositoryRoot.appendingPathComponent("scenarios/northwind/baseline.yaml").path)
    let plus = try ScenarioLoader().load(path: repositoryRoot.appendingPathComponent("scenarios/northwind/variants/presales-plus-2.yaml").path)
    let diff = ScenarioDiff(from: base, to: plus)
    #expect(diff.pools.changed.count == 1)
    #expect(diff.pools.changed.first?.changes == [ScenarioDiff.FieldChange(field: "experts", old: "12", new: "14")])
    #expect(diff.teams.changed.isEmpty)
  }
}
