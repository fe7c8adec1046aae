import CCCMSupport

/// How a cell is shown on a colour terminal.
public enum CellStyle: Sendable {
  case plain
  /// A significant change for the better (green).
  case better
  /// A significant change for the worse (red).
  case worse

  var escape: String {
    switch self {
    case .plain: ""
    case .better: "\u{1B}[32m"
    case .worse: "\u{1B}[31m"
    }
  }
}

/// A grid of cells rendered as an aligned terminal table or a Markdown table.
public struct TextTable: Sendable {
  public var header: [String]
  public var rows: [[String]] = []
  /// Per row, the style of the cells that have one (colour terminals only).
  public var styles: [[Int: CellStyle]] = []
  /// How many leading columns hold text (left-aligned); the rest hold numbers (right-aligned).
  public var textColumns: Int

  public init(header: [String], textColumns: Int = 1) {
    self.header = header
    self.textColumns = textColumns
  }

  public mutating func add(_ row: [String], styles: [Int: CellStyle] = [:]) {
    rows.append(row)
    self.styles.append(styles)
  }

  /// Aligned columns; with `colour`, styled cells are wrapped in ANSI colour codes (after padding,
  /// so alignment does not change).
  public func terminal(colour: Bool = false) -> String {
    let header = header.map(SafeText.escaped)
    let rows = rows.map { $0.map(SafeText.escaped) }
    let widths = header.indices.map { column in
      ([header] + rows).map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0
    }
    func line(_ cells: [String], styles: [Int: CellStyle] = [:]) -> String {
      cells.enumerated().map { index, cell in
        let pad = String(repeating: " ", count: max(0, widths[index] - cell.count))
        var text = cell
        if colour, let style = styles[index], style != .plain, !cell.isEmpty { text = style.escape + cell + "\u{1B}[0m" }
        return index < textColumns ? text + pad : pad + text
      }.joined(separator: "  ")
    }
    var lines = [line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
    lines += zip(rows, styles).map { line($0, styles: $1) }
    return lines.map { $0.replacingTrailingSpaces() }.joined(separator: "\n") + "\n"
  }

  public func markdown() -> String {
    func escape(_ cell: String) -> String { Sanitize.markdownCell(cell) }
    var lines = ["| " + header.map(escape).joined(separator: " | ") + " |"]
    lines.append("|" + header.indices.map { $0 < textColumns ? "---|" : "---:|" }.joined())
    lines += rows.map { "| " + $0.map(escape).joined(separator: " | ") + " |" }
    return lines.joined(separator: "\n") + "\n"
  }
}

extension String {
  func replacingTrailingSpaces() -> String {
    var s = self
    while s.last == " " { s.removeLast() }
    return s
  }
}
