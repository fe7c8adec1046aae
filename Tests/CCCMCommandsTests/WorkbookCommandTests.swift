import Foundation
import TestSupport
import Testing

@Suite("--xlsx: the report as an Excel workbook")
struct WorkbookCommandTests {
  @Test("compare --xlsx writes a workbook beside its usual output; an input as the workbook, or a missing folder, is refused with exit 2 before any work")
  func compareWorkbook() throws {
    let folder = try scratchFolder("xlsx")
    defer { try? FileManager.default.removeItem(at: folder) }
    let book = folder.appendingPathComponent("decision.xlsx").path
    let ok = try runCCCM(["compare", "scenarios/northwind/baseline.yaml", "scenarios/northwind/variants/split-west.yaml", "-r", "3", "-q", "--xlsx", book])
    #expect(ok.status == 0, "\(ok.err)")
    #expect(ok.out.contains("Baseline baseline vs 1 variant"))
    let data = try Data(contentsOf: URL(fileURLWithPath: book))
    #expect(data.prefix(2) == Data("PK".utf8), "an xlsx file is a zip")

    let scenario = folder.appendingPathComponent("copy.yaml")
    try FileManager.default.copyItem(atPath: "scenarios/bench/r1.yaml".inRepository, toPath: scenario.path)
    let before = try Data(contentsOf: scenario)
    let input = try runCCCM(["run", scenario.path, "-r", "2", "-q", "--xlsx", scenario.path])
    #expect(input.status == 2)
    #expect(input.err.contains("input"), "\(input.err)")
    #expect(try Data(contentsOf: scenario) == before)

    let missing = try runCCCM(["run", "scenarios/bench/r1.yaml", "-r", "2", "-q", "--xlsx", folder.appendingPathComponent("no/such/book.xlsx").path])
    #expect(missing.status == 2)
    #expect(missing.err.contains("no such directory"), "\(missing.err)")
  }
}

extension String {
  fileprivate var inRepository: String { repositoryRoot.appendingPathComponent(self).path }
}
