import Foundation

/// CSV as cccm reads and writes it, one dialect for every file: fields separated by commas,
/// records by LF, CRLF or CR; a field holding a comma, a quote or a line break is quoted, a quote
/// inside doubled (RFC 4180). Reading also takes a byte order mark (a spreadsheet's "CSV UTF-8")
/// and trims spaces and tabs around fields.
public enum CSV {
  /// A field as written: quoted when it holds a comma, a quote, a carriage return or a line feed.
  public static func field(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  /// Whether a spreadsheet would run `text` as a formula: it starts with `=`, `+`, `-`, `@`, a tab
  /// or a carriage return and is not a number. Names written into CSV get a leading `'` then.
  public static func looksLikeFormula(_ text: String) -> Bool {
    guard let first = text.unicodeScalars.first else { return false }
    return "=+-@\t\r".unicodeScalars.contains(first) && Double(text) == nil
  }

  /// A record as written: its fields (`field`) joined by commas, without a line end.
  public static func record(_ fields: [String]) -> String { fields.map(field).joined(separator: ",") }

  /// Whether a record read is a blank line (one empty field).
  public static func isBlank(_ record: [String]) -> Bool { record.count == 1 && record[0].isEmpty }

  /// The problem of a file with no header: every table cccm reads names its columns.
  public static let noHeaderRow = "no header row: the first row must name the columns"

  /// The problem of a record whose field count is not the header's.
  public static func fieldCountProblem(_ count: Int, header: Int) -> String {
    "\(count) fields, the header has \(header); check for a stray comma or an unclosed quote"
  }

  /// Most problems reported for one file: past these, the file is likely not the table asked for.
  public static let problemLimit = 20
}

/// The records of a CSV text, in order (`CSV`'s dialect): a leading byte order mark is skipped;
/// spaces and tabs around a field are trimmed, inside quotes kept. A quote closing a field and
/// followed by anything but a comma or a line end is kept as a character (with the character after
/// it dropped), so a malformed file still reads and its field counts show where it went wrong.
public struct CSVReader: Sequence, IteratorProtocol {
  private var scalars: String.UnicodeScalarView.Iterator
  private var back: Unicode.Scalar?
  /// The longest field read (characters): a CRM cell holds at most a few thousand, and an unclosed
  /// quote would otherwise read the rest of a large file into one field.
  public static let maximumFieldLength = 1 << 20
  /// Whether reading stopped at a field longer than `maximumFieldLength` (`next()` then returns nil).
  public private(set) var overlongField = false

  public init(_ text: String) {
    scalars = text.unicodeScalars.makeIterator()
    back = scalars.next()
    if back == "\u{FEFF}" { back = nil }
  }

  /// The next record, or nil at the end of the text.
  public mutating func next() -> [String]? {
    var c = moveNext()
    guard c != nil else { return nil }
    var record: [String] = []
    while true {
      while let scalar = c, Self.isSpace(scalar) { c = moveNext() }
      let field: String
      let end: Bool
      if c == nil {
        (field, end) = ("", true)
      } else if c == "\"" {
        (field, end) = readField(quoted: true)
      } else {
        back = c
        let (raw, rowEnds) = readField(quoted: false)
        var kept = raw.unicodeScalars
        while let last = kept.last, Self.isSpace(last) { kept.removeLast() }
        (field, end) = (String(kept), rowEnds)
      }
      if overlongField { return nil }
      record.append(field)
      if end { return record }
      c = moveNext()
    }
  }

  private mutating func readField(quoted: Bool) -> (String, Bool) {
    var buffer = String.UnicodeScalarView()
    var length = 0
    while let c = moveNext() {
      length += 1
      if length > Self.maximumFieldLength {
        overlongField = true
        return ("", true)
      }
      if quoted {
        guard c == "\"" else {
          buffer.append(c)
          continue
        }
        var after = moveNext()
        while let scalar = after, Self.isSpace(scalar) { after = moveNext() }
        if after == nil || after == "\r" || after == "\n" {
          if after == "\r" { skipLineFeed() }
          return (String(buffer), true)
        } else if after == "," {
          return (String(buffer), false)
        } else {
          // A doubled quote is one quote; a stray one is kept as it is.
          buffer.append("\"")
        }
      } else if c == "\r" || c == "\n" {
        if c == "\r" { skipLineFeed() }
        return (String(buffer), true)
      } else if c == "," {
        return (String(buffer), false)
      } else {
        buffer.append(c)
      }
    }
    return (String(buffer), true)
  }

  /// After a carriage return: a line feed completes the line end; anything else starts the next record.
  private mutating func skipLineFeed() {
    let next = moveNext()
    if next != "\n" { back = next }
  }

  private mutating func moveNext() -> Unicode.Scalar? {
    if let scalar = back {
      back = nil
      return scalar
    }
    return scalars.next()
  }

  /// Spaces and tabs (Unicode's space separators and U+0009), trimmed around fields.
  private static func isSpace(_ scalar: Unicode.Scalar) -> Bool { scalar == "\t" || scalar.properties.generalCategory == .spaceSeparator }
}
