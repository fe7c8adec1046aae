import CCCMSupport
import CoverageModel
import Estimation
import Foundation
import Randomness
import ScenarioFiles
import Simulation

/// Shard I of N (`--shard I/N`), counted from 1 as Playwright's `--shard=i/n` and a Slurm array
/// `--array=1-N` count; a Kubernetes Indexed Job's `JOB_COMPLETION_INDEX` (from 0) is shifted by one.
public struct Shard: Codable, Sendable, Hashable, CustomStringConvertible {
  public var index: Int
  public var count: Int

  /// The most shards a command may be split into.
  public static let maximumCount = 100_000

  public init(index: Int, count: Int) {
    self.index = index
    self.count = count
  }

  public var description: String { "\(index)/\(count)" }

  /// `I/N` with 1 <= I <= N <= 100,000; the reason otherwise.
  public static func parse(_ text: String) -> Result<Shard, ShardError> {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]), (1...maximumCount).contains(count), (1...count).contains(index) else {
      return .failure(ShardError("--shard must be I/N with 1 <= I <= N <= \(maximumCount) (shards count from 1, as Slurm's --array=1-N does), got \(Excerpt.quoted(text))"))
    }
    return .success(Shard(index: index, count: count))
  }

  /// The replications of each of `scenarios` scenarios this shard simulates, when a command runs
  /// `replications` of every scenario: the (scenario, replication) pairs, scenario by scenario, cut
  /// into `count` contiguous shares as equal as whole pairs allow. A range may be empty.
  public func ranges(scenarios: Int, replications: Range<Int>) -> [Range<Int>] {
    let width = replications.count
    let total = scenarios * width
    let low = (index - 1) * total / count
    let high = index * total / count
    return (0..<scenarios).map { s in
      let start = max(low, s * width) - s * width
      let end = min(high, (s + 1) * width) - s * width
      return start < end ? (replications.lowerBound + start)..<(replications.lowerBound + end) : replications.lowerBound..<replications.lowerBound
    }
  }
}

/// A command that can be split into shards (`--shard I/N`) and merged (`cccm merge`).
public enum ShardedCommand: String, Sendable, CaseIterable {
  case run, compare, sweep, sensitivity

  /// Whether the command keeps results by period when asked (`--by`): run and compare.
  public var keepsPeriods: Bool { self == .run || self == .compare }

  /// The scenarios a command of these report options runs: run one, compare two or more (the
  /// files given), sweep the base and every point of the grid, sensitivity the base and each
  /// factor's two ends; nil when a `--vary` does not read.
  public func scenarioCount(_ record: ReportRecord, given: Int) -> Int? {
    switch self {
    case .run: return 1
    case .compare: return max(2, given)
    case .sweep:
      let factors = record.vary.compactMap { try? Sweep.factor($0).get() }
      return factors.count == record.vary.count ? 1 + Sweep(factors: factors).grid.count : nil
    case .sensitivity:
      let factors = record.vary.compactMap { try? Sweep.ends($0).get() }
      return factors.count == record.vary.count ? 1 + 2 * factors.count : nil
    }
  }
}

/// What a command's report needs beyond the results: its report options as given. Merging
/// shards prints the report these describe, so `merge` prints what the unsharded command prints.
public struct ReportRecord: Codable, Sendable, Equatable {
  /// The output format (`--format`; `merge --format` overrides it).
  public var format: String = "table"
  /// `--by month|quarter` (run, compare).
  public var by: String?
  /// `--target` (run, compare).
  public var targets: [String] = []
  /// `--metrics` as given (compare, sweep).
  public var metrics: [String] = []
  /// `--objective` (compare, sweep, sensitivity).
  public var objective: String = "contribution"
  /// `objective` as an `Objective` (the default's when it names no metric, which `merge` refuses
  /// before reporting).
  public var parsedObjective: Objective { (try? Objective.parse(objective).get()) ?? .contribution }
  /// `--teams`, `--verbose`, `--layout` (compare).
  public var teams = false
  public var verbose = false
  public var layout: String = "auto"
  /// `--adjust` (compare): how the objective's intervals are adjusted for several variants; nil for Bonferroni.
  public var adjustment: String?
  public var parsedAdjustment: FamilyAdjustment { adjustment.flatMap(FamilyAdjustment.init(rawValue:)) ?? .bonferroni }
  /// `--vary` as given (sweep, sensitivity).
  public var vary: [String] = []
  /// `--precision` and `--max-replications` (compare).
  public var precision: String?
  public var maxReplications: Int?

  public init() {}
}

