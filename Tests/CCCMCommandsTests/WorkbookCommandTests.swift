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

  @Test("merge --xlsx writes the merged report's workbook; a shard as the workbook is refused with exit 2, and results files of one run (which merge into -o) with exit 64")
  func mergeWorkbook() throws {
    let folder = try scratchFolder("xlsx-merge")
    defer { try? FileManager.default.removeItem(at: folder) }
    let shards = (1...2).map { folder.appendingPathComponent("s\($0).json").path }
    for (index, shard) in shards.enumerated() {
      let saved = try runCCCM(["run", "scenarios/bench/r1.yaml", "-r", "4", "-q", "--shard", "\(index + 1)/2", "--save", shard])
      #expect(saved.status == 0, "\(saved.err)")
    }
    let book = folder.appendingPathComponent("merged.xlsx").path
    let ok = try runCCCM(["merge"] + shards + ["--xlsx", book])
    #expect(ok.status == 0, "\(ok.err)")
    #expect(try Data(contentsOf: URL(fileURLWithPath: book)).prefix(2) == Data("PK".utf8), "an xlsx file is a zip")

    let before = try Data(contentsOf: URL(fileURLWithPath: shards[0]))
    let input = try runCCCM(["merge"] + shards + ["--xlsx", shards[0]])
    #expect(input.status == 2)
    #expect(input.err.contains("input"), "\(input.err)")
    #expect(try Data(contentsOf: URL(fileURLWithPath: shards[0])) == before)

    let results = (0..<2).map { folder.appendingPathComponent("r\($0).json").path }
    for (index, file) in results.enumerated() {
      _ = try runCCCM(["run", "scenarios/bench/r1.yaml", "--first", "\(2 * index)", "-r", "2", "-q", "--save", file])
    }
    let refused = try runCCCM(["merge"] + results + ["-o", folder.appendingPathComponent("all.json").path, "--xlsx", book])
    #expect(refused.status == 64)
    #expect(refused.err.contains("--xlsx writes the report of merged shards"), "\(refused.err)")
  }
}

/// LibreOffice, the independent reader of the workbooks: $CCCM_SOFFICE, else soffice on PATH.
private let soffice: String? = {
  let environment = ProcessInfo.processInfo.environment
  if let given = environment["CCCM_SOFFICE"], FileManager.default.isExecutableFile(atPath: given) { return given }
  for directory in (environment["PATH"] ?? "/usr/bin").split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(directory)/soffice") {
    return "\(directory)/soffice"
  }
  return nil
}()

/// The first sheet of `book` as LibreOffice reads it, converted to CSV (rows of cells).
private func firstSheet(_ book: URL, scratch: URL) throws -> [[String]] {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: soffice ?? "soffice")
  process.arguments = ["-env:UserInstallation=file://\(scratch.path)/profile", "--headless", "--convert-to", "csv", "--outdir", scratch.path, book.path]
  process.standardOutput = FileHandle.nullDevice
  process.standardError = FileHandle.nullDevice
  try process.run()
  process.waitUntilExit()
  let csv = scratch.appendingPathComponent(book.deletingPathExtension().lastPathComponent + ".csv")
  let text = try String(contentsOf: csv, encoding: .utf8)
  // The cells cccm writes here hold no commas or quotes except the notes', which are quoted whole.
  return text.split(separator: "\n").map { line in
    var cells: [String] = []
    var cell = ""
    var quoted = false
    for ch in line {
      if ch == "\"" { quoted.toggle() } else if ch == ",", !quoted { cells.append(cell); cell = "" } else { cell.append(ch) }
    }
    return cells + [cell]
  }
}

@Suite("--xlsx read back by LibreOffice", .serialized, .enabled(if: soffice != nil))
struct WorkbookReadBackTests {
  @Test("compare's workbook opens on the decision: a row per design with the objective, its interval, the paired difference, significance and rank group")
  func compareDecision() throws {
    let folder = try scratchFolder("xlsx-decision")
    defer { try? FileManager.default.removeItem(at: folder) }
    let book = folder.appendingPathComponent("compare.xlsx")
    let arguments = ["compare", "scenarios/northwind/baseline.yaml", "scenarios/northwind/variants/split-west.yaml", "scenarios/northwind/variants/presales-plus-2.yaml", "-r", "4", "-q"]
    let run = try runCCCM(arguments + ["--xlsx", book.path])
    #expect(run.status == 0, "\(run.err)")
    let rows = try firstSheet(book, scratch: folder)
    let header = try #require(rows.firstIndex { $0.first == "design" })
    #expect(rows[header] == ["design", "contribution mean", "95% low", "95% high", "difference", "difference low", "difference high", "significant", "rank group"])
    #expect(rows[header + 1].first == "baseline" && rows[header + 1][7] == "baseline")
    #expect(rows[(header + 1)...(header + 3)].map { $0[0] } == ["baseline", "split-west", "presales-plus-2"])
    // Numbers are numbers: the difference read back is the JSON report's, to the digits LibreOffice writes.
    let json = try runCCCM(arguments + ["--format", "json"])
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
    let differences = try #require(object["differences"] as? [[String: Any]])
    let contribution = try #require(differences.first { ($0["scenario"] as? String) == "presales-plus-2" && ($0["metric"] as? String) == "contribution" })
    let mean = try #require(contribution["mean"] as? Double)
    let read = try #require(Double(rows[header + 3][4]))
    #expect(abs(read - mean) <= 1e-6 * abs(mean), "\(read) vs \(mean)")
    #expect(["yes", "no"].contains(rows[header + 3][7]))
    #expect(rows[header + 3][8].first?.isNumber == true)
  }

