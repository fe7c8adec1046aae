import CCCMSupport
import Testing

/// Numbers read back from what cccm writes are the numbers it wrote.
@Suite struct NumberTextTests {
  @Test func wholeNumbersHaveNoFraction() {
    #expect(NumberText.shortest(12) == "12")
    #expect(NumberText.shortest(-3) == "-3")
    #expect(NumberText.shortest(0) == "0")
    #expect(NumberText.whole(2e9, below: 1e9) == nil)
  }

  @Test func otherNumbersReadBackExactly() {
    for value in [0.1, 1.0 / 3, 2.5e-7, 1e20, -0.75] {
      #expect(Double(NumberText.shortest(value)) == value, "\(value)")
    }
    #expect(NumberText.shortest(0.1) == "0.1")
    #expect(NumberText.whole(.nan) == nil && NumberText.whole(.infinity) == nil)
  }
}

/// A path written in a file is relative to that file's folder.
@Suite struct RelativePathTests {
  @Test func aRelativePathJoinsTheFolder() {
    #expect(RelativePath.resolve("open.csv", in: "/work/scenarios") == "/work/scenarios/open.csv")
    #expect(RelativePath.resolve("../base.yaml", in: "scenarios/northwind") == "scenarios/northwind/../base.yaml")
  }

  @Test func anAbsolutePathOrAnEmptyFolderLeavesThePathAsItIs() {
    #expect(RelativePath.resolve("/data/open.csv", in: "/work") == "/data/open.csv")
    #expect(RelativePath.resolve("open.csv", in: "") == "open.csv")
  }
}
