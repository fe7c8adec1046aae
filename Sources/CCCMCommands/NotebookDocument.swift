import Foundation

/// A notebook's text as lines, each keeping its own line ending, so that a CRLF notebook (or one
/// with a few CRLF lines) is written back with the endings it had.
struct NotebookText: Equatable {
  /// The lines without their line endings.
  private(set) var lines: [String]
  /// Each line's ending: "\n" or "\r\n"; the last line's is "" (or a lone "\r") as the file ends.
  private(set) var endings: [String]
  /// The ending given to new lines: CRLF when most lines have it.
  let newline: String

  init(_ text: String) {
    var lines: [String] = []
    var endings: [String] = []
    var current: [UInt8] = []
    for byte in text.utf8 {
      guard byte == 0x0A else {
        current.append(byte)
        continue
      }
      let crlf = current.last == 0x0D
      if crlf { current.removeLast() }
      lines.append(String(decoding: current, as: UTF8.self))
      endings.append(crlf ? "\r\n" : "\n")
      current = []
    }
    // The text after the last newline (empty when the file ends in one); a lone CR ending it is
    // kept as its ending.
    let cr = current.last == 0x0D
    if cr { current.removeLast() }
    lines.append(String(decoding: current, as: UTF8.self))
    endings.append(cr ? "\r" : "")
    self.lines = lines
    self.endings = endings
    let crlf = endings.filter { $0 == "\r\n" }.count
    newline = crlf > endings.filter { $0 == "\n" }.count ? "\r\n" : "\n"
  }

  /// The text, byte for byte as read where nothing was replaced.
  var text: String {
    zip(lines, endings).map { $0 + $1 }.joined()
  }

  /// Replaces `range` of lines (empty to insert) with `new` lines, which get the notebook's newline.
  mutating func replace(_ range: Range<Int>, with new: [String]) {
    let atEnd = range.upperBound == lines.count
    let lastEnding = endings[endings.count - 1]
    lines.replaceSubrange(range, with: new)
    endings.replaceSubrange(range, with: Array(repeating: newline, count: new.count))
    guard !lines.isEmpty else {
      lines = [""]
      endings = [""]
      return
    }
    // Only the last line may lack an ending; replacing or appending at the end keeps the file's
    // last-line style.
    if atEnd { endings[endings.count - 1] = lastEnding }
    // (Compared whole: "\r\n" is one Character, so it does not have the suffix "\n".)
    for index in endings.indices.dropLast() where endings[index] != "\n" && endings[index] != "\r\n" { endings[index] = newline }
  }
}

/// A Markdown code fence: three or more backticks or tildes, then an info string.
struct Fence: Equatable {
  let marker: Character
  let length: Int
  let info: String

  /// The fence a line opens, if it opens one (leading spaces and tabs are allowed).
  init?(opening line: String) {
    let trimmed = line.drop { $0 == " " || $0 == "\t" }
    guard let marker = trimmed.first, marker == "`" || marker == "~" else { return nil }
    let length = trimmed.prefix { $0 == marker }.count
    guard length >= 3 else { return nil }
    let info = trimmed.dropFirst(length).trimmingCharacters(in: .whitespaces)
    // CommonMark: a backtick fence's info string has no backticks (else it is inline code).
    if marker == "`", info.contains("`") { return nil }
    self.marker = marker
    self.length = length
    self.info = info
  }

  /// The first word of the info string, lower-cased: `sh`, `text`, ...
  var language: String {
    info.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map { $0.lowercased() } ?? ""
  }

  /// Whether `line` closes this fence: the same marker, at least as long, nothing else on the line.
  func isClosed(by line: String) -> Bool {
    let trimmed = line.trimmingCharacters(in: .whitespaces)
    return trimmed.count >= length && trimmed.allSatisfy { $0 == marker }
  }
}

/// A ```sh block holding `cccm` commands, and where its output is stored.
struct CommandBlock: Equatable {
  struct Command: Equatable {
    /// Line index (0-based) in the notebook.
    let line: Int
    /// The command as written, without a leading `$ `.
    let text: String
  }

  /// Line index of the opening fence.
  let line: Int
  let commands: [Command]
  /// Line index of the closing fence; a new output block goes after it.
  let closingLine: Int
  /// The output block's lines, its delimiters included, if there is one.
  let output: Range<Int>?
}

/// A notebook cccm cannot process safely: a command or output block that is never closed.
struct MalformedNotebook: Error, Equatable {
  /// Line index (0-based) where the unclosed block starts.
  let line: Int
  let message: String
}

/// How a notebook stores command output.
///
/// Plain output goes in a ```text fence longer than any run of backticks in the output, so no
/// output line can close the fence and be read as Markdown, let alone as a command. Markdown output
/// (`--format markdown`) goes between two HTML comments so it renders as a table; inside, `<` is
/// written as `&lt;` (so the output cannot open an HTML comment or close the block) and lines that
/// would open a code fence are escaped. cccm never looks for commands inside an output block.
enum NotebookOutput {
  static let markdownStart = "<!-- cccm output -->"
  static let markdownEnd = "<!-- end cccm output -->"

