import Estimation
import Foundation
import Simulation

/// A condition on a metric, `bookings>=85M`: the share of replications meeting it is the
/// probability of reaching the target.
public struct Target: Hashable, Sendable {
  public enum Comparison: String, Hashable, Sendable, CaseIterable {
    case atLeast = ">=", atMost = "<=", above = ">", below = "<"
  }
  public var metric: String
  public var comparison: Comparison
  public var value: Double

  /// `bookings>=85M`, `win_rate>25%`, `cost<=20000000`; K, M and B multiply by 10^3, 10^6, 10^9,
  /// and % divides by 100. Nil, with the reason, when the text is not such a condition.
  public static func parse(_ text: String) -> Result<Target, TargetError> {
    let compact = text.filter { !$0.isWhitespace }
    for comparison in [Comparison.atLeast, .atMost, .above, .below] {
      guard let range = compact.range(of: comparison.rawValue) else { continue }
      let metric = String(compact[..<range.lowerBound])
      var number = String(compact[range.upperBound...])
      guard MetricLayout.scenarioMetrics.contains(metric) else {
        return .failure(TargetError("unknown metric \"\(metric)\" in --target \"\(text)\"; metrics: \(MetricLayout.scenarioMetrics.joined(separator: ", "))"))
      }
      var scale = 1.0
      switch number.last {
      case "K", "k": scale = 1e3
      case "M", "m": scale = 1e6
      case "B", "b": scale = 1e9
      case "%": scale = 0.01
      default: break
      }
      if scale != 1 { number.removeLast() }
      guard let value = Double(number), value.isFinite else {
        return .failure(TargetError("--target \"\(text)\": \"\(compact[range.upperBound...])\" is not a number; write e.g. bookings>=85M or win_rate>25%"))
      }
      return .success(Target(metric: metric, comparison: comparison, value: value * scale))
    }
    return .failure(TargetError("--target \"\(text)\" needs a metric, a comparison (>=, <=, >, <) and a value, e.g. bookings>=85M"))
  }

  public func isMet(by value: Double) -> Bool {
    guard value.isFinite else { return false }
    switch comparison {
    case .atLeast: return value >= self.value
    case .atMost: return value <= self.value
    case .above: return value > self.value
    case .below: return value < self.value
    }
  }

  /// Per replication, whether the results meet the target.
  public func hits(_ results: SimulationResults) -> [Bool] {
    guard let index = results.layout.index(ofScenarioMetric: metric) else { return [] }
    return results.column(index).map(isMet)
  }
}

public struct TargetError: Error, Sendable, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
}

/// The probability of reaching each target, per scenario (Wilson interval), and its paired
/// change from the baseline for each variant (Newcombe interval, at `confidence`).
public struct TargetProbabilities: Sendable {
  /// One target in one scenario: the share of replications meeting it, and for a variant its
  /// paired change from the baseline.
  public struct Row: Sendable {
    public let target: Target
    public let scenario: String
    public let probability: Proportion
    public let change: PairedProportionDifference?
  }

  public let confidence: Double
  /// Target by target: the baseline's row, then each variant's.
  public let rows: [Row]

  public init(targets: [Target], baseline: SimulationResults, variants: [SimulationResults], confidence: Double) {
    self.confidence = confidence
    var rows: [Row] = []
    for target in targets {
      let base = target.hits(baseline)
      rows.append(Row(target: target, scenario: baseline.scenario, probability: Proportion(successes: base.filter { $0 }.count, count: base.count), change: nil))
      for variant in variants {
        let hits = target.hits(variant)
        rows.append(
          Row(
            target: target, scenario: variant.scenario, probability: Proportion(successes: hits.filter { $0 }.count, count: hits.count),
            change: PairedProportionDifference(baseline: base, variant: hits, confidence: confidence)))
      }
    }
    self.rows = rows
  }
}

extension TargetProbabilities {
  /// The probabilities of results kept as statistics (beyond the exact bound), from the counts
  /// `streamed` kept of the replications meeting each of its targets; `scenarios` names the
  /// baseline and the variants.
  public init(streamed: StreamedComparison, scenarios: [String], confidence: Double) {
    self.confidence = confidence
    var rows: [Row] = []
    for (t, target) in streamed.targets.enumerated() {
      let base = Proportion(successes: streamed.targetHits[t], count: streamed.replications)
      rows.append(Row(target: target, scenario: scenarios[0], probability: base, change: nil))
      for (v, counts) in streamed.targetCounts[t].enumerated() {
        let change = PairedProportionDifference(both: counts[0], onlyBaseline: counts[1], onlyVariant: counts[2], neither: counts[3], confidence: confidence)
        rows.append(
          Row(
            target: target, scenario: scenarios[v + 1], probability: Proportion(successes: counts[0] + counts[2], count: streamed.replications),
            change: change))
      }
    }
    self.rows = rows
  }
}
