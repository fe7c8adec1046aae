import ArgumentParser
import CCCMSupport
import Experiments
import Foundation
import Simulation
import TestSupport
import Testing

@testable import CCCMCommands

// Fuzz families of the second hardening round (docs/reliability.md), run in-process: notebook
// argument spellings, numeric extremes on numeric options and --vary specs, output-path shapes,
// edited result values and edited shard fields. CCCM_FUZZ_CASES scales them with FuzzTests.

/// Cases of one family: the default, or CCCM_FUZZ_CASES / 4 when it is set.
private let familyCases = ProcessInfo.processInfo.environment["CCCM_FUZZ_CASES"].flatMap { Int($0) }.map { max($0 / 4, 1) }
/// The default suite stops a family after this many seconds (parsing a command line costs a few
/// milliseconds in a debug build, more on a busy machine); none with CCCM_FUZZ_CASES.
private let secondsPerFamily: Double = familyCases == nil ? 8 : .infinity
private let fuzzSeed: UInt64 = ProcessInfo.processInfo.environment["CCCM_FUZZ_SEED"].flatMap { UInt64($0) } ?? 33

/// Numbers at the edges of what options and specs read.
private let extremes = [
  "0", "-0", "1", "-1", "2", "1e-300", "5e-324", "1e300", "-1e308", "1e308", "1e309", "nan", "inf", "-inf", "9223372036854775807",
  "9223372036854775808", "-9223372036854775808", "18446744073709551615", "18446744073709551616", "0.5", "1000000", "1000001", "1e15",
  "0x10", "1_000", "", "%", "1e-300%", "150%", "0.0000001%",
]

@Suite("Fuzz, second round: notebook spellings, numeric extremes, path shapes, edited results and shards")
struct HardeningFuzzTests {
  /// Whether a relative path, its `.` and `..` taken in turn, never climbs above its folder.
  static func staysInside(_ path: String) -> Bool {
    var depth = 0
    for component in path.split(separator: "/", omittingEmptySubsequences: true) {
      switch component {
      case ".": continue
      case "..":
        depth -= 1
        if depth < 0 { return false }
      default: depth += 1
      }
    }
    return true
  }

  @Test("notebook command lines however spelt: an accepted one names no path outside the project, and its charts go to the scratch folder only")
  func notebookSpellings() throws {
    let directory = try scratchFolder("hardening")
    defer { try? FileManager.default.removeItem(at: directory) }
    let runner = NotebookRunner(executable: cccmExecutable, notebook: directory.appendingPathComponent("nb.md").path)
    var dice = SplitMix64(seed: fuzzSeed)
    // "OUT" marks a path outside the project: no accepted command line may contain it.
    let paths = ["in.json", "sub/x.json", "c", "../OUT", "/tmp/OUT", "sub/../../OUT", "./../OUT.json", "-", "x"]
    let options = ["--save", "--save=", "-o", "-o=", "--output", "--output=", "--charts", "--charts=", "--map-out", "--map-out=", "--pipeline", "--pipeline=", "--map"]
    let plain = ["r1.yaml", "-r", "2", "-q", "--format", "csv", "--metrics", "wins", "--seed", "3", "--", "--replication", "1", "--until", "2024-01-01"]
    let subcommands = ["run", "compare", "merge", "fit", "export", "validate", "show", "sweep", "backtest", "notebook", "select"]
    var accepted = 0
    var cases = 0
    let start = Date()
    for _ in 0..<(familyCases ?? 1_500) where Date().timeIntervalSince(start) < secondsPerFamily {
      cases += 1
      var tokens = ["cccm", dice.pick(subcommands), "r1.yaml"]
      for _ in 0..<dice.int(1...5) {
        if dice.chance(percent: 60) {
          let option = dice.pick(options)
          let path = dice.pick(paths)
          if option.hasSuffix("=") { tokens.append(option + path) } else { tokens += [option, path] }
        } else {
          tokens.append(dice.pick(plain))
        }
      }
      let line = tokens.map { $0.isEmpty ? "''" : $0 }.joined(separator: " ")
      guard case .success(let arguments) = runner.arguments(of: line) else { continue }
      accepted += 1
      // A value the parser keeps naming OUT must be a relative name inside the folder (a file
      // called `--save=/tmp/OUT` after `--`); a value it drops (an option given again) is unused.
      if case .success(let parsed) = NotebookRunner.parse(arguments) {
        for value in parsed.values.map(\.value) where value.contains("OUT") {
          // Judged by where it resolves, not by its spelling: `--map-out=./../OUT.json` after `--`
          // is a folder `--map-out=.`, then `..`: back inside the project.
          #expect(!value.hasPrefix("/") && Self.staysInside(value), "accepted: \(line) as \(parsed.values)")
        }
      }
      #expect(arguments.first != "notebook", "accepted: \(line)")
      if case .success(let parsed) = NotebookRunner.parse(arguments), parsed.value(of: "charts") != nil {
        let redirected = NotebookRunner.redirectingCharts(arguments, to: "/scratch")
        if case .success(let again) = NotebookRunner.parse(redirected) {
          #expect(again.values.filter { $0.option == "charts" }.allSatisfy { $0.value == "/scratch" }, "\(line)")
        }
      }
    }
    // (How many are accepted depends on how many run in the time: no expectation on it.)
    print("fuzz notebook spellings: \(cases) cases, \(accepted) accepted")
  }

