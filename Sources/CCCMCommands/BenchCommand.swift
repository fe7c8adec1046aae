import ArgumentParser
import CCCMSupport
import Foundation
import CoverageModel
import Randomness
import Reports
import ScenarioFiles
import Simulation

struct Bench: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Measure engine speed and memory on a scenario (default: benchmark R1); build with -c release.")

  @Argument(help: "The scenario to measure.")
  var file: String = "scenarios/bench/r1.yaml"

  @Option(name: [.short, .long], parsing: .unconditional, help: "Replications per timed run.", transform: { try wholeNumber($0, option: "--replications", range: "1 to \(Scenario.maximumReplications)") })
  var replications: Int = 400

  @Option(name: .long, parsing: .unconditional, help: "Timed runs per configuration; the median is reported.", transform: { try wholeNumber($0, option: "--runs", range: "at least 1") })
  var runs: Int = 3

  @Option(name: .long, help: "GSL generator (philox, mt19937, taus2, ...).")
  var generator: String = "philox"

  @Option(name: .long, parsing: .upToNextOption, help: "Thread counts to measure, e.g. --threads 1 2 (default: 1 and all cores).")
  var threads: [Int] = []

  @Flag(name: .long, help: "Also measure peak memory at 1,000 and 10,000 replications.")
  var memory = false

  @Flag(name: .long, help: "Also print the cost of single draws and of starting a stream.")
  var draws = false

  @Option(
    name: .long,
    help: "A compiled benchmarks/r1-reference.c: also time the whole `cccm run` of R1 (1,000 replications, one thread) against the whole C program, in alternating pairs.")
  var reference: String?

  @Flag(
    name: .long,
    help: "Also time the whole `cccm compare` of the Northwind baseline and its first nine variants (by name) at 200 replications on all cores.")
  var northwind = false

  @Option(
    name: .long, parsing: .unconditional, help: "Alternating pairs (--reference) or runs (--northwind) of whole commands; the median is reported.",
    transform: { try wholeNumber($0, option: "--pairs", range: "at least 1") })
  var pairs: Int = 5

  func validate() throws {
    guard (1...Scenario.maximumReplications).contains(replications) else {
      throw ValidationError("--replications must be from 1 to \(Scenario.maximumReplications), got \(replications)")
    }
    guard runs >= 1 else { throw ValidationError("--runs must be at least 1, got \(runs)") }
    if let bad = threads.first(where: { $0 < 1 }) { throw ValidationError("--threads takes counts of at least 1, got \(bad)") }
    guard pairs >= 1 else { throw ValidationError("--pairs must be at least 1, got \(pairs)") }
    if let reference, !FileManager.default.isExecutableFile(atPath: reference) {
      throw ValidationError(
        "--reference: \(Excerpt.quoted(reference)) is not an executable file; build it with `cc -O2 -o r1-reference benchmarks/r1-reference.c -lgsl -lgslcblas -lm`")
    }
    try checkGenerator(generator)
  }

  func run() throws {
    let scenario = try loadScenario(file)
    guard let kind = Randomness.GeneratorKind(name: generator) else {
      throw ValidationError("--generator: \(GeneratorKind.refusal(generator))")
    }
    let simulator = Simulator(scenario: scenario, generator: kind)
    let cores = ProcessInfo.processInfo.activeProcessorCount
    let arrivalsIndex = MetricLayout.scenarioMetrics.firstIndex(of: "arrivals") ?? 0
    /// Opportunities and replications per second of one timed run.
    func measure(threads: Int, run: Int) -> (opportunities: Double, replications: Double) {
      let start = DispatchTime.now().uptimeNanoseconds
      let results = simulator.run(replications: replications, seed: scenario.seed &+ UInt64(run), threads: threads)
      let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      // All arrivals simulated, warm-up included, approximated by the measured ones scaled by the period.
      let measured = results.column(arrivalsIndex).reduce(0, +)
      let simulated = measured * (scenario.horizonDays + scenario.warmupDays) / scenario.horizonDays
      return (simulated / seconds, Double(replications) / seconds)
    }
    if draws { printDrawCosts(kind) }
    let configurations = !threads.isEmpty ? threads : cores > 1 ? [1, cores] : [1]
    print("cccm bench: \(SafeText.escaped(scenario.name)), \(replications) replications per run, median of \(runs) runs, generator \(generator)")
    // One untimed run first (page faults, caches, clock ramp-up), then the configurations in turn,
    // so that a noisy spell on a shared machine hits all of them alike.
    for threads in configurations { _ = simulator.run(replications: max(1, replications / 4), seed: scenario.seed, threads: threads) }
    var rates = configurations.map { _ in [(opportunities: Double, replications: Double)]() }
    for run in 0..<runs {
      for (c, threads) in configurations.enumerated() { rates[c].append(measure(threads: threads, run: run)) }
    }
    var medians: [Double] = []
    for (c, threads) in configurations.enumerated() {
      let sorted = rates[c].sorted { $0.opportunities < $1.opportunities }
      let median = sorted[sorted.count / 2]
      medians.append(median.opportunities)
      print(
        String(
          format: "%-11@ %10.0f opportunities/s  %8.1f replications/s  (runs %.0f to %.0f)",
          "\(threads) thread\(threads == 1 ? "" : "s"):" as NSString, median.opportunities, median.replications,
          sorted.first?.opportunities ?? 0, sorted.last?.opportunities ?? 0))
    }
    if medians.count > 1, configurations[0] == 1 {
      print(String(format: "scaling:    %.2fx on %d threads", medians[medians.count - 1] / medians[0], configurations[configurations.count - 1]))
    }
    if let reference { try printEndToEnd(reference: reference, pairs: pairs) }
    if northwind { try printNorthwindCompare(runs: pairs) }
    if memory {
      for count in [1_000, 10_000] {
        let megabytes = try peakMemoryOfRun(file: file, replications: count, generator: generator)
        print(String(format: "peak resident memory of `cccm run` at %6d replications: %.1f MB", count, megabytes))
      }
    }
  }
}

