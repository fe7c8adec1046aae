import CCCMSupport
import CoverageModel
import Foundation
import Randomness
import ScenarioFiles
import Simulation

/// Per-replication results on disk (`run --save`, `cccm merge`): a header that says exactly what
/// produced them, and the values. Results from several files merge when their headers agree and
/// their replication ranges are disjoint and adjacent (`merged(_:)`), so a run split into shards
/// gives the same file as one run. The format is documented in docs/results-format.md.
public struct SavedResults: Codable, Sendable {
  public static let currentFormat = "cccm-results/3"
  public var format = SavedResults.currentFormat
  /// The cccm version that wrote the file.
  public var version: String
  public var scenario: String
  /// FNV-1a hash of the resolved scenario as `cccm show` prints it.
  public var scenarioHash: String
  public var seed: UInt64
  public var generator: String
  /// The replications held: `firstReplication ..< firstReplication + replications`.
  public var firstReplication: Int
  public var replications: Int
  /// The metric layout: scenario metrics (in order), entities, and periods when kept.
  public var metrics: [String]
  public var teams: [String]
  public var segments: [String]
  public var pools: [String]
  /// Teams whose reps are people; absent (nil) without them, as files before people were written.
  public var people: [String]?
  /// Teams with reps' time and segments with a response; absent without them.
  public var effort: [String]?
  public var response: [String]?
  public var months: [String]
  public var quarters: [String]
  public var values: [Double]

  public init(results: SimulationResults, scenario: Scenario, generator: String, version: String, firstReplication: Int = 0) {
    self.init(results: results, scenarioHash: ScenarioEncoder.fingerprint(of: scenario), generator: generator, version: version, firstReplication: firstReplication)
  }

  /// Results of the scenario whose hash (`ScenarioEncoder.fingerprint(of:)`) is `scenarioHash`.
  public init(results: SimulationResults, scenarioHash: String, generator: String, version: String, firstReplication: Int = 0) {
    self.version = version
    self.scenario = results.scenario
    self.scenarioHash = scenarioHash
    seed = results.seed
    self.generator = generator
    self.firstReplication = firstReplication
    replications = results.replications
    metrics = MetricLayout.scenarioMetrics
    teams = results.layout.teams
    segments = results.layout.segments
    pools = results.layout.pools
    people = results.layout.people.isEmpty ? nil : results.layout.people
    effort = results.layout.effort.isEmpty ? nil : results.layout.effort
    response = results.layout.response.isEmpty ? nil : results.layout.response
    months = results.layout.months
    quarters = results.layout.quarters
    values = results.values
  }


  public var layout: MetricLayout { MetricLayout(
      teams: teams, segments: segments, pools: pools, people: people ?? [], effort: effort ?? [], response: response ?? [], months: months,
      quarters: quarters) }

  public var results: SimulationResults { SimulationResults(scenario: scenario, layout: layout, seed: seed, values: values) }

  /// Several files of one scenario, seed, generator and layout, with disjoint replication ranges
  /// that together leave no gap, as one file (in replication order); a clear reason otherwise.
  public static func merged(_ files: [SavedResults]) throws(SavedResultsError) -> SavedResults {
    guard var first = files.min(by: { $0.firstReplication < $1.firstReplication }) else { throw .cannotMerge("no files to merge") }
    for file in files {
      for (field, a, b) in [
        ("scenario hash", first.scenarioHash, file.scenarioHash), ("seed", String(first.seed), String(file.seed)),
        ("generator", first.generator, file.generator), ("cccm version", first.version, file.version),
      ] where a != b {
        throw .cannotMerge("the files differ in their \(field) (\(Excerpt.quoted(a)) and \(Excerpt.quoted(b))); only shards of one run merge")
      }
      guard file.layout == first.layout, file.metrics == first.metrics else {
        throw .cannotMerge("the files have different metric layouts (teams, segments, pools, periods); only shards of one run merge")
      }
    }
    let sorted = files.sorted { $0.firstReplication < $1.firstReplication }
    var next = sorted[0].firstReplication
    var values: [Double] = []
    for file in sorted {
      guard file.firstReplication == next else {
        let range = "\(file.firstReplication)..<\(file.firstReplication + file.replications)"
        throw .cannotMerge(
          file.firstReplication < next
            ? "replications \(range) overlap replications before \(next); each replication must come from one file"
            : "replications \(next)..<\(file.firstReplication) are missing before \(range); run them (run --first \(next) -r \(file.firstReplication - next)) and merge them too")
      }
      next += file.replications
      values += file.values
    }
    first.replications = next - first.firstReplication
    first.values = values
    return first
  }

