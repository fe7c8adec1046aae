import CCCMSupport
/// Text written into YAML that cccm generates (`show`, fitted scenarios, mappings, grids): every
/// value from a file or a CRM export goes through one of these, so no value can end its line, open
/// a key, close a quote or start a comment, and none reaches a terminal as a control character.
public enum YAMLText {
  /// `text` as a YAML double-quoted scalar that loads back to `text`: quotes and backslashes
  /// escaped, and control characters (C0, DEL, C1, line and paragraph separators, bidirectional
  /// controls, the byte-order mark) written as `\n`, `\t`, `\r`, `\xNN` or `\uNNNN`.
  public static func quoted(_ text: String) -> String {
    var escaped = "\""
    for ch in text.unicodeScalars {
      switch ch {
      case "\"": escaped += "\\\""
      case "\\": escaped += "\\\\"
      case "\n": escaped += "\\n"
      case "\t": escaped += "\\t"
      case "\r": escaped += "\\r"
      default:
        if isControl(ch) {
          escaped += ch.value <= 0xFF ? hex(ch.value, digits: 2, prefix: "\\x") : hex(ch.value, digits: 4, prefix: "\\u")
        } else {
          escaped.unicodeScalars.append(ch)
        }
      }
    }
    return escaped + "\""
  }

  /// `text` plain when YAML reads it back as the same string (letters, digits and `_-. /+()&`,
  /// starting with a letter or `_`, not a word YAML reads as a boolean or null, not a number);
  /// otherwise `quoted`.
  public static func scalar(_ text: String) -> String {
    let plain = text.allSatisfy { $0.isLetter || $0.isNumber || "_-. /+()&".contains($0) }
    let special = ["true", "false", "yes", "no", "null", "on", "off", "~", ""].contains(text.lowercased())
    if plain, !special, Double(text) == nil, text.first?.isLetter == true || text.first == "_",
      !text.unicodeScalars.contains(where: isControl)
    {
      return text
    }
    return quoted(text)
  }

  /// `text` made safe inside a `# comment`: one line, control characters written as `\n`, `\t`,
  /// `\r` or `\u{1B}` (a name with a line break would otherwise start a key of its own).
  public static func comment(_ text: String) -> String { SafeText.escaped(text, where: isControl) }

  /// Characters YAML reads as line breaks or refuses, and those that reorder or hide text on a
  /// terminal: the terminal's (`SafeText.isControl`), and the byte-order mark and the two
  /// noncharacters U+FFFE and U+FFFF, which YAML refuses.
  public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    SafeText.isControl(scalar) || scalar.value == 0xFEFF || scalar.value == 0xFFFE || scalar.value == 0xFFFF
  }

  static func hex(_ value: UInt32, digits: Int, prefix: String) -> String {
    let text = String(value, radix: 16, uppercase: true)
    return prefix + String(repeating: "0", count: max(0, digits - text.count)) + text
  }
}