/// One shard's results (`--shard I/N --save FILE`): what the unsharded command was, and every
/// replication this shard simulated. Documented in docs/results-format.md.
public struct ShardFile: Codable, Sendable {
  public static let currentFormat = "cccm-shard/1"
  /// The most scenarios a shard file may list (a sweep has at most 1,001; sensitivity 1 + 2 per factor).
  public static let maximumScenarios = 100_000
  public var format = ShardFile.currentFormat
  /// The cccm version that wrote the file.
  public var version: String
  /// The command (`command` in the file; a name `check` refuses reads as run).
  public var command: ShardedCommand {
    get { ShardedCommand(rawValue: commandName) ?? .run }
    set { commandName = newValue.rawValue }
  }
  var commandName: String
  /// The scenario files as given on the command line (for the reader; the hashes identify them).
  public var files: [String]
  public var report: ReportRecord
  /// Every scenario the command runs, in order (names and hashes of the resolved scenarios).
  public var scenarios: [ScenarioRecord]
  public var seed: UInt64
  public var generator: String
  /// Whether results are kept by period (`--by`).
  public var byPeriod: Bool
  /// Replications of each scenario: the command's (`-r` or the scenario's); with `--precision`, a wave's size.
  public var replications: Int
  /// With `--precision`: the wave, from 1; wave K holds replications (K-1)·size ..< min(K·size, maximum).
  public var wave: Int?
  public var shard: Shard
  /// This shard's results: a scenario's index and its replications (scenarios this shard has no
  /// replications of are left out).
  public var parts: [Part]

  enum CodingKeys: String, CodingKey {
    case format, version, commandName = "command", files, report, scenarios, seed, generator, byPeriod, replications, wave, shard, parts
  }

  public struct ScenarioRecord: Codable, Sendable, Equatable {
    public var name: String
    public var hash: String
    public init(name: String, hash: String) {
      self.name = name
      self.hash = hash
    }
  }

  public struct Part: Codable, Sendable {
    public var scenario: Int
    public var results: SavedResults
    public init(scenario: Int, results: SavedResults) {
      self.scenario = scenario
      self.results = results
    }
  }

  public init(
    version: String, command: ShardedCommand, files: [String], report: ReportRecord, scenarios: [Scenario], seed: UInt64, generator: String,
    byPeriod: Bool, replications: Int, wave: Int?, shard: Shard, results: [SimulationResults?], ranges: [Range<Int>]
  ) {
    self.version = version
    commandName = command.rawValue
    self.files = files
    self.report = report
    self.scenarios = scenarios.map { ScenarioRecord(name: $0.name, hash: ScenarioEncoder.fingerprint(of: $0)) }
    self.seed = seed
    self.generator = generator
    self.byPeriod = byPeriod
    self.replications = replications
    self.wave = wave
    self.shard = shard
    parts = zip(scenarios.indices, zip(results, ranges)).compactMap { index, pair in
      guard let results = pair.0, !pair.1.isEmpty else { return nil }
      return Part(
        scenario: index,
        results: SavedResults(results: results, scenario: scenarios[index], generator: generator, version: version, firstReplication: pair.1.lowerBound))
    }
  }

  /// The file without its rows (each part's values emptied): what checking and merging shards
  /// needs, so that `merge` holds one file's rows at a time.
  public var headerOnly: ShardFile {
    var copy = self
    for i in copy.parts.indices { copy.parts[i].results.values = [] }
    return copy
  }

  /// The replications of every scenario this file's wave (or whole command) covers.
  public var span: Range<Int> {
    guard let wave else { return 0..<replications }
    let start = (wave - 1) * replications
    return start..<min(start + replications, report.maxReplications ?? start + replications)
  }

  /// The file's JSON text.
  public func json() throws(SavedResultsError) -> String {
    let encoder = JSONEncoder()
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    encoder.outputFormatting = [.sortedKeys]
    do {
      return String(decoding: try encoder.encode(self), as: UTF8.self)
    } catch {
      throw .cannotEncode(String(describing: error))
    }
  }

  /// The `format` field of a JSON document, if it has one (to tell shard files from results files).
  public static func formatField(_ data: Data) -> String? {
    struct Probe: Decodable { var format: String }
    return try? JSONDecoder().decode(Probe.self, from: data).format
  }

  /// Decodes and checks every field: the header, each part as a results file, and that the parts
  /// are exactly this shard's share of the command's replications.
  public static func decode(_ data: Data) throws(SavedResultsError) -> ShardFile {
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    let file: ShardFile
    do {
      file = try decoder.decode(ShardFile.self, from: data)
    } catch let error as DecodingError {
      throw .notResults(SavedResults.describe(error))
    } catch {
      throw .notResults("not JSON")
    }
    try file.check()
    return file
  }