  @Test("numeric extremes on every numeric option parse or are refused with exit 64; --vary specs give at most 1,000 finite values or a reason")
  func numericExtremes() {
    var dice = SplitMix64(seed: fuzzSeed ^ 0x6E75_6D)
    let numeric: [(String, [String])] = [
      ("run", ["-r", "--seed", "--threads", "--first", "--replications"]), ("compare", ["-r", "--seed", "--precision", "--max-replications", "--wave", "--threads"]),
      ("select", ["--delta", "--first-stage", "--confidence", "-r", "--seed"]), ("allocate", ["--budget", "--delta", "--finalists"]),
      ("sweep", ["-r", "--seed"]), ("sensitivity", ["-r", "--seed", "--samples"]), ("export", ["--replication", "--seed"]), ("backtest", ["-r", "--seed", "--bootstrap"]),
      ("uncertainty", ["--sets", "-r", "--seed"]), ("bench", ["-r", "--threads"]),
    ]
    let cases = familyCases ?? 1_500
    var parsed = 0
    var lines = 0
    let start = Date()
    for _ in 0..<cases {
      let (subcommand, options) = dice.pick(numeric)
      var arguments = [subcommand, "r1.yaml"]
      if subcommand == "select" || subcommand == "compare" { arguments.append("r1.yaml") }
      for _ in 0..<dice.int(1...3) { arguments += [dice.pick(options), dice.pick(extremes)] }
      if Date().timeIntervalSince(start) < secondsPerFamily {
        lines += 1
        do {
          _ = try CCCM.parseAsRoot(arguments)
          parsed += 1
        } catch {
          let code = CCCM.exitCode(for: error).rawValue
          #expect(code == 64 || code == 0, "\(arguments): exit \(code)")
        }
      }
      // --vary as sweep and sensitivity read it.
      let spec = "teams.T.reps=" + dice.pick(extremes) + (dice.chance(percent: 70) ? ".." + dice.pick(extremes) : "," + dice.pick(extremes))
        + (dice.chance(percent: 50) ? ":" + dice.pick(extremes) : "")
      if case .success(let factor) = Sweep.factor(spec) {
        #expect(factor.values.count <= 1_000 && factor.values.allSatisfy(\.isFinite), "\(spec)")
      }
      if case .success(let factor) = Sweep.ends(spec) {
        #expect(factor.values.count == 2 && factor.values.allSatisfy(\.isFinite), "\(spec)")
      }
    }
    print("fuzz numeric extremes: \(lines) command lines (\(parsed) parsed) and \(cases) --vary specs")
  }

  @Test("output-path shapes: a path's folder is the path without its last component, never a trap")
  func pathShapes() {
    var dice = SplitMix64(seed: fuzzSeed ^ 0x7061_7468)
    let pieces = ["/", "//", ".", "..", "a", "x", "é", "-", " ", "name.json", "~", "\\", ":"]
    let cases = familyCases ?? 5_000
    for _ in 0..<cases {
      var path = ""
      for _ in 0..<dice.int(0...5) { path += dice.pick(pieces) }
      let folder = PathText.directory(of: path)
      let collapsed = path.replacing(/\/+/, with: "/")
      #expect(folder == "/" || collapsed.hasPrefix(folder), "\(path) -> \(folder)")
      #expect(folder == "/" || !folder.hasSuffix("/"), "\(path) -> \(folder)")
      // The folder has one component fewer than the path (NSString, compared in PathTextTests on
      // shapes it takes, traps on some of these shapes itself).
      var trimmed = Substring(collapsed)
      while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
      if trimmed.count > 1, let slash = trimmed.lastIndex(of: "/") {
        #expect(folder == (slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])), "\(path) -> \(folder)")
      } else {
        #expect(folder == (trimmed == "/" ? "/" : ""), "\(path) -> \(folder)")
      }
    }
    print("fuzz output-path shapes: \(cases) cases")
  }

