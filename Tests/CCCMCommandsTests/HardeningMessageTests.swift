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