/// The whole `cccm run` of R1 (1,000 replications, one thread, CSV to /dev/null) against the
/// whole C reference program (1,000 replications, one run), timed from outside in alternating
/// pairs so that a shared machine's noisy spells hit both alike; prints the medians and the
/// median of the pairs' ratios (C seconds / cccm seconds: above 1, cccm is faster).
func printEndToEnd(reference: String, pairs: Int) throws {
  let cccm = try ownExecutable()
  let run = ["run", "scenarios/bench/r1.yaml", "--replications", "1000", "--threads", "1", "--quiet", "--format", "csv"]
  var swiftSeconds: [Double] = []
  var cSeconds: [Double] = []
  var ratios: [Double] = []
  for _ in 0..<pairs {
    let c = try wallSeconds(URL(fileURLWithPath: reference), ["1000", "1"])
    let swift = try wallSeconds(cccm, run)
    cSeconds.append(c)
    swiftSeconds.append(swift)
    ratios.append(c / swift)
  }
  print(
    String(
      format: "end to end: whole `cccm run` of R1, 1000 replications, 1 thread: %.2f s; whole C program: %.2f s; ratio C / cccm %.2f (pairs %.2f to %.2f, median of %d)",
      median(swiftSeconds), median(cSeconds), median(ratios), ratios.min() ?? 0, ratios.max() ?? 0, pairs))
}

/// The whole `cccm compare` of Northwind's baseline and its first nine variants by name at 200
/// replications on all cores: the median wall time of `runs` runs.
func printNorthwindCompare(runs: Int) throws {
  let directory = "scenarios/northwind/variants"
  let variants = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".yaml") }.sorted().prefix(9)
  let arguments = ["compare", "scenarios/northwind/baseline.yaml"] + variants.map { "\(directory)/\($0)" } + ["--replications", "200", "--quiet"]
  let cccm = try ownExecutable()
  let seconds = try (0..<runs).map { _ in try wallSeconds(cccm, arguments) }
  print(
    String(
      format: "Northwind compare: baseline + %d variants, 200 replications, all cores: %.2f s (runs %.2f to %.2f, median of %d)",
      variants.count, median(seconds), seconds.min() ?? 0, seconds.max() ?? 0, runs))
}

private func median(_ values: [Double]) -> Double {
  let sorted = values.sorted()
  return sorted.isEmpty ? 0 : sorted[(sorted.count - 1) / 2]
}

/// The wall time of a child process run to its end (standard output discarded); an error if it fails.
private func wallSeconds(_ executable: URL, _ arguments: [String]) throws -> Double {
  let process = Process()
  process.executableURL = executable
  process.arguments = arguments
  process.standardOutput = FileHandle.nullDevice
  process.standardError = FileHandle.nullDevice
  let start = DispatchTime.now().uptimeNanoseconds
  try process.run()
  process.waitUntilExit()
  let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  guard process.terminationStatus == 0 else {
    printError("cccm bench: `\(executable.path) \(arguments.joined(separator: " "))` failed with exit status \(process.terminationStatus)")
    // The benchmarked command's own status says why (an invalid scenario, an unreadable file, ...).
    throw ExitCode(ExitStatus(rawValue: process.terminationStatus) ?? .invalidScenario)
  }
  return seconds
}

/// This cccm executable, to run whole commands as a planner would.
private func ownExecutable() throws -> URL {
  if !CommandLine.arguments[0].contains("/"), let path = findInPath(CommandLine.arguments[0]) { return URL(fileURLWithPath: path) }
  return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
}

/// Runs `cccm run FILE --replications N` in a child process and returns its peak resident memory:
/// measured apart from the benchmark's own runs, as a planner's run would use it.
func peakMemoryOfRun(file: String, replications: Int, generator: String) throws -> Double {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
  if !CommandLine.arguments[0].contains("/"), let path = findInPath(CommandLine.arguments[0]) {
    process.executableURL = URL(fileURLWithPath: path)
  }
  process.arguments = ["run", file, "--replications", String(replications), "--generator", generator, "--quiet", "--format", "csv"]
  process.standardOutput = FileHandle.nullDevice
  try process.run()
  var status: Int32 = 0
  var usage = rusage()
  _ = wait4(process.processIdentifier, &status, 0, &usage)
  return Double(usage.ru_maxrss) / 1024
}

private func findInPath(_ name: String) -> String? {
  let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
  return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
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
