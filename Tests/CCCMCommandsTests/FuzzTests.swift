import ArgumentParser
import CoverageModel
import Experiments
import Foundation
import Reports
import ScenarioFiles
import Simulation
import TestSupport
import Testing

@testable import CCCMCommands

// A deterministic fuzz harness over the library entry points (docs/reliability.md): mutated
// scenario files, mutated variants (what-if changes), mutated saved results and mutated command
// lines. Every case must end in a documented way (exit 0, 1, 2 or 64), never a crash, and must
// leave its input files as they were. CCCM_FUZZ_CASES=N runs N cases (default 800), split among
// the families; CCCM_FUZZ_SEED=S changes the mutations; a failing case prints its family, number
// and input so that it can be replayed.

/// Mutations are chosen reproducibly with SplitMix64 (TestSupport).
typealias FuzzDice = SplitMix64

/// How one case ended, as the command line would exit.
enum FuzzOutcome: Hashable {
  case ok, invalid, unreadable, badCommandLine
  var status: Int32 {
    switch self {
    case .ok: 0
    case .invalid: 1
    case .unreadable: 2
    case .badCommandLine: 64
    }
  }
}

/// Extreme values that replace numbers and names.
let fuzzNumbers = [
  "0", "-1", "-0", "1e300", "-1e300", "1e-300", "nan", ".nan", ".inf", "-.inf", "inf", "99999999999999999999",
  "9007199254740993", "9223372036854775807", "-9223372036854775808", "18446744073709551616", "1e15", "0.5", "2",
  "1_000", "0x10", "1e309", "3.4028236e38", "5e-324", "16777215", "16777216", "1000000", "1000001",
]
let fuzzWords = [
  "", "~", "null", "true", "[]", "{}", "'unterminated", "\"\\e[31mred\"", "=HYPERLINK(\"x\")", "North", "West", "smb",
  "key", "fifo", "a: b", "- x", "&anchor x", "*anchor", "!!binary AAAA", "\"\\u202Eevil\"", String(repeating: "n", count: 300),
]

/// Mutates YAML text line by line.
func mutateText(_ text: String, dice: inout FuzzDice) -> String {
  var lines = text.components(separatedBy: "\n")
  for _ in 0..<(1 + dice.below(3)) where !lines.isEmpty {
    let index = dice.below(lines.count)
    switch dice.below(9) {
    case 0: lines.remove(at: index)
    case 1: lines.insert(lines[index], at: index)
    case 2:
      let other = dice.below(lines.count)
      lines.swapAt(index, other)
    case 3, 4:
      // A number on the line replaced by an extreme value.
      let line = lines[index]
      let numbers = line.ranges(of: /-?[0-9][0-9_.eE+-]*/)
      if let range = numbers.isEmpty ? nil : numbers[dice.below(numbers.count)] {
        lines[index] = line.replacingCharacters(in: range, with: dice.pick(fuzzNumbers))
      }
    case 5:
      // A value (after the last colon) replaced by a word.
      let line = lines[index]
      if let colon = line.lastIndex(of: ":") {
        lines[index] = String(line[...colon]) + " " + dice.pick(fuzzWords + fuzzNumbers)
      }
    case 6:
      // Random characters, control characters included, somewhere in the line.
      var line = Array(lines[index].unicodeScalars)
      let scalars: [Unicode.Scalar] = ["\u{0}", "\u{1}", "\u{1B}", "\t", "\r", "\u{7F}", "\u{85}", "\u{2028}", "\u{FEFF}", "{", "[", "]", "}", ":", "#", "\"", "'", "&", "*", "!", "|", ">", "%", "@", "`", "é", "\u{1F600}"]
      line.insert(dice.pick(scalars), at: dice.below(line.count + 1))
      lines[index] = String(String.UnicodeScalarView(line))
    case 7:
      // Indentation changed.
      lines[index] = dice.chance(percent: 50) ? "  " + lines[index] : String(lines[index].drop { $0 == " " })
    default:
      // Truncated here.
      lines.removeSubrange(index...)
    }
  }
  return lines.joined(separator: "\n")
}

