import CCCMSupport
import CoverageModel
import Foundation
import Yams

/// Reads a segment's named accounts, `accounts: {file: accounts.csv}` (docs/scenario-format.md,
/// "Named accounts"), and the name lists coverage rules and changes select accounts by. Problems
/// are located at the file's row and column; what needs the whole scenario (owners, regions,
/// area shares) is checked by `ScenarioValidator.checkNamedAccounts`.
enum AccountsFile {
  /// The most accounts one list may hold.
  static let maximumRows = 1_000_000

  /// The rows of a CSV text: its header (trimmed, lower-cased) and its records, each with its
  /// 1-based line; nil with a reason when it has no header or cannot be parsed.
  static func table(_ text: String) -> Result<(header: [String], rows: [(line: Int, fields: [String])]), InputFileError> {
    var csv = CSVReader(text)
    guard let header = csv.next(), header.contains(where: { !$0.isEmpty }) else { return .failure(InputFileError(CSV.noHeaderRow)) }
    var rows: [(Int, [String])] = []
    var line = 1
    while let fields = csv.next() {
      line += 1
      if CSV.isBlank(fields) { continue }
      rows.append((line, fields))
      if rows.count > maximumRows { return .failure(InputFileError("more than \(maximumRows) rows")) }
    }
    return .success((header.map { $0.lowercased() }, rows))
  }

  /// The text of a file a scenario names (relative to the scenario's directory), or nil after
  /// reporting why it cannot be read at `node`.
  static func read(_ name: String, node: Node, path: String, reader: NodeReader) -> String? {
    do {
      return try InputFile.text(fullPath(name, reader: reader), limit: InputFile.textLimit, what: "an account list", advice: "keep the named accounts only")
    } catch {
      reader.error(node, path, "\"\(Excerpt.sanitized(name))\": \(error.reason); check the path (it is relative to this file)")
      return nil
    }
  }

  /// Where a file the scenario names is: relative to the scenario file's directory.
  static func fullPath(_ name: String, reader: NodeReader) -> String {
    let directory = reader.directory ?? FileManager.default.currentDirectoryPath
    return RelativePath.resolve(name, in: directory)
  }

  /// `accounts: {file: FILE}`: the list, in rank order (by potential from the largest, ties in file
  /// order), or nil after reporting every problem.
  static func decode(_ node: Node, _ path: String, reader: NodeReader) -> AccountList? {
    guard let pairs = reader.mapping(node, path, allowed: ["file"], required: ["file"]),
      let fileNode = pairs.first?.node, let name = reader.string(fileNode, join(path, "file")),
      let text = read(name, node: fileNode, path: join(path, "file"), reader: reader)
    else { return nil }
    func problem(_ line: Int, _ column: Int, _ at: String, _ message: String) {
      reader.error(at: SourceLocation(file: name, line: line, column: column), at, message)
    }
    let (header, rows): ([String], [(line: Int, fields: [String])])
    switch table(text) {
    case .failure(let error):
      problem(1, 1, path, "\(error.reason); give a CSV whose header names the columns (name, and optionally region, country, industry, tier, potential, area_share, owner, ...)")
      return nil
    case .success(let parsed): (header, rows) = parsed
    }
    let before = reader.diagnostics.count
    var seenColumns: [String: Int] = [:]
    for (i, column) in header.enumerated() {
      if column.isEmpty { problem(1, i + 1, path, "column \(i + 1) has no name; name it or remove it") }
      if let first = seenColumns[column] {
        problem(1, i + 1, path, "column \"\(Excerpt.sanitized(column))\" appears twice (also column \(first + 1)); remove one")
      }
      seenColumns[column] = seenColumns[column] ?? i
    }
    guard let nameColumn = seenColumns["name"] ?? seenColumns["account"] else {
      let hint = header.compactMap { Suggestion.didYouMean($0, among: ["name"]) }.first.map { " (\($0))" } ?? ""
      problem(1, 1, path, "no \"name\" column\(hint); the first row must name the columns, one of them name")
      return nil
    }
    guard reader.diagnostics.count == before else { return nil }
    var columns = header
    columns[nameColumn] = "name"
    var accounts: [Account] = []
    var seen: [String: Int] = [:]
    var problems = 0
    for (line, fields) in rows {
      let at = "\(path)[\(accounts.count)]"
      let start = reader.diagnostics.count
      guard fields.count == header.count else {
        problem(line, 1, at, "\(fields.count) fields, the header has \(header.count); check for a stray comma or an unclosed quote")
        problems += 1
        if problems >= 20 { break } else { continue }
      }
      var account = Account(name: fields[nameColumn], row: line)
      if account.name.isEmpty { problem(line, nameColumn + 1, "\(at).name", "empty name; every account needs one") }
      if let first = seen[account.name], !account.name.isEmpty {
        problem(line, nameColumn + 1, "\(at).name", "duplicate account \"\(Excerpt.sanitized(account.name))\" (first on row \(first)); account names must be unique in a list")
      }
      seen[account.name] = seen[account.name] ?? line
      for (i, column) in columns.enumerated() where i != nameColumn {
        let value = fields[i]
        switch column {
        case "potential":
          guard let number = Double(value), number.isFinite, number >= 0 else {
            problem(line, i + 1, "\(at).potential", "\"\(Excerpt.sanitized(value))\" is not a potential of at least 0; give every account a size (any scale: revenue, employees, opportunities a year)")
            continue
          }
          account.potential = number
        case "area_share":
          if value.isEmpty { continue }
          guard let number = Double(value), number.isFinite, number >= 0, number <= 1 else {
            problem(line, i + 1, "\(at).area_share", "\"\(Excerpt.sanitized(value))\" is not a share from 0 to 1 of its region's ground")
            continue
          }
          account.areaShare = number
        case "tier":
          if value.isEmpty { continue }
          if Tier(rawValue: value) == nil {
            let options = Tier.allCases.map(\.rawValue)
            problem(line, i + 1, "\(at).tier", "unknown tier \"\(Excerpt.sanitized(value))\"; \(Suggestion.didYouMean(value, among: options) ?? "expected one of \(options.quotedList)")")
            continue
          }
          account.attributes[column] = value
        default:
          if !value.isEmpty { account.attributes[column] = value }
        }
      }
      if reader.diagnostics.count > start {
        problems += 1
        if problems >= 20 { break }
        continue
      }
      accounts.append(account)
    }
    if rows.isEmpty { problem(1, 1, path, "the list has no accounts; give one row per account under the header") }
    guard reader.diagnostics.count == before else { return nil }
    // The ranking: the largest first; Swift's sort is not stable, so ties keep file order by index.
    if columns.contains("potential") {
      let order = accounts.indices.sorted { (accounts[$0].potential ?? 0, -$0) > (accounts[$1].potential ?? 0, -$1) }
      accounts = order.map { accounts[$0] }
    }
    var list = AccountList(file: name, columns: columns, accounts: accounts)
    list.path = fullPath(name, reader: reader)
    return list
  }