  /// Every field within what `--shard I/N --save` writes; without `withValues`, the parts' values
  /// are left to be checked as they are read (`StreamReader`).
  func check(withValues: Bool = true) throws(SavedResultsError) {
    func damaged(_ field: String, _ problem: String) -> SavedResultsError { .damaged("\(field): \(problem)") }
    guard format == Self.currentFormat else { throw .notResults("format is \(Excerpt.quoted(format)), not \"\(Self.currentFormat)\"") }
    guard !version.isEmpty, version.count <= 40 else { throw damaged("version", "expected a version such as \"0.2.0\", got \(Excerpt.quoted(version))") }
    guard ShardedCommand(rawValue: commandName) != nil else {
      throw damaged("command", "expected run, compare, sweep or sensitivity, got \(Excerpt.quoted(commandName))")
    }
    guard (1...Self.maximumScenarios).contains(scenarios.count) else {
      throw damaged("scenarios", "expected 1 to \(Self.maximumScenarios) scenarios, got \(scenarios.count)")
    }
    guard GeneratorKind(name: generator) != nil else { throw damaged("generator", GeneratorKind.refusal(Excerpt.sanitized(generator, limit: 40))) }
    guard (1...Scenario.maximumReplications).contains(replications) else {
      throw damaged("replications", "expected 1 to \(Scenario.maximumReplications), got \(replications)")
    }
    if let wave {
      // The wave is bounded before it is multiplied (an edited wave of 2^63 - 1 must not trap).
      guard let maximum = report.maxReplications, (1...Scenario.maximumReplications).contains(maximum), (1...maximum).contains(wave), (wave - 1) * replications < maximum else {
        throw damaged("wave", "wave \(wave) of \(replications) replications is beyond report.maxReplications")
      }
    }
    guard (1...Shard.maximumCount).contains(shard.count), (1...shard.count).contains(shard.index) else {
      throw damaged("shard", "expected I/N with 1 <= I <= N <= \(Shard.maximumCount), got \(shard.index)/\(shard.count)")
    }
    let expected = shard.ranges(scenarios: scenarios.count, replications: span)
    let held = parts.map(\.scenario)
    guard held == expected.indices.filter({ !expected[$0].isEmpty }) else {
      throw damaged("parts", "shard \(shard) of \(scenarios.count) scenarios must hold scenarios \(expected.indices.filter { !expected[$0].isEmpty }), holds \(held)")
    }
    for part in parts {
      if withValues {
        try part.results.check()
      } else {
        // Every field but the values (0 is in every metric's domain).
        var probe = part.results
        (probe.replications, probe.values) = (1, Array(repeating: 0, count: probe.layout.count))
        try probe.check()
      }
      let range = part.results.firstReplication..<(part.results.firstReplication + part.results.replications)
      let record = scenarios[part.scenario]
      guard range == expected[part.scenario] else {
        throw damaged("parts", "scenario \(part.scenario + 1) holds replications \(range), but shard \(shard) runs \(expected[part.scenario])")
      }
      guard part.results.scenarioHash == record.hash, part.results.scenario == record.name, part.results.seed == seed,
        part.results.generator == generator, part.results.version == version, part.results.months.isEmpty != byPeriod
      else { throw damaged("parts", "scenario \(part.scenario + 1)'s results disagree with the file's scenarios, seed, generator, version or periods") }
    }
  }

  /// The identity every shard of one command shares, field by field (the shard and its parts aside).
  var identity: [(String, String)] {
    func list(_ items: [String]) -> String { items.joined(separator: " ") }
    return [
      ("command", commandName), ("cccm version", version),
      ("scenarios", scenarios.map { "\($0.name) (\($0.hash))" }.joined(separator: ", ")), ("seed", String(seed)),
      ("generator", generator), ("replications", String(replications)), ("periods", byPeriod ? "kept" : "not kept"),
      ("--format", report.format), ("--by", report.by ?? "none"), ("--target", list(report.targets)), ("--metrics", list(report.metrics)),
      ("--objective", report.objective), ("--teams", String(report.teams)), ("--verbose", String(report.verbose)), ("--layout", report.layout),
      ("--vary", list(report.vary)), ("--precision", report.precision ?? "none"), ("--max-replications", report.maxReplications.map(String.init) ?? "none"),
    ]
  }

