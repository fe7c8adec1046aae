import CCCMSupport
import CoverageModel
import Yams

extension ScenarioLoader {
  /// Checks, at load, that the scenario stays valid over the whole range of its `{uncertain: ...}`
  /// values, not only at their means: each value alone at the low and the high end of its
  /// distribution (the others at their means), then all at their low ends and all at their high
  /// ends. So a triangular `max` whose range reaches below the `mode` is refused where it is
  /// written, not at parameter set 5 of 50 of `cccm uncertainty`.
  func checkUncertainEnds(_ loaded: Loaded) throws(ScenarioLoadError) {
    let values = loaded.scenario.uncertain.filter { !loaded.scenario.fixedUncertain.contains($0.path) }
    guard !values.isEmpty else { return }
    let ends = values.map { Self.ends(of: $0.distribution) }
    var trials: [(index: Int?, end: Int)] = []
    for index in values.indices { trials += [(index, 0), (index, 1)] }
    if values.count > 1 { trials += [(nil, 0), (nil, 1)] }
    for (index, end) in trials {
      let chosen = index.map { [$0] } ?? Array(values.indices)
      guard let problem = problem(in: loaded, setting: chosen.map { (values[$0].path, ends[$0][end]) }) else { continue }
      let first = values[index ?? 0]
      let side = end == 0 ? "low" : "high"
      let what =
        index == nil
        ? "with every uncertain value at its \(side) end (\(chosen.map { NumberText.shortest(ends[$0][end]) }.joined(separator: ", ")))"
        : "at its \(side) end (\(NumberText.shortest(ends[first.index(in: values)][end])))"
      let message =
        "\(what) the scenario is invalid: \(problem.path.isEmpty || problem.path.hasPrefix("changes[") ? "" : problem.path + ": ")\(problem.message); narrow the distribution so that every value it can take is valid"
      throw .invalid(ScenarioError([Diagnostic(location: Self.location(first.location, file: loaded.file), path: first.path + ".uncertain", message: message)]))
    }
  }

  /// The lowest and highest value a distribution gives (its 1e-9 and 1 - 1e-9 quantiles when unbounded).
  static func ends(of distribution: Distribution) -> [Double] {
    let low = distribution.quantile(0)
    let high = distribution.quantile(1)
    return [low.isFinite ? low : distribution.quantile(1e-9), high.isFinite ? high : distribution.quantile(1 - 1e-9)]
  }

  /// The first problem of the scenario with `settings` applied (as `set` changes), or nil.
  func problem(in loaded: Loaded, setting settings: [(path: String, value: Double)]) -> Diagnostic? {
    let yaml = settings.map { "- set: {path: \(YAMLText.quoted($0.path)), value: \(NumberText.shortest($0.value))}" }.joined(separator: "\n")
    guard let node = try? Yams.compose(yaml: yaml) else { return nil }
    let reader = NodeReader(file: loaded.file)
    var scenario = loaded.scenario
    var locations = loaded.locations
    ChangeApplier(reader: reader).apply(node, to: &scenario, locations: &locations)
    if let problem = reader.diagnostics.first { return problem }
    var validator = ScenarioValidator(scenario: scenario, locate: loaded.locate)
    return validator.run().first
  }

  /// A `file:line:column` location as recorded for an uncertain value.
  static func location(_ text: String, file: String) -> SourceLocation {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    guard parts.count >= 3, let line = Int(parts[parts.count - 2]), let column = Int(parts[parts.count - 1]) else {
      return SourceLocation(file: file, line: 1, column: 1)
    }
    return SourceLocation(file: parts.dropLast(2).joined(separator: ":"), line: line, column: column)
  }
}

extension UncertainValue {
  fileprivate func index(in values: [UncertainValue]) -> Int { values.firstIndex(of: self) ?? 0 }
}