  /// Account names given in a rule or change: a list (`[Acme, Globex]`) or `{file: FILE}`, a CSV
  /// with a `name` (or `account`) column, such as an account list or `cccm territories -o` output.
  static func names(_ node: Node, _ path: String, reader: NodeReader) -> [String]? {
    guard case .mapping = node else { return reader.names(node, path) }
    guard let pairs = reader.mapping(node, path, allowed: ["file"], required: ["file"]),
      let fileNode = pairs.first?.node, let name = reader.string(fileNode, join(path, "file")),
      let text = read(name, node: fileNode, path: join(path, "file"), reader: reader)
    else { return nil }
    switch table(text) {
    case .failure(let error):
      reader.error(at: SourceLocation(file: name, line: 1, column: 1), path, "\(error.reason); give a CSV with a name column")
      return nil
    case .success(let (header, rows)):
      guard let column = header.firstIndex(of: "name") ?? header.firstIndex(of: "account") else {
        reader.error(at: SourceLocation(file: name, line: 1, column: 1), path, "no \"name\" column; the first row must name the columns, one of them name (or account)")
        return nil
      }
      var names: [String] = []
      for (line, fields) in rows {
        guard column < fields.count, !fields[column].isEmpty else {
          reader.error(at: SourceLocation(file: name, line: line, column: column + 1), path, "no account name on this row; every row names one account")
          return nil
        }
        names.append(fields[column])
      }
      if names.isEmpty { reader.error(at: SourceLocation(file: name, line: 1, column: 1), path, "the file names no account") }
      return names.uniqued()
    }
  }

  /// The keys of a coverage mapping that are account attributes: those not among `known` and not
  /// a likely misspelling of one of them (`segment` stays an unknown key, "did you mean segments").
  static func attributeKeys(_ node: Node, known: [String]) -> [String] {
    guard case .mapping(let mapping) = node else { return [] }
    return mapping.keys.compactMap { key in
      guard case .scalar(let scalar) = key, !known.contains(scalar.string), !scalar.string.isEmpty else { return nil }
      return Suggestion.didYouMean(scalar.string, among: known) == nil ? scalar.string : nil
    }
  }
}
