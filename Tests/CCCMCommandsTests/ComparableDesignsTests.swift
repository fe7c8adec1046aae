import Foundation
import TestSupport
import Testing

@Suite("Designs compared on common random numbers simulate the same days")
struct ComparableDesignsTests {
  @Test(
    "compare, select and uncertainty refuse designs with another horizon or start date, naming the key and both files",
    arguments: [
      ["compare", "scenarios/northwind/baseline.yaml", "scenarios/northwind/people/split-west.yaml", "-r", "2"],
      ["select", "scenarios/northwind/baseline.yaml", "scenarios/northwind/people/split-west.yaml", "--delta", "1%"],
      ["uncertainty", "scenarios/northwind/uncertain.yaml", "scenarios/northwind/people/split-west.yaml", "--outer", "2", "--inner", "2"],
    ])
  func mixedHorizons(arguments: [String]) throws {
    let result = try runCCCM(arguments + ["-q"])
    #expect(result.status == 1, "\(result.err)")
    #expect(result.err.contains("scenarios/northwind/people/split-west.yaml: error: horizon_days is 730 here but 365 in the baseline"), "\(result.err)")
    #expect(result.out.isEmpty)
  }

  @Test(
    "a variant with another warm-up or start date is refused by compare, explain and threshold, naming the key, both values and both files",
    arguments: [
      ("warmup_days: 30", "warmup_days is 30 here but 240 in the baseline"),
      ("start_date: 2026-01-01", "start_date is 2026-01-01 here but none (days from 0) in the baseline"),
    ])
  func otherDays(setting: String, message: String) throws {
    let folder = try scratchFolder("other-days")
    defer { try? FileManager.default.removeItem(at: folder) }
    let variant = folder.appendingPathComponent("variant.yaml")
    let baseline = repositoryRoot.appendingPathComponent("scenarios/northwind/baseline.yaml").path
    try "extends: \(baseline)\nname: other-days\n\(setting)\n".write(to: variant, atomically: true, encoding: .utf8)
    for command in [["compare", "-r", "2"], ["explain", "-r", "2"], ["threshold", "--vary", "teams.West.reps=8..14", "-r", "2"]] {
      let result = try runCCCM([command[0], "scenarios/northwind/baseline.yaml", variant.path] + command.dropFirst() + ["-q"])
      #expect(result.status == 1, "\(command[0]): \(result.err)")
      #expect(result.err.contains("\(variant.path): error: \(message) scenarios/northwind/baseline.yaml"), "\(command[0]): \(result.err)")
      #expect(result.out.isEmpty)
    }
  }

  @Test("a variant whose transition starts from a file other than the baseline is compared with a note naming that file; one extending the baseline gets none")
  func transitionOrigin() throws {
    let folder = try scratchFolder("transition-origin")
    defer { try? FileManager.default.removeItem(at: folder) }
    let variant = folder.appendingPathComponent("hires-then-split.yaml")
    let hires = repositoryRoot.appendingPathComponent("scenarios/northwind/people/west-hires-3.yaml").path
    try """
      extends: \(hires)
      name: hires-then-split
      changes:
        - split_team:
            team: West
            into:
              - {name: West-Coast, share: 0.25, reps: 6}
              - {name: West-Inland, share: 0.75, reps: 5}

      """.write(to: variant, atomically: true, encoding: .utf8)
    let noted = try runCCCM(["compare", "scenarios/northwind/people/baseline.yaml", variant.path, "-r", "2", "-q"])
    #expect(noted.status == 0, "\(noted.err)")
    #expect(
      noted.err.contains(
        "note: \(variant.path) switches on day 0 from the organisation of scenarios/northwind/people/west-hires-3.yaml (the file it extends), not from the baseline scenarios/northwind/people/baseline.yaml"),
      "\(noted.err)")
    let plain = try runCCCM(["compare", "scenarios/northwind/people/baseline.yaml", "scenarios/northwind/people/split-west.yaml", "-r", "2", "-q"])
    #expect(plain.status == 0, "\(plain.err)")
    #expect(!plain.err.contains("switches on day"), "\(plain.err)")
  }

  @Test("designs that share their days are compared as before")
  func sameDays() throws {
    let result = try runCCCM(["compare", "scenarios/northwind/people/baseline.yaml", "scenarios/northwind/people/split-west.yaml", "-r", "2", "-q"])
    #expect(result.status == 0, "\(result.err)")
  }
}
