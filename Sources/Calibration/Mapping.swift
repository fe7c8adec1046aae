import CCCMSupport
import CoverageModel
import Foundation
import ScenarioFiles
import Yams

/// How `cccm fit` reads a CRM export: which column holds what, how stages map to outcomes, the
/// tables to join (owner -> team -> region; account -> industry, size), how segments are grouped,
/// and a few choices for the scenario written. Read from a YAML mapping file; every problem names
/// the file, line, column and key path.
public struct Mapping: Sendable {
  /// Export columns by role (`id`, `owner`, `account`, `product`, `stage`, `engaged`, `closed`,
  /// `amount`), and where each role was named in the mapping file (for messages).
  public var columns: [String: String] = [:]
  public var columnLocations: [String: SourceLocation] = [:]
  public var dateFormat: DateFormat = .iso
  /// Stage values by outcome.
  public var won: Set<String> = []
  public var lost: Set<String> = []
  public var open: Set<String> = []
  public var notEngaged: Set<String> = []
  public var owners: Join?
  public var accounts: Join?
  /// Segment grouping: any of team, region, industry, product (empty: one segment).
  public var segmentsBy: [String] = []
  public var scenarioName = "fitted"
  public var tier = "smb"
  public var since: Day?
  public var slotsPercentile = 0.95
  public var bootstrap = 200
  public var seed: UInt64 = 1
  public var accountPotential: PotentialSource = .opportunities
  /// Deals open past the longest cycle seen (stale records): `lost` counts them as lost in the
  /// win probability (CIF_won alone); by default their outcome is unknown (CIF_won / (CIF_won + CIF_lost)).
  public var staleAsLost = false
  /// The dynamics of MODEL.md section 16 that `fit` writes into the scenario (`scenario.dynamics`;
  /// none in a mapping that does not say, but `cccm fit` and `cccm backtest` then fit every one:
  /// `chooseDynamics`).
  public var dynamics: Set<Dynamic> = []
  /// Whether the mapping gives `scenario.dynamics` (a back-test's default depends on it).
  public var dynamicsGiven = false
  /// The mapping file's path (joins are relative to its folder).
  public var file = ""

  /// The dynamics a command fits: `option` (`--dynamics`) when given, else the mapping's
  /// `scenario.dynamics`, else every one (on the shipped export the rolling back-test scores
  /// better with them than without: docs/calibration.md).
  public mutating func chooseDynamics(_ option: String?) {
    if let option {
      dynamics = Dynamic.parse(option).0
    } else if !dynamicsGiven {
      dynamics = Set(Dynamic.allCases)
    }
  }

  /// A dynamic `fit` can write (docs/calibration.md, "Dynamics").
  public enum Dynamic: String, Sendable, CaseIterable, Comparable {
    case outcomeDays = "outcome_days", stale, quarterPull = "quarter_pull", arrivalDispersion = "arrival_dispersion", repWinFactor = "rep_win_factor"
    public static func < (a: Dynamic, b: Dynamic) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }

