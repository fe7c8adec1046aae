import CCCMSupport
import CoverageModel
import Foundation
import Yams

/// Why a scenario could not be loaded.
public enum ScenarioLoadError: Error, Sendable, CustomStringConvertible {
  /// The files were read but are not a valid scenario: every problem found (exit status 1).
  case invalid(ScenarioError)
  /// A file could not be read at all.
  case unreadable(path: String, reason: String)

  public var description: String {
    switch self {
    case .invalid(let error): error.description
    case .unreadable(let path, let reason): "\(Excerpt.sanitized(path, limit: Excerpt.pathLimit)): error: cannot read the file: \(reason)"
    }
  }
}

/// Loads scenario files: YAML decoding, `extends` chains, `changes`, and validation of the result.
public struct ScenarioLoader: Sendable {
  /// Whether YAML text that extends a file is that file as it runs with changes (a sweep's point):
  /// it keeps the base's transition (or none) instead of switching from the base on a day.
  public var keepsBaseTransition = false
  /// A parameter set of `cccm uncertainty`: values for the uncertain values, by the key path they
  /// were written at. Each is read where it is written, in place of the mean, so the changes of
  /// every file after it carry the drawn value through (a merged or embedded team keeps it).
  public var uncertainDraws: [String: Double]

  public init(uncertainDraws: [String: Double] = [:]) { self.uncertainDraws = uncertainDraws }

  /// The most files an `extends` chain may hold (the file itself and its bases). Each link costs
  /// stack in the recursive resolution: a chain of thousands overflowed it.
  public static let maximumExtendsDepth = 64

  /// Loads and resolves the scenario in the file at `path`.
  public func load(path: String) throws(ScenarioLoadError) -> Scenario {
    try loadRecordingFiles(path: path).scenario
  }

  /// Loads and resolves the scenario in the file at `path`, with every file read (the file and
  /// the files it extends), so that a command can refuse to write over one of them.
  public func loadRecordingFiles(path: String) throws(ScenarioLoadError) -> (scenario: Scenario, files: [String]) {
    // One suggestion budget for the file and all it extends (Suggestion: bounded did-you-mean).
    try Suggestion.withBudget { () -> Result<(scenario: Scenario, files: [String]), ScenarioLoadError> in
      Result { () throws(ScenarioLoadError) in try loadUnbudgeted(path: path) }
    }.0.get()
  }

  func loadUnbudgeted(path: String) throws(ScenarioLoadError) -> (scenario: Scenario, files: [String]) {
    var chain: [String] = []
    let loaded = try resolve(path: path, chain: &chain, from: nil)
    var validator = ScenarioValidator(scenario: loaded.scenario, locate: loaded.locate)
    var problems = validator.run()
    if problems.isEmpty { problems = ParameterSetsFile.problems(loaded.scenario, locate: loaded.locate) }
    guard problems.isEmpty else { throw .invalid(ScenarioError(problems)) }
    if uncertainDraws.isEmpty { try checkUncertainEnds(loaded) }
    return (loaded.scenario, loaded.files)
  }

  /// Loads a scenario from YAML text (`file` names it in messages; `extends` is relative to the
  /// current directory).
  public func load(yaml: String, file: String) throws(ScenarioLoadError) -> Scenario {
    try Suggestion.withBudget { () -> Result<Scenario, ScenarioLoadError> in
      Result { () throws(ScenarioLoadError) in try loadUnbudgeted(yaml: yaml, file: file) }
    }.0.get()
  }

  func loadUnbudgeted(yaml: String, file: String) throws(ScenarioLoadError) -> Scenario {
    var chain: [String] = []
    let loaded = try resolve(text: yaml, file: file, directory: FileManager.default.currentDirectoryPath, chain: &chain)
    var validator = ScenarioValidator(scenario: loaded.scenario, locate: loaded.locate)
    var problems = validator.run()
    if problems.isEmpty { problems = ParameterSetsFile.problems(loaded.scenario, locate: loaded.locate) }
    guard problems.isEmpty else { throw .invalid(ScenarioError(problems)) }
    if uncertainDraws.isEmpty { try checkUncertainEnds(loaded) }
    return loaded.scenario
  }

