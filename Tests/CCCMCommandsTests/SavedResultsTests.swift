import Experiments
import Foundation
import Simulation
import Testing

@testable import CCCMCommands

/// A small valid saved file as a JSON object (what `run --save` writes, two replications).
private func validObject() -> [String: Any] {
  let width = MetricLayout(teams: ["T"], segments: ["S"], pools: ["P"]).count
  return [
    "format": "cccm-results/2", "version": "0.2.0", "scenario": "s", "scenarioHash": "abc123", "seed": 7,
    "generator": "philox", "firstReplication": 0, "replications": 2, "metrics": MetricLayout.scenarioMetrics,
    "teams": ["T"], "segments": ["S"], "pools": ["P"], "months": [String](), "quarters": [String](),
    "values": (0..<(2 * width)).map(Double.init),
  ]
}

private func decode(_ object: [String: Any]) -> Result<SavedResults, SavedResultsError> {
  let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
  return Result { () throws(SavedResultsError) in try SavedResults.decode(data) }
}

private func message(_ object: [String: Any]) -> String {
  switch decode(object) {
  case .success: ""
  case .failure(let error): error.description
  }
}

private func edited(_ key: String, _ value: Any) -> [String: Any] {
  var object = validObject()
  object[key] = value
  return object
}

@Suite("Saved results files")
struct SavedResultsTests {
  @Test("a file as `run --save` writes it loads")
  func valid() throws {
    #expect(message(validObject()) == "")
    let saved = try decode(validObject()).get()
    #expect(saved.results.replications == 2)
    let again = try saved.json()
    #expect(try SavedResults.decode(Data(again.utf8)).replications == 2)
  }

  @Test("every field out of what run --save writes is refused with the field named, never a trap")
  func editedFields() {
    let width = MetricLayout(teams: ["T"], segments: ["S"], pools: ["P"]).count
    let cases: [(String, Any, String)] = [
      ("replications", 1 << 62, "replications: expected 1 to 1000000"),
      ("replications", Int.max, "replications: expected 1 to 1000000"),
      ("replications", 1e30, "replications: expected a whole number"),
      ("replications", -3, "replications: expected 1 to 1000000"),
      ("replications", 3, "values: \(2 * width) values for 3 replications"),
      ("replications", "two", "replications: expected a whole number"),
      ("seed", -1, "seed: expected a whole number from 0 to 2^64-1"),
      ("generator", "randu", "generator: generator \"randu\" cannot be used safely"),
      ("generator", "\u{1B}[2J", "generator: unknown generator \"\\u{1B}[2J\""),
      ("format", "cccm-results/9", "not a cccm results file (format is \"cccm-results/9\""),
      ("scenarioHash", "zz", "scenarioHash: expected up to 16 hexadecimal digits"),
      ("scenario", "", "scenario: expected the scenario's name"),
      ("teams", ["T", "T"], "teams[1]: \"T\" is listed twice"),
      ("segments", [""], "segments[0]: expected a name"),
      ("values", [1.0], "values: 1 values for 2 replications of \(width) metrics"),
      ("pools", 5, "pools: expected a list"),
    ]
    for (key, value, expected) in cases {
      let text = message(edited(key, value))
      #expect(text.contains(expected), "\(key) = \(value): \(text)")
    }
    var missing = validObject()
    missing["seed"] = nil
    #expect(message(missing).contains("missing \"seed\""))
    #expect(message(["a": 1]).contains("not a cccm results file"))
  }
}