    /// A list such as `outcome_days,stale`, or `all`, or `none`; nil with the unknown name.
    public static func parse(_ text: String) -> (Set<Dynamic>, unknown: String?) {
      var result: Set<Dynamic> = []
      for part in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
        if part == "all" { result.formUnion(allCases) } else if part == "none" { continue } else if let d = Dynamic(rawValue: part) { result.insert(d) } else { return ([], part) }
      }
      return (result, nil)
    }
  }

  public enum DateFormat: String, Sendable, CaseIterable {
    case iso = "YYYY-MM-DD", dayMonthYear = "DD/MM/YYYY", monthDayYear = "MM/DD/YYYY"
  }

  public enum PotentialSource: String, Sendable, CaseIterable { case opportunities, size, none }

  /// A table joined on a key column: `fields` maps a role (team, region; industry, size) to its column.
  public struct Join: Sendable {
    public var file: String
    public var key: String
    public var fields: [String: String]
    public var location: SourceLocation
  }

  public static let columnRoles = ["id", "owner", "account", "product", "stage", "engaged", "closed", "amount"]
  public static let requiredRoles = ["id", "owner", "stage", "engaged", "closed"]
  public static let groupings = ["team", "region", "industry", "product"]

  /// Reads and checks a mapping file; throws every problem found, each located.
  public static func load(path: String) throws(CalibrationError) -> Mapping {
    let text: String
    do {
      text = try InputFile.text(path, limit: InputFile.textLimit, what: "a mapping file")
    } catch {
      throw .unreadable("\(path): error: cannot read the mapping file: \(error.reason)")
    }
    return try parse(text, file: path)
  }

  public static func parse(_ text: String, file: String) throws(CalibrationError) -> Mapping {
    let root: Node?
    do {
      root = try Yams.compose(yaml: text)
    } catch {
      throw .mapping(["\(file): error: not valid YAML: \(error)"])
    }
    let reader = MappingReader(file: file)
    var mapping = Mapping()
    mapping.file = file
    guard let root, case .mapping(let top) = root else {
      throw .mapping(["\(file):1:1: error: expected a mapping with keys \(MappingReader.topKeys.joined(separator: ", ")); see docs/calibration.md"])
    }
    reader.read(top, path: "", allowed: MappingReader.topKeys) { key, node in
      switch key {
      case "opportunities":
        guard case .mapping(let columns) = node else { return reader.error(node, key, "expected a mapping of roles to column names, e.g. {id: opportunity_id, owner: sales_agent}") }
        reader.read(columns, path: key, allowed: columnRoles) { role, value in
          if let name = reader.text(value, "\(key).\(role)") {
            mapping.columns[role] = name
            mapping.columnLocations[role] = reader.location(value)
          }
        }
        // One column, one role: `owner: opportunity_id` would read the id as the owner.
        for role in columnRoles {
          guard let name = mapping.columns[role], let earlier = columnRoles.first(where: { $0 != role && mapping.columns[$0] == name }),
            columnRoles.firstIndex(of: earlier)! < columnRoles.firstIndex(of: role)!, let location = mapping.columnLocations[role]
          else { continue }
          reader.problems.append(
            "\(location): error: \(key).\(role): the column \"\(Excerpt.sanitized(name))\" is already \(key).\(earlier); each role needs its own column")
        }
        for role in requiredRoles where mapping.columns[role] == nil {
          reader.error(node, key, "missing role \"\(role)\": name the export's column that holds it, e.g. \(role): \(role == "engaged" ? "engage_date" : role)")
        }
      case "date_format":
        guard let value = reader.text(node, key) else { return }
        if let format = DateFormat(rawValue: value) { mapping.dateFormat = format } else {
          reader.error(node, key, "unknown date format \"\(value)\"; use one of \(DateFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
      case "stages":
        guard case .mapping(let stages) = node else { return reader.error(node, key, "expected {won: [...], lost: [...], open: [...], not_engaged: [...]}") }
        var listed: [(outcome: String, values: [String], node: Node)] = []
        reader.read(stages, path: key, allowed: ["won", "lost", "open", "not_engaged"]) { outcome, list in
          let values = Set(reader.texts(list, "\(key).\(outcome)"))
          // A stage value has one outcome: `lost: [Lost, Won]` beside `won: [Won]` is ambiguous.
          for earlier in listed {
            if let shared = values.intersection(earlier.values).sorted().first {
              reader.error(list, "\(key).\(outcome)", "the stage \"\(Excerpt.sanitized(shared))\" is also listed under \(key).\(earlier.outcome); list each stage value under one outcome")
            }
          }
          listed.append((outcome, Array(values), list))
          switch outcome {
          case "won": mapping.won = values
          case "lost": mapping.lost = values
          case "open": mapping.open = values
          default: mapping.notEngaged = values
          }
        }
        if mapping.won.isEmpty || mapping.lost.isEmpty { reader.error(node, key, "give the stage values of won and of lost deals, e.g. won: [Won], lost: [Lost]") }
      case "owners", "accounts":
        let roles = key == "owners" ? ["team", "region"] : ["industry", "size"]
        guard case .mapping(let fields) = node else { return reader.error(node, key, "expected {file: ..., key: ..., \(roles.joined(separator: ": ..., ")): ...}") }
        var join = Join(file: "", key: "", fields: [:], location: reader.location(node))
        reader.read(fields, path: key, allowed: ["file", "key"] + roles) { field, value in
          guard let name = reader.text(value, "\(key).\(field)") else { return }
          switch field {
          case "file": join.file = name
          case "key": join.key = name
          default: join.fields[field] = name
          }
        }
        if join.file.isEmpty || join.key.isEmpty { reader.error(node, key, "give the joined table's file (relative to this mapping) and its key column") }
        if key == "owners" { mapping.owners = join } else { mapping.accounts = join }
      case "segments":
        guard case .mapping(let fields) = node else { return reader.error(node, key, "expected {by: [region]}") }
        reader.read(fields, path: key, allowed: ["by"]) { _, value in
          for (i, item) in reader.items(value).enumerated() {
            guard let name = reader.text(item, "\(key).by[\(i)]") else { continue }
            if groupings.contains(name) { mapping.segmentsBy.append(name) } else {
              reader.error(item, "\(key).by[\(i)]", "unknown grouping \"\(name)\"; \(Suggestion.didYouMean(name, among: groupings).map { $0 + " " } ?? "")use any of \(groupings.joined(separator: ", "))")
            }
          }
        }
      case "scenario":
        guard case .mapping(let fields) = node else { return reader.error(node, key, "expected a mapping such as {name: crm, tier: smb}") }
        reader.read(fields, path: key, allowed: ["name", "tier", "since", "slots_percentile", "bootstrap", "seed", "account_potential", "stale_open", "dynamics"]) { field, value in
          let path = "\(key).\(field)"
          switch field {
          case "name": if let name = reader.text(value, path) { mapping.scenarioName = name }
          case "tier":
            if let tier = reader.text(value, path) {
              if ["smb", "key", "consumer"].contains(tier) { mapping.tier = tier } else { reader.error(value, path, "unknown tier \"\(tier)\"; use smb, key or consumer") }
            }
          case "since":
            if let text = reader.text(value, path) {
              if let date = CalendarDate(text) { mapping.since = Day(date) } else { reader.error(value, path, "\"\(text)\" is not a date YYYY-MM-DD") }
            }
          case "slots_percentile":
            if let p = reader.number(value, path) {
              if p > 0 && p <= 1 { mapping.slotsPercentile = p } else { reader.error(value, path, "\(p) is out of range: give a share in (0, 1], e.g. 0.95") }
            }
          case "bootstrap":
            if let b = reader.number(value, path) {
              if b >= 0 && b <= 10_000 && b == b.rounded() { mapping.bootstrap = Int(b) } else { reader.error(value, path, "give a whole number of resamples from 0 to 10,000") }
            }
          case "seed":
            if let s = reader.number(value, path) {
              if s >= 0 && s < 1.8e19 && s == s.rounded() { mapping.seed = UInt64(s) } else { reader.error(value, path, "give a whole number from 0 to 2^64-1") }
            }
          case "dynamics":
            let names = reader.items(value).enumerated().compactMap { i, item in reader.text(item, "\(path)[\(i)]") }
            let (set, unknown) = Dynamic.parse(names.joined(separator: ","))
            if let unknown {
              let known = ["all", "none"] + Dynamic.allCases.map(\.rawValue)
              reader.error(value, path, "unknown dynamic \"\(unknown)\"; \(Suggestion.didYouMean(unknown, among: known).map { $0 + " " } ?? "")use any of \(known.joined(separator: ", "))")
            } else {
              mapping.dynamics = set
              mapping.dynamicsGiven = true
            }
          case "stale_open":
            if let text = reader.text(value, path) {
              if ["unknown", "lost"].contains(text) { mapping.staleAsLost = text == "lost" } else { reader.error(value, path, "unknown choice \"\(text)\"; use unknown or lost") }
            }
          default:
            if let text = reader.text(value, path) {
              if let source = PotentialSource(rawValue: text) { mapping.accountPotential = source } else {
                reader.error(value, path, "unknown source \"\(text)\"; use opportunities, size or none")
              }
            }
          }
        }
      default: break
      }
    }
    if mapping.segmentsBy.contains(where: { ["team", "region"].contains($0) }) && mapping.owners == nil {
      reader.problems.append("\(file): error: segments.by: grouping by team or region needs an `owners` join (owner -> team, region)")
    }
    if mapping.segmentsBy.contains("industry") && mapping.accounts?.fields["industry"] == nil {
      reader.problems.append("\(file): error: segments.by: grouping by industry needs an `accounts` join with an industry column")
    }
    if mapping.segmentsBy.contains("product") && mapping.columns["product"] == nil {
      reader.problems.append("\(file): error: segments.by: grouping by product needs opportunities.product")
    }
    if mapping.accountPotential == .size && mapping.accounts?.fields["size"] == nil && reader.problems.isEmpty {
      reader.problems.append("\(file): error: scenario.account_potential: size needs an `accounts` join with a size column")
    }
    guard reader.problems.isEmpty else { throw .mapping(reader.problems) }
    return mapping
  }

  /// A joined table's path: relative to the mapping file's folder.
  public func resolve(_ path: String) -> String {
    RelativePath.resolve(path, in: PathText.directory(of: file))
  }
}

/// Reads YAML nodes, collecting located problems (a class: the closures that read nested keys share it).
final class MappingReader {
  static let topKeys = ["opportunities", "date_format", "stages", "owners", "accounts", "segments", "scenario"]
  let file: String
  var problems: [String] = []

  init(file: String) { self.file = file }

  func location(_ node: Node) -> SourceLocation {
    SourceLocation(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
  }

  func error(_ node: Node, _ path: String, _ message: String) {
    problems.append("\(location(node)): error: \(path): \(message)")
  }

  /// Calls `body` for each key of the mapping; an unknown key is a problem with a did-you-mean.
  func read(_ mapping: Node.Mapping, path: String, allowed: [String], _ body: (String, Node) -> Void) {
    for (keyNode, value) in mapping {
      guard let key = keyNode.scalar?.string else { continue }
      let keyPath = path.isEmpty ? key : "\(path).\(key)"
      guard allowed.contains(key) else {
        error(keyNode, keyPath, "unknown key \"\(key)\"; \(Suggestion.didYouMean(key, among: allowed).map { $0 + " " } ?? "")keys here: \(allowed.joined(separator: ", "))")
        continue
      }
      body(key, value)
    }
  }

  func text(_ node: Node, _ path: String) -> String? {
    guard let scalar = node.scalar, !scalar.string.isEmpty else {
      error(node, path, "expected a name")
      return nil
    }
    return scalar.string
  }

  func number(_ node: Node, _ path: String) -> Double? {
    guard let scalar = node.scalar, let value = Double(scalar.string), value.isFinite else {
      error(node, path, "expected a number")
      return nil
    }
    return value
  }

  func items(_ node: Node) -> [Node] {
    if case .sequence(let sequence) = node { return Array(sequence) }
    return [node]
  }

  func texts(_ node: Node, _ path: String) -> [String] {
    items(node).enumerated().compactMap { i, item in text(item, "\(path)[\(i)]") }
  }
}

/// What can go wrong in `cccm fit`: each with the exit status the command gives.
public enum CalibrationError: Error, Sendable, CustomStringConvertible {
  /// A file that cannot be read (exit 2).
  case unreadable(String)
  /// The mapping file's problems, located (exit 8).
  case mapping([String])
  /// The export's or a joined table's problems, each naming file, row and column (exit 9).
  case export([String])
  /// A scenario fitted from the export that does not validate, with its diagnostics (exit 1).
  case fittedScenario(String)

  /// The exit status of a calibration input's problem: 2 unreadable, 8 the mapping, 9 the export.
  public var exitStatus: ExitStatus {
    switch self {
    case .unreadable: .fileError
    case .mapping: .invalidMapping
    case .export: .invalidExport
    case .fittedScenario: .invalidScenario
    }
  }

  public var description: String {
    switch self {
    case .unreadable(let message), .fittedScenario(let message): message
    case .mapping(let problems), .export(let problems): problems.joined(separator: "\n")
    }
  }
}