  /// Shard files of one command (named for messages) as the results of every scenario, each a
  /// complete run of its replications, with the replication count after each wave (one entry
  /// without `--precision`). Refuses foreign, duplicated, overlapping and missing shards, and
  /// missing waves, naming them.
  public static func merged(_ named: [(name: String, file: ShardFile)]) throws(ShardMergeError) -> MergedShards {
    guard let (firstName, first) = named.first else { throw ShardMergeError("no files to merge") }
    for (name, file) in named.dropFirst() {
      for ((field, mine), (_, theirs)) in zip(file.identity, first.identity) where mine != theirs {
        throw ShardMergeError(
          "\(name) is not a shard of the command \(firstName) is from: its \(field) \(field == "scenarios" ? "are" : "is") \(Excerpt.quoted(mine, limit: 200)), not \(Excerpt.quoted(theirs, limit: 200)); merge the shards of one command only")
      }
    }
    let waves = Dictionary(grouping: named, by: { $0.file.wave ?? 1 })
    let last = waves.keys.max() ?? 1
    if first.wave != nil, let missing = (1...last).first(where: { waves[$0] == nil }) {
      throw ShardMergeError("wave \(missing) is missing: give the shards of every wave from 1 to \(last)")
    }
    var perScenario: [[SavedResults]] = Array(repeating: [], count: first.scenarios.count)
    var waveEnds: [Int] = []
    for wave in 1...last {
      let files = waves[wave] ?? []
      let inWave = first.wave == nil ? "" : " of wave \(wave)"
      let count = files[0].file.shard.count
      if let other = files.first(where: { $0.file.shard.count != count }) {
        throw ShardMergeError(
          "\(other.name) is shard \(other.file.shard)\(inWave) but \(files[0].name) is shard \(files[0].file.shard): shards of different splits overlap; merge the shards of one split (one N in --shard I/N)")
      }
      var seen: [Int: String] = [:]
      for (name, file) in files {
        if let earlier = seen[file.shard.index] {
          throw ShardMergeError("shard \(file.shard)\(inWave) is given twice (\(earlier) and \(name)); give each shard once")
        }
        seen[file.shard.index] = name
      }
      let missing = (1...count).filter { seen[$0] == nil }
      if !missing.isEmpty {
        let list = missing.prefix(10).map { "\($0)/\(count)" }.joined(separator: ", ") + (missing.count > 10 ? " and \(missing.count - 10) more" : "")
        throw ShardMergeError(
          "shard\(missing.count == 1 ? "" : "s") \(list)\(inWave) \(missing.count == 1 ? "is" : "are") missing; run \(missing.count == 1 ? "it (--shard \(missing[0])/\(count)" : "each (--shard I/\(count)")\(first.wave == nil ? "" : " --wave \(wave)")) and merge all \(count)")
      }
      for (_, file) in files.sorted(by: { $0.file.shard.index < $1.file.shard.index }) {
        for part in file.parts { perScenario[part.scenario].append(part.results) }
      }
      waveEnds.append(files[0].file.span.upperBound)
    }
    var results: [SimulationResults] = []
    for (index, parts) in perScenario.enumerated() {
      do {
        results.append(try SavedResults.merged(parts).results)
      } catch {
        throw ShardMergeError("scenario \(index + 1) (\(Excerpt.sanitized(first.scenarios[index].name, limit: 80))): \(error.description)")
      }
    }
    return MergedShards(header: first, results: results, waveEnds: waveEnds)
  }
}

extension ShardFile {
  /// Merged results as one file: a results file (`run --save`) for shards of run, a shard file
  /// 1/1 for the other commands.
  public func mergedJSON(_ results: [SimulationResults]) throws -> String {
    let saved = results.enumerated().map { index, run in
      SavedResults(results: run, scenarioHash: scenarios[index].hash, generator: generator, version: version)
    }
    if command == .run { return try saved[0].json() }
    var whole = self
    whole.shard = Shard(index: 1, count: 1)
    whole.parts = saved.enumerated().map { Part(scenario: $0, results: $1) }
    return try whole.json()
  }
}

/// Merged shards: the header they share, every scenario's results, and the replication count
/// after each wave (`--precision`; one entry otherwise).
public struct MergedShards: Sendable {
  public var header: ShardFile
  public var results: [SimulationResults]
  public var waveEnds: [Int]

  /// What the merged shards report: their results, or for waves of `compare --precision` the
  /// results of the total Stein's plan asks for (`Experiment.precisionOutcome`), with how it
  /// ended and the waves merged beyond it (left out); a `PrecisionShortfall` naming the waves
  /// still to run when the waves given do not reach the total (or the first stage).
  public func reported() throws(PrecisionShortfall) -> (results: [SimulationResults], precision: Experiment.PrecisionOutcome?, wavesLeftOut: Int?, streamed: StreamedComparison?) {
    guard let waves = precisionWaves else { return (results, nil, nil, nil) }
    let evaluation = Experiment.precisionOutcome(
      results, waveEnds: waveEnds, objective: header.report.parsedObjective, share: waves.share, batch: waves.batch, maximum: waves.maximum)
    guard let outcome = evaluation.outcome else { throw shortfall(evaluation.plan, lastWave: evaluation.lastWave) }
    let left = wavesLeftOut(evaluation.lastWave)
    guard outcome.plan.total > exactBound else { return (outcome.results, outcome, left, nil) }
    // Beyond the exact bound the one-machine run keeps paired statistics: the same, from the rows.
    let streamed = streamedOutcome(outcome.plan) { s, range in
      let width = outcome.results[s].layout.count
      return Array(outcome.results[s].values[(range.lowerBound * width)..<(range.upperBound * width)])
    }
    return (streamed.outcome.results, streamed.outcome, left, streamed.comparison)
  }

  /// `--precision`'s share, wave size and maximum when these are its waves; nil otherwise.
  var precisionWaves: (share: Double, batch: Int, maximum: Int)? {
    let record = header.report
    guard header.wave != nil, let precision = record.precision, let share = Experiment.precisionShare(precision), let maximum = record.maxReplications else {
      return nil
    }
    return (share, header.replications, maximum)
  }

  /// The exact bound of the widest scenario's results.
  var exactBound: Int { ReplicationBlocks.exactBound(width: results.map(\.layout.count).max() ?? 0) }

  /// The waves merged beyond the one that completes Stein's plan (`lastWave`), left out: the
  /// last wave used, or nil when none is left out.
  func wavesLeftOut(_ lastWave: Int) -> Int? { lastWave < waveEnds.count ? lastWave : nil }

  /// What the waves lack: the waves still to run to reach Stein's total (`plan`), or the first
  /// stage when there is no plan yet.
  func shortfall(_ plan: PrecisionPlan?, lastWave: Int) -> PrecisionShortfall {
    let record = header.report
    let (batch, maximum) = (header.replications, record.maxReplications ?? 0)
    let next = Experiment.wave(waveEnds.count + 1, batch: batch, maximum: maximum)
    let last = Experiment.wave(lastWave, batch: batch, maximum: maximum)
    let why =
      plan.map { plan in
        String(
          format: "Stein's plan from the first stage (%d replications) needs %d replications in all for a 95%% half-width on %@ within %@ of the baseline mean",
          plan.firstStage, plan.total, record.objective, record.precision ?? "")
      } ?? "the first stage of --precision needs \(PrecisionPlan.firstStage(batch: batch, maximum: maximum)) replications"
    let waves = "wave \(waveEnds.count + 1)" + (lastWave > waveEnds.count + 1 ? " to \(lastWave)" : "")
    return PrecisionShortfall(
      description:
        "precision not reached after wave \(waveEnds.count) (\(waveEnds.last ?? 0) replications): \(why); run \(waves) (replications \(next.lowerBound)..<\(last.upperBound)) with --wave K --shard I/N and merge the shards of every wave")
  }

  /// Stein's outcome beyond the exact bound as the unsharded command reaches it: the total's rows
  /// (`rows(s, range)`: scenario s's replications `range`) a block at a time into the paired
  /// statistics (`StreamedComparison`) for the report's objective and targets.
  func streamedOutcome(_ plan: PrecisionPlan, rows: (Int, Range<Int>) -> [Double]) -> (outcome: Experiment.PrecisionOutcome, comparison: StreamedComparison) {
    let record = header.report
    var comparison = StreamedComparison(
      layouts: results.map(\.layout), objective: record.parsedObjective, targets: record.targets.compactMap { try? Target.parse($0).get() })
    for range in ReplicationBlocks.ranges(0..<plan.total) {
      comparison.addBlock(count: range.count) { s in rows(s, range) }
    }
    return (plan.outcome(streamed: comparison, results: comparison.results(scenarios: results.map(\.scenario), seed: header.seed)), comparison)
  }
}

/// Merged waves of `compare --precision` that have not reached it: another wave is needed.
public struct PrecisionShortfall: Error, Sendable, CustomStringConvertible {
  public let description: String
}

public struct ShardError: Error, Sendable, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
}

/// Why shard files were refused: missing, duplicated, overlapping or foreign shards.
public struct ShardMergeError: Error, Sendable, CustomStringConvertible {
  public let detail: String
  public init(_ detail: String) { self.detail = detail }
  public var description: String { "cannot merge: \(detail)" }
}

extension ShardFile {
  /// Each of `count` files' format field and header (the file without its rows,
  /// `headerOnly`), read one at a time by `read`, so checking shards needs the memory of one
  /// file, not of all.
  public static func headers(count: Int, read: (Int) throws -> Data) rethrows -> (formats: [String?], headers: [Result<ShardFile, SavedResultsError>]) {
    var formats: [String?] = []
    var headers: [Result<ShardFile, SavedResultsError>] = []
    for index in 0..<count {
      let bytes = try read(index)
      formats.append(formatField(bytes))
      headers.append(Result { () throws(SavedResultsError) in try decode(bytes).headerOnly })
    }
    return (formats, headers)
  }
}

extension MergedShards {
  /// Whether the merge summarises rows as it reads them instead of holding them: shards of
  /// `run`, without waves, beyond the exact bound (the shards are held without rows here: the
  /// count is the span's).
  public var streams: Bool {
    let width = results.first?.layout.count ?? 0
    return header.command == .run && header.wave == nil && header.span.count > ReplicationBlocks.exactBound(width: width)
  }