  /// The lines of the output block storing `text`.
  static func block(_ text: String, markdown: Bool) -> [String] {
    var lines = sanitised(text).components(separatedBy: "\n")
    while lines.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeLast() }
    while lines.first?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeFirst() }
    if markdown {
      let escaped = lines.map(escapeMarkdown)
      return [markdownStart, ""] + escaped + (escaped.isEmpty ? [] : [""]) + [markdownEnd]
    }
    let fence = String(repeating: "`", count: max(3, longestRun(of: "`", in: lines) + 1))
    return [fence + "text"] + lines + [fence]
  }

  /// Whether a command's output is Markdown (`--format markdown`), given its arguments.
  static func isMarkdown(_ arguments: [String]) -> Bool {
    for (index, argument) in arguments.enumerated() {
      if argument == "--format=markdown" { return true }
      if argument == "--format", index + 1 < arguments.count, arguments[index + 1] == "markdown" { return true }
    }
    return false
  }

  /// Control characters (but tabs and newlines) as U+FFFD: a stray CR would change line endings, an
  /// escape sequence would reach whoever reads the notebook in a terminal.
  static func sanitised(_ text: String) -> String {
    var result = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      if scalar == "\n" || scalar == "\t" || !isControl(scalar) { result.append(scalar) } else { result.append("\u{FFFD}") }
    }
    return String(result)
  }

  static func isControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
  }

  static func escapeMarkdown(_ line: String) -> String {
    let escaped = line.replacingOccurrences(of: "<", with: "&lt;")
    let indent = escaped.prefix { $0 == " " || $0 == "\t" }
    let rest = escaped.dropFirst(indent.count)
    return rest.hasPrefix("```") || rest.hasPrefix("~~~") ? indent + "\\" + rest : escaped
  }

  static func longestRun(of marker: Character, in lines: [String]) -> Int {
    var longest = 0
    for line in lines {
      var run = 0
      for character in line {
        run = character == marker ? run + 1 : 0
        longest = max(longest, run)
      }
    }
    return longest
  }
}

/// Finds the command blocks of a notebook.
///
/// A command block is a fenced ```sh block; its lines that start with `cccm` (a leading `$ ` is
/// allowed) are its commands, and other lines are never run. Its output block is the next
/// non-blank thing after it when that is a ```text fence or a `<!-- cccm output -->` block. Other
/// code fences are skipped whole (a ```sh inside a ````markdown example is not run), as are output
/// blocks. An unclosed ```sh block or output block makes the notebook malformed; another unclosed
/// fence runs to the end of the file, as in CommonMark.
func commandBlocks(_ lines: [String]) throws(MalformedNotebook) -> [CommandBlock] {
  func closing(of fence: Fence, after start: Int) -> Int? {
    var index = start + 1
    while index < lines.count {
      if fence.isClosed(by: lines[index]) { return index }
      index += 1
    }
    return nil
  }
  var blocks: [CommandBlock] = []
  var index = 0
  while index < lines.count {
    guard let fence = Fence(opening: lines[index]) else {
      index += 1
      continue
    }
    guard fence.language == "sh" else {
      // Any other fence (or a stray output block) is skipped whole; unclosed, it runs to the end.
      index = (closing(of: fence, after: index) ?? lines.count) + 1
      continue
    }
    guard let close = closing(of: fence, after: index) else {
      throw MalformedNotebook(line: index, message: "the ```sh block opened here is never closed")
    }
    var commands: [CommandBlock.Command] = []
    for line in (index + 1)..<close {
      var text = lines[line].trimmingCharacters(in: .whitespaces)
      if text.hasPrefix("$ ") { text = String(text.dropFirst(2)).trimmingCharacters(in: .whitespaces) }
      if text == "cccm" || text.hasPrefix("cccm ") || text.hasPrefix("cccm\t") { commands.append(.init(line: line, text: text)) }
    }
    guard !commands.isEmpty else {
      index = close + 1
      continue
    }
    var next = close + 1
    while next < lines.count, lines[next].trimmingCharacters(in: .whitespaces).isEmpty { next += 1 }
    var output: Range<Int>?
    if next < lines.count, let outputFence = Fence(opening: lines[next]), outputFence.language == "text" {
      guard let end = closing(of: outputFence, after: next) else {
        throw MalformedNotebook(line: next, message: "the output block opened here is never closed")
      }
      output = next..<(end + 1)
    } else if next < lines.count, lines[next].trimmingCharacters(in: .whitespaces) == NotebookOutput.markdownStart {
      guard let end = ((next + 1)..<lines.count).first(where: { lines[$0].trimmingCharacters(in: .whitespaces) == NotebookOutput.markdownEnd }) else {
        throw MalformedNotebook(line: next, message: "the output block opened here has no \(NotebookOutput.markdownEnd)")
      }
      output = next..<(end + 1)
    }
    blocks.append(CommandBlock(line: index, commands: commands, closingLine: close, output: output))
    index = output?.upperBound ?? close + 1
  }
  return blocks
}