  @Test("merge --xlsx writes the workbook of the unsharded command: compare in three shards opens on the same decision sheet")
  func mergedDecision() throws {
    let folder = try scratchFolder("xlsx-merged-decision")
    defer { try? FileManager.default.removeItem(at: folder) }
    let arguments = ["compare", "scenarios/northwind/baseline.yaml", "scenarios/northwind/variants/split-west.yaml", "scenarios/northwind/variants/presales-plus-2.yaml", "-r", "6", "-q"]
    let whole = folder.appendingPathComponent("compare.xlsx")
    #expect(try runCCCM(arguments + ["--xlsx", whole.path]).status == 0)
    let shards = (1...3).map { folder.appendingPathComponent("s\($0).json").path }
    for (index, shard) in shards.enumerated() {
      let saved = try runCCCM(arguments + ["--shard", "\(index + 1)/3", "--save", shard])
      #expect(saved.status == 0, "\(saved.err)")
    }
    let merged = folder.appendingPathComponent("merged.xlsx")
    let run = try runCCCM(["merge"] + shards + ["--xlsx", merged.path])
    #expect(run.status == 0, "\(run.err)")
    let expected = try firstSheet(whole, scratch: folder)
    let rows = try firstSheet(merged, scratch: folder)
    // The title names the merge; from the decision table's header on, the sheets are the same.
    let header = try #require(expected.firstIndex { $0.first == "design" })
    let mergedHeader = try #require(rows.firstIndex { $0.first == "design" })
    #expect(Array(rows[mergedHeader...]) == Array(expected[header...]))
  }

  @Test("threshold's workbook opens on its what-would-have-to-be-true table; backtest, fit and territories write theirs")
  func thresholdAndOthers() throws {
    let folder = try scratchFolder("xlsx-others")
    defer { try? FileManager.default.removeItem(at: folder) }
    let base = try TwoTeams.write(busy: 6)
    let variant = base.replacingOccurrences(of: ".yaml", with: "-plus-1.yaml")
    try "extends: \(base)\nname: busy-plus-1\nchanges:\n  - resize: {team: Busy, by: 1}\n".write(toFile: variant, atomically: true, encoding: .utf8)
    defer { for file in [base, variant] { try? FileManager.default.removeItem(atPath: file) } }
    let book = folder.appendingPathComponent("threshold.xlsx")
    let run = try runCCCM([
      "threshold", base, variant, "--vary", "teams.Busy.cost_per_rep_year=0..300000", "--points", "4", "--resamples", "200", "-r", "10", "-q", "--xlsx", book.path,
    ])
    #expect(run.status == 0, "\(run.err)")
    let rows = try firstSheet(book, scratch: folder)
    let header = try #require(rows.firstIndex { $0.first == "parameter" })
    #expect(rows[header] == ["parameter", "low", "high", "threshold", "95% low", "95% high", "verdict", "varied in"])
    #expect(rows[header + 1][0] == "teams.Busy.cost_per_rep_year" && rows[header + 1][6] == "crosses")
    let threshold = try #require(Double(rows[header + 1][3]))
    #expect(threshold > 0 && threshold < 300_000)

    let data = "data/crm-sales-opportunities"
    let commands: [(name: String, arguments: [String], header: String)] = [
      ("territories", ["territories", "scenarios/northwind/named/baseline.yaml"], "team"),
      ("fit", ["fit", "\(data)/sales_pipeline.csv", "--map", "\(data)/mapping.yaml", "--until", "2017-06-30"], ""),
      ("backtest", ["backtest", "\(data)/sales_pipeline.csv", "--map", "\(data)/mapping.yaml", "--until", "2017-06-30", "--through", "2017-08-31", "-r", "4"], "month"),
    ]
    for command in commands {
      let book = folder.appendingPathComponent("\(command.name).xlsx")
      let plain = try runCCCM(command.arguments)
      let run = try runCCCM(command.arguments + ["--xlsx", book.path])
      #expect(run.status == 0, "\(command.name): \(run.err)")
      #expect(run.out == plain.out, "\(command.name): --xlsx leaves the printed report as it is")
      let rows = try firstSheet(book, scratch: folder)
      #expect(rows.count > 2, "\(command.name): \(rows.count) rows")
      if !command.header.isEmpty { #expect(rows[0].first == command.header, "\(command.name): \(rows[0])") }
    }
  }
}

extension String {
  fileprivate var inRepository: String { repositoryRoot.appendingPathComponent(self).path }
}