  /// The merged shards with their rows, read again one file at a time in replication order
  /// (`read(i)` decodes `shards[i]` again): every row is held, as the commands' reports need
  /// them, except when the merge `streams`: then statistics instead of rows (`StreamedResults`),
  /// the rows going to `rows` (`-o`) as each file is read.
  public func filled(_ shards: [ShardFile], read: (Int) throws -> ShardFile, rows: ((UnsafeBufferPointer<Double>) -> Void)? = nil) rethrows -> MergedShards {
    var merged = self
    let streams = streams
    let order = shards.indices.sorted { (shards[$0].wave ?? 1, shards[$0].shard.index) < (shards[$1].wave ?? 1, shards[$1].shard.index) }
    var values: [[Double]] = Array(repeating: [], count: results.count)
    var statistics = results.map { StreamedResults(layout: $0.layout, first: header.span.lowerBound) }
    for index in order {
      let file = try read(index)
      for part in file.parts {
        if streams {
          part.results.values.withUnsafeBufferPointer { buffer in
            statistics[part.scenario].append(buffer)
            rows?(buffer)
          }
        } else {
          values[part.scenario] += part.results.values
        }
      }
    }
    for (s, run) in results.enumerated() {
      merged.results[s] =
        streams
        ? SimulationResults(scenario: run.scenario, layout: run.layout, seed: run.seed, streamed: statistics[s].finish())
        : SimulationResults(scenario: run.scenario, layout: run.layout, seed: run.seed, values: values[s])
    }
    return merged
  }
}

extension ShardFile {
  /// A shard file written as its rows are made (`--shard I/N --save`): the header, then each
  /// part's rows as they finish, part after part; the same text `json()` gives for the same
  /// results, without holding them.
  public final class StreamWriter: @unchecked Sendable {
    let stream: FileOutput.Stream
    /// The header's text around each part's (empty) values: before the first part's, between
    /// consecutive parts', and after the last's.
    let pieces: [Substring]
    var part = 0
    var open = false
    var written = 0

