import Testing

@testable import Estimation

@Suite("Break-even")
struct BreakEvenTests {
  @Test("the first period from which every value stays above zero")
  func firstStayingPositive() {
    #expect(BreakEven.firstStayingPositive([-1, 2, -0.5, 3, 4]) == 3)
    #expect(BreakEven.firstStayingPositive([1, 2, 3]) == 0)
    #expect(BreakEven.firstStayingPositive([1, -1]) == nil)
    #expect(BreakEven.firstStayingPositive([0, 0]) == nil)  // zero is not above zero
    #expect(BreakEven.firstStayingPositive([]) == nil)
  }

  @Test("replications' own break-even periods give the share and percentiles; the mean curve and its bounds give the interval")
  func fromReplications() {
    // 10 periods, 20 replications: replication r starts in debt and turns positive for good at period r / 2
    // (replications 18 and 19 never do), crossing once.
    let periods = 10
    let cumulative = (0..<periods).map { p in (0..<20).map { r in Double(p - r / 2) + (r < 18 ? 0.5 : -0.5) } }
    let b = BreakEven(cumulative: cumulative)
    #expect(b.shareBreakingEven == 18.0 / 20)
    // Own periods sorted: 0,0,1,1,...,8,8, then two that never break even.
    #expect(b.p50 == 4)  // nearest rank 10 of 20
    #expect(b.p10 == 0)
    #expect(b.p90 == 8)
    // The mean cumulative difference p - 4.5 + 0.4 is above 0 from period 5; the upper bound
    // crosses no later, the lower bound no earlier.
    #expect(b.mean == 5)
    #expect((b.earliest ?? 99) <= 5)
    #expect((b.latest ?? 99) >= 5)
  }

  @Test("a change that never pays back has no break-even and no interval end")
  func never() {
    let b = BreakEven(cumulative: (0..<6).map { p in (0..<10).map { r in -Double(p + r) - 1 } })
    #expect(b.mean == nil && b.earliest == nil && b.latest == nil && b.p10 == nil)
    #expect(b.shareBreakingEven == 0)
  }
}
