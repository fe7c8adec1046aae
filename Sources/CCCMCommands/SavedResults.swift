import CoverageModel
import Foundation
import Randomness
import ScenarioFiles
import Simulation

/// Per-replication results on disk (`run --save`), to summarise or compare without simulating again.
struct SavedResults: Codable {
  var format = "cccm-results/1"
  var version = CCCM.version
  var scenario: String
  /// FNV-1a hash of the resolved scenario as `cccm show` prints it.
  var scenarioHash: String
  var seed: UInt64
  var generator: String
  var replications: Int
  var teams: [String]
  var segments: [String]
  var pools: [String]
  var values: [Double]

  init(results: SimulationResults, scenario: Scenario, generator: String) {
    self.scenario = results.scenario
    scenarioHash = String(StreamKey.name(ScenarioEncoder.yaml(scenario)), radix: 16)
    seed = results.seed
    self.generator = generator
    replications = results.replications
    teams = results.layout.teams
    segments = results.layout.segments
    pools = results.layout.pools
    values = results.values
  }

  var results: SimulationResults {
    SimulationResults(scenario: scenario, layout: MetricLayout(teams: teams, segments: segments, pools: pools), seed: seed, values: values)
  }

  /// The file's JSON text. Throws if it cannot be encoded (nothing is written then).
  func json() throws -> String {
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
  static let maximumNames = 100_000
  static let maximumNameLength = 1_000
  /// The largest saved file read (a million replications of a large organisation fit).
  static let maximumFileSize = 1 << 33

  /// Reads a saved file, printing a clear message and exiting 2 if it cannot be read, is not one,
  /// or was damaged or edited into something `run --save` does not write (README: exit statuses).
  static func load(_ path: String) throws -> SavedResults {
    let shown = Excerpt.sanitized(path, limit: Excerpt.pathLimit)
    let data: Data
    do {
      data = try InputFile.read(path, limit: Self.maximumFileSize)
    } catch {
      printError("\(shown): error: cannot read the file: \(error.reason)")
      throw Exit.fileError
    }
    do {
      return try decode(data)
    } catch {
      printError("\(shown): error: \(error.description)")
      throw Exit.fileError
    }
  }

  /// Decodes and checks every field of a saved file.
  static func decode(_ data: Data) throws(SavedResultsError) -> SavedResults {
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
    guard format == "cccm-results/1" else { throw .notResults("format is \(Excerpt.quoted(format)), not \"cccm-results/1\"") }
    guard !version.isEmpty, version.count <= 40 else { throw damaged("version", "expected a version such as \"\(CCCM.version)\", got \(Excerpt.quoted(version))") }
    guard !scenario.isEmpty, scenario.count <= Self.maximumNameLength else { throw damaged("scenario", "expected the scenario's name, got \(Excerpt.quoted(scenario))") }
    guard (1...16).contains(scenarioHash.count), scenarioHash.allSatisfy(\.isHexDigit) else {
      throw damaged("scenarioHash", "expected up to 16 hexadecimal digits, got \(Excerpt.quoted(scenarioHash))")
    }
    guard GeneratorKind(name: generator) != nil else { throw damaged("generator", GeneratorKind.refusal(Excerpt.sanitized(generator, limit: 40))) }
    guard (2...Scenario.maximumReplications).contains(replications) else {
      throw damaged("replications", "expected 2 to \(Scenario.maximumReplications), got \(replications)")
    }
    for (field, names) in [("teams", teams), ("segments", segments), ("pools", pools)] {
      guard names.count <= Self.maximumNames else { throw damaged(field, "\(names.count) names; at most \(Self.maximumNames)") }
      var seen = Set<String>()
      for (index, name) in names.enumerated() {
        guard !name.isEmpty, name.count <= Self.maximumNameLength else {
          throw damaged("\(field)[\(index)]", "expected a name of 1 to \(Self.maximumNameLength) characters, got \(Excerpt.quoted(name))")
        }
        guard seen.insert(name).inserted else { throw damaged("\(field)[\(index)]", "\(Excerpt.quoted(name)) is listed twice") }
      }
    }
    let width = MetricLayout(teams: teams, segments: segments, pools: pools).count
    let (expected, overflow) = replications.multipliedReportingOverflow(by: width)
    guard !overflow, values.count == expected else {
      throw damaged("values", "\(values.count) values for \(replications) replications of \(width) metrics; the file is truncated or damaged")
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

/// Why a saved results file was refused.
enum SavedResultsError: Error, CustomStringConvertible {
  /// Not a results file at all (other JSON, other text, a field missing or of the wrong kind).
  case notResults(String)
  /// A results file whose fields are out of what `run --save` writes.
  case damaged(String)
  /// The results could not be encoded (never expected: a bug).
  case cannotEncode(String)

  var description: String {
    switch self {
    case .notResults(let detail): "not a cccm results file (\(detail)); make one with `cccm run FILE --save FILE.json`"
    case .damaged(let detail): "the results file is damaged or was edited: \(detail); save it again with `cccm run FILE --save`"
    case .cannotEncode(let detail): "cannot encode the results as JSON: \(detail)"
    }
  }
}