  @Test("edited result values: a count, share, day or bookings value out of its domain is refused, never a trap; others load")
  func editedResultValues() throws {
    let layout = MetricLayout(teams: ["T", "U"], segments: ["S"], pools: ["P"], people: ["T"], months: ["2027-01", "2027-02"], quarters: ["2027-Q1"])
    let entries = layout.entries
    var dice = SplitMix64(seed: fuzzSeed ^ 0x7661_6C)
    let values: [Double] = [-1, -0.0, 0.5, 1, 1.5, 7, 1e308, -1e308, .infinity, -.infinity, .nan, 2.5, 1e-300, 3]
    let cases = familyCases ?? 1_500
    var refused = 0
    for _ in 0..<cases {
      var object: [String: Any] = [
        "format": "cccm-results/3", "version": "0.2.0", "scenario": "s", "scenarioHash": "abc123", "seed": 7, "generator": "philox",
        "firstReplication": 0, "replications": 2, "metrics": MetricLayout.scenarioMetrics, "teams": layout.teams, "segments": layout.segments,
        "pools": layout.pools, "people": layout.people, "months": layout.months, "quarters": layout.quarters,
      ]
      var row = (0..<(2 * layout.count)).map { Double($0 % 2) }
      let index = dice.below(row.count)
      let value = dice.pick(values)
      row[index] = value
      object["values"] = row.map { $0.isNaN ? "nan" as Any : $0.isInfinite ? ($0 > 0 ? "inf" : "-inf") as Any : $0 as Any }
      let data = try JSONSerialization.data(withJSONObject: object)
      let entry = entries[index % layout.count % entries.count]
      let descriptor = MetricDescriptor.named(entry.metric, group: entry.group)
      let isCount = descriptor?.formation == "count"
      // After the metrics, a ratio's denominator: at least 0.
      let isDenominator = index % layout.count >= layout.metricCount
      let outOfDomain =
        isDenominator ? value < 0
        : isCount ? !(value >= 0 && value.isFinite && value == value.rounded())
        : value < 0 && [.count, .rate, .days, .ratio].contains(descriptor?.unit) || (descriptor?.unit == .rate && value > 1 && entry.metric != "quota_attainment")
      do {
        _ = try SavedResults.decode(data)
        #expect(!outOfDomain, "\(entry.metric) \(value) accepted")
      } catch {
        refused += 1
        #expect(error.description.contains("values: replication"), "\(error.description)")
      }
    }
    print("fuzz edited result values: \(cases) cases, \(refused) refused")
  }

  @Test("edited shard fields: every edit of wave, replications, shard, first replication, seed or a value decodes or is refused, never a trap")
  func editedShardFields() throws {
    let directory = try scratchFolder("hardening")
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("w.json").path
    let base = repositoryRoot.appendingPathComponent("scenarios/bench/r1.yaml").path
    let run = try runCCCM(["compare", base, base, "--precision", "10%", "--max-replications", "8", "-r", "4", "--wave", "2", "--shard", "1/2", "--save", path, "-q"])
    #expect(run.status == 0, "\(run.err)")
    let valid = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
    var dice = SplitMix64(seed: fuzzSeed ^ 0x7368_6172)
    let numbers: [Any] = [0, -1, 1, 2, 3, Int.max, Int.min, 1 << 62, 1e300, "x", NSNull(), 1_000_000, 1_000_001]
    let cases = familyCases ?? 600
    var refused = 0
    for _ in 0..<cases {
      var object = valid
      switch dice.below(5) {
      case 0: object["wave"] = dice.pick(numbers)
      case 1: object["replications"] = dice.pick(numbers)
      case 2: object["shard"] = ["index": dice.pick(numbers), "count": dice.pick(numbers)]
      case 3:
        var report = object["report"] as? [String: Any] ?? [:]
        report["maxReplications"] = dice.pick(numbers)
        object["report"] = report
      default:
        var parts = object["parts"] as? [[String: Any]] ?? []
        if !parts.isEmpty, var results = parts[0]["results"] as? [String: Any] {
          results[dice.pick(["firstReplication", "replications", "seed"])] = dice.pick(numbers)
          parts[0]["results"] = results
          object["parts"] = parts
        }
      }
      guard let data = try? JSONSerialization.data(withJSONObject: object) else { continue }
      do {
        _ = try ShardFile.decode(data)
      } catch {
        refused += 1
      }
    }
    print("fuzz edited shard fields: \(cases) cases, \(refused) refused")
    #expect(refused > 0)
  }
}
