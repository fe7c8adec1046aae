import CCCMSupport

/// Names from scenario files (scenario, team, segment, pool names) made safe for each output:
/// no control character reaches a terminal (`SafeText.escaped`), no name breaks a Markdown table,
/// and no CSV cell is taken for a formula by a spreadsheet. Every name printed in a report goes
/// through one of these.
public enum Sanitize {
  /// A Markdown table cell: `SafeText.escaped`, then `|` escaped, so a name stays in its cell and row.
  public static func markdownCell(_ text: String) -> String {
    SafeText.escaped(text).replacingOccurrences(of: "|", with: "\\|")
  }

  /// A CSV field: text starting with `=`, `+`, `-` or `@` (or a tab or carriage return) that is not
  /// a number gets a leading `'`, so spreadsheets do not run it as a formula; control characters are
  /// escaped; then the field is quoted where CSV needs it (`CSV.field`).
  public static func csvField(_ text: String) -> String {
    let cell = SafeText.escaped(text)
    return CSV.field(CSV.looksLikeFormula(text) ? "'" + cell : cell)
  }
}
