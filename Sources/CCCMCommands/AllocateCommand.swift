import ArgumentParser
import CCCMSupport
import Charts
import CoverageModel
import Estimation
import Experiments
import Reports
import ScenarioFiles
import Simulation

/// `cccm allocate`: where a headcount budget should go.
struct Allocate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Spend a headcount budget (--budget B --over teams.*.reps,presales.*.experts): one unit at a time where it adds most, on common random numbers, then a Kim-Nelson selection among the best few allocations.")

  @Argument(help: "The base scenario file.") var file: String
  @Option(name: .long, parsing: .unconditional, help: "Units to add (reps or experts), 1 to 100.", transform: { try wholeNumber($0, option: "--budget", range: "1 to 100") })
  var budget: Int
  @Option(name: .long, help: "Where units may go: teams.NAME.reps and presales.NAME.experts, comma-separated; NAME may be * (every team or pool).")
  var over: String
  @Option(name: .long, help: "The metric to raise (default: contribution, which counts the added people's cost).") var objective: String = "contribution"
  @Option(name: .long, parsing: .unconditional, help: "Allocations of the last step compared at the end, 2 to 10 (default 3).", transform: { try wholeNumber($0, option: "--finalists", range: "2 to 10") })
  var finalists: Int = 3
  @Option(name: .long, help: "The final selection's indifference zone: a share of the objective (1%) or an amount (default 1%).") var delta: String = "1%"
  @OptionGroup var options: SimulationOptions

  /// Replications per candidate at each greedy step when --replications is not given.
  static let defaultReplications = 20

  func validate() throws {
    guard (1...100).contains(budget) else { throw ValidationError("--budget must be 1 to 100, got \(budget)") }
    guard (2...10).contains(finalists) else { throw ValidationError("--finalists must be 2 to 10, got \(finalists)") }
    guard Select.parseDelta(delta) != nil else {
      throw ValidationError("--delta must be a share such as 1% (above 0%, below 100%) or an amount above 0, got \(Excerpt.quoted(delta))")
    }
    try checkObjective(objective, verb: "allocate")
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
    let allocation = Allocation(slots: slots)
    let seed = options.seed ?? base.seed
    let replications = options.replications ?? Self.defaultReplications
    let larger = MetricDescriptor.named(objective)?.direction != .lowerIsBetter
    let metric = MetricLayout.scenarioMetrics.firstIndex(of: objective) ?? 0
    func scenario(_ added: [Int]) throws -> Scenario {
      do {
        return try allocation.scenario(added: added, base: file)
      } catch {
        printError("error: --over at \(allocation.label(added)): \(error.description)")
        throw ExitCode(.invalidScenario)
      }
    }
    try checkResultsFit([base], replications: max(replications, 1000), byPeriod: false)
    let bar = ProgressBar(total: budget * (slots.count + 1) * replications + finalists * 1000, label: "allocate", quiet: options.quiet)
    func simulate(_ scenarios: [Scenario], first: Int, count: Int) -> [[Double]] {
      Experiment(scenarios: scenarios, seed: seed, generator: options.generatorKind, threads: options.threads)
        .run(replications: count, first: first, progress: { _, _ in bar.tick() }).map { $0.column(metric) }
    }
    var added = [Int](repeating: 0, count: slots.count)
    var current = simulate([base], first: 0, count: replications)[0]
    var steps: [AllocationReport.Step] = []
    var lastCandidates: [(added: [Int], mean: Double)] = []
    for _ in 0..<budget {
      let candidates = slots.indices.map { i -> [Int] in
        var next = added
        next[i] += 1
        return next
      }
      let outputs = simulate(try candidates.map(scenario), first: 0, count: replications)
      let gains = outputs.map { PairedDifference(baseline: current, variant: $0) }
      let order = gains.indices.sorted { larger ? gains[$0].mean > gains[$1].mean : gains[$0].mean < gains[$1].mean }
      guard let best = order.first else { break }
      steps.append(
        AllocationReport.Step(
          path: slots[best].path, objectiveAfter: Summary(outputs[best]).mean, gain: gains[best], runnerUp: order.dropFirst().first.map { slots[$0].path }))
      lastCandidates = order.prefix(finalists).map { (candidates[$0], Summary(outputs[$0]).mean) }
      added = candidates[best]
      current = outputs[best]
    }
    // The last step's best few, compared on fresh replications (after those the search used).
    let finalScenarios = try lastCandidates.map { try scenario($0.added) }
    let offset = replications
    let firstStage = 20
    let parsed = Select.parseDelta(delta)
    let reference = lastCandidates.first?.mean ?? 0
    let amount = parsed?.amount ?? (parsed?.share ?? 0.01) * abs(reference)
    let procedure = KimNelson(designs: finalScenarios.count, delta: amount > 0 ? amount : 1, firstStage: firstStage, maximum: 1000, larger: larger)
    var simulated = 0
    var collected = [[Double]](repeating: [], count: finalScenarios.count)
    let outcome = procedure.run(batch: Select.batch) { designs, first, count in
      simulated += designs.count * count
      let outputs = simulate(designs.map { finalScenarios[$0] }, first: offset + first, count: count)
      for (design, values) in zip(designs, outputs) where collected[design].count == first { collected[design] += values }
      return outputs
    }
    bar.finish()
    let names = lastCandidates.map { allocation.label($0.added) }
    let designs = names.indices.map { i in
      SelectionReport.Design(
        name: names[i], mean: outcome.means[i], used: outcome.used[i],
        status: outcome.chosen == i ? .selected : outcome.survivors.contains(i) ? .contender : .eliminated, values: Array(collected[i].prefix(outcome.used[i])))
    }
    let setting = SelectionReport.Setting(
      objective: objective, largerIsBetter: larger, delta: amount,
      deltaText: parsed?.share.map { String(format: "%g%% of the greedy allocation's mean", $0 * 100) } ?? "given", confidence: procedure.confidence,
      firstStage: firstStage, maximum: 1000, stages: outcome.stages, simulated: simulated, fixedSample: outcome.fixedSample, seed: seed)
    let selection = SelectionReport.document(setting: setting, designs: designs)
    let chosenIndex = outcome.chosen ?? outcome.survivors.max { larger ? outcome.means[$0] < outcome.means[$1] : outcome.means[$0] > outcome.means[$1] } ?? 0
    let chosen = lastCandidates[chosenIndex].added
    let places = slots.indices.map { AllocationReport.Place(path: slots[$0].path, today: slots[$0].base, added: chosen[$0]) }
    let document = AllocationReport.document(
      objective: objective, budget: budget, replications: replications, seed: seed, steps: steps, allocation: places,
      chosen: allocation.label(chosen) + (outcome.chosen == nil ? " (the best mean among those that could still be best)" : ""), selection: selection)
    try printExploreReport(
      document, title: "cccm allocate: \(budget) more over \(over), \(objective)", scenarios: [scenarioEntry(base, file: file)], seed: seed, replications: replications,
      options: options
    ) { [ReportCharts.allocation(objective: objective, steps: steps)] + ReportCharts.selection(setting: setting, designs: designs, idPrefix: "finalists-") }
  }
}