    /// Opens `path` (checked as `--save` is, named as `role`) for `header`: a shard file whose parts hold no
    /// values yet but say how many replications they will (`SavedResults.replications`).
    public init(path: String, role: String = "--save", inputs: [String], header: ShardFile) throws(OutputFileError) {
      let text: String
      do { text = try header.json() } catch { throw OutputFileError(String(describing: error)) }
      // Strings in the text escape their quotes, so the marker only ever stands for a part's values.
      let pieces = text.split(separator: "\"values\":[]", omittingEmptySubsequences: false)
      guard pieces.count == header.parts.count + 1, header.parts.allSatisfy(\.results.values.isEmpty) else {
        throw OutputFileError("the shard header's parts do not match its values")
      }
      self.pieces = pieces
      stream = try FileOutput.Stream(path: path, as: role, inputs: inputs)
      stream.write(Data(pieces[0].utf8))
    }

    /// Appends rows of the current part (in replication order).
    public func write(_ rows: UnsafeBufferPointer<Double>) {
      var text = open ? "" : "\"values\":["
      open = true
      text.reserveCapacity(text.count + rows.count * 20)
      for x in rows {
        if written > 0 { text += "," }
        text += SavedResults.jsonNumber(x)
        written += 1
      }
      stream.write(Data(text.utf8))
    }

    /// Ends the current part's values; the next rows are the next part's.
    public func endPart() {
      precondition(part < pieces.count - 1, "more parts than the header has")
      stream.write(Data(((open ? "" : "\"values\":[") + "]" + pieces[part + 1]).utf8))
      (part, open, written) = (part + 1, false, 0)
    }

    /// Ends the file (every part ended) and stages it to be put in place.
    public func finish() throws(OutputFileError) {
      precondition(part == pieces.count - 1 && !open, "a part was not ended")
      try stream.finish()
    }
  }
}

/// Why a shard file's values could not be read while merging: the file (its index) and why.
public enum ShardReadError: Error, Sendable {
  case values(file: Int, SavedResultsError)
  case unreadable(file: Int, InputFileError)
}

/// One scenario's rows across the shard files that hold them, read in replication order a
/// block at a time: at most one file is open, and nothing is held between blocks.
struct ShardRowCursor {
  /// The parts holding the scenario's rows, in replication order: a reader's index and the part's.
  let parts: [(file: Int, part: Int)]
  var next = 0
  var reader: SavedResults.StreamReader?
  var file = 0

