import Estimation
import Foundation
import Simulation

/// A condition on a metric, `bookings>=85M`: the share of replications meeting it is the
/// probability of reaching the target.
public struct Target: Hashable, Sendable, CustomStringConvertible {
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

  public var description: String { "\(metric) \(comparison.rawValue) \(MetricUnit(metric: metric).format(value))" }

  /// Per replication, whether the results meet the target.
  public func hits(_ results: SimulationResults) -> [Bool] {
    guard let index = results.layout.index(ofScenarioMetric: metric) else { return [] }
    return results.column(index).map(isMet)
  }
}

public struct TargetError: Error, Sendable, CustomStringConvertible {
  public let description: String
  init(_ description: String) { self.description = description }
}

/// The probability of reaching each target, per scenario (Wilson interval), and its paired
/// change from the baseline for each variant (Newcombe interval, at the comparison's level).
public enum TargetReport {
  public static func document(
    targets: [Target], baseline: SimulationResults, variants: [SimulationResults], confidence: Double
  ) -> ReportDocument {
    let level = confidence == 0.95 ? "95%" : String(format: "%.2f%%", confidence * 100)
    var table = TextTable(header: ["target", "scenario", "P(target)", "95% CI", "change", "change CI (\(level))"], textColumns: 2)
    var doc = ReportDocument()
    doc.csvHeader = ["target", "scenario", "statistic", "value"]
    func percent(_ x: Double) -> String { x.isFinite ? String(format: "%.1f%%", x * 100) : "-" }
    func points(_ x: Double) -> String { x.isFinite ? String(format: "%+.1f pp", x * 100) : "-" }
    func csv(_ target: Target, _ scenario: String, _ values: [(String, Double)]) {
      doc.csvRows += values.map { [.text(target.description), .text(scenario), .text($0.0), .number($0.1)] }
    }
    for target in targets {
      let base = target.hits(baseline)
      let p = Proportion(successes: base.filter { $0 }.count, count: base.count)
      table.add([target.description, baseline.scenario, percent(p.estimate), "[\(percent(p.low)), \(percent(p.high))]", "", ""])
      csv(target, baseline.scenario, [("p", p.estimate), ("p_low", p.low), ("p_high", p.high)])
      for variant in variants {
        let hits = target.hits(variant)
        let d = PairedProportionDifference(baseline: base, variant: hits, confidence: confidence)
        let v = Proportion(successes: hits.filter { $0 }.count, count: hits.count)
        table.add([
          "", variant.scenario, percent(v.estimate), "[\(percent(v.low)), \(percent(v.high))]", points(d.difference),
          "[\(points(d.low)), \(points(d.high))]" + (d.isSignificant ? " *" : ""),
        ])
        csv(target, variant.scenario, [("p", v.estimate), ("p_low", v.low), ("p_high", v.high), ("change", d.difference), ("change_low", d.low), ("change_high", d.high)])
      }
    }
    doc.add(.title("Probability of reaching the targets (share of replications; Wilson interval; change paired, Newcombe interval)", gap: true))
    doc.add(.table(table, coloured: false))
    return doc
  }

  public static func render(
    targets: [Target], baseline: SimulationResults, variants: [SimulationResults], confidence: Double, format: OutputFormat
  ) -> String {
    document(targets: targets, baseline: baseline, variants: variants, confidence: confidence).render(format)
  }
}
