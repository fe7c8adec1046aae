import CCCMSupport
import Reports

/// What goes where in a report's workbook, apart from libxlsxwriter: the wide table, number
/// formats, cell text and column widths.
enum WorkbookLayout {
  enum Cell: Equatable {
    case text(String)
    case number(Double)
    case empty
  }

  struct Table {
    var header: [String]
    var keyColumns: Int
    var rows: [[Cell]]

    /// Each column's width in characters: its name's, its texts', about 12 for numbers.
    var columnWidths: [Int] {
      header.indices.map { column in
        rows.reduce(header[column].count) { width, row in
          guard column < row.count else { return width }
          switch row[column] {
          case .text(let value): return max(width, value.count)
          case .number: return max(width, 12)
          case .empty: return width
          }
        }
      }
    }
  }

  /// Long rows (`..., statistic, value`) as one row per subject (the columns before `statistic`, in
  /// the order subjects first appear) and a column per statistic (in the order statistics first
  /// appear). Rows of any other shape are kept as they are.
  static func wide(header: [String], rows: [[ReportDocument.CSVCell]]) -> Table {
    func cell(_ c: ReportDocument.CSVCell) -> Cell {
      switch c {
      case .text(let value): .text(value)
      case .number(let value), .shortest(let value): .number(value)
      }
    }
    guard header.count >= 2, header[header.count - 2] == "statistic", header[header.count - 1] == "value" else {
      return Table(header: header, keyColumns: min(1, header.count), rows: rows.map { $0.map(cell) })
    }
    let keys = header.count - 2
    var statistics = FirstSeen<String>()
    var subjects = FirstSeen<[String]>()
    var values: [[Int: Cell]] = []
    for row in rows where row.count == header.count {
      let subject = row.prefix(keys).map { c -> String in
        switch c {
        case .text(let value): value
        case .number(let value), .shortest(let value): NumberText.shortest(value)
        }
      }
      guard case .text(let statistic) = row[keys] else { continue }
      let s = statistics.index(of: statistic)
      let k = subjects.index(of: subject)
      if k == values.count { values.append([:]) }
      values[k][s] = cell(row[keys + 1])
    }
    let table = subjects.items.indices.map { k in
      subjects.items[k].map(Cell.text) + statistics.items.indices.map { values[k][$0] ?? .empty }
    }
    return Table(header: Array(header.prefix(keys)) + statistics.items, keyColumns: keys, rows: table)
  }

  /// An Excel number format for a value of `metric` (`teams.X.wins`: by its last part) under
  /// `statistic`: relative changes, shares and probabilities as percentages; otherwise by the
  /// metric's unit: money whole, rates as percentages, days, weeks, hours and ratios with decimals, counts with
  /// up to two decimals.
  static func numberPattern(metric: String?, statistic: String?) -> String {
    let percentage = "0.0%"
    if let statistic {
      let s = statistic.lowercased()
      if s.contains("relative") || s.hasPrefix("p_") || s.contains("probability") || s.hasPrefix("share") || s.hasSuffix("_share") { return percentage }
      if s.contains("variance_reduction") || s == "replications" || s == "count" { return "#,##0.0" }
    }
    guard let metric else { return "#,##0.00" }
    let name = metric.split(separator: ".").last.map(String.init) ?? metric
    switch MetricUnit(metric: name) {
    case .money: return "#,##0"
    case .rate: return "0.00%"
    case .days, .weeks, .hours: return "0.00"
    case .ratio: return "0.000"
    case .count: return "#,##0.00"
    }
  }

  /// Text as a cell holds it: control characters shown as `\u{..}` (XML cannot hold most of them),
  /// at most Excel's limit of characters.
  static func cellText(_ value: String) -> String {
    var text = SafeText.escaped(value)
    if text.count > ExcelWorkbook.cellLimit {
      let note = "... (cut: Excel holds \(ExcelWorkbook.cellLimit) characters in a cell)"
      text = String(text.prefix(ExcelWorkbook.cellLimit - note.count)) + note
    }
    return text
  }

  /// Column widths of text rows: the longest cell of each column, header included.
  static func widths(header: [String], rows: [[String]]) -> [Int] {
    let count = max(header.count, rows.map(\.count).max() ?? 0)
    return (0..<count).map { column in
      ([header] + rows).map { column < $0.count ? $0[column].count : 0 }.max() ?? 0
    }
  }

  /// The About sheet's lines: what was run.
  static func about(_ provenance: Provenance?) -> [(String, String)] {
    guard let p = provenance else { return [("command", "(not recorded)")] }
    var lines: [(String, String)] = [("command", p.command), ("cccm version", p.version)]
    if let details = p.details {
      lines += details.map { ($0.name, $0.value) }
    } else {
      lines += [("seed", String(p.seed)), ("replications", String(p.replications)), ("generator", p.generator)]
    }
    return lines
  }

  static let sheetGuide = [
    "Table: the report's numbers, a row per subject and a column per statistic (numbers as numbers).",
    "Report: the report as printed. Data: the rows of the CSV format (long form, for pivot tables).",
  ]
}

/// Distinct values in the order they were first seen, each with its index.
struct FirstSeen<Item: Hashable> {
  private(set) var items: [Item] = []
  private var indices: [Item: Int] = [:]

  /// The index of `item`, appending it when new.
  mutating func index(of item: Item) -> Int {
    if let known = indices[item] { return known }
    indices[item] = items.count
    items.append(item)
    return items.count - 1
  }
}