  /// The next `count` rows (row-major).
  mutating func rows(_ count: Int, from readers: [ShardFile.StreamReader]) throws(ShardReadError) -> [Double] {
    var values: [Double] = []
    var left = count
    while left > 0 {
      if reader == nil {
        precondition(next < parts.count, "the shards were checked to hold every replication")
        file = parts[next].file
        do { reader = try readers[file].values(part: parts[next].part) } catch { throw .unreadable(file: file, error) }
        next += 1
      }
      guard let current = reader else { break }
      let take = min(left, current.replicationsLeft)
      do throws(SavedResultsError) {
        let block = try current.next(take)
        if values.isEmpty { values = block } else { values += block }
        if current.replicationsLeft == 0 {
          try current.finish()
          reader = nil
        } else {
          current.release()
        }
      } catch { throw .values(file: file, error) }
      left -= take
    }
    return values
  }
}

extension MergedShards {
  /// Whether the merged replications are beyond the exact bound of the widest scenario's results,
  /// where the unsharded command keeps statistics instead of rows (waves of `--precision`, whose
  /// total Stein's plan sets, aside: `reportedWaves`).
  public var beyondBound: Bool {
    header.wave == nil && header.span.count > exactBound
  }

  /// Each scenario's rows across `readers` (the shard files, in any order), in replication order.
  func cursors(_ readers: [ShardFile.StreamReader]) -> [ShardRowCursor] {
    let order = readers.indices.sorted {
      (readers[$0].header.wave ?? 1, readers[$0].header.shard.index) < (readers[$1].header.wave ?? 1, readers[$1].header.shard.index)
    }
    var parts: [[(file: Int, part: Int)]] = Array(repeating: [], count: results.count)
    for file in order {
      for (p, part) in readers[file].header.parts.enumerated() { parts[part.scenario].append((file, p)) }
    }
    return parts.map { ShardRowCursor(parts: $0) }
  }

  /// The merged shards beyond the exact bound (`beyondBound`), summarised as they are read a
  /// block at a time into the statistics the unsharded command keeps: each metric's
  /// (`StreamedResults`) for run, the paired statistics (`StreamedComparison`) for compare, sweep
  /// and sensitivity. Memory holds a block of two scenarios' rows, whatever the replications and
  /// shards. `rows` receives run's rows in order (`-o`).
  public func streamed(
    _ readers: [ShardFile.StreamReader], rows: ((UnsafeBufferPointer<Double>) -> Void)? = nil
  ) throws(ShardReadError) -> (merged: MergedShards, comparison: StreamedComparison?) {
    var merged = self
    var cursors = cursors(readers)
    let blocks = ReplicationBlocks.ranges(header.span)
    guard header.command != .run else {
      var statistics = StreamedResults(layout: results[0].layout, first: header.span.lowerBound)
      for range in blocks {
        let block = try cursors[0].rows(range.count, from: readers)
        block.withUnsafeBufferPointer { buffer in
          statistics.append(buffer)
          rows?(buffer)
        }
      }
      let run = results[0]
      merged.results[0] = SimulationResults(scenario: run.scenario, layout: run.layout, seed: run.seed, streamed: statistics.finish())
      return (merged, nil)
    }
    let record = header.report
    // As the commands do: compare keeps its targets' counts, sweep and sensitivity have none.
    var comparison = StreamedComparison(
      layouts: results.map(\.layout), objective: record.parsedObjective, targets: header.command == .compare ? record.targets.compactMap { try? Target.parse($0).get() } : [],
      first: header.span.lowerBound)
    for range in blocks {
      var failure: ShardReadError?
      comparison.addBlock(count: range.count) { s in
        if failure == nil {
          do throws(ShardReadError) { return try cursors[s].rows(range.count, from: readers) } catch { failure = error }
        }
        return Array(repeating: 0, count: range.count * results[s].layout.count)
      }
      if let failure { throw failure }
    }
    merged.results = comparison.results(scenarios: results.map(\.scenario), seed: header.seed)
    return (merged, comparison)
  }