/// Mutates bytes (invalid UTF-8, NUL, truncation).
func mutateBytes(_ data: Data, dice: inout FuzzDice) -> Data {
  var bytes = [UInt8](data)
  for _ in 0..<(1 + dice.below(4)) where !bytes.isEmpty {
    let index = dice.below(bytes.count)
    switch dice.below(4) {
    case 0: bytes[index] = UInt8(truncatingIfNeeded: dice.next())
    case 1: bytes.insert(dice.pick([0x00, 0xFF, 0xC3, 0x80, 0xED, 0xA0]), at: index)
    case 2: bytes.removeSubrange(index..<min(bytes.count, index + 1 + dice.below(64)))
    default: bytes.removeSubrange(index...)
    }
  }
  return Data(bytes)
}

/// A run small enough for a fuzz case: at most ~1,500 arrivals per replication (the horizon and
/// warm-up scaled down if needed), nil if the organisation is too large to set up quickly.
func boundedWorkload(_ scenario: Scenario) -> Scenario? {
  var s = scenario
  let capacity = s.teams.reduce(0.0) { $0 + Double($1.reps) * Double($1.slotsPerRep) } + s.pools.reduce(0.0) { $0 + Double($1.experts) }
  let accounts = s.segments.reduce(0.0) { $0 + Double($1.accounts) }
  guard capacity <= 200_000, accounts <= 10_000_000 else { return nil }
  let perDay = s.segments.reduce(0.0) { $0 + $1.arrivalsPerDay }
  let arrivals = perDay * (s.horizonDays + s.warmupDays)
  if arrivals.isFinite, arrivals > 1_500 {
    let factor = 1_500 / arrivals
    s.horizonDays *= factor
    s.warmupDays *= factor
  }
  guard arrivals.isFinite || perDay == 0 else { return nil }
  return s
}

/// Runs a loaded scenario for 2 replications and renders every report format.
func tinyRun(_ scenario: Scenario) {
  guard let bounded = boundedWorkload(scenario) else { return }
  let results = Simulator(scenario: bounded).run(replications: 2, seed: bounded.seed, threads: 1)
  let summary = RunSummary(results)
  for format in [OutputFormat.table, .markdown, .csv, .json] { _ = RunReport.render(summary, format: format) }
}

/// Loads a scenario file as `cccm validate` does, and runs it when valid.
func loadAndRun(path: String, run: Bool) -> FuzzOutcome {
  do {
    let scenario = try ScenarioLoader().load(path: path)
    if run { tinyRun(scenario) }
    return .ok
  } catch .invalid(let error) {
    #expect(!error.diagnostics.isEmpty)
    for line in error.description.split(separator: "\n") {
      // Diagnostics are short and carry no raw control character.
      #expect(line.count < 1_200, "\(line.prefix(200))")
      #expect(!line.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }, "\(line.prefix(200))")
    }
    return .invalid
  } catch {
    return .unreadable
  }
}

