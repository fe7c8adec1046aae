import CCCMSupport
import CoverageModel
import Foundation
import Yams

/// Reads and writes a scenario's `parameter_sets:` file (docs/scenario-format.md): a YAML list of
/// parameter sets, each a mapping from key paths (`ParameterSet.keys`) to values written as in a
/// scenario, such as the bootstrap resamples `cccm fit --resamples K` writes. Problems are located
/// in that file; every set applied to the resolved scenario is validated like the scenario itself.
public enum ParameterSetsFile {
  /// The most sets a file may hold.
  public static let maximumSets = 10_000

  /// Decodes `parameter_sets: FILE` (relative to the scenario file's directory) onto `scenario`.
  static func decode(_ node: Node, directory: String, reader: NodeReader, into scenario: inout Scenario) {
    guard let name = reader.string(node, "parameter_sets") else { return }
    reader.record(node, at: "parameter_sets")
    let path = RelativePath.resolve(name, in: directory)
    let text: String
    do {
      text = try InputFile.text(path)
    } catch {
      reader.error(node, "parameter_sets", "\"\(Excerpt.sanitized(name))\": \(error.reason); check the path (it is relative to this file)")
      return
    }
    let own = NodeReader(file: name)
    let sets = read(text, reader: own)
    for problem in own.diagnostics { reader.error(at: problem.location, problem.path, problem.message) }
    scenario.parameterSetsFile = path
    scenario.parameterSets = sets
  }

  /// The sets of a parameter-sets file; every problem is added to `reader`.
  static func read(_ text: String, reader: NodeReader) -> [ParameterSet] {
    let root: Node
    do {
      guard let node = try Yams.compose(yaml: text) else {
        reader.error(nil, "parameter_sets", "the file is empty; it lists parameter sets, each a mapping of key paths to values")
        return []
      }
      root = node
    } catch {
      reader.error(nil, "parameter_sets", "YAML syntax: \(Excerpt.sanitized(String(describing: error).split(separator: "\n").first.map(String.init) ?? "", limit: 200))")
      return []
    }
    guard let items = reader.sequence(root, "parameter_sets") else { return [] }
    guard !items.isEmpty else {
      reader.error(root, "parameter_sets", "no parameter set; give at least one, or remove parameter_sets")
      return []
    }
    guard items.count <= maximumSets else {
      reader.error(root, "parameter_sets", "\(items.count) parameter sets; at most 10,000 (each is compiled once per run)")
      return []
    }
    let decoder = ScenarioDecoder(reader: reader)
    var sets: [ParameterSet] = []
    for (index, item) in items.enumerated() {
      let at = "parameter_sets[\(index)]"
      guard case .mapping(let mapping) = item else {
        reader.error(item, at, "expected a mapping of key paths to values, found \(reader.describe(item))")
        continue
      }
      var set = ParameterSet()
      for (keyNode, value) in mapping {
        guard let path = keyNode.string else {
          reader.error(keyNode, at, "a key path is text, such as segments.NAME.opportunities_per_account_year")
          continue
        }
        let here = join(at, path)
        guard let key = ParameterSet.key(of: path) else {
          reader.error(keyNode, here, "\"\(Excerpt.sanitized(path))\" is not a key a parameter set gives; use one of \(ParameterSet.keys.joined(separator: ", "))")
          continue
        }
        let decoded: ParameterSet.Value?
        switch key {
        case "seasonality": decoded = decoder.seasonality(value, here).map { .numbers($0) }
        case "quarter_end": decoded = decoder.quarterEnd(value, here).map { .quarterEnd($0) }
        case "arrival_dispersion", "segments.NAME.arrival_dispersion": decoded = reader.number(value, here, .dispersion).map { .number($0) }
        case "segments.NAME.opportunities_per_account_year": decoded = reader.number(value, here, .positive).map { .number($0) }
        case "motions.NAME.stages.STAGE.advance": decoded = reader.number(value, here, .probability).map { .number($0) }
        case "motions.NAME.stages.STAGE.days" where ScenarioDecoder.isOutcomeDays(value):
          decoded = decoder.outcomeDays(value, here).map { .outcomeDays(won: $0.won, lost: $0.lost) }
        case "motions.NAME.stages.STAGE.stale": decoded = decoder.stale(value, here).map { .stale($0) }
        default: decoded = reader.distribution(value, here).map { .distribution($0) }
        }
        if let decoded { set.entries.append(ParameterSet.Entry(path: path, value: decoded)) }
      }
      sets.append(set)
    }
    return sets
  }

  /// The problems of each set applied to `scenario` (which has passed validation), each message
  /// naming its set.
  static func problems(_ scenario: Scenario, locate: @escaping (String) -> SourceLocation) -> [Diagnostic] {
    var found: [Diagnostic] = []
    for (index, set) in scenario.parameterSets.enumerated() {
      var validator = ScenarioValidator(scenario: scenario.applying(set), locate: { _ in locate("parameter_sets") })
      for problem in validator.run() {
        found.append(Diagnostic(location: problem.location, path: "parameter_sets[\(index)]", message: "with this set, \(problem.path): \(problem.message)"))
      }
      // One set's problems are every set's, typically: the first few are enough.
      if found.count >= 10 { break }
    }
    return found
  }

  /// The sets as a parameter-sets file: `header` as comment lines, then each set's keys in order.
  public static func yaml(_ sets: [ParameterSet], header: [String] = []) -> String {
    var out = header.map { "# \(YAMLText.comment($0))" }
    for set in sets {
      if set.entries.isEmpty {
        out.append("- {}")
        continue
      }
      for (i, entry) in set.entries.enumerated() {
        out.append("\(i == 0 ? "- " : "  ")\(YAMLText.quoted(entry.path)): \(text(entry.value))")
      }
    }
    return out.joined(separator: "\n") + "\n"
  }

  /// A value as a scenario file writes it.
  static func text(_ value: ParameterSet.Value) -> String {
    switch value {
    case .number(let v): NumberText.shortest(v)
    case .numbers(let v): "[\(v.map(NumberText.shortest).joined(separator: ", "))]"
    case .distribution(let d): ScenarioEncoder.distribution(d)
    case .outcomeDays(let won, let lost): "{won: \(ScenarioEncoder.distribution(won)), lost: \(ScenarioEncoder.distribution(lost))}"
    case .stale(let s): "{probability: \(NumberText.shortest(s.probability)), days: \(ScenarioEncoder.distribution(s.days))}"
    case .quarterEnd(let q): ScenarioEncoder.flow(ScenarioEncoder.quarterEndFields(q))
    }
  }
}
