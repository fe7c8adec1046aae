import ArgumentParser
import CCCMSupport
import Foundation
import Reports
import ScenarioFiles

struct Validate: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Check scenario files and report every problem, with file, line and key path.")

  @Argument(help: "Scenario files.")
  var files: [String]

  func run() throws {
    var status: ExitCode?
    for file in files {
      do {
        let scenario = try loadScenario(file)
        print("\(Excerpt.sanitized(file, limit: Excerpt.pathLimit)): ok (\(Excerpt.sanitized(scenario.name, limit: 200)): \(scenario.segments.count) segments, \(scenario.teams.count) teams, \(scenario.pools.count) presales pools)")
      } catch let code as ExitCode {
        if status == nil || code == ExitCode(.fileError) { status = code }
      }
    }
    if let status { throw status }
  }
}

struct Show: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Print the resolved scenario (extends and changes applied) as YAML.")

  @Argument(help: "A scenario file.")
  var file: String

  func run() throws {
    print(ScenarioEncoder.yaml(try loadScenario(file)), terminator: "")
  }
}

struct Diff: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Show what differs between two resolved scenarios: teams, coverage, pools.")

  @Argument(help: "The first scenario file.")
  var a: String
  @Argument(help: "The second scenario file.")
  var b: String

  func run() throws {
    let first = try loadScenario(a)
    let second = try loadScenario(b)
    // Names from the files reach the terminal: control characters escaped, line by line.
    let report = ScenarioDiff(from: first, to: second).report.split(separator: "\n", omittingEmptySubsequences: false).map { SafeText.escaped(String($0)) }
    print(report.joined(separator: "\n"), terminator: "")
  }
}