func sha(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

/// With CCCM_FUZZ_TRACE=FILE, each case is written there before it runs (the last one written
/// before a crash is its reproducer; scenario and variant inputs also stay in their directory).
func trace(_ text: @autoclosure () -> String) {
  guard let path = ProcessInfo.processInfo.environment["CCCM_FUZZ_TRACE"] else { return }
  let line = text() + "\n"
  if let handle = FileHandle(forWritingAtPath: path) ?? (FileManager.default.createFile(atPath: path, contents: nil) ? FileHandle(forWritingAtPath: path) : nil) {
    handle.seekToEndOfFile()
    handle.write(Data(line.utf8))
    try? handle.synchronize()
    try? handle.close()
  }
}

@Suite("Fuzzing the entry points", .serialized)
struct FuzzTests {
  static let cases: Int = ProcessInfo.processInfo.environment["CCCM_FUZZ_CASES"].flatMap { Int($0) } ?? 800
  static let seed: UInt64 = ProcessInfo.processInfo.environment["CCCM_FUZZ_SEED"].flatMap { UInt64($0) } ?? 20_261_129
  /// The default suite stops a family after this many seconds (documented; more with CCCM_FUZZ_CASES).
  static let secondsPerFamily: Double = ProcessInfo.processInfo.environment["CCCM_FUZZ_CASES"] == nil ? 14 : .infinity

  let root = repositoryRoot

  /// The source files every case reads, which must stay as they were.
  var sources: [String] {
    ["scenarios/northwind/baseline.yaml", "scenarios/bench/r1.yaml"].map { root.appendingPathComponent($0).path }
      + ((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("scenarios/northwind/variants").path)) ?? [])
      .filter { $0.hasSuffix(".yaml") }.sorted().map { root.appendingPathComponent("scenarios/northwind/variants/\($0)").path }
  }

  func report(_ family: String, _ outcomes: [FuzzOutcome: Int], _ count: Int, _ start: Date) {
    let summary = outcomes.sorted { $0.key.status < $1.key.status }.map { "exit \($0.key.status): \($0.value)" }.joined(separator: ", ")
    print("fuzz \(family): \(count) cases in \(String(format: "%.1f", Date().timeIntervalSince(start))) s (\(summary))")
  }

  @Test("mutated scenario files (Northwind, R1) validate or fail cleanly; valid ones run")
  func scenarioFiles() throws {
    let before = sources.map(sha)
    let directory = try scratchFolder("fuzz")
    defer { try? FileManager.default.removeItem(at: directory) }
    let texts = try ["scenarios/northwind/baseline.yaml", "scenarios/bench/r1.yaml"].map {
      try String(contentsOfFile: root.appendingPathComponent($0).path, encoding: .utf8)
    }
    var dice = SplitMix64(seed: Self.seed)
    var outcomes: [FuzzOutcome: Int] = [:]
    let start = Date()
    var count = 0
    for number in 0..<(Self.cases * 4 / 10) {
      guard Date().timeIntervalSince(start) < Self.secondsPerFamily else { break }
      let original = dice.pick(texts)
      let path = directory.appendingPathComponent("case-\(number).yaml").path
      let data: Data = dice.chance(percent: 15) ? mutateBytes(Data(original.utf8), dice: &dice) : Data(mutateText(original, dice: &dice).utf8)
      try data.write(to: URL(fileURLWithPath: path))
      trace("scenario \(number): \(path)")
      let outcome = loadAndRun(path: path, run: true)
      outcomes[outcome, default: 0] += 1
      #expect(outcome != .unreadable || String(data: data, encoding: .utf8) == nil, "case \(number): a readable file reported unreadable")
      #expect(sha(path) == data, "case \(number): the input changed")
      try? FileManager.default.removeItem(atPath: path)
      count += 1
    }
    report("scenario files", outcomes, count, start)
    #expect((outcomes[.invalid] ?? 0) > 0 && (outcomes[.ok] ?? 0) > 0)
    #expect(sources.map(sha) == before, "a source file changed")
  }

  @Test("mutated variants (extends and what-if changes) validate or fail cleanly; valid ones run")
  func variants() throws {
    let before = sources.map(sha)
    let directory = try scratchFolder("fuzz")
    defer { try? FileManager.default.removeItem(at: directory) }
    try FileManager.default.copyItem(atPath: root.appendingPathComponent("scenarios/northwind/baseline.yaml").path, toPath: directory.appendingPathComponent("baseline.yaml").path)
    let variants = try sources.filter { $0.contains("/variants/") }.map { try String(contentsOfFile: $0, encoding: .utf8).replacingOccurrences(of: "../baseline.yaml", with: "baseline.yaml") }
    var dice = SplitMix64(seed: Self.seed ^ 0x7661_7269_616E_7473)
    var outcomes: [FuzzOutcome: Int] = [:]
    let start = Date()
    var count = 0
    for number in 0..<(Self.cases * 3 / 10) {
      guard Date().timeIntervalSince(start) < Self.secondsPerFamily else { break }
      let text = mutateText(dice.pick(variants), dice: &dice)
      let path = directory.appendingPathComponent("variant-\(number).yaml").path
      let data = Data(text.utf8)
      try data.write(to: URL(fileURLWithPath: path))
      trace("variant \(number): \(path)")
      outcomes[loadAndRun(path: path, run: true), default: 0] += 1
      // Bytes, not strings: reading text back would drop a byte-order mark a mutation inserted.
      #expect(sha(path) == data, "variant \(number): the input changed")
      try? FileManager.default.removeItem(atPath: path)
      count += 1
    }
    report("variants", outcomes, count, start)
    #expect((outcomes[.invalid] ?? 0) > 0 && (outcomes[.ok] ?? 0) > 0)
    #expect(sources.map(sha) == before, "a source file changed")
  }

  @Test("mutated saved results load or are refused with exit 2; loaded ones summarise and compare")
  func savedResults() throws {
    let scenario = try ScenarioLoader().load(path: root.appendingPathComponent("scenarios/bench/r1.yaml").path)
    let results = Simulator(scenario: try #require(boundedWorkload(scenario))).run(replications: 2, seed: 1, threads: 1)
    let valid = try SavedResults(results: results, scenario: scenario, generator: "philox", version: "0.2.0").json()
    var dice = SplitMix64(seed: Self.seed ^ 0x7361_7665_64)
    var outcomes: [FuzzOutcome: Int] = [:]
    let start = Date()
    var count = 0
    let keys = ["format", "version", "scenario", "scenarioHash", "seed", "generator", "replications", "teams", "segments", "pools", "values"]
    let values: [Any] = [
      0, -1, 1, 2, 3, 1e300, -1e300, Double.nan, "nan", "inf", Int.max, Int.min, UInt64.max, "", "x", "randu", "ran1", [], ["a"],
      ["a", "a"], [1.0, 2.0], [String](repeating: "t", count: 3), [:] as [String: Any], NSNull(), 1 << 40, 1_000_000, 1_000_001,
    ]
    for _ in 0..<(Self.cases * 2 / 10) {
      guard Date().timeIntervalSince(start) < Self.secondsPerFamily else { break }
      var data: Data
      if dice.chance(percent: 30) {
        data = mutateBytes(Data(valid.utf8), dice: &dice)
      } else {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(valid.utf8)) as? [String: Any])
        for _ in 0..<(1 + dice.below(2)) {
          let key = dice.pick(keys)
          if dice.chance(percent: 15) { object[key] = nil } else { object[key] = dice.pick(values) }
        }
        data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data("{".utf8)
      }
      trace("saved \(count): \(data.base64EncodedString())")
      let outcome: FuzzOutcome
      do {
        let saved = try SavedResults.decode(data)
        let summary = RunSummary(saved.results)
        for format in [OutputFormat.table, .csv, .json, .markdown] { _ = RunReport.render(summary, format: format) }
        let comparison = Comparison(baseline: saved.results, variants: [saved.results], metrics: Comparison.defaultMetrics, objective: Objective("bookings"), teams: true)
        _ = ComparisonReport.render(comparison, format: .table, verbose: true, note: nil, colour: false, layout: .automatic)
        outcome = .ok
      } catch {
        outcome = .unreadable
      }
      outcomes[outcome, default: 0] += 1
      count += 1
    }
    report("saved results", outcomes, count, start)
    #expect((outcomes[.unreadable] ?? 0) > 0)
  }

  @Test("mutated command lines parse to a command or exit 64 (0 for help and version)")
  func commandLines() throws {
    var dice = SplitMix64(seed: Self.seed ^ 0x636C_69)
    let subcommands = ["validate", "show", "diff", "run", "compare", "bench", "notebook", "frobnicate", ""]
    let options = ["-r", "--replications", "--seed", "--threads", "--generator", "--format", "--save", "--precision", "--max-replications", "--metrics", "--objective", "--layout", "--from", "-q", "--quiet", "--teams", "-v", "--runs", "--memory", "--help", "--version", "--", "-"]
    let values = fuzzNumbers + fuzzWords + ["-5", "-0", "1%", "150%", "inf%", "0%", "mt19937", "ran1", "randu", "philox", "table", "csv", "json", "columns", "bookings", "scenarios/bench/r1.yaml", "/dev/null", "/nonexistent"]
    var outcomes: [FuzzOutcome: Int] = [:]
    let start = Date()
    var count = 0
    for number in 0..<(Self.cases / 10) {
      guard Date().timeIntervalSince(start) < Self.secondsPerFamily else { break }
      var arguments = [dice.pick(subcommands)].filter { !$0.isEmpty }
      if dice.chance(percent: 70) { arguments.append("scenarios/bench/r1.yaml") }
      for _ in 0..<dice.below(6) {
        arguments.append(dice.pick(options))
        if dice.chance(percent: 80) { arguments.append(dice.pick(values)) }
      }
      trace("command line \(number): \(arguments)")
      let status: Int32
      do {
        _ = try CCCM.parseAsRoot(arguments)
        status = 0
      } catch {
        status = CCCM.exitCode(for: error).rawValue
      }
      #expect([0, 64].contains(status), "command line \(number): \(arguments) gave \(status)")
      outcomes[status == 0 ? .ok : .badCommandLine, default: 0] += 1
      count += 1
    }
    report("command lines", outcomes, count, start)
    #expect((outcomes[.badCommandLine] ?? 0) > 0 && (outcomes[.ok] ?? 0) > 0)
  }
}