  /// The file's JSON text. Throws if it cannot be encoded (nothing is written then).
  public func json() throws -> String {
    let encoder = JSONEncoder()
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    encoder.outputFormatting = [.sortedKeys]
    let data: Data
    do {
      data = try encoder.encode(self)
    } catch {
      throw SavedResultsError.cannotEncode(String(describing: error))
    }
    guard let text = String(data: data, encoding: .utf8) else { throw SavedResultsError.cannotEncode("the JSON is not UTF-8") }
    return text
  }

  /// The most names a saved file may list in each of teams, segments and pools, and the longest name.
  public static let maximumNames = 100_000
  /// Names come from scenario files, so as long as one may be (a valid scenario's results always read back).
  public static let maximumNameLength = InputFile.scenarioLimit
  /// The largest saved file read (a million replications of a large organisation fit).
  public static let maximumFileSize = 1 << 33

  /// Decodes and checks every field of a saved file.
  public static func decode(_ data: Data) throws(SavedResultsError) -> SavedResults {
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    let saved: SavedResults
    do {
      saved = try decoder.decode(SavedResults.self, from: data)
    } catch let error as DecodingError {
      if case .dataCorrupted(let context) = error, context.codingPath.isEmpty, let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
        // Valid JSON that JSONDecoder calls corrupt: a whole number that does not fit its field.
        for (key, range) in [("replications", "a whole number from 2 to \(Scenario.maximumReplications)"), ("seed", "a whole number from 0 to 2^64-1")] {
          if let number = object[key] as? NSNumber, key == "seed" ? UInt64(exactly: number.doubleValue) == nil || number.doubleValue < 0 : Int(exactly: number.doubleValue) == nil {
            throw .damaged("\(key): expected \(range), got \(Excerpt.sanitized(number.stringValue))")
          }
        }
        throw .notResults("a value out of range or of the wrong kind")
      }
      throw .notResults(describe(error))
    } catch {
      throw .notResults("not JSON")
    }
    try saved.check()
    return saved
  }

  /// Every field within what `run --save` writes.
  func check() throws(SavedResultsError) {
    func damaged(_ field: String, _ problem: String) -> SavedResultsError { .damaged("\(field): \(problem)") }
    if format == "cccm-results/1" || format == "cccm-results/2" {
      throw .notResults("written by an earlier cccm whose results had other metrics (or no ratios' denominators); run the scenario again with --save")
    }
    guard format == Self.currentFormat else { throw .notResults("format is \(Excerpt.quoted(format)), not \"\(Self.currentFormat)\"") }
    guard !version.isEmpty, version.count <= 40 else { throw damaged("version", "expected a version such as \"0.2.0\", got \(Excerpt.quoted(version))") }
    guard !scenario.isEmpty, scenario.count <= Self.maximumNameLength else { throw damaged("scenario", "expected the scenario's name, got \(Excerpt.quoted(scenario))") }
    guard (1...16).contains(scenarioHash.count), scenarioHash.allSatisfy(\.isHexDigit) else {
      throw damaged("scenarioHash", "expected up to 16 hexadecimal digits, got \(Excerpt.quoted(scenarioHash))")
    }
    guard GeneratorKind(name: generator) != nil else { throw damaged("generator", GeneratorKind.refusal(Excerpt.sanitized(generator, limit: 40))) }
    guard (1...Scenario.maximumReplications).contains(replications) else {
      throw damaged("replications", "expected 1 to \(Scenario.maximumReplications), got \(replications)")
    }
    guard firstReplication >= 0, firstReplication <= Int(Int32.max) else {
      throw damaged("firstReplication", "expected 0 to \(Int32.max), got \(firstReplication)")
    }
    guard metrics == MetricLayout.scenarioMetrics else {
      throw .notResults("its metrics are not this cccm's (\(metrics.count) against \(MetricLayout.scenarioMetrics.count)); run the scenario again with --save")
    }
    guard months.count <= PeriodCalendar.maximumMonths, quarters.count <= PeriodCalendar.maximumMonths else {
      throw damaged("months", "at most \(PeriodCalendar.maximumMonths) periods")
    }
    for (field, names) in [("teams", teams), ("segments", segments), ("pools", pools), ("people", people ?? [])] {
      guard names.count <= Self.maximumNames else { throw damaged(field, "\(names.count) names; at most \(Self.maximumNames)") }
      var seen = Set<String>()
      for (index, name) in names.enumerated() {
        guard !name.isEmpty, name.count <= Self.maximumNameLength else {
          throw damaged("\(field)[\(index)]", "expected a name of 1 to \(Self.maximumNameLength) characters, got \(Excerpt.quoted(name))")
        }
        guard seen.insert(name).inserted else { throw damaged("\(field)[\(index)]", "\(Excerpt.quoted(name)) is listed twice") }
      }
    }
    // The layout is built from the names: once, not once a value.
    let layout = layout
    let width = layout.count
    let (expected, overflow) = replications.multipliedReportingOverflow(by: width)
    guard !overflow, values.count == expected else {
      throw damaged("values", "\(values.count) values for \(replications) replications of \(width) metrics; the file is truncated or damaged")
    }
    // Every value within what a replication can give its metric: an edited count or share is refused.
    let entries = layout.entries
    let domains = entries.map { ValueDomain($0.metric, group: $0.group) }
    guard !domains.isEmpty else { return }
    let metricCount = layout.metricCount
    for (index, value) in values.enumerated() {
      // A ratio's denominator (after the metrics of the totals and periods) is at least 0.
      guard index % width < metricCount else {
        guard !(value < 0) else { throw damaged("values", "replication \(firstReplication + index / width) gives a ratio's denominator \(value), which no run gives (at least 0)") }
        continue
      }
      let position = index % width % domains.count
      guard domains[position].contains(value) else {
        let entry = entries[position]
        let metric = entry.entity.isEmpty ? entry.metric : "\(entry.group.rawValue)s.\(Excerpt.sanitized(entry.entity, limit: 40)).\(entry.metric)"
        throw damaged("values", "replication \(firstReplication + index / width) gives \(metric) \(value), which no run gives (\(domains[position].rule))")
      }
    }
  }

  /// The values a replication can give a metric.
  enum ValueDomain {
    case any, nonNegative, whole, share
    init(_ metric: String, group: MetricGroup) {
      guard let descriptor = MetricDescriptor.named(metric, group: group) else {
        self = .any
        return
      }
      if descriptor.formation == "count" {
        self = .whole
        return
      }
      switch descriptor.unit {
      case .count, .days, .weeks, .hours, .ratio: self = .nonNegative
      case .rate: self = descriptor.name == "quota_attainment" ? .nonNegative : .share
      case .money: self = ["bookings", "credited_bookings"].contains(descriptor.name) ? .nonNegative : .any
      }
    }
    /// Not a number stands for a ratio without a denominator (no closed deal, no wait).
    func contains(_ value: Double) -> Bool {
      switch self {
      case .any: true
      case .whole: value >= 0 && value.isFinite && value.rounded() == value
      case .nonNegative: value.isNaN || value >= 0
      case .share: value.isNaN || (value >= 0 && value <= 1 + 1e-9)
      }
    }
    var rule: String {
      switch self {
      case .any: "any number"
      case .whole: "a count: a whole number of at least 0"
      case .nonNegative: "at least 0"
      case .share: "a share from 0 to 1"
      }
    }
  }

  /// A decoding error as `key "replications": expected a whole number`.
  static func describe(_ error: DecodingError) -> String {
    func at(_ context: DecodingError.Context) -> String {
      let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
      return path.isEmpty ? "" : "\(Excerpt.sanitized(path, limit: 60)): "
    }
    switch error {
    case .keyNotFound(let key, let context): return "\(at(context))missing \"\(Excerpt.sanitized(key.stringValue, limit: 40))\""
    case .typeMismatch(let type, let context): return "\(at(context))expected \(expectation(type))"
    case .valueNotFound(let type, let context): return "\(at(context))expected \(expectation(type)), found null"
    case .dataCorrupted(let context):
      return context.codingPath.isEmpty ? "not JSON" : "\(at(context))a value out of range or of the wrong kind (whole numbers must fit; seed is 0 to 2^64-1)"
    @unknown default: return "not readable"
    }
  }

  static func expectation(_ type: Any.Type) -> String {
    switch type {
    case is String.Type: "text"
    case is Double.Type: "a number"
    case is Int.Type, is UInt64.Type: "a whole number"
    default:
      String(describing: type).hasPrefix("Array") ? "a list" : String(describing: type).hasPrefix("Dictionary") ? "an object" : "a value of another kind"
    }
  }
}

