import Foundation
import TestSupport
import Testing

/// What a run implies is checked before it starts: days, opportunities, draws and memory.
@Suite("Workloads a run cannot finish are refused up front", .serialized)
struct WorkloadTests {
  static func write(_ text: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("cccm-workload-\(UUID().uuidString).yaml")
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url
  }

  static func r1(replacing old: String, with new: String) throws -> URL {
    let text = try String(contentsOf: repositoryRoot.appendingPathComponent("scenarios/bench/r1.yaml"), encoding: .utf8)
    #expect(text.contains(old), "r1.yaml no longer holds \(old)")
    return try write(text.replacingOccurrences(of: old, with: new))
  }

  @Test(
    "absurd horizons, arrival rates and Poisson means are invalid scenarios, with the figure",
    arguments: [
      ("horizon_days: 365", "horizon_days: 1e17", "cccm simulates at most 36,525 days"),
      ("warmup_days: 0", "warmup_days: 1e16", "cccm simulates at most 36,525 days"),
      ("accounts: 1095, opportunities_per_account_year: 1,", "accounts: 1095, opportunities_per_account_year: 1e308,", "opportunities"),
      ("accounts: 1095,", "accounts: 100000000000000,", "opportunities"),
      ("deal_size: {lognormal: {median: 50000, sigma: 0.8}}}", "deal_size: {poisson: {mean: 1e10}}}", "Poisson mean"),
    ])
  func refused(old: String, new: String, message: String) throws {
    let file = try Self.r1(replacing: old, with: new)
    defer { try? FileManager.default.removeItem(at: file) }
    let result = try runCCCM(["run", file.path, "-r", "2", "-q"])
    #expect(result.status == 1, "\(result.err)")
    #expect(result.err.contains(message), "\(result.err)")
  }

  /// A one-segment, one-team scenario: the segment's accounts and rate, the motion's stages (YAML
  /// flow entries) and the team's entry without its name.
  static func small(accounts: Int, perYear: Double, stages: [String], team: String) -> String {
    """
    name: small
    regions: [R]
    segments:
      - {name: S, tier: smb, region: R, accounts: \(accounts), opportunities_per_account_year: \(perYear), deal_size: 1000, motion: m}
    motions:
      - {name: m, stages: [\(stages.joined(separator: ", "))]}
    teams:
      - {name: T, kind: regional, \(team), covers: {region: R}}

    """
  }

  /// `cccm ARGUMENTS FILE` on `yaml` written to a temporary file.
  static func cccm(_ arguments: [String], on yaml: String) throws -> (status: Int32, err: String) {
    let file = try write(yaml)
    defer { try? FileManager.default.removeItem(at: file) }
    let result = try runCCCM(arguments.prefix(1) + [file.path] + arguments.dropFirst())
    return (result.status, result.err)
  }

  @Test("a replication of more events than the calendar numbers is refused, naming the motion")
  func events() throws {
    let stages = (0..<200).map { "{name: s\($0), days: 1, advance: 0.99}" }
    let result = try Self.cccm(["run", "-r", "2", "-q"], on: Self.small(accounts: 1_000_000, perYear: 30, stages: stages, team: "reps: 1"))
    #expect(result.status == 1, "\(result.err)")
    #expect(result.err.contains("motions.m.stages") && result.err.contains("events"), "\(result.err)")
  }

  @Test("slots counted with planned hires: a team of people beyond the limit only with its hires is refused")
  func hiresCountTowardSlots() throws {
    let team = "reps: 1, slots_per_rep: 16000000, hires: [{day: 0, reps: 2}]"
    let result = try Self.cccm(["validate"], on: Self.small(accounts: 1000, perYear: 1, stages: ["{name: a, days: 1, advance: 0.5}"], team: team))
    #expect(result.status == 1, "\(result.err)")
    #expect(result.err.contains("teams.T.reps") && result.err.contains("(reps + planned hires) x slots_per_rep = 48,000,000 slots"), "\(result.err)")
  }

  @Test("a large scenario within the limits (90 million opportunities a replication, one stage) is valid")
  func largeButWithinLimits() throws {
    let yaml = Self.small(accounts: 1_000_000, perYear: 90, stages: ["{name: a, days: 1, advance: 0.5}"], team: "reps: 1000, slots_per_rep: 100")
    let result = try Self.cccm(["validate"], on: yaml)
    #expect(result.status == 0, "\(result.err)")
  }

