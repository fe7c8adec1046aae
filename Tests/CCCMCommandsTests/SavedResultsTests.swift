import Experiments
import Foundation
import Simulation
import Testing

@testable import CCCMCommands

/// A small valid saved file as a JSON object (what `run --save` writes, two replications).
private func validObject() -> [String: Any] {
  let width = MetricLayout(teams: ["T"], segments: ["S"], pools: ["P"]).count
  return [
    "format": "cccm-results/3", "version": "0.2.0", "scenario": "s", "scenarioHash": "abc123", "seed": 7,
    "generator": "philox", "firstReplication": 0, "replications": 2, "metrics": MetricLayout.scenarioMetrics,
    "teams": ["T"], "segments": ["S"], "pools": ["P"], "months": [String](), "quarters": [String](),
    // 0 and 1 alternate: a whole count, a share and an amount alike.
    "values": (0..<(2 * width)).map { Double($0 % 2) },
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

  @Test("edited values a run cannot give are refused with the metric named: negative wins, win_rate 7, a fractional count")
  func editedValues() {
    let layout = MetricLayout(teams: ["T"], segments: ["S"], pools: ["P"])
    let entries = layout.entries
    func at(_ group: MetricGroup, _ metric: String) -> Int { entries.firstIndex { $0.group == group && $0.metric == metric }! }
    for (index, value, expected) in [
      (at(.scenario, "wins"), -1.0, "replication 0 gives wins -1.0, which no run gives (a count: a whole number of at least 0)"),
      (at(.scenario, "win_rate"), 7, "gives win_rate 7.0, which no run gives (a share from 0 to 1)"),
      (layout.count + at(.scenario, "arrivals"), 2.5, "replication 1 gives arrivals 2.5"),
      (at(.team, "utilization"), -0.5, "gives teams.T.utilization -0.5"),
      (at(.scenario, "bookings"), -10, "gives bookings -10.0"),
      (at(.scenario, "cycle_days_won"), -3, "gives cycle_days_won -3.0"),
    ] {
      var values = (0..<(2 * layout.count)).map { Double($0 % 2) }
      values[index] = value
      let text = message(edited("values", values))
      #expect(text.contains(expected), "\(text)")
    }
    // Not a number stands for a ratio without its denominator; contribution may be negative.
    var values = (0..<(2 * layout.count)).map { Double($0 % 2) }
    values[at(.scenario, "win_rate")] = .nan
    values[at(.scenario, "contribution")] = -1e6
    let data = try? JSONSerialization.data(withJSONObject: edited("values", values.map { $0.isNaN ? "nan" as Any : $0 as Any }))
    #expect((try? SavedResults.decode(data ?? Data())) != nil)
  }

  @Test("results of a scenario whose name is longer than 1,000 characters read back")
  func longNames() throws {
    var object = validObject()
    object["scenario"] = String(repeating: "n", count: 5_000)
    object["teams"] = [String(repeating: "t", count: 3_000)]
    #expect(message(object) == "")
  }
}
