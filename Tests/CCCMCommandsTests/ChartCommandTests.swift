import Foundation
import Testing
import TestSupport

@Suite("--format html and --charts on the commands")
struct ChartCommandTests {
  let scenario = "scenarios/bench/r1.yaml"

  @Test("run, sweep and sensitivity as HTML: what was run (hash, seed, replications, command), the summary, their charts; --charts writes the same charts")
  func pages() throws {
    let scratch = try scratchFolder("charts")
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

  @Test("select, Morris, Sobol, uncertainty and allocate as HTML: what was run, the report, their charts; --charts writes the same charts")
  func explorePages() throws {
    let scratch = try scratchFolder("charts")
    defer { try? FileManager.default.removeItem(at: scratch) }
    let uncertain = "scenarios/northwind/uncertain.yaml"
    let cases: [([String], [String])] = [
      (
        ["select", scenario, scenario, "--delta", "1%", "--first-stage", "5", "-r", "10", "--seed", "7"],
        ["select-contribution", "select-contribution-paired", "select-replications"]
      ),
      (["sensitivity", scenario, "--method", "morris", "--trajectories", "2", "--vary", "teams.Region-R01.reps=5..7", "-r", "2", "--seed", "7"], ["morris-contribution"]),
      (
        ["sensitivity", scenario, "--method", "sobol", "--samples", "8", "--bootstrap", "100", "--vary", "teams.Region-R01.reps=5..7", "-r", "2", "--seed", "7"],
        ["sobol-contribution"]
      ),
      (["uncertainty", uncertain, "--outer", "2", "--inner", "2", "--seed", "7"], ["uncertainty-contribution"]),
      (
        ["allocate", scenario, "--budget", "1", "--over", "teams.Region-R01.reps,teams.Region-R02.reps", "--finalists", "2", "-r", "2", "--seed", "7"],
        ["allocation-contribution", "finalists-select-contribution", "finalists-select-contribution-paired", "finalists-select-replications"]
      ),
    ]
    for (arguments, expected) in cases {
      let directory = scratch.appendingPathComponent(arguments[0] + "-" + expected[0])
      let result = try runCCCM(arguments + ["--format", "html", "--charts", directory.path, "-q"])
      #expect(result.status == 0, "\(arguments): \(result.err)")
      let page = result.out
      #expect(page.hasPrefix("<!DOCTYPE html>") && page.contains("<h2>What was run</h2>") && page.contains("<tr><th>seed</th><td>7</td></tr>"), "\(arguments)")
      #expect(page.contains("<code>cccm \(arguments.joined(separator: " "))"), "\(arguments): the command line is missing")
      #expect(page.range(of: "<td><code>[0-9a-f]{1,16}</code></td>", options: .regularExpression) != nil, "no scenario hash")
      #expect(!page.contains("http"))
      let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
      #expect(files == expected.map { $0 + ".svg" }.sorted(), "\(arguments): \(files)")
      for name in expected {
        #expect(page.contains("<figure id=\"\(name)\">"), "\(arguments): no figure \(name)")
        // The file is the page's chart, standalone.
        let svg = try String(contentsOf: directory.appendingPathComponent(name + ".svg"), encoding: .utf8)
        #expect(page.contains(svg.replacingOccurrences(of: " xmlns=\"http://www.w3.org/2000/svg\"", with: "")), "\(name) differs from the page's chart")
      }
      // Without --format html or --charts, the report is what it was: text, no markup ("< x" is
      // uncertainty's upper bound, not a tag).
      let plain = try runCCCM(arguments + ["-q"])
      #expect(plain.status == 0 && plain.out.range(of: "<[A-Za-z/!]", options: .regularExpression) == nil && plain.out.count > 100, "\(arguments)")
    }
  }

  @Test("merge --format html: the merged command's page and charts, with every shard file, its seed and the replications it held")
  func mergePage() throws {
    let scratch = try scratchFolder("charts")
    defer { try? FileManager.default.removeItem(at: scratch) }
    var shards: [String] = []
    for i in 1...2 {
      let path = scratch.appendingPathComponent("s\(i).json").path
      let shard = try runCCCM(["compare", scenario, scenario, "-r", "4", "--seed", "9", "--shard", "\(i)/2", "--save", path, "-q"])
      #expect(shard.status == 0, "\(shard.err)")
      shards.append(path)
    }
    let charts = scratch.appendingPathComponent("charts")
    let merged = try runCCCM(["merge"] + shards + ["--format", "html", "--charts", charts.path])
    #expect(merged.status == 0, "\(merged.err)")
    let page = merged.out
    let whole = try runCCCM(["compare", scenario, scenario, "-r", "4", "--seed", "9", "--format", "html", "-q"])
    #expect(page.contains("<h3>Shards merged</h3>") && page.contains("2 shard files of cccm compare \(scenario) \(scenario)"))
    #expect(page.contains("<td>\(shards[0])</td><td>1/2</td><td>-</td><td>9</td><td>philox</td>") && page.contains("R1 0..&lt;4"), "\(page)")
    #expect(page.contains("<tr><th>seed</th><td>9</td></tr>") && page.contains("<tr><th>replications</th><td>4</td></tr>"))
    // The same charts as the unsharded command, bit for bit (the same replications).
    let figures = { (text: String) in text.components(separatedBy: "<h2>Charts</h2>").last ?? "" }
    #expect(figures(page) == figures(whole.out) && figures(page).contains("<figure id=\"forest\">"))
    let files = try FileManager.default.contentsOfDirectory(atPath: charts.path).sorted()
    #expect(files == ["distribution-contribution.svg", "forest.svg"], "\(files)")
  }

  @Test("fit --format html and --charts: the export, mapping and cut-off, the fitted scenario's hash, and the fit diagnostics")
  func fitPage() throws {
    let scratch = try scratchFolder("charts")
    defer { try? FileManager.default.removeItem(at: scratch) }
    let charts = scratch.appendingPathComponent("fit")
    let data = "data/crm-sales-opportunities"
    let result = try runCCCM([
      "fit", "\(data)/sales_pipeline.csv", "--map", "\(data)/mapping.yaml", "--until", "2017-06-30", "--format", "html", "--charts", charts.path,
    ])
    #expect(result.status == 0, "\(result.err)")
    let page = result.out
    #expect(page.contains("<tr><th>export</th><td><code>\(data)/sales_pipeline.csv</code></td></tr>") && page.contains("<tr><th>cut-off</th><td>2017-06-30</td></tr>"))
    // A 64-bit FNV-1a hash in hexadecimal, without leading zeros.
    #expect(page.range(of: "<td><code>[0-9a-f]{1,16}</code></td>", options: .regularExpression) != nil, "no hash of the fitted scenario")
    #expect(page.contains("<h3>Cycle times in days") && !page.contains("http"))
    let files = try FileManager.default.contentsOfDirectory(atPath: charts.path).sorted()
    // Arrivals, and for each of three offices its win cycle, loss cycle and deal size: CDF and P-P.
    var expected = ["fit-arrivals-by-month"]
    for office in ["central", "east", "west"] {
      for what in ["win-cycle", "loss-cycle", "deal-size"] { expected += ["fit-\(office)-\(what)-cdf", "fit-\(office)-\(what)-pp"] }
    }
    #expect(files == expected.map { $0 + ".svg" }.sorted(), "\(files)")
    for name in expected { #expect(page.contains("<figure id=\"\(name)\">"), "no figure \(name)") }
    #expect(page.contains("Aalen-Johansen CDF (open deals censored)"), "mid-year, open deals are censored")
    // The table formats are as before; --charts works with them too.
    let table = try runCCCM(["fit", "\(data)/sales_pipeline.csv", "--map", "\(data)/mapping.yaml", "--until", "2017-06-30", "--format", "markdown"])
    #expect(table.status == 0 && !table.out.contains("<svg"))
  }

  @Test("--charts with a table: the table as before, and the charts written")
  func chartsWithTable() throws {
    let scratch = try scratchFolder("charts")
    defer { try? FileManager.default.removeItem(at: scratch) }
    let plain = try runCCCM(["run", scenario, "-r", "3", "-q"])
    let charted = try runCCCM(["run", scenario, "-r", "3", "-q", "--charts", scratch.appendingPathComponent("c").path])
    #expect(charted.status == 0 && charted.out == plain.out)
    #expect(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("c/distribution-contribution.svg").path))
  }

  @Test("--charts refused before any work (exit 2): a file, or a folder whose parent is missing")
  func refused() throws {
    let scratch = try scratchFolder("charts")
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
