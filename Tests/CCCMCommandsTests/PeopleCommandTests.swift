import Foundation
import TestSupport
import Testing

/// Teams of people through the command line: the people table and JSON block, saved results, and
/// compare's break-even line.
@Suite("People on the command line")
struct PeopleCommandTests {
  static let baseline = "scenarios/northwind/people/baseline.yaml"

  @Test("run shows the people table and JSON's people block only for scenarios with people")
  func peopleBlock() throws {
    let people = try runCCCM(["run", Self.baseline, "-r", "3", "--format", "json", "-q"])
    #expect(people.status == 0, "\(people.err)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(people.out.utf8)) as? [String: Any])
    let west = try #require((object["people"] as? [String: Any])?["West"] as? [String: Any])
    for metric in ["headcount", "vacant_share", "capacity_share", "leavers", "hires", "handover_losses", "quota_attainment", "at_quota_share"] {
      #expect(west[metric] != nil, "\(metric)")
    }
    let plain = try runCCCM(["run", "scenarios/northwind/baseline.yaml", "-r", "3", "--format", "json", "-q"])
    let plainObject = try #require(try JSONSerialization.jsonObject(with: Data(plain.out.utf8)) as? [String: Any])
    #expect(plainObject["people"] == nil)
    let table = try runCCCM(["run", Self.baseline, "-r", "3", "-q"])
    #expect(table.out.contains("people  headcount  vacant_share"))
  }

  @Test("saved results of a scenario with people compare as the simulation does")
  func savedResults() throws {
    let directory = try scratchFolder("people")
    defer { try? FileManager.default.removeItem(at: directory) }
    let variant = "scenarios/northwind/people/west-hires-3.yaml"
    var files: [String] = []
    for scenario in [Self.baseline, variant] {
      let file = directory.appendingPathComponent("\(files.count).json").path
      let saved = try runCCCM(["run", scenario, "-r", "4", "--seed", "2026", "--by", "month", "--save", file, "-q"])
      #expect(saved.status == 0, "\(saved.err)")
      files.append(file)
    }
    let simulated = try runCCCM(["compare", Self.baseline, variant, "-r", "4", "--by", "quarter", "-q"])
    let fromFiles = try runCCCM(["compare", "--from"] + files + ["--by", "quarter", "-q"])
    #expect(simulated.status == 0 && fromFiles.status == 0, "\(simulated.err)\(fromFiles.err)")
    #expect(simulated.out == fromFiles.out)
    #expect(simulated.out.contains("break-even on contribution: "))
  }
}
