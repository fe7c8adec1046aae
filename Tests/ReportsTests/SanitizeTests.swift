import Testing

@testable import Reports

@Suite("Names made safe for reports")
struct SanitizeTests {
  @Test("CSV cells that a spreadsheet would run are neutralised; numbers are not")
  func csv() {
    #expect(Sanitize.csvField("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
    #expect(Sanitize.csvField("+cmd") == "'+cmd")
    #expect(Sanitize.csvField("-team") == "'-team")
    #expect(Sanitize.csvField("@SUM(A1)") == "'@SUM(A1)")
    #expect(Sanitize.csvField("-5") == "-5")
    #expect(Sanitize.csvField("+1.5e3") == "+1.5e3")
    #expect(Sanitize.csvField("North, West") == "\"North, West\"")
    #expect(Sanitize.csvField("two\nlines") == "two\\nlines")
  }

  @Test("a name with a newline, a pipe and an escape keeps a Markdown table and a terminal table whole")
  func tables() {
    var table = TextTable(header: ["team", "wins"])
    table.add(["Evil\n| injected | row |\u{1B}[31m", "3"])
    table.add(["North", "4"])
    let markdown = table.markdown()
    #expect(markdown.split(separator: "\n").count == 4)
    #expect(markdown.contains("Evil\\n\\| injected \\| row \\|\\u{1B}[31m"))
    let terminal = table.terminal()
    #expect(terminal.split(separator: "\n").count == 4)
    #expect(!terminal.unicodeScalars.contains("\u{1B}"))
  }
}
