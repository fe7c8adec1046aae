import Foundation
import TestSupport
import Testing

/// Data problems are named as data problems (file, row, column, the fix), and options take what
/// their help shows.
@Suite("Clear messages for data problems", .serialized)
struct HardeningMessageTests {
  @Test("fit: a cut-off at the end of the calendar and won amounts of 1e308 are data problems, not bugs")
  func fitMessages() throws {
    let directory = try scratchFolder("messages")
    defer { try? FileManager.default.removeItem(at: directory) }
    let data = directory.appendingPathComponent("d")
    try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("data/crm-sales-opportunities"), to: data)
    let fit = ["fit", "d/sales_pipeline.csv", "--map", "d/mapping.yaml", "--quiet"]
    let late = try runCCCM(fit + ["--until", "2999-12-31"], in: directory)
    #expect(late.status == 64 && late.err.contains("scenario dates end on 2999-12-31") && !late.err.contains("bug"), "\(late.err)")
    let csv = try String(contentsOf: data.appendingPathComponent("sales_pipeline.csv"), encoding: .utf8)
    let huge = csv.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { index, line in
      index == 1 ? line.split(separator: ",", omittingEmptySubsequences: false).dropLast().joined(separator: ",") + ",1e308" : String(line)
    }.joined(separator: "\n")
    try Data(huge.utf8).write(to: data.appendingPathComponent("huge.csv"))
    let result = try runCCCM(["fit", "d/huge.csv", "--map", "d/mapping.yaml", "--quiet", "--until", "2017-06-30"], in: directory)
    #expect(result.status == 9, "\(result.err)")
    #expect(result.err.contains("huge.csv: row 2, column close_value (H): error: 1e308 is larger than any deal"), "\(result.err)")
    #expect(!result.err.contains("bug"))
  }

  @Test("--metrics takes a comma list, as its help shows")
  func metricsCommaList() throws {
    let compare = try runCCCM([
      "compare", "scenarios/northwind/baseline.yaml", "scenarios/northwind/variants/presales-plus-2.yaml", "-r", "2", "-q", "--metrics", "bookings,cost", "--format", "csv",
    ])
    #expect(compare.status == 0, "\(compare.err)")
    let spaced = try runCCCM([
      "compare", "scenarios/northwind/baseline.yaml", "scenarios/northwind/variants/presales-plus-2.yaml", "-r", "2", "-q", "--metrics", "bookings", "cost", "--format", "csv",
    ])
    #expect(compare.out == spaced.out)
  }
}

@Suite("Byte limits on inputs", .serialized)
struct HardeningLimitTests {
  /// A sparse file of `bytes` (nothing is written: the size alone is refused).
  func sparse(_ url: URL, bytes: Int) throws {
    #expect(FileManager.default.createFile(atPath: url.path, contents: nil))
    #expect(truncate(url.path, off_t(bytes)) == 0)
  }

  @Test("a joined table, a notebook and a mapping over their limits are refused with the size, the limit and what to do, before reading")
  func sizes() throws {
    let directory = try scratchFolder("limits")
    defer { try? FileManager.default.removeItem(at: directory) }
    let data = directory.appendingPathComponent("d")
    try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("data/crm-sales-opportunities"), to: data)
    try FileManager.default.removeItem(at: data.appendingPathComponent("sales_teams.csv"))
    try sparse(data.appendingPathComponent("sales_teams.csv"), bytes: 300 << 20)
    let fit = try runCCCM(["fit", "d/sales_pipeline.csv", "--map", "d/mapping.yaml", "--until", "2017-06-30", "--quiet"], in: directory)
    #expect(fit.status != 0)
    #expect(fit.err.contains("sales_teams.csv") && fit.err.contains("it is 300 MB, more than the 256 MB a joined table may be; keep its key and mapped columns only"), "\(fit.err)")
    try sparse(directory.appendingPathComponent("big.md"), bytes: 17 << 20)
    let notebook = try runCCCM(["notebook", "check", "big.md"], in: directory)
    #expect(notebook.status == 2 && notebook.err.contains("it is 17 MB, more than the 16 MB a notebook may be"), "\(notebook.err)")
    try sparse(directory.appendingPathComponent("m.yaml"), bytes: 20 << 20)
    let mapping = try runCCCM(["fit", "d/sales_pipeline.csv", "--map", "m.yaml", "--until", "2017-06-30", "--quiet"], in: directory)
    #expect(mapping.err.contains("it is 20 MB, more than the 16 MB a mapping file may be"), "\(mapping.err)")
  }

  @Test("an export field longer than a megabyte (an unclosed quote) is refused at its row, without reading it whole")
  func longField() throws {
    let directory = try scratchFolder("limits")
    defer { try? FileManager.default.removeItem(at: directory) }
    let data = directory.appendingPathComponent("d")
    try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("data/crm-sales-opportunities"), to: data)
    let csv = try String(contentsOf: data.appendingPathComponent("sales_pipeline.csv"), encoding: .utf8)
    let lines = csv.split(separator: "\n").prefix(4).map(String.init)
    let long = lines.joined(separator: "\n") + "\nX1,\"" + String(repeating: "a", count: 2 << 20) + "\n"
    try Data(long.utf8).write(to: data.appendingPathComponent("long.csv"))
    let result = try runCCCM(["fit", "d/long.csv", "--map", "d/mapping.yaml", "--until", "2017-06-30", "--quiet"], in: directory)
    #expect(result.status == 9, "\(result.err)")
    #expect(result.err.contains("long.csv: row 5: error: a field is longer than 1,048,576 characters"), "\(result.err)")
  }
}
