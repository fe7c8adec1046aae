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
    // A pipeline and a transition are read from their own keys (a file, the organisation extended),
    // not written out with the scenario, so a set could only drop them.
    if let first = components.first, ["pipeline", "transition"].contains(first) {
      return c.error("path", "\"\(path)\" cannot be set: give the variant its own `\(first):` key")
    }
    // Only what the path reaches is written out and read back: one item of a named list (a
    // segment, team, motion, pool or solution), else the whole scenario. So a change costs the
    // same in a scenario of 5,000 segments as in one of 5.
    var (subject, section, item) = Self.subject(of: components, in: scenario)
    // Account lists are written out by their full paths, so they read back from any directory
    // (their names are relative to the file that gave them, which may not be this one).
    for i in subject.segments.indices {
      if let path = subject.segments[i].accountList?.path, !path.isEmpty { subject.segments[i].accountList?.file = path }
    }
    guard let root = try? Yams.compose(yaml: ScenarioEncoder.yaml(subject)) else {
      return c.error("path", "internal: the scenario could not be written out for editing")
    }
    var failure: String?
    guard let edited = setting(root, components[...], to: value, walked: "", failure: &failure) else {
      return c.error("path", failure ?? "\"\(path)\" names nothing in the scenario")
    }
    let probe = NodeReader(file: c.reader.file)
    probe.drawn = c.reader.drawn
    guard let pairs = probe.mapping(edited, "", allowed: ScenarioDecoder.topLevelKeys) else { return }
    var updated = subject
    if let section, let item {
      ScenarioDecoder(reader: probe).decodeSections(pairs.filter { $0.key == section }, into: &updated)
      guard probe.diagnostics.isEmpty else { return report(probe, c, value) }
      Self.restoreListNames(in: &updated, from: scenario)
      var result = scenario
      Self.replace(item, section: section, from: updated, in: &result)
      scenario = result
    } else {
      updated = Scenario(name: scenario.name)
      ScenarioDecoder(reader: probe).decodeSections(pairs, into: &updated)
      guard probe.diagnostics.isEmpty else { return report(probe, c, value) }
      // What the scenario holds beyond its keys (its pipeline's deals, its transition, its
      // uncertain values) is not written out, so it is carried over.
      (updated.pipeline, updated.pipelineFile, updated.transition, updated.origins) = (scenario.pipeline, scenario.pipelineFile, scenario.transition, scenario.origins)
      (updated.uncertain, updated.fixedUncertain) = (scenario.uncertain, scenario.fixedUncertain)
      Self.restoreListNames(in: &updated, from: scenario)
      scenario = updated
    }
    // `value: {uncertain: ...}` makes the value uncertain (its mean is what was set).
    if !probe.uncertain.isEmpty {
      scenario.uncertain.removeAll { value in probe.uncertain.contains { $0.path == value.path } }
      scenario.uncertain += probe.uncertain
      scenario.fixedUncertain.removeAll { path in probe.uncertain.contains { $0.path == path } }
    }
    touched.append(path)
  }

  /// Gives the account lists read back by their full paths the names their files gave them.
  private static func restoreListNames(in updated: inout Scenario, from scenario: Scenario) {
    for i in updated.segments.indices {
      guard let list = updated.segments[i].accountList, let original = scenario.segments.first(where: { $0.accountList?.path == list.path })?.accountList else { continue }
      updated.segments[i].accountList?.file = original.file
    }
  }

  private func report(_ probe: NodeReader, _ c: ChangeContext, _ value: Node) {
    for problem in probe.diagnostics {
      c.reader.error(value, join(c.path, "value"), "\(problem.path): \(problem.message)")
    }
  }

  /// The scenario to write out for a path: for `section.Name...` of a named list, the scenario
  /// with that list holding only the item and the other long lists emptied; else the scenario.
  private static func subject(of components: [String], in scenario: Scenario) -> (Scenario, String?, Int?) {
    guard components.count >= 2 else { return (scenario, nil, nil) }
    var trimmed = scenario
    trimmed.segments = []
    trimmed.teams = []
    trimmed.motions = []
    trimmed.pools = []
    trimmed.solutions = []
    let name = components[1]
    switch components[0] {
    case "segments": guard let i = scenario.segments.firstIndex(where: { $0.name == name }) else { break }; trimmed.segments = [scenario.segments[i]]; return (trimmed, "segments", i)
    case "teams": guard let i = scenario.teams.firstIndex(where: { $0.name == name }) else { break }; trimmed.teams = [scenario.teams[i]]; return (trimmed, "teams", i)
    case "motions": guard let i = scenario.motions.firstIndex(where: { $0.name == name }) else { break }; trimmed.motions = [scenario.motions[i]]; return (trimmed, "motions", i)
    case "presales": guard let i = scenario.pools.firstIndex(where: { $0.name == name }) else { break }; trimmed.pools = [scenario.pools[i]]; return (trimmed, "presales", i)
    case "solutions": guard let i = scenario.solutions.firstIndex(where: { $0.name == name }) else { break }; trimmed.solutions = [scenario.solutions[i]]; return (trimmed, "solutions", i)
    default: break
    }
    return (scenario, nil, nil)
  }

  /// Puts the edited item (the only one of its section in `edited`) back in its place.
  private static func replace(_ index: Int, section: String, from edited: Scenario, in scenario: inout Scenario) {
    switch section {
    case "segments": if let item = edited.segments.first { scenario.segments[index] = item }
    case "teams": if let item = edited.teams.first { scenario.teams[index] = item }
    case "motions": if let item = edited.motions.first { scenario.motions[index] = item }
    case "presales": if let item = edited.pools.first { scenario.pools[index] = item }
    default: if let item = edited.solutions.first { scenario.solutions[index] = item }
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
