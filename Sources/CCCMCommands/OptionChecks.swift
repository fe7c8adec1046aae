import ArgumentParser
import CCCMSupport
import CoverageModel
import Experiments
import ScenarioFiles
import Simulation

/// `--seed`: a whole number from 0 to 2^64-1, with the range in the message otherwise.
func parseSeed(_ text: String) throws -> UInt64 {
  guard let seed = UInt64(text.replacingOccurrences(of: "_", with: "")) else {
    throw ValidationError("--seed must be a whole number from 0 to 2^64-1 (18446744073709551615), got \(Excerpt.quoted(text))")
  }
  return seed
}

/// A whole-number option (`--replications`, `--threads`, `--runs`), negative numbers included, so
/// that the option's own check can name the valid range.
func wholeNumber(_ text: String, option: String, range: String) throws -> Int {
  guard let value = Int(text.replacingOccurrences(of: "_", with: "")) else {
    throw ValidationError("\(option) must be a whole number, \(range), got \(Excerpt.quoted(text))")
  }
  return value
}

/// `--precision`: a share strictly between 0% and 100%, as `1%` or `0.01`.
func checkPrecision(_ text: String) throws -> Double {
  guard let share = Experiment.precisionShare(text) else {
    throw ValidationError("--precision must be a share in (0%, 100%) such as 1% or 0.01, got \(Excerpt.quoted(text))")
  }
  return share
}

/// `--max-replications` must allow at least the first batch (`--replications` or the scenario's).
func checkMaxReplications(_ maximum: Int, starting: Int) throws {
  guard maximum >= starting else {
    throw ValidationError("--max-replications must be at least the starting replications (\(starting)) and at most \(Scenario.maximumReplications), got \(maximum)")
  }
}

/// A scenario metric named on the command line (`--metrics`): refused with a did-you-mean and
/// the metrics there are (exit 64).
func checkMetric(_ name: String) throws {
  if case .failure(let problem) = Objective.checkMetric(name) { throw ValidationError(problem.description) }
}

/// `--objective`, refused with a did-you-mean (exit 64); `verb` (what the command does with it)
/// asks for a metric with a better direction.
func parseObjective(_ name: String, choosingBy verb: String? = nil) throws -> Objective {
  switch Objective.parse(name, choosingBy: verb) {
  case .success(let objective): return objective
  case .failure(let problem): throw ValidationError(problem.description)
  }
}

/// A whole-number option with its range, read and checked from one definition: `parse` (the
/// option's transform) refuses what is not a whole number, naming the range; `check` (in
/// `validate`) refuses a number outside it. Negative numbers are read (the options parse
/// `.unconditional`) so that the check, not "Missing value", answers `--budget -1`.
struct BoundedOption: Sendable {
  let name: String
  let range: ClosedRange<Int>
  /// The range as help and refusals word it: "2 to 10,000".
  let rangeText: String
  /// The refusal of a whole number outside the range.
  let refusal: @Sendable (Int) -> String

  init(_ name: String, _ range: ClosedRange<Int>, _ rangeText: String, refusal: (@Sendable (Int) -> String)? = nil) {
    self.name = name
    self.range = range
    self.rangeText = rangeText
    self.refusal = refusal ?? { "\(name) must be \(rangeText), got \($0)" }
  }

  func parse(_ text: String) throws -> Int { try wholeNumber(text, option: name, range: rangeText) }

  func check(_ value: Int?) throws {
    if let value, !range.contains(value) { throw ValidationError(refusal(value)) }
  }

  /// Replications of each scenario: two at least (an interval needs two), at most a million
  /// (results keep about 800 bytes a replication).
  static let replications = BoundedOption("--replications", 2...Scenario.maximumReplications, "2 to \(Scenario.maximumReplications)") {
    $0 < 2
      ? "--replications must be at least 2 (confidence intervals need two), got \($0)"
      : "--replications must be at most \(Scenario.maximumReplications) (results keep about 800 bytes a replication), got \($0)"
  }
  static let threads = BoundedOption("--threads", 0...Int.max, "0 (every core) or more")
  static let maxReplications = BoundedOption("--max-replications", 2...Scenario.maximumReplications, "from 2 to \(Scenario.maximumReplications)")
  /// A wave holds at least one replication, so there are at most as many waves as replications.
  static let wave = BoundedOption("--wave", 1...Scenario.maximumReplications, "1 to 1,000,000")
  static let budget = BoundedOption("--budget", 1...100, "1 to 100")
  static let finalists = BoundedOption("--finalists", 2...10, "2 to 10")
  static let firstStage = BoundedOption("--first-stage", 5...1000, "5 to 1,000")
  static let outer = BoundedOption("--outer", 2...10_000, "2 to 10,000")
  static let inner = BoundedOption("--inner", 2...10_000, "2 to 10,000")
  static let trajectories = BoundedOption("--trajectories", 2...1000, "2 to 1,000")
  static let samples = BoundedOption("--samples", 8...100_000, "8 to 100,000")
  static let bootstrap = BoundedOption("--bootstrap", 100...100_000, "100 to 100,000")
}

/// `--metrics` values as help shows them: separated by spaces (`--metrics a b`) or commas (`--metrics a,b`).
func metricList(_ values: [String]) -> [String] {
  values.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
}
