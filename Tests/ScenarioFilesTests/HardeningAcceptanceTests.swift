import CoverageModel
import Foundation
import TestSupport
import Testing

@testable import ScenarioFiles

/// Inputs that were accepted and then silently did something else, or failed late.
@Suite("Wrong acceptance")
struct HardeningAcceptanceTests {
  static let yaml = """
    name: u
    regions: [R]
    segments:
      - name: S
        tier: smb
        region: R
        accounts: 1000
        opportunities_per_account_year: 0.5
        deal_size: 1000
        motion: m
    motions:
      - {name: m, stages: [{name: a, days: {triangular: {min: 1, mode: 5, max: MAX}}, advance: 0.5}]}
    teams:
      - {name: T, kind: regional, reps: 10, covers: {region: R}}
    """

  @Test("an uncertain parameter whose range breaks its distribution's constraints is refused at load, where it is written")
  func uncertainEnds() throws {
    let refused = Self.yaml.replacingOccurrences(of: "MAX", with: "{uncertain: {uniform: {min: 3, max: 10}}}")
    do {
      _ = try ScenarioLoader().load(yaml: refused, file: "u.yaml")
      Issue.record("accepted a triangular max that can fall below its mode")
    } catch {
      #expect(error.description.contains("u.yaml:12:"), "\(error.description)")
      #expect(error.description.contains("motions.m.stages.a.days.triangular.max.uncertain: at its low end (3)"), "\(error.description)")
      #expect(error.description.contains("expected min <= mode <= max"), "\(error.description)")
    }
    let accepted = Self.yaml.replacingOccurrences(of: "MAX", with: "{uncertain: {uniform: {min: 6, max: 10}}}")
    let scenario = try ScenarioLoader().load(yaml: accepted, file: "u.yaml")
    #expect(scenario.uncertain.count == 1)
  }

  @Test("a set of a top-level key keeps the pipeline; set: {path: pipeline} is refused")
  func setKeepsPipeline() throws {
    let base = repositoryRoot.appendingPathComponent("scenarios/crm-sales/from-2017-06-30.yaml").path
    let deals = try ScenarioLoader().load(path: base).pipeline.count
    #expect(deals > 0)
    let seed = try ScenarioLoader().load(yaml: "extends: \(base)\nname: v\nchanges:\n  - set: {path: seed, value: 5}\n", file: "v.yaml")
    #expect(seed.pipeline.count == deals && seed.seed == 5)
    do {
      _ = try ScenarioLoader().load(yaml: "extends: \(base)\nname: v\nchanges:\n  - set: {path: pipeline, value: x.csv}\n", file: "v.yaml")
      Issue.record("set: {path: pipeline} accepted")
    } catch {
      #expect(error.description.contains("v.yaml:4:") && error.description.contains("cannot be set: give the variant its own `pipeline:` key"), "\(error.description)")
    }
  }

  @Test("a set of a top-level key keeps the uncertain values")
  func setKeepsUncertainty() throws {
    let base = repositoryRoot.appendingPathComponent("scenarios/northwind/uncertain.yaml").path
    let count = try ScenarioLoader().load(path: base).uncertain.count
    #expect(count > 0)
    let seed = try ScenarioLoader().load(yaml: "extends: \(base)\nname: v\nchanges:\n  - set: {path: seed, value: 5}\n", file: "v.yaml")
    #expect(seed.uncertain.count == count)
  }
}
