import Foundation
import Testing
import TestSupport

@Suite("--format html and --charts on the commands")
struct ChartCommandTests {
  let scenario = "scenarios/bench/r1.yaml"

  @Test("run, sweep and sensitivity as HTML: what was run (hash, seed, replications, command), the summary, their charts; --charts writes the same charts")
  func pages() throws {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cccm-charts-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let cases: [([String], [String])] = [
      (["run", scenario, "-r", "4", "--seed", "7", "--by", "month"], ["distribution-contribution", "distribution-bookings", "fan-contribution-r1", "fan-bookings-r1"]),
      (["sweep", scenario, "--vary", "teams.Region-R01.reps=5..7", "-r", "4", "--seed", "7"], ["sweep-contribution", "marginal-contribution"]),
      (["sensitivity", scenario, "--vary", "teams.Region-R01.reps=5..7", "-r", "4", "--seed", "7"], ["tornado-contribution"]),
    ]
    for (arguments, expected) in cases {
      let directory = scratch.appendingPathComponent(arguments[0])
      let result = try runCCCM(arguments + ["--format", "html", "--charts", directory.path, "-q"])
      #expect(result.status == 0, "\(arguments): \(result.err)")
      let page = result.out
      #expect(page.hasPrefix("<!DOCTYPE html>"))
      #expect(page.contains("<tr><th>seed</th><td>7</td></tr>") && page.contains("<tr><th>replications</th><td>4</td></tr>"))
      #expect(page.contains("<code>cccm \(arguments.joined(separator: " "))"), "\(arguments): the command line is missing")
      #expect(page.range(of: "<td><code>[0-9a-f]{1,16}</code></td>", options: .regularExpression) != nil, "no scenario hash")
      #expect(!page.contains("http"))
      let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
      #expect(files == expected.map { $0 + ".svg" }.sorted(), "\(arguments): \(files)")
      for name in expected { #expect(page.contains("<figure id=\"\(name)\">"), "\(arguments): no figure \(name)") }
    }
  }

  @Test("--charts with a table: the table as before, and the charts written")
  func chartsWithTable() throws {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cccm-charts-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: scratch) }
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    let plain = try runCCCM(["run", scenario, "-r", "3", "-q"])
    let charted = try runCCCM(["run", scenario, "-r", "3", "-q", "--charts", scratch.appendingPathComponent("c").path])
    #expect(charted.status == 0 && charted.out == plain.out)
    #expect(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("c/distribution-contribution.svg").path))
  }

  @Test("--charts refused before any work (exit 2): a file, or a folder whose parent is missing")
  func refused() throws {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cccm-charts-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let file = scratch.appendingPathComponent("file")
    try Data("keep".utf8).write(to: file)
    let onFile = try runCCCM(["run", scenario, "-r", "3", "-q", "--charts", file.path])
    #expect(onFile.status == 2 && onFile.err.contains("--charts needs a directory"), "\(onFile.err)")
    #expect(try String(contentsOf: file, encoding: .utf8) == "keep")
    let orphan = try runCCCM(["compare", scenario, scenario, "-r", "3", "-q", "--charts", scratch.appendingPathComponent("no/such/dir").path])
    #expect(orphan.status == 2 && orphan.err.contains("no such directory"), "\(orphan.err)")
    #expect(orphan.out.isEmpty)
  }
}
