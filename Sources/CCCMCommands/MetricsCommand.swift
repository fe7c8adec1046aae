import ArgumentParser
import Simulation

/// `cccm metrics`: the metric catalogue, as a table or as the Markdown of docs/metrics.md.
struct Metrics: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "List every metric: its unit, which way is better, how it is formed and what it means.")
  @Flag(name: .long, help: "Print docs/metrics.md (Markdown).") var markdown = false

  func run() throws {
    if markdown { return print(MetricDescriptor.markdown, terminator: "") }
    for m in MetricDescriptor.all {
      let name = m.group == .scenario ? m.name : "\(m.group.rawValue) \(m.name)"
      print("\(name.padding(toLength: 30, withPad: " ", startingAt: 0)) \(m.unit.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0))  \(m.direction.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0))  \(m.meaning)")
    }
    print("\n" + MetricDescriptor.ratioEstimand)
  }
}
