import Foundation
import Reports
import Testing

@testable import Workbook

@Suite("Excel workbooks")
struct WorkbookTests {
  /// A compare-like document: long rows of two scenarios, a table, a note and what was run.
  static func document(name: String = "baseline") -> ReportDocument {
    var doc = ReportDocument()
    doc.title = "cccm compare"
    doc.csvHeader = ["scenario", "metric", "statistic", "value"]
    doc.csvRows = [
      [.text(name), .text("bookings"), .text("mean"), .number(84_329_779.5)],
      [.text(name), .text("bookings"), .text("ci95_low"), .number(72_364_542.25)],
      [.text(name), .text("win_rate"), .text("mean"), .number(0.2514)],
      [.text("split-west"), .text("bookings"), .text("mean"), .number(84_163_108.75)],
      [.text("split-west"), .text("bookings"), .text("diff_mean"), .number(-166_670.5)],
      [.text("split-west"), .text("bookings"), .text("diff_relative"), .number(-0.002)],
      [.text("split-west"), .text("win_rate"), .text("mean"), .number(.nan)],
    ]
    var table = TextTable(header: ["metric", name, "split-west"])
    table.add(["bookings", "84.33M", "84.16M"])
    doc.add(.title("Summary"))
    doc.add(.table(table, coloured: false))
    doc.add(.text("Difference intervals are 95%.\n"))
    doc.provenance = Provenance(
      command: "cccm compare a.yaml b.yaml", version: "0.3", seed: 2026, replications: 10, generator: "philox",
      scenarios: [.init(name: name, file: "a.yaml", hash: "00ff")])
    return doc
  }

  /// The workbook's parts (an xlsx file is a zip of XML parts), read back with `unzip`.
  static func parts(_ data: Data) throws -> [String: String] {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cccm-workbook-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("w.xlsx")
    try data.write(to: file)
    let unzip = Process()
    unzip.executableURL = URL(fileURLWithPath: "/usr/bin/unzip")
    unzip.arguments = ["-q", file.path, "-d", folder.appendingPathComponent("parts").path]
    try unzip.run()
    unzip.waitUntilExit()
    #expect(unzip.terminationStatus == 0)
    var parts: [String: String] = [:]
    let root = folder.appendingPathComponent("parts")
    let walker = FileManager.default.enumerator(atPath: root.path)
    while let path = walker?.nextObject() as? String {
      if let text = try? String(contentsOf: root.appendingPathComponent(path), encoding: .utf8) { parts[path] = text }
    }
    return parts
  }

  @Test("long rows become one row per subject and a column per statistic, in the order they first appear; other rows stay as they are")
  func wide() {
    let doc = Self.document()
    let table = WorkbookLayout.wide(header: doc.csvHeader, rows: doc.csvRows)
    #expect(table.header == ["scenario", "metric", "mean", "ci95_low", "diff_mean", "diff_relative"])
    #expect(table.keyColumns == 2)
    #expect(table.rows.count == 4)
    #expect(table.rows[0] == [.text("baseline"), .text("bookings"), .number(84_329_779.5), .number(72_364_542.25), .empty, .empty])
    #expect(table.rows[2] == [.text("split-west"), .text("bookings"), .number(84_163_108.75), .empty, .number(-166_670.5), .number(-0.002)])
    let other = WorkbookLayout.wide(header: ["account", "team"], rows: [[.text("Acme"), .text("North")]])
    #expect(other.header == ["account", "team"] && other.rows == [[.text("Acme"), .text("North")]])
  }

  @Test("numbers are formatted by the metric's unit, relative changes and probabilities as percentages")
  func formats() {
    #expect(WorkbookLayout.numberPattern(metric: "bookings", statistic: "mean") == "#,##0")
    #expect(WorkbookLayout.numberPattern(metric: "win_rate", statistic: "mean") == "0.00%")
    #expect(WorkbookLayout.numberPattern(metric: "bookings", statistic: "diff_relative") == "0.0%")
    #expect(WorkbookLayout.numberPattern(metric: "teams.North.cycle_days_won", statistic: "mean") == "0.00")
    #expect(WorkbookLayout.numberPattern(metric: "efficiency", statistic: "mean") == "0.000")
    #expect(WorkbookLayout.numberPattern(metric: "effort.West.weeks_late_mean", statistic: "mean") == "0.00")
    #expect(WorkbookLayout.numberPattern(metric: "wins", statistic: "p_reach") == "0.0%")
  }

  @Test("cell text: control characters made visible, Excel's limit of 32,767 characters kept")
  func cellText() {
    #expect(!WorkbookLayout.cellText("West\u{1B}[31m\u{7}").unicodeScalars.contains { $0.value < 0x20 })
    let long = WorkbookLayout.cellText(String(repeating: "x", count: 40_000))
    #expect(long.count == ExcelWorkbook.cellLimit && long.hasSuffix("characters in a cell)"))
  }

  @Test("the workbook holds Table, Report, Data and About; numbers are numbers; text from inputs is never a formula; the same report gives the same bytes")
  func workbook() throws {
    let data = try ExcelWorkbook.bytes(Self.document(name: "=HYPERLINK(\"http://x\")"))
    let parts = try Self.parts(data)
    let workbook = try #require(parts["xl/workbook.xml"])
    for sheet in ["Table", "Report", "Data", "About"] { #expect(workbook.contains("name=\"\(sheet)\""), "sheet \(sheet)") }
    let table = try #require(parts["xl/worksheets/sheet1.xml"])
    #expect(table.contains("<v>84329779.5</v>"))
    #expect(table.contains("<v>-166670.5</v>"))
    // No cell anywhere holds a formula; the hostile name is a shared string.
    #expect(!parts.values.contains { $0.contains("<f>") })
    let strings = parts["xl/sharedStrings.xml"] ?? ""
    #expect(strings.contains("=HYPERLINK(\"http://x\")") || strings.contains("=HYPERLINK(&quot;http://x&quot;)"), "\(strings.prefix(400))")
    #expect(parts["xl/sharedStrings.xml"]?.contains("cccm compare a.yaml b.yaml") == true)
    // NaN is written as the report's "-", not as a number.
    #expect(!table.contains("nan") && !table.contains("NaN"))
    #expect(try ExcelWorkbook.bytes(Self.document(name: "=HYPERLINK(\"http://x\")")) == data)
  }

  @Test("a document with a decision opens on it: the Decision sheet first, its numbers numbers, its names text")
  func decisionFirst() throws {
    var document = Self.document(name: "=1+1")
    document.decision = DecisionTable(
      columns: [DecisionTable.Column("design"), DecisionTable.Column("contribution mean", metric: "contribution"), DecisionTable.Column("rank group")],
      rows: [[.text("=1+1"), .number(41_594_421.5), .text("1")], [.text("other"), .empty, .text("2=")]], note: "A note.")
    let parts = try Self.parts(try ExcelWorkbook.bytes(document))
    let workbook = try #require(parts["xl/workbook.xml"])
    let names = ["Decision", "Table", "Report", "Data", "About"].map { workbook.range(of: "name=\"\($0)\"")?.lowerBound }
    #expect(names.allSatisfy { $0 != nil })
    #expect(names.compactMap { $0 } == names.compactMap { $0 }.sorted())
    let decision = try #require(parts["xl/worksheets/sheet1.xml"])
    #expect(decision.contains("<v>41594421.5</v>"))
    #expect(!decision.contains("<f>"))
  }
}
