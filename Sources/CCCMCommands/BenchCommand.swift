import ArgumentParser
import Foundation
import CoverageModel
import Randomness
import Simulation

struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Measure engine speed and memory on a scenario (default: benchmark R1); build with -c release.")

  @Argument(help: "The scenario to measure.")
  var file: String = "scenarios/bench/r1.yaml"

  @Option(name: [.short, .long], help: "Replications per timed run.")
  var replications: Int = 400

  @Option(name: .long, help: "Timed runs per configuration; the median is reported.")
  var runs: Int = 3

  @Option(name: .long, help: "GSL generator (philox, mt19937, taus2, ...).")
  var generator: String = "philox"

  @Flag(name: .long, help: "Also measure peak memory at 1,000 and 10,000 replications.")
  var memory = false

  func run() throws {
    let scenario = try loadScenario(file)
    guard let kind = Randomness.GeneratorKind(name: generator) else {
      throw ValidationError("unknown --generator \"\(generator)\"")
    }
    let simulator = Simulator(scenario: scenario, generator: kind)
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let arrivalsIndex = MetricLayout.scenarioMetrics.firstIndex(of: "arrivals") ?? 0
    func measure(threads: Int) -> (opportunities: Double, replications: Double) {
      var rates: [(Double, Double)] = []
      for run in 0..<max(1, runs) {
        let start = DispatchTime.now().uptimeNanoseconds
        let results = simulator.run(replications: replications, seed: scenario.seed &+ UInt64(run), threads: threads)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        // All arrivals simulated, warm-up included, approximated by the measured ones scaled by the period.
        let measured = results.column(arrivalsIndex).reduce(0, +)
        let simulated = measured * (scenario.horizonDays + scenario.warmupDays) / scenario.horizonDays
        rates.append((simulated / seconds, Double(replications) / seconds))
      }
      rates.sort { $0.0 < $1.0 }
      return rates[rates.count / 2]
    }
    printDrawCosts(kind)
    print("cccm bench: \(scenario.name), \(replications) replications per run, median of \(runs) runs, generator \(generator)")
    let one = measure(threads: 1)
    print(String(format: "1 thread:   %10.0f opportunities/s  %8.1f replications/s", one.opportunities, one.replications))
    if cores > 1 {
      let all = measure(threads: cores)
      print(String(format: "%d threads:  %10.0f opportunities/s  %8.1f replications/s", cores, all.opportunities, all.replications))
      print(String(format: "scaling:    %.2fx on %d cores", all.opportunities / one.opportunities, cores))
    }
    if memory {
      for count in [1_000, 10_000] {
        _ = simulator.run(replications: count, seed: scenario.seed)
        print(String(format: "peak resident memory after %6d replications: %.1f MB", count, peakResidentMegabytes()))
      }
    }
  }
}

/// The process's peak resident set size (getrusage's ru_maxrss, in KiB on Linux).
func peakResidentMegabytes() -> Double {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  return Double(usage.ru_maxrss) / 1024
}

/// Nanoseconds per draw of a few distributions, and per new stream, through the chosen generator.
func printDrawCosts(_ kind: GeneratorKind) {
  let generator = RandomGenerator(kind: kind)
  let count = 2_000_000
  func time(_ label: String, _ body: () -> Double) {
    let start = DispatchTime.now().uptimeNanoseconds
    var sink = 0.0
    for _ in 0..<count { sink += body() }
    let nanos = Double(DispatchTime.now().uptimeNanoseconds - start) / Double(count)
    print(String(format: "%-22@ %6.1f ns%@", label as NSString, nanos, sink.isNaN ? " " : ""))
  }
  generator.select(key: 1, attribute: 0)
  for (label, distribution) in [
    ("gamma(2, 3)", Distribution.gamma(shape: 2, scale: 3)), ("lognormal(50000, 0.8)", .logNormal(median: 50_000, sigma: 0.8)),
    ("beta(2, 5)", .beta(alpha: 2, beta: 5)), ("uniform(0, 1)", .uniform(min: 0, max: 1)),
  ] {
    var tables = SamplerTables()
    let sampler = tables.compile(distribution)
    time(label) { generator.sample(sampler, from: tables) }
  }
  var key: UInt64 = 0
  time("new stream + 1 draw") {
    key &+= 1
    generator.select(key: key, attribute: 3)
    return generator.uniform()
  }
}
