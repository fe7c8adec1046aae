/// Text from files and command lines made safe for a terminal: no control character (C0, DEL, C1,
/// the line and paragraph separators, bidirectional overrides and isolates) reaches it unescaped,
/// so a hostile name cannot clear a screen, move the cursor or reorder what is shown.
public enum SafeText {
  /// `text` with control characters escaped as `\n`, `\t`, `\r` or `\u{1B}`; everything else unchanged.
  public static func escaped(_ text: String) -> String { escaped(text, where: isControl) }

  /// `text` with the scalars `isEscaped` names escaped as above (a format's own control characters).
  public static func escaped(_ text: String, where isEscaped: (Unicode.Scalar) -> Bool) -> String {
    guard text.unicodeScalars.contains(where: isEscaped) else { return text }
    var out = ""
    for scalar in text.unicodeScalars {
      guard isEscaped(scalar) else {
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

  /// Whether a scalar is escaped: C0, DEL, C1, U+2028 and U+2029, and the bidirectional
  /// overrides (U+202A to U+202E) and isolates (U+2066 to U+2069).
  public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    let value = scalar.value
    return value < 0x20 || (0x7F...0x9F).contains(value) || value == 0x2028 || value == 0x2029
      || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value)
  }
}

/// Short, safe excerpts of file contents and paths for messages: escaped (`SafeText`) and cut to a
/// limit, so a hostile file cannot flood the terminal.
public enum Excerpt {
  /// The most characters of file contents quoted in a message.
  public static let limit = 40
  /// The most characters of a key path (which holds names from the file) and of a file path.
  public static let keyPathLimit = 120
  public static let pathLimit = 400
  /// The most characters of a whole message (lists of known names are cut here).
  public static let messageLimit = 400

  /// `text` with control characters escaped (`\n`, `\t`, `\u{1B}`, ...) and cut to `limit`
  /// characters, an ellipsis marking a cut.
  public static func sanitized(_ text: String, limit: Int = limit) -> String {
    var out = ""
    var count = 0
    for character in text {
      if count >= limit {
        out += "…"
        break
      }
      count += 1
      out += escaped(character)
    }
    return out
  }

  /// `"text"`, sanitized.
  public static func quoted(_ text: String, limit: Int = limit) -> String { "\"" + sanitized(text, limit: limit) + "\"" }

  /// A character as it may reach a terminal (`SafeText.escaped`).
  static func escaped(_ character: Character) -> String { SafeText.escaped(String(character)) }

  /// A message with control characters escaped, every quoted excerpt cut to `limit` characters
  /// and the whole cut to `messageLimit`.
  public static func boundedMessage(_ message: String) -> String {
    var out = ""
    var quote: String?
    var length = 0
    var truncated = false
    for character in message {
      // Stop once past the limit: a message may carry a list of thousands of names.
      if length > messageLimit + limit + 2 {
        truncated = true
        break
      }
      length += 1
      if var open = quote {
        if character == "\"" {
          out += sanitized(open) + "\""
          quote = nil
        } else {
          open.append(character)
          // Cut early: an unmatched quote must not hold a whole file.
          quote = open.count > limit + 1 ? String(open.prefix(limit + 1)) : open
        }
      } else if character == "\"" {
        out += "\""
        quote = ""
      } else {
        out += escaped(character)
      }
    }
    if let open = quote { out += sanitized(open) + (truncated ? "\"" : "") }
    return truncated || out.count > messageLimit ? String(out.prefix(messageLimit)) + "…" : out
  }
}
