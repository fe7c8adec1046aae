import CCCMSupport
import Charts
import Foundation

/// A report built once, as blocks of text and tables, with its CSV rows and its JSON value, and
/// rendered by one renderer per format. Reports say what they show; how each format shows it is
/// decided here, once.
public struct ReportDocument {
  public enum Block: Sendable {
    /// A title: a line on a terminal (and a blank one after it when `gap`), a `###` heading in
    /// Markdown.
    case title(String, gap: Bool = false)
    /// Lines of text, the same in every text format (each line ends with a newline).
    case text(String)
    /// A table: aligned columns on a terminal (coloured where asked), a Markdown table.
    case table(TextTable, coloured: Bool)
  }

  public var blocks: [Block] = []
  /// Long-form CSV: a header and rows of cells (text cells pass through `csvField`).
  public var csvHeader: [String] = []
  public var csvRows: [[CSVCell]] = []
  /// The JSON value of the report.
  public var json: (any Encodable & Sendable)?
  /// The report's charts (shown by the HTML format, written by `--charts`), their ids unique
  /// (`ChartIDs.unique`: one file and one page anchor each).
  public var charts: [any Chart] = [] { didSet { charts = ChartIDs.unique(charts) } }
  /// What was run (the top of the HTML format), and the page's heading.
  public var provenance: Provenance?
  /// The decision as one wide table, a row per design (the first sheet of a workbook).
  public var decision: DecisionTable?
  public var title: String?

  public init() {}

  /// A CSV cell: text (sanitised when written) or a number (empty when not finite).
  public enum CSVCell {
    case text(String)
    case number(Double)
    /// A number as NumberText writes it: a whole number without a fraction (`10`, not `10.0`).
    case shortest(Double)
    var rendered: String {
      switch self {
      case .text(let text): csvField(text)
      case .number(let value): csvNumber(value)
      case .shortest(let value): value.isFinite ? NumberText.shortest(value) : ""
      }
    }
  }

  public mutating func add(_ block: Block) { blocks.append(block) }

  /// Another report's blocks and charts after this one's (CSV rows and JSON stay this one's).
  public mutating func append(_ other: ReportDocument) {
    blocks += other.blocks
    charts += other.charts
  }

  /// Another report as a section after this one: a blank line before its blocks in the text
  /// formats (none in HTML), its charts after these, and its CSV rows instead of these when it
  /// has any (CSV holds one table: the last section's). The JSON stays this one's.
  public mutating func appendSection(_ other: ReportDocument) {
    blocks.append(.text("\n"))
    append(other)
    if !other.csvHeader.isEmpty {
      csvHeader = other.csvHeader
      csvRows = other.csvRows
    }
  }

  /// The report in `format`; `colour` paints coloured tables on a terminal.
  public func render(_ format: OutputFormat, colour: Bool = false) -> String {
    switch format {
    case .json: return json.map(encodeJSON) ?? "{}\n"
    case .html: return HTMLReport.page(self)
    case .csv: return ([csvHeader.map(csvField)] + csvRows.map { $0.map(\.rendered) }).map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n"
    case .table, .markdown:
      let markdown = format == .markdown
      var out = ""
      for block in blocks {
        switch block {
        case .title(let title, let gap): out += markdown ? "### \(Sanitize.markdownCell(title))\n\n" : "\(SafeText.escaped(title))\n" + (gap ? "\n" : "")
        case .text(let text): out += text
        case .table(let table, let coloured): out += markdown ? table.markdown() : table.terminal(colour: colour && coloured)
        }
      }
      return out
    }
  }
}

/// A value as pretty-printed JSON with sorted keys (a value that cannot be encoded, which the
/// report types never are, gives an error object rather than a crash).
func encodeJSON(_ value: any Encodable) -> String {
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
  guard let data = try? encoder.encode(value), let text = String(data: data, encoding: .utf8) else {
    return "{\"error\": \"the report could not be encoded as JSON\"}\n"
  }
  return text + "\n"
}

/// A CSV number: Swift's shortest round-trip form, empty when not finite.
func csvNumber(_ value: Double) -> String { value.isFinite ? "\(value)" : "" }

/// A CSV cell made safe (`Sanitize.csvField`): every CSV report writes text through it.
func csvField(_ text: String) -> String { Sanitize.csvField(text) }
