import Foundation
import TestSupport
import Testing

/// `compare --from` beyond the exact bound reads saved results a block at a time into paired
/// statistics instead of holding every row: its report is the simulated comparison's.
@Suite("compare --from beyond the exact bound", .serialized)
struct CompareFromStreamedTests {
  @Test("saved runs of 10,001 replications by month compare as the same scenarios simulated beyond the bound, byte for byte; an edited value is refused with decode's message (exit 2)")
  func savedAsSimulated() throws {
    let folder = try scratchFolder("compare-from-streamed")
    defer { try? FileManager.default.removeItem(at: folder) }
    // Ten days of arrivals a replication: 10,001 replications (beyond the bound of 10,000) stay quick.
    let scenarios = [6, 7].map { folder.appendingPathComponent("busy-\($0).yaml").path }
    for (path, busy) in zip(scenarios, [6, 7]) {
      try TwoTeams.yaml(busy: busy).replacingOccurrences(of: "horizon_days: 365", with: "horizon_days: 40").write(toFile: path, atomically: true, encoding: .utf8)
    }
    let saved = scenarios.map { $0.replacingOccurrences(of: ".yaml", with: ".json") }
    for (scenario, file) in zip(scenarios, saved) {
      let run = try runCCCM(["run", scenario, "-r", "10001", "--by", "month", "-q", "--save", file])
      #expect(run.status == 0, "\(run.err)")
    }
    // Saved by month, compared by month (the cumulative tables and break-even from moments too).
    for options in [["--teams"], ["--target", "wins>=150"], ["--format", "json"]].map({ $0 + ["--by", "month"] }) {
      let simulated = try runCCCM(["compare"] + scenarios + ["-r", "10001", "-q"] + options)
      let read = try runCCCM(["compare", "--from"] + saved + options)
      #expect(simulated.status == 0 && read.status == 0, "\(read.err)")
      #expect(read.out == simulated.out)
      #expect(read.out.contains("Beyond the exact bound of 10000 replications"), "\(options)")
    }

    var text = try String(contentsOfFile: saved[1], encoding: .utf8)
    let start = try #require(text.range(of: "\"values\":["))
    let first = try #require(text[start.upperBound...].firstIndex(of: ","))
    text.replaceSubrange(start.upperBound..<first, with: "-5")
    try text.write(toFile: saved[1], atomically: true, encoding: .utf8)
    let damaged = try runCCCM(["compare", "--from"] + saved)
    #expect(damaged.status == 2)
    #expect(damaged.err.contains("busy-7.json: error: the results file is damaged or was edited: values: replication 0 gives arrivals -5"), "\(damaged.err)")
  }
}
