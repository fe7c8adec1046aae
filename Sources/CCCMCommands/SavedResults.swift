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

  func json() -> String {
    let encoder = JSONEncoder()
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    encoder.outputFormatting = [.sortedKeys]
    return (try? encoder.encode(self)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
  }

  /// Reads a saved file, printing a clear message and exiting 2 if it cannot be read or is not one.
  static func load(_ path: String) throws -> SavedResults {
    let data: Data
    do {
      data = try Data(contentsOf: URL(fileURLWithPath: path))
    } catch {
      printError("\(path): error: cannot read the file: \(error.localizedDescription)")
      throw Exit.fileError
    }
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    guard let saved = try? decoder.decode(SavedResults.self, from: data), saved.format == "cccm-results/1" else {
      printError("\(path): error: not a cccm results file; make one with `cccm run FILE --save \(path)`")
      throw Exit.fileError
    }
    let width = MetricLayout(teams: saved.teams, segments: saved.segments, pools: saved.pools).count
    guard saved.values.count == saved.replications * width else {
      printError("\(path): error: the results file is truncated or damaged (\(saved.values.count) values for \(saved.replications) replications of \(width) metrics); save it again")
      throw Exit.fileError
    }
    return saved
  }
}