  /// What merged waves of `compare --precision` report when Stein's total is beyond the exact
  /// bound, read from `readers` (the waves' shard files) as the unsharded command simulates
  /// them: every scenario's first stage, held for the plan, then the total a block at a time into
  /// the paired statistics it keeps (`streamedOutcome`), the first stage's rows first. The waves
  /// merged beyond the total are read only to check them. Memory holds the first stage and a
  /// block, whatever the waves and shards. Waves that do not reach the total are read to check
  /// them, then give the shortfall `reported()` gives. Nil when these are not waves of
  /// `--precision`, hold no first stage yet, or the total is within the bound: their rows are
  /// reported (`reported()`).
  public func reportedWaves(
    _ readers: [ShardFile.StreamReader]
  ) throws(WavesReadError) -> (results: [SimulationResults], precision: Experiment.PrecisionOutcome?, wavesLeftOut: Int?, streamed: StreamedComparison?)? {
    guard let waves = precisionWaves else { return nil }
    var cursors = cursors(readers)
    var firstStage: [SimulationResults] = []
    let evaluation: (plan: PrecisionPlan?, lastWave: Int)
    do throws(ShardReadError) {
      evaluation = try Experiment.precisionPlan(
        waveEnds: waveEnds, objective: header.report.parsedObjective, share: waves.share, batch: waves.batch, maximum: waves.maximum
      ) { n0 throws(ShardReadError) in
        for (s, run) in results.enumerated() {
          firstStage.append(SimulationResults(scenario: run.scenario, layout: run.layout, seed: run.seed, values: try cursors[s].rows(n0, from: readers)))
        }
        return firstStage
      }
    } catch { throw .read(error) }
    guard let plan = evaluation.plan, plan.total > exactBound else { return nil }
    let have = waveEnds.last ?? 0
    // Reads every scenario's replications `range` (the next ones) only to check them.
    func check(_ range: Range<Int>) throws(WavesReadError) {
      do throws(ShardReadError) {
        for s in cursors.indices {
          for block in ReplicationBlocks.ranges(range) { _ = try cursors[s].rows(block.count, from: readers) }
        }
      } catch { throw .read(error) }
    }
    let n0 = firstStage.first?.replications ?? 0
    guard have >= plan.total else {
      try check(n0..<have)
      throw .shortfall(shortfall(plan, lastWave: evaluation.lastWave))
    }
    var failure: ShardReadError?
    let streamed = streamedOutcome(plan) { s, range in
      let width = results[s].layout.count
      guard failure == nil else { return Array(repeating: 0, count: range.count * width) }
      var rows: [Double] = []
      if range.lowerBound < n0 { rows = Array(firstStage[s].values[(range.lowerBound * width)..<(min(range.upperBound, n0) * width)]) }
      let start = max(range.lowerBound, n0)
      guard start < range.upperBound else { return rows }
      do throws(ShardReadError) { return rows + (try cursors[s].rows(range.upperBound - start, from: readers)) } catch {
        failure = error
        return Array(repeating: 0, count: range.count * width)
      }
    }
    if let failure { throw .read(failure) }
    firstStage = []
    try check(plan.total..<have)
    return (streamed.outcome.results, streamed.outcome, wavesLeftOut(evaluation.lastWave), streamed.comparison)
  }

  /// The merged shards as one shard file 1/1 (`merge -o` of compare, sweep and sensitivity
  /// beyond the bound), written scenario after scenario a block at a time: the text
  /// `ShardFile.mergedJSON` gives for the same rows.
  public func writeWhole(_ readers: [ShardFile.StreamReader], to path: String, inputs: [String]) throws(ShardWriteError) {
    var whole = header
    whole.shard = Shard(index: 1, count: 1)
    whole.parts = results.enumerated().map { s, run in
      var saved = SavedResults(
        results: SimulationResults(scenario: run.scenario, layout: run.layout, seed: run.seed, values: []), scenarioHash: header.scenarios[s].hash,
        generator: header.generator, version: header.version)
      saved.replications = header.span.count
      return ShardFile.Part(scenario: s, results: saved)
    }
    let writer: ShardFile.StreamWriter
    do { writer = try ShardFile.StreamWriter(path: path, role: "-o", inputs: inputs, header: whole) } catch { throw .output(error) }
    var cursors = cursors(readers)
    for s in cursors.indices {
      for range in ReplicationBlocks.ranges(header.span) {
        let block: [Double]
        do { block = try cursors[s].rows(range.count, from: readers) } catch { throw .input(error) }
        block.withUnsafeBufferPointer { writer.write($0) }
      }
      writer.endPart()
    }
    do { try writer.finish() } catch { throw .output(error) }
  }
}

/// Why merged waves of `compare --precision` beyond the exact bound were not reported: a shard
/// not read, or waves that do not reach Stein's total.
public enum WavesReadError: Error, Sendable {
  case read(ShardReadError)
  case shortfall(PrecisionShortfall)
}

/// Why `merge -o` beyond the bound could not write its file: a shard not read, or the file not written.
public enum ShardWriteError: Error, Sendable {
  case input(ShardReadError)
  case output(OutputFileError)
}
