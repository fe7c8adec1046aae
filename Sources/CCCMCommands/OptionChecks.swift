import ArgumentParser
import CCCMSupport
import CoverageModel
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
  let share: Double? = text.hasSuffix("%") ? Double(text.dropLast()).map { $0 / 100 } : Double(text)
  guard let share, share.isFinite, share > 0, share < 1 else {
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

/// A scenario metric named on the command line (`--objective`, `--metrics`): refused with a
/// did-you-mean and the metrics there are.
func checkMetric(_ name: String) throws {
  let known = MetricLayout.scenarioMetrics
  guard known.contains(name) else {
    throw ValidationError("unknown metric \"\(name)\"; \(Suggestion.didYouMean(name, among: known).map { $0 + " " } ?? "")metrics: \(known.joined(separator: ", "))")
  }
}

/// An objective to choose by: a metric with a better direction (`verb`: what the command does with it).
func checkObjective(_ name: String, verb: String) throws {
  try checkMetric(name)
  guard let direction = MetricDescriptor.named(name)?.direction, direction != .neither else {
    throw ValidationError("\(name) has no better direction (see `cccm metrics`); \(verb) by a metric where higher or lower is better, such as contribution")
  }
}
