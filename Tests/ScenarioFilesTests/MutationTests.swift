import Foundation
import TestSupport
import Testing
import Yams

@testable import ScenarioFiles

/// A small deterministic generator (SplitMix64) for choosing mutations.
private struct Dice {
  var state: UInt64
  mutating func next(_ bound: Int) -> Int {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return Int((z ^ (z >> 31)) % UInt64(bound))
  }
}

/// Every path to a node of the tree, as child indices.
private func paths(_ node: Node, _ prefix: [Int] = []) -> [[Int]] {
  var result = [prefix]
  switch node {
  case .mapping(let mapping):
    for (i, pair) in mapping.enumerated() { result += paths(pair.value, prefix + [i]) }
  case .sequence(let sequence):
    for (i, child) in sequence.enumerated() { result += paths(child, prefix + [i]) }
  default: break
  }
  return result
}

/// The tree with the node at `path` replaced (nil replacement deletes it from its parent).
private func replacing(_ node: Node, at path: ArraySlice<Int>, with replacement: Node?) -> Node? {
  guard let head = path.first else { return replacement }
  switch node {
  case .mapping(let mapping):
    var pairs = Array(mapping)
    guard head < pairs.count else { return node }
    if path.count == 1, replacement == nil {
      pairs.remove(at: head)
    } else if let child = replacing(pairs[head].value, at: path.dropFirst(), with: replacement) {
      pairs[head] = (pairs[head].key, child)
    }
    return .mapping(Node.Mapping(pairs))
  case .sequence(let sequence):
    var items = Array(sequence)
    guard head < items.count else { return node }
    if path.count == 1, replacement == nil {
      items.remove(at: head)
    } else if let child = replacing(items[head], at: path.dropFirst(), with: replacement) {
      items[head] = child
    }
    return .sequence(Node.Sequence(items))
  default: return node
  }
}

@Suite("Mutated scenarios")
struct MutationTests {
  @Test("thousands of random mutations give a valid scenario or clean errors, never a crash")
  func mutations() throws {
    let text = try String(contentsOfFile: repositoryRoot.appendingPathComponent("scenarios/northwind/baseline.yaml").path, encoding: .utf8)
    let root = try #require(try Yams.compose(yaml: text))
    let all = paths(root)
    let replacements: [Node] = [
      "-1", "0", "1.5", "1e308", "abc", "", "North", "West", "Platform", "[]", "{}", "[1, 2]",
      Node.mapping(["gamma": Node.mapping(["shape": "0", "mean": "3"])]), Node.mapping(["unknown": "1"]),
      Node.sequence(["x"]), "true", "null", "nan", "-0.0001", "999999999999",
    ].map { (value: Node) -> Node in
      if case .scalar(let s) = value { return Node(s.string) }
      return value
    }
    var dice = Dice(state: 20_261_129)
    var valid = 0
    var invalid = 0
    for _ in 0..<2000 {
      let path = all[dice.next(all.count)]
      let mutated: Node?
      switch dice.next(3) {
      case 0: mutated = replacing(root, at: path[...], with: nil)
      default: mutated = replacing(root, at: path[...], with: replacements[dice.next(replacements.count)])
      }
      guard let mutated, let yaml = try? Yams.serialize(node: mutated) else { continue }
      do {
        _ = try ScenarioLoader().load(yaml: yaml, file: "mutant.yaml")
        valid += 1
      } catch .invalid(let error) {
        invalid += 1
        #expect(!error.diagnostics.isEmpty)
        for diagnostic in error.diagnostics {
          #expect(diagnostic.location.file == "mutant.yaml")
          #expect(diagnostic.location.line >= 1)
          #expect(!diagnostic.message.isEmpty)
        }
      } catch {
        Issue.record("a mutant gave \(error) instead of validation errors")
      }
    }
    #expect(invalid > 800, "most mutations break something: \(invalid) invalid, \(valid) valid")
    #expect(valid > 10, "some mutations are harmless: \(valid) valid")
  }
}