extension SavedResults {
  /// A results file written as its rows are made (`run --save` beyond the exact bound): the
  /// header, then each block of rows as it finishes, then the end; the same text `json()` gives
  /// for the same results, without holding them.
  public final class StreamWriter: @unchecked Sendable {
    let stream: FileOutput.Stream
    let tail: String
    var written = 0

    /// Opens `path` (checked as `--save` is) for `replications` replications from `first`.
    public convenience init(
      path: String, inputs: [String], scenario: Scenario, layout: MetricLayout, seed: UInt64, generator: String, version: String, first: Int,
      replications: Int
    ) throws(OutputFileError) {
      try self.init(
        path: path, role: "--save", inputs: inputs, scenarioName: scenario.name, scenarioHash: ScenarioEncoder.fingerprint(of: scenario), layout: layout,
        seed: seed, generator: generator, version: version, first: first, replications: replications)
    }

    /// Opens `path` (checked as the output `role` is) for a scenario known by name and hash.
    public init(
      path: String, role: String, inputs: [String], scenarioName: String, scenarioHash: String, layout: MetricLayout, seed: UInt64, generator: String,
      version: String, first: Int, replications: Int
    ) throws(OutputFileError) {
      var header = SavedResults(
        results: SimulationResults(scenario: scenarioName, layout: layout, seed: seed, values: []), scenarioHash: scenarioHash, generator: generator,
        version: version, firstReplication: first)
      header.replications = replications
      let text: String
      do { text = try header.json() } catch { throw OutputFileError(String(describing: error)) }
      guard let split = text.range(of: "\"values\":[]") else { throw OutputFileError("the results header has no values") }
      tail = "]" + text[split.upperBound...]
      stream = try FileOutput.Stream(path: path, as: role, inputs: inputs)
      stream.write(Data((text[..<split.lowerBound] + "\"values\":[").utf8))
    }

