import Foundation
import Reports
import TestSupport
import Testing



private func run(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) { try runCCCM(arguments) }

@Suite("The cccm command", .serialized)
struct CommandLineTests {
  @Test("exit statuses: 0 valid, 1 invalid scenario, 64 bad command line, 2 unreadable file")
  func exitStatuses() throws {
    #expect(try run(["validate", "scenarios/northwind/baseline.yaml"]).status == 0)
    let invalid = try run(["validate", "Tests/ScenarioFilesTests/Invalid/unknown-motion.yaml"])
    #expect(invalid.status == 1)
    #expect(invalid.err.contains("unknown-motion.yaml:16:70: error: teams.North.motion: no motion \"smbb\"; did you mean \"smb\"?"))
    #expect(try run(["run", "scenarios/bench/r1.yaml", "--replications", "1"]).status == 64)
    #expect(try run(["frobnicate"]).status == 64)
    #expect(try run(["validate", "no/such/file.yaml"]).status == 2)
  }

  @Test("every invalid file under Tests exits 1 from `validate`")
  func invalidFilesExitOne() throws {
    let directory = repositoryRoot.appendingPathComponent("Tests/ScenarioFilesTests/Invalid")
    let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".yaml") }
    #expect(files.count >= 30)
    for file in files {
      #expect(try run(["validate", "Tests/ScenarioFilesTests/Invalid/\(file)"]).status == 1, "\(file)")
    }
  }

  @Test("a variant identical to the baseline differs by exactly 0 with zero width; fewer experts wait significantly longer")
  func compareDifferences() throws {
    let result = try run([
      "compare", "scenarios/northwind/baseline.yaml", "scenarios/northwind/variants/presales-fifo.yaml",
      "Tests/CCCMCommandsTests/Fixtures/baseline-copy.yaml", "scenarios/northwind/variants/presales-minus-2.yaml",
      "-r", "10", "--format", "json", "--metrics", "bookings", "presales_wait_mean",
    ])
    #expect(result.status == 0, "\(result.err)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
    let differences = try #require(object["differences"] as? [[String: Any]])
    let copy = differences.filter { $0["scenario"] as? String == "baseline-copy" }
    #expect(copy.count == 2)
    for d in copy {
      #expect(d["mean"] as? Double == 0)
      #expect(d["ci_low"] as? Double == 0)
      #expect(d["ci_high"] as? Double == 0)
      #expect(d["ci_level"] as? Double == 0.95, "not the objective: unadjusted")
    }
    let fewer = try #require(differences.first { $0["scenario"] as? String == "presales-minus-2" && $0["metric"] as? String == "presales_wait_mean" })
    #expect((fewer["ci_low"] as? Double ?? 0) > 0)
    let family = try #require(object["family"] as? [String: Any])
    #expect((family["ci_level"] as? Double).map { abs($0 - (1 - 0.05 / 3)) < 1e-12 } == true)
    #expect(family["adjustment"] as? String == "bonferroni" && family["metric"] as? String == "contribution")
  }

  @Test("CSV, JSON and the table carry the same numbers")
  func formatsAgree() throws {
    let arguments = ["compare", "scenarios/northwind/baseline.yaml", "scenarios/northwind/variants/presales-plus-2.yaml", "-r", "6", "--metrics", "bookings", "wins"]
    let json = try run(arguments + ["--format", "json"])
    let csv = try run(arguments + ["--format", "csv"])
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
    let differences = try #require(object["differences"] as? [[String: Any]])
    let rows = csv.out.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
    for d in differences {
      let metric = try #require(d["metric"] as? String)
      let row = try #require(rows.first { $0[0] == "presales-plus-2" && $0[1] == metric && $0[2] == "diff_mean" })
      #expect(Double(row[3]) == d["mean"] as? Double)
    }
    #expect(rows.count == 2 * 2 * 3 + 2 * 6)
    // The table shows the same differences, formatted for people, in either layout: in columns on
    // the line under the metric's means, in rows on the variant's row.
    let columns = try run(arguments + ["--format", "table", "--layout", "columns"]).out.split(separator: "\n")
    let rowLines = try run(arguments + ["--format", "table", "--layout", "rows"]).out.split(separator: "\n")
    for d in differences {
      let metric = try #require(d["metric"] as? String)
      let unit = MetricUnit(metric: metric)
      let mean = unit.formatDifference(try #require(d["mean"] as? Double))
      let interval = "[\(unit.formatDifference(try #require(d["ci_low"] as? Double))), \(unit.formatDifference(try #require(d["ci_high"] as? Double)))]"
      let start = try #require(columns.firstIndex { $0.hasPrefix(metric + " ") })
      let under = columns[start + 1]
      #expect(under.contains("diff") && under.contains(mean + " " + interval), "\(under)")
      let rowStart = try #require(rowLines.firstIndex { $0.hasPrefix(metric + " ") })
      let row = try #require(rowLines[rowStart...].first { $0.contains("presales-plus-2") })
      #expect(row.contains(mean) && row.contains(interval), "\(row)")
    }
  }

  @Test("--precision stops where it says: at the target, or at --max-replications")
  func precision() throws {
    let base = ["compare", "scenarios/bench/r1.yaml", "Tests/CCCMCommandsTests/Fixtures/r1-fewer-experts.yaml", "-r", "4", "--metrics", "bookings"]
    let loose = try run(base + ["--precision", "20%"])
    #expect(loose.out.contains("Precision reached"))
    // The reported half-width is within the target, and the JSON's interval agrees with it.
    let share = try #require(loose.out.firstMatch(of: /is ([0-9.]+)% of the baseline mean/).flatMap { Double($0.1) })
    #expect(share <= 20)
    let json = try run(base + ["--precision", "20%", "--format", "json"])
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
    let d = try #require((object["differences"] as? [[String: Any]])?.first)
    let baselineMean = try #require(((object["scenarios"] as? [[String: Any]])?.first?["metrics"] as? [String: Any]).flatMap { ($0["bookings"] as? [String: Any])?["mean"] as? Double })
    let half = ((d["ci_high"] as? Double ?? 0) - (d["ci_low"] as? Double ?? 0)) / 2
    #expect(half <= 0.2 * abs(baselineMean))
    let strict = try run(base + ["--precision", "0.01%", "--max-replications", "8"])
    #expect(strict.out.contains("Precision NOT reached: stopped at --max-replications 8"))
  }

  @Test("run --save then compare --from reproduces the simulated comparison; mismatched seeds are refused")
  func savedResults() throws {
    let directory = try scratchFolder("saved")
    defer { try? FileManager.default.removeItem(at: directory) }
    let a = directory.appendingPathComponent("a.json").path
    let b = directory.appendingPathComponent("b.json").path
    let c = directory.appendingPathComponent("c.json").path
    #expect(try run(["run", "scenarios/bench/r1.yaml", "-r", "4", "--save", a, "--format", "csv"]).status == 0)
    #expect(try run(["run", "Tests/CCCMCommandsTests/Fixtures/r1-fewer-experts.yaml", "-r", "4", "--save", b, "--format", "csv"]).status == 0)
    #expect(try run(["run", "Tests/CCCMCommandsTests/Fixtures/r1-fewer-experts.yaml", "-r", "4", "--seed", "9", "--save", c, "--format", "csv"]).status == 0)
    let fromSaved = try run(["compare", "--from", a, b, "--format", "csv"])
    let simulated = try run(["compare", "scenarios/bench/r1.yaml", "Tests/CCCMCommandsTests/Fixtures/r1-fewer-experts.yaml", "-r", "4", "--format", "csv"])
    #expect(fromSaved.status == 0)
    #expect(fromSaved.out == simulated.out)
    let refused = try run(["compare", "--from", a, c])
    #expect(refused.status == 2)
    #expect(refused.err.contains("paired comparisons need the same seed"))
  }

  @Test("bench works at a tiny size: rates for each thread count and the scaling")
  func bench() throws {
    let result = try run(["bench", "--replications", "4", "--runs", "1", "--threads", "1", "2"])
    #expect(result.status == 0, "\(result.err)")
    let rate = { (label: String) -> Double? in
      result.out.split(separator: "\n").first { $0.hasPrefix(label) }
        .flatMap { $0.firstMatch(of: /([0-9]+) opportunities\/s/).flatMap { Double($0.1) } }
    }
    #expect((rate("1 thread:") ?? 0) > 0 && (rate("2 threads:") ?? 0) > 0, "\(result.out)")
    #expect(result.out.contains("scaling:"))
    for bad in ["--replications=-5", "--runs=0", "--threads=0", "--pairs=0", "--reference=scenarios/bench/r1.yaml", "--reference=no/such/program"] {
      #expect(try run(["bench", bad]).status == 64, "\(bad)")
    }
    let notProgram = try run(["bench", "--reference", "scenarios/bench/r1.yaml"])
    #expect(notProgram.err.contains("is not an executable file") && notProgram.err.contains("cc -O2"), "\(notProgram.err)")
  }

  @Test("every notebook's stored outputs match a fresh run")
  func notebooksAreCurrent() throws {
    let notebooks = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("notebooks-md").path)
      .filter { $0.hasSuffix(".md") }.sorted().map { "notebooks-md/\($0)" }
    #expect(notebooks.count >= 3)
    // The notebooks name the scenarios in ../scenarios, outside their folder.
    let result = try run(["notebook", "check"] + notebooks)
    #expect(result.status == 0, "\(result.err)")
  }
}
