import ArgumentParser
import CCCMSupport
import Experiments
import Reports
import ScenarioFiles

/// `cccm allocate`: where a headcount budget should go.
struct Allocate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Spend a headcount budget (--budget B --over teams.*.reps,presales.*.experts): one unit at a time where it adds most, on common random numbers, then a Kim-Nelson selection among the best few allocations.")

  @Argument(help: "The base scenario file.") var file: String
  @Option(name: .long, parsing: .unconditional, help: "Units to add (reps or experts), 1 to 100.", transform: BoundedOption.budget.parse)
  var budget: Int
  @Option(name: .long, help: "Where units may go: teams.NAME.reps and presales.NAME.experts, comma-separated; NAME may be * (every team or pool).")
  var over: String
  @Option(name: .long, help: "The metric to raise (default: contribution, which counts the added people's cost).") var objective: String = "contribution"
  @Option(name: .long, parsing: .unconditional, help: "Allocations of the last step compared at the end, 2 to 10 (default 3).", transform: BoundedOption.finalists.parse)
  var finalists: Int = 3
  @Option(name: .long, help: "The final selection's indifference zone: a share of the objective (1%) or an amount (default 1%).") var delta: String = "1%"
  @OptionGroup var options: SimulationOptions

  func validate() throws {
    try BoundedOption.budget.check(budget)
    try BoundedOption.finalists.check(finalists)
    guard IndifferenceZone.parse(delta) != nil else {
      throw ValidationError("--delta must be a share such as 1% (above 0%, below 100%) or an amount above 0, got \(Excerpt.quoted(delta))")
    }
    _ = try parseObjective(objective, choosingBy: "allocate")
    if options.by != nil || !options.target.isEmpty { throw ValidationError("allocate reports the allocation only; use compare for --by and --target") }
  }

  func run() throws {
    try checkChartsDirectory(options.charts)
    let base = try loadScenario(file)
    let slots: [Allocation.Slot]
    switch Allocation.slots(over, in: base) {
    case .failure(let problem):
      printError("error: \(problem.description)")
      throw ExitCode(.badUsage)
    case .success(let found): slots = found
    }
    let study = Allocation.Study(
      base: base, file: file, allocation: Allocation(slots: slots), objective: try parseObjective(objective, choosingBy: "allocate"), budget: budget,
      finalists: finalists, delta: IndifferenceZone.parse(delta) ?? .share(0.01), replications: options.replications ?? Allocation.Study.defaultReplications,
      seed: options.seed ?? base.seed, generator: options.generatorKind, threads: options.threads)
    try checkResultsFit([base], replications: max(study.replications, 1000), byPeriod: false)
    let bar = ProgressBar(total: study.work, label: "allocate", quiet: options.quiet)
    let outcome: AllocationOutcome
    do {
      outcome = try study.run(progress: { _, _ in bar.tick() })
    } catch {
      printError("error: --over at \(error.allocation): \(error.reason)")
      throw ExitCode(.invalidScenario)
    }
    bar.finish()
    try printExploreReport(
      AllocationReport.document(for: outcome), title: "cccm allocate: \(budget) more over \(over), \(objective)", scenarios: [scenarioEntry(base, file: file)],
      seed: outcome.seed, replications: outcome.replications, options: options
    ) { ReportCharts.allocation(outcome) }
  }
}
