import Estimation
import Foundation
import Testing

@testable import Experiments

@Suite("A comparison's ranking marks ties")
struct RankingTests {
  /// Replication r's objective for a scenario at `level`, with a shared noise (common random
  /// numbers) and a little of its own.
  static func column(level: Double, own: Double, seed: UInt64) -> [Double] {
    let shared = SeededDraws(seed: 1, purpose: "shared")
    let mine = SeededDraws(seed: seed, purpose: "own")
    return (0..<30).map { _ in level + 10 * shared.gaussian() + own * mine.gaussian() }
  }

  @Test("scenarios no paired interval separates share a rank; a rank counts the scenarios significantly better")
  func ties() {
    // a and b differ by far less than their paired noise; c is clearly below both, d below c.
    let columns = [
      Self.column(level: 100, own: 1, seed: 2), Self.column(level: 100.1, own: 1, seed: 3), Self.column(level: 90, own: 1, seed: 4),
      Self.column(level: 80, own: 1, seed: 5),
    ]
    let ranked = Comparison.rank(scenarios: ["a", "b", "c", "d"], columns: columns, objective: Objective("contribution"))
    #expect(ranked.map(\.scenario) == ["b", "a", "c", "d"])
    #expect(ranked.map(\.rank) == [1, 1, 3, 4])
    #expect(ranked[0].tiedWith == ["a"] && ranked[1].tiedWith == ["b"] && ranked[2].tiedWith.isEmpty)
    // Lower is better reverses the order, and the ties stay.
    let lower = Comparison.rank(scenarios: ["a", "b", "c", "d"], columns: columns, objective: Objective("cost"))
    #expect(lower.map(\.scenario) == ["d", "c", "a", "b"] && lower.map(\.rank) == [1, 2, 3, 3])
  }

  @Test("identical scenarios tie; with enough separation every rank is distinct")
  func identicalAndDistinct() {
    let same = Self.column(level: 50, own: 0, seed: 9)
    let ranked = Comparison.rank(scenarios: ["x", "y"], columns: [same, same], objective: Objective("contribution"))
    #expect(ranked.map(\.rank) == [1, 1])
    let apart = (0..<5).map { Self.column(level: 100 - 20 * Double($0), own: 1, seed: UInt64(20 + $0)) }
    #expect(Comparison.rank(scenarios: ["p", "q", "r", "s", "t"], columns: apart, objective: Objective("contribution")).map(\.rank) == [1, 2, 3, 4, 5])
  }
}
