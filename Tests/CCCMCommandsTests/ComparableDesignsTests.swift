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

  @Test("designs that share their days are compared as before")
  func sameDays() throws {
    let result = try runCCCM(["compare", "scenarios/northwind/people/baseline.yaml", "scenarios/northwind/people/split-west.yaml", "-r", "2", "-q"])
    #expect(result.status == 0, "\(result.err)")
  }
}
