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
  public static func comment(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: isControl) else { return text }
    var out = ""
    for ch in text.unicodeScalars {
      switch ch {
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      default:
        if isControl(ch) { out += "\\u{\(String(ch.value, radix: 16, uppercase: true))}" } else { out.unicodeScalars.append(ch) }
      }
    }
    return out
  }

  /// Characters YAML reads as line breaks or refuses, and those that reorder or hide text on a
  /// terminal.
  public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    let value = scalar.value
    return value < 0x20 || (0x7F...0x9F).contains(value) || value == 0x2028 || value == 0x2029
      || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value) || value == 0xFEFF
      || value == 0xFFFE || value == 0xFFFF
  }

  static func hex(_ value: UInt32, digits: Int, prefix: String) -> String {
    let text = String(value, radix: 16, uppercase: true)
    return prefix + String(repeating: "0", count: max(0, digits - text.count)) + text
  }
}
