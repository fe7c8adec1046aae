import Foundation
import TestSupport
import Testing

@testable import ScenarioFiles

/// A chain of `count` files in a fresh directory: chain-0 extends chain-1 ... the last is the
/// Northwind baseline. Returns the directory.
private func extendsChain(_ count: Int) throws -> URL {
  let directory = try scratchFolder("chain")
  let baseline = try String(contentsOfFile: repositoryRoot.appendingPathComponent("scenarios/northwind/baseline.yaml").path, encoding: .utf8)
  for index in 0..<count - 1 {
    try "# link \(index)\nextends: chain-\(index + 1).yaml\n".write(to: directory.appendingPathComponent("chain-\(index).yaml"), atomically: false, encoding: .utf8)
  }
  try baseline.write(to: directory.appendingPathComponent("chain-\(count - 1).yaml"), atomically: false, encoding: .utf8)
  return directory
}

@Suite("Loader limits")
struct LoaderLimitTests {
  @Test("a chain of 5,000 extends files is refused at depth 64 with file:line, not a stack overflow")
  func longChain() throws {
    let directory = try extendsChain(5_000)
    defer { try? FileManager.default.removeItem(at: directory) }
    do {
      _ = try ScenarioLoader().load(path: directory.appendingPathComponent("chain-0.yaml").path)
      Issue.record("a 5,000-file chain loaded")
    } catch .invalid(let error) {
      let text = error.description
      #expect(error.diagnostics.count == 1)
      #expect(text.contains("chain-63.yaml:2:10: error: extends: extends goes more than 64 files deep"), "\(text)")
    } catch {
      Issue.record("unexpected \(error)")
    }
  }

  @Test("a chain of exactly 64 files loads")
  func chainAtTheLimit() throws {
    let directory = try extendsChain(ScenarioLoader.maximumExtendsDepth)
    defer { try? FileManager.default.removeItem(at: directory) }
    let scenario = try ScenarioLoader().load(path: directory.appendingPathComponent("chain-0.yaml").path)
    #expect(!scenario.teams.isEmpty)
  }
}

@Suite("Whole numbers in scenario files")
struct WholeNumberTests {
  func seed(_ text: String) -> Result<UInt64, ScenarioLoadError> {
    let yaml = (try? String(contentsOfFile: repositoryRoot.appendingPathComponent("scenarios/bench/r1.yaml").path, encoding: .utf8)) ?? ""
    let edited = yaml.replacingOccurrences(of: "\nseed: 1\n", with: "\nseed: \(text)\n")
    return Result { () throws(ScenarioLoadError) in try ScenarioLoader().load(yaml: edited, file: "seed.yaml").seed }
  }

  @Test("seed: 1e15 and whole floats up to 2^53 are read exactly; larger or fractional ones are refused")
  func seeds() throws {
    #expect(try seed("1e15").get() == 1_000_000_000_000_000)
    #expect(try seed("9007199254740992").get() == 9_007_199_254_740_992)
    #expect(try seed("9.007199254740992e15").get() == 9_007_199_254_740_992)
    #expect(try seed("1_000").get() == 1_000)
    for bad in ["9007199254740993", "1e16", "1.5", "1e300"] {
      guard case .failure(.invalid(let error)) = seed(bad) else {
        Issue.record("\(bad) accepted")
        continue
      }
      #expect(error.description.contains("seed: expected a whole number"), "\(bad): \(error.description)")
    }
  }
}
