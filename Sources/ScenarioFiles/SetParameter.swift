import CoverageModel
import Yams

extension ChangeApplier {
  /// `set: {path: teams.North.slots_per_rep, value: 5}`: any key of the resolved scenario, by the
  /// same key path messages use. The scenario is written out, edited and read back, so the new value
  /// is checked exactly as if it had been written in the file.
  func setParameter(_ c: ChangeContext, _ scenario: inout Scenario, _ touched: inout [String]) {
    guard let path = c.string("path") else { return }
    guard let value = c.values["value"] else { return c.missing("value") }
    let components = path.split(separator: ".").map(String.init)
    guard !components.isEmpty, !["name", "extends", "changes"].contains(components.last ?? "") || components.count > 1 else {
      return c.error("path", "\"\(path)\" cannot be set")
    }
    guard let root = try? Yams.compose(yaml: ScenarioEncoder.yaml(scenario)) else {
      return c.error("path", "internal: the scenario could not be written out for editing")
    }
    var failure: String?
    guard let edited = setting(root, components[...], to: value, walked: "", failure: &failure) else {
      return c.error("path", failure ?? "\"\(path)\" names nothing in the scenario")
    }
    let probe = NodeReader(file: c.reader.file)
    var updated = Scenario(name: scenario.name)
    guard let pairs = probe.mapping(edited, "", allowed: ScenarioDecoder.topLevelKeys) else { return }
    ScenarioDecoder(reader: probe).decodeSections(pairs, into: &updated)
    if probe.diagnostics.isEmpty {
      scenario = updated
      touched.append(path)
    } else {
      for problem in probe.diagnostics {
        c.reader.error(value, join(c.path, "value"), "\(problem.path): \(problem.message)")
      }
    }
  }

  /// The tree with the node at `components` replaced (or a key added to a mapping), or nil.
  private func setting(_ node: Node, _ components: ArraySlice<String>, to value: Node, walked: String, failure: inout String?) -> Node? {
    guard let head = components.first else { return value }
    let here = join(walked, head)
    switch node {
    case .mapping(var mapping):
      if let child = mapping[head] {
        guard let replaced = setting(child, components.dropFirst(), to: value, walked: here, failure: &failure) else { return nil }
        mapping[head] = replaced
        return .mapping(mapping)
      }
      guard components.count == 1 else {
        let keys = mapping.keys.compactMap(\.string)
        failure = "\"\(here)\" does not exist; \(Suggestion.didYouMean(head, among: keys) ?? "keys here: \(keys.joined(separator: ", "))")"
        return nil
      }
      mapping[Node(head)] = value
      return .mapping(mapping)
    case .sequence(var sequence):
      let names = sequence.compactMap { $0.mapping?["name"]?.string }
      guard let index = sequence.firstIndex(where: { $0.mapping?["name"]?.string == head }) else {
        failure = "no \"\(head)\" under \"\(walked)\"; \(Suggestion.didYouMean(head, among: names) ?? "names here: \(names.joined(separator: ", "))")"
        return nil
      }
      guard let replaced = setting(sequence[index], components.dropFirst(), to: value, walked: here, failure: &failure) else { return nil }
      sequence[index] = replaced
      return .sequence(sequence)
    default:
      failure = "\"\(walked)\" is a value; \"\(head)\" cannot be under it"
      return nil
    }
  }
}
