/// A grid of cells rendered as an aligned terminal table or a Markdown table.
public struct TextTable: Sendable {
  public var header: [String]
  public var rows: [[String]] = []
  /// Columns after the first are right-aligned (numbers).
  public init(header: [String]) { self.header = header }

  public mutating func add(_ row: [String]) { rows.append(row) }

  public func terminal() -> String {
    let widths = header.indices.map { column in
      ([header] + rows).map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0
    }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { index, cell in
        let pad = String(repeating: " ", count: max(0, widths[index] - cell.count))
        return index == 0 ? cell + pad : pad + cell
      }.joined(separator: "  ")
    }
    var lines = [line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
    lines += rows.map(line)
    return lines.map { $0.replacingTrailingSpaces() }.joined(separator: "\n") + "\n"
  }

  public func markdown() -> String {
    func escape(_ cell: String) -> String { cell.replacingOccurrences(of: "|", with: "\\|") }
    var lines = ["| " + header.map(escape).joined(separator: " | ") + " |"]
    lines.append("|" + header.indices.map { $0 == 0 ? "---|" : "---:|" }.joined())
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