    /// Appends rows (in replication order).
    public func write(_ rows: UnsafeBufferPointer<Double>) {
      var text = ""
      text.reserveCapacity(rows.count * 20)
      for x in rows {
        if written > 0 { text += "," }
        text += SavedResults.jsonNumber(x)
        written += 1
      }
      stream.write(Data(text.utf8))
    }

    /// Ends the file and stages it to be put in place.
    public func finish() throws(OutputFileError) {
      stream.write(Data(tail.utf8))
      try stream.finish()
    }
  }

  /// A value as `json()` writes it: whole numbers without a fraction, others in their shortest
  /// form, NaN and infinities as the strings "nan", "inf" and "-inf".
  public static func jsonNumber(_ x: Double) -> String {
    if x.isNaN { return "\"nan\"" }
    if x.isInfinite { return x > 0 ? "\"inf\"" : "\"-inf\"" }
    let text = "\(x)"
    return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
  }
}

/// Why a saved results file was refused.
public enum SavedResultsError: Error, CustomStringConvertible, Sendable {
  /// Not a results file at all (other JSON, other text, a field missing or of the wrong kind).
  case notResults(String)
  /// A results file whose fields are out of what `run --save` writes.
  case damaged(String)
  /// The results could not be encoded (never expected: a bug).
  case cannotEncode(String)
  /// Files that are not shards of one run.
  case cannotMerge(String)

  public var description: String {
    switch self {
    case .notResults(let detail): "not a cccm results file (\(detail)); make one with `cccm run FILE --save FILE.json`"
    case .damaged(let detail): "the results file is damaged or was edited: \(detail); save it again with `cccm run FILE --save`"
    case .cannotEncode(let detail): "cannot encode the results as JSON: \(detail)"
    case .cannotMerge(let detail): "cannot merge: \(detail)"
    }
  }
}

extension SavedResults {
  /// Saved results compared with `compare --from` pair only when made on the same seed and
  /// generator over the same replications: the first variant (in `saved[1...]`) that differs from
  /// the baseline `saved[0]`, with what differs and how to fix it; nil when all pair.
  public static func pairingProblem(_ saved: [SavedResults]) -> PairingProblem? {
    guard let base = saved.first else { return nil }
    func span(_ s: SavedResults) -> String { "\(s.firstReplication)..<\(s.firstReplication + s.replications)" }
    for (index, s) in saved.enumerated().dropFirst() {
      for (what, mine, theirs, fix) in [
        ("seed", String(s.seed), String(base.seed), "run both again with the same --seed"),
        ("generator", s.generator, base.generator, "run both again with the same --generator"),
        ("replications", span(s), span(base), "save the same replications of both"),
      ] where mine != theirs {
        return PairingProblem(variant: index, what: what, variantValue: mine, baselineValue: theirs, fix: fix)
      }
    }
    return nil
  }
}

/// Saved results that do not pair with the baseline's: which variant, what differs, and the fix.
public struct PairingProblem: Sendable, Equatable {
  /// The variant's index among the saved results (the baseline is 0).
  public let variant: Int
  /// seed, generator or replications.
  public let what: String
  public let variantValue: String
  public let baselineValue: String
  public let fix: String

  /// The message, naming the variant's and the baseline's files.
  public func message(variantFile: String, baselineFile: String) -> String {
    "\(variantFile): error: saved with \(what) \(variantValue), but \(baselineFile) with \(baselineValue); paired comparisons need the same \(what): \(fix)"
  }
}
