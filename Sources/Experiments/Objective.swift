import ScenarioFiles
import Simulation

/// The scenario metric a study chooses or ranks by (`--objective`): its name, its column in a
/// replication's results and, from the metric catalogue, which way is better.
public struct Objective: Sendable, Hashable, CustomStringConvertible {
  /// The default objective: gross profit minus cost.
  public static let contribution = Objective(known: "contribution")

  public let name: String
  /// The metric's index among the scenario metrics (`MetricLayout.scenarioMetrics`), which lead
  /// every replication's results.
  public let metric: Int
  public let direction: MetricDescriptor.Direction

  /// Whether a larger value is better: every metric except those where lower is (a metric with
  /// no better direction ranks as if higher were better).
  public var largerIsBetter: Bool { direction != .lowerIsBetter }

  public var description: String { name }

  /// An objective named in code, by a metric of the catalogue (a name from the command line goes
  /// through `parse`, which refuses unknown names); any other name is a programming error.
  public init(_ name: String) {
    precondition(MetricLayout.scenarioMetrics.contains(name), "\(name) is not a scenario metric")
    self.init(known: name)
  }

  private init(known name: String) {
    self.name = name
    metric = MetricLayout.scenarioMetrics.firstIndex(of: name) ?? 0
    direction = MetricDescriptor.named(name)?.direction ?? .neither
  }

  /// The objective named `name`; refused with a did-you-mean among the scenario metrics. `verb`
  /// (what a command does with it, "select") asks for a metric with a better direction.
  public static func parse(_ name: String, choosingBy verb: String? = nil) -> Result<Objective, ObjectiveError> {
    if case .failure(let problem) = checkMetric(name) { return .failure(problem) }
    let objective = Objective(known: name)
    if let verb, objective.direction == .neither {
      return .failure(ObjectiveError("\(name) has no better direction (see `cccm metrics`); \(verb) by a metric where higher or lower is better, such as contribution"))
    }
    return .success(objective)
  }

  /// A scenario metric named on the command line (`--objective`, `--metrics`), refused with a
  /// did-you-mean and the metrics there are.
  public static func checkMetric(_ name: String) -> Result<Void, ObjectiveError> {
    let known = MetricLayout.scenarioMetrics
    guard known.contains(name) else {
      return .failure(ObjectiveError("unknown metric \"\(name)\"; \(Suggestion.didYouMean(name, among: known).map { $0 + " " } ?? "")metrics: \(known.joined(separator: ", "))"))
    }
    return .success(())
  }

  /// The objective's value in each replication of `results`, as estimation reads it: for a ratio
  /// metric the pseudo-values of the ratio of sums (`SimulationResults.estimationColumn`), whose
  /// mean is the ratio of sums and whose paired differences give its delta-method interval.
  public func values(_ results: SimulationResults) -> [Double] {
    results.layout.index(ofScenarioMetric: name).map(results.estimationColumn) ?? []
  }

  /// Whether `a` is better than `b` (strictly).
  public func isBetter(_ a: Double, than b: Double) -> Bool { largerIsBetter ? a > b : a < b }
}

/// Why an `--objective` (or a metric) was refused.
public struct ObjectiveError: Error, Sendable, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
}
