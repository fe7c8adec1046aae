/// Names from scenario files (scenario, team, segment, pool names) made safe for each output:
/// no control character reaches a terminal, no name breaks a Markdown table, and no CSV cell is
/// taken for a formula by a spreadsheet. Every name printed in a report goes through one of these.
public enum Sanitize {
  /// Control characters (C0, DEL, C1, line and paragraph separators, bidirectional overrides and
  /// isolates) escaped as `\n`, `\t`, `\r` or `\u{1B}`; everything else unchanged.
  public static func terminal(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: isControl) else { return text }
    var out = ""
    for scalar in text.unicodeScalars {
      guard isControl(scalar) else {
        out.unicodeScalars.append(scalar)
        continue
      }
      switch scalar {
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      default: out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
      }
    }
    return out
  }

  /// A Markdown table cell: `terminal`, then `|` escaped, so a name stays in its cell and row.
  public static func markdownCell(_ text: String) -> String {
    terminal(text).replacingOccurrences(of: "|", with: "\\|")
  }

  /// A CSV field: text starting with `=`, `+`, `-` or `@` (or a tab or carriage return) that is not
  /// a number gets a leading `'`, so spreadsheets do not run it as a formula; control characters are
  /// escaped; then the field is quoted if it holds a comma or a quote.
  public static func csvField(_ text: String) -> String {
    var cell = terminal(text)
    if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first), Double(text) == nil {
      cell = "'" + cell
    }
    return cell.contains(where: { $0 == "," || $0 == "\"" }) ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
  }

  static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    let value = scalar.value
    return value < 0x20 || (0x7F...0x9F).contains(value) || value == 0x2028 || value == 0x2029
      || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value)
  }
}