  @Test("a sequential comparison whose results would not fit in memory is refused before simulating, with the figure and the way out (run and compare keep statistics instead)")
  func memory() throws {
    var yaml = "name: wide\nregions: [R]\nsegments:\n"
    for i in 0..<2000 {
      yaml += "  - {name: S\(i), tier: smb, region: R, accounts: 1, opportunities_per_account_year: 0.01, deal_size: 1000, motion: m}\n"
    }
    yaml += "motions:\n  - {name: m, stages: [{name: a, days: 1, advance: 0.5}]}\nteams:\n  - {name: T, kind: regional, reps: 1, covers: {region: R}}\n"
    let file = try Self.write(yaml)
    defer { try? FileManager.default.removeItem(at: file) }
    // `compare --precision` keeps every replication's rows up to its maximum; `run` and `compare`
    // beyond their exact bound keep statistics, and are not refused.
    let result = try runCCCM(["compare", file.path, file.path, "-r", "1000000", "--precision", "1%", "--max-replications", "1000000", "-q"])
    #expect(result.status == 64, "\(result.err)")
    #expect(result.err.contains("of results, more than half of this machine's memory"), "\(result.err)")
    #expect(result.err.contains("run --first"))
  }

  @Test("compare's precision options are checked: a share in (0%, 100%), a maximum no smaller than the start", arguments: [
    ["--precision", "inf%"], ["--precision", "150%"], ["--precision", "0%"], ["--precision", "1%", "--max-replications", "5"],
    ["--max-replications", "-5", "--precision", "1%"],
  ])
  func precisionOptions(arguments: [String]) throws {
    let scenario = repositoryRoot.appendingPathComponent("scenarios/bench/r1.yaml").path
    let result = try runCCCM(["compare", scenario, scenario, "-r", "20", "-q"] + arguments)
    #expect(result.status == 64, "\(arguments): \(result.err)")
    #expect(result.err.contains("--precision") || result.err.contains("--max-replications"), "\(result.err)")
  }
}

@Suite("cccm sweep", .serialized)
struct SweepCommandTests {
  @Test("a sweep prints each point against the base, the marginal value per unit and the best point; bad factors are located")
  func sweep() throws {
    let scenario = repositoryRoot.appendingPathComponent("scenarios/bench/r1.yaml").path
    let result = try runCCCM(["sweep", scenario, "--vary", "teams.Region-R01.reps=4..6", "-r", "4", "-q"])
    #expect(result.status == 0, "\(result.err)")
    #expect(result.out.contains("Sweep of teams.Region-R01.reps over 3 points"))
    #expect(result.out.contains("Marginal contribution per unit"))
    #expect(result.out.contains("Best point by contribution"))
    let csv = try runCCCM(["sweep", scenario, "--vary", "teams.Region-R01.reps=4,5", "-r", "3", "-q", "--format", "csv"])
    #expect(csv.out.hasPrefix("point,metric,statistic,value\n"))
    let bad = try runCCCM(["sweep", scenario, "--vary", "teams.Region-R01.rep=4..5", "-r", "2", "-q"])
    #expect(bad.status == 1)
    #expect(bad.err.contains("--vary teams.Region-R01.rep=4..5") && bad.err.contains("reps"), "\(bad.err)")
    let range = try runCCCM(["sweep", scenario, "--vary", "teams.Region-R01.reps=6..4", "-r", "2", "-q"])
    #expect(range.status == 64, "\(range.err)")
  }
}

@Suite("cccm sensitivity", .serialized)
struct SensitivityCommandTests {
  @Test("a tornado sorts bars by swing; an identity factor's bar is exactly zero; bad ranges are refused")
  func tornado() throws {
    let scenario = repositoryRoot.appendingPathComponent("scenarios/bench/r1.yaml").path
    let result = try runCCCM([
      "sensitivity", scenario, "--vary", "replications=10..20", "--vary", "teams.Region-R01.reps=3..8", "-r", "4", "-q", "--format", "json",
    ])
    #expect(result.status == 0, "\(result.err)")
    let object = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
    let bars = try #require(object["bars"] as? [[String: Any]])
    #expect(bars.map { $0["factor"] as? String } == ["teams.Region-R01.reps", "replications"])
    let identity = try #require(bars.last)
    #expect(identity["swing"] as? Double == 0 && identity["ci95_low"] as? Double == 0 && identity["ci95_high"] as? Double == 0)
    #expect(try runCCCM(["sensitivity", scenario, "--vary", "teams.Region-R01.reps=8..3", "-r", "2", "-q"]).status == 64)
    #expect(try runCCCM(["sensitivity", scenario, "--vary", "teams.Region-R01.reps=3,8", "-r", "2", "-q"]).status == 64)
  }
}