  // MARK: - Implementation

  struct Loaded {
    var scenario: Scenario
    var locations: [String: SourceLocation]
    var file: String
    /// The files read, the extended ones first.
    var files: [String] = []

    /// The location of a path, or of its nearest recorded ancestor, or the file's start.
    func locate(_ path: String) -> SourceLocation {
      var candidate = path
      while !candidate.isEmpty {
        if let location = locations[candidate] { return location }
        guard let cut = candidate.lastIndex(where: { $0 == "." || $0 == "[" }) else { break }
        candidate = String(candidate[..<cut])
      }
      return locations[path] ?? SourceLocation(file: file, line: 1, column: 1)
    }
  }

  func resolve(path: String, chain: inout [String], from: (NodeReader, Node)?) throws(ScenarioLoadError) -> Loaded {
    let canonical = URL(fileURLWithPath: path).standardizedFileURL.path
    let text: String
    do {
      text = try InputFile.text(canonical)
    } catch {
      if let (reader, node) = from {
        var problems = reader.diagnostics
        problems.append(Diagnostic(location: reader.location(of: node), path: "extends", message: "\"\(node.string ?? path)\": \(error.reason); check the path (it is relative to this file)"))
        throw .invalid(ScenarioError(problems))
      }
      throw .unreadable(path: path, reason: error.reason)
    }
    if chain.contains(canonical), let (reader, node) = from {
      let cycle = (chain + [canonical]).map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: " -> ")
      throw .invalid(ScenarioError([Diagnostic(location: reader.location(of: node), path: "extends", message: "extends goes round in a cycle: \(cycle)")]))
    }
    if chain.count >= Self.maximumExtendsDepth, let (reader, node) = from {
      throw .invalid(ScenarioError([Diagnostic(location: reader.location(of: node), path: "extends", message: "extends goes more than \(Self.maximumExtendsDepth) files deep; a variant should extend its baseline (or a short chain of variants)")]))
    }
    chain.append(canonical)
    defer { chain.removeLast() }
    var loaded = try resolve(text: text, file: path, directory: URL(fileURLWithPath: canonical).deletingLastPathComponent().path, chain: &chain)
    loaded.files.append(canonical)
    return loaded
  }

  func resolve(text: String, file: String, directory: String, chain: inout [String]) throws(ScenarioLoadError) -> Loaded {
    let reader = NodeReader(file: file)
    reader.drawn = uncertainDraws
    let root: Node
    do {
      guard let node = try Yams.compose(yaml: text) else {
        throw ScenarioLoadError.invalid(ScenarioError([Diagnostic(location: SourceLocation(file: file, line: 1, column: 1), path: "", message: "the file is empty; a scenario needs at least name, segments, motions and teams")]))
      }
      root = node
    } catch let error as ScenarioLoadError {
      throw error
    } catch {
      throw .invalid(ScenarioError([syntaxDiagnostic(error, file: file)]))
    }
    guard let pairs = reader.mapping(root, "", allowed: ScenarioDecoder.topLevelKeys) else {
      throw .invalid(ScenarioError(reader.diagnostics))
    }
    reader.directory = directory
    let decoder = ScenarioDecoder(reader: reader)
    var scenario: Scenario
    var locations: [String: SourceLocation] = [:]
    var files: [String] = []
    var former: Scenario?
    if let extendsNode = pairs.first(where: { $0.key == "extends" })?.node {
      guard let base = reader.string(extendsNode, "extends") else { throw .invalid(ScenarioError(reader.diagnostics)) }
      let basePath = RelativePath.resolve(base, in: directory)
      let loaded = try resolve(path: basePath, chain: &chain, from: (reader, extendsNode))
      scenario = loaded.scenario
      // The organisation a transition starts from: the base as it runs, without its own transition.
      // (Text loaded as the base with changes, at the top of the chain, is the base: no switch.)
      if !(keepsBaseTransition && chain.isEmpty) {
        scenario.transition = nil
        scenario.origins = [:]
        former = scenario
      }
      locations = loaded.locations
      files = loaded.files
    } else {
      for key in ["name", "segments", "motions", "teams"] where !pairs.contains(where: { $0.key == key }) {
        reader.error(root, "", "missing required key \"\(key)\"")
      }
      if let changes = pairs.first(where: { $0.key == "changes" }) {
        reader.error(changes.node, "changes", "changes need a baseline: add \"extends: baseline.yaml\"")
      }
      scenario = Scenario(name: "")
    }
    decoder.decodeSections(pairs, into: &scenario)
    if let pipeline = pairs.first(where: { $0.key == "pipeline" })?.node {
      PipelineFile.decode(pipeline, directory: directory, reader: reader, into: &scenario)
    }
    if let sets = pairs.first(where: { $0.key == "parameter_sets" })?.node {
      ParameterSetsFile.decode(sets, directory: directory, reader: reader, into: &scenario)
    }
    for value in reader.uncertain {
      scenario.uncertain.removeAll { $0.path == value.path }
      scenario.uncertain.append(value)
    }
    locations.merge(reader.locations) { _, new in new }
    if let changesNode = pairs.first(where: { $0.key == "changes" })?.node, pairs.contains(where: { $0.key == "extends" }) {
      let applier = ChangeApplier(reader: reader)
      applier.apply(changesNode, to: &scenario, locations: &locations)
    }
    let transitionNode = pairs.first(where: { $0.key == "transition" })?.node
    if let former {
      let request = transitionNode.flatMap { decoder.transition($0, "transition", former: former) }
      switch request {
      case .steadyState?: break
      case .settings(let transition)?: scenario.transition = transition
      case nil:
        // By default a variant of a model with people switches on day 0 (docs/model.md, "Transitions").
        if transitionNode == nil, (former.teams + scenario.teams).contains(where: { $0.people != nil }) {
          scenario.transition = Transition(former: former)
        }
      }
    } else if let transitionNode {
      reader.error(transitionNode, "transition", "a transition needs a baseline to start from: add \"extends: baseline.yaml\" (or remove transition)")
    }
    guard reader.diagnostics.isEmpty else { throw .invalid(ScenarioError(reader.diagnostics)) }
    return Loaded(scenario: scenario, locations: locations, file: file, files: files)
  }

  func syntaxDiagnostic(_ error: any Error, file: String) -> Diagnostic {
    func diagnostic(_ problem: String, _ mark: Mark, _ context: YamlError.Context?) -> Diagnostic {
      let detail = context.map { " (\($0.text) at line \($0.mark.line))" } ?? ""
      return Diagnostic(location: SourceLocation(file: file, line: mark.line, column: mark.column), path: "", message: "YAML syntax: \(problem)\(detail); check indentation, colons and quotes")
    }
    switch error as? YamlError {
    case .scanner(let context, let problem, let mark, _): return diagnostic(problem, mark, context)
    case .parser(let context, let problem, let mark, _): return diagnostic(problem, mark, context)
    case .composer(let context, let problem, let mark, _): return diagnostic(problem, mark, context)
    case .duplicatedKeysInMapping(let duplicates, let context):
      return Diagnostic(location: SourceLocation(file: file, line: context.mark.line, column: context.mark.column), path: "", message: "duplicate keys \(duplicates.map { Excerpt.quoted($0) }.joined(separator: ", ")); remove one of each")
    case .reader(let problem, let offset, let value, let yaml):
      // Yams's own description quotes the whole offending line: give its place and the character only.
      var line = 1
      var column = 1
      if let offset {
        for byte in yaml.utf8.prefix(max(0, offset)) {
          if byte == UInt8(ascii: "\n") {
            line += 1
            column = 1
          } else if byte & 0xC0 != 0x80 {
            column += 1
          }
        }
      }
      let character = value >= 0 ? String(format: " (U+%04X)", value) : ""
      return Diagnostic(location: SourceLocation(file: file, line: line, column: column), path: "", message: "YAML syntax: \(problem)\(character); remove it (YAML allows none, even in quotes)")
    default:
      return Diagnostic(location: SourceLocation(file: file, line: 1, column: 1), path: "", message: "YAML syntax: \(Excerpt.sanitized(String(describing: error).split(separator: "\n").first.map(String.init) ?? "", limit: 200))")
    }
  }
}
