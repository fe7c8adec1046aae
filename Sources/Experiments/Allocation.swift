import CoverageModel
import Estimation
import Randomness
import ScenarioFiles
import Simulation

/// Spending a headcount budget: where should B more reps or experts go? Greedy marginal analysis
/// on common random numbers (each unit to the team or pool where one more adds most to the
/// objective, given the units already placed), finished by a Kim-Nelson selection among the best
/// few allocations of the last step on fresh replications (`Allocation.Study`).
public struct Allocation: Sendable {
  /// A place a unit can go: a team's reps or a pool's experts, with today's count.
  public struct Slot: Sendable, Hashable {
    public var path: String
    public var base: Int
    public init(path: String, base: Int) {
      self.path = path
      self.base = base
    }
  }

  public let slots: [Slot]

  /// The slots `--over` names: `teams.*.reps`, `teams.NAME.reps`, `presales.*.experts`,
  /// `presales.NAME.experts`, comma-separated; nil with the reason for anything else.
  public static func slots(_ text: String, in scenario: Scenario) -> Result<[Slot], SweepError> {
    var slots: [Slot] = []
    for item in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
      let parts = item.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
      guard parts.count == 3, (parts[0] == "teams" && parts[2] == "reps") || (parts[0] == "presales" && parts[2] == "experts") else {
        return .failure(SweepError("--over \"\(item)\": give teams.NAME.reps or presales.NAME.experts (NAME may be *), e.g. teams.*.reps,presales.*.experts"))
      }
      let named: [(String, Int)] = parts[0] == "teams" ? scenario.teams.map { ($0.name, $0.reps) } : scenario.pools.map { ($0.name, $0.experts) }
      let chosen = parts[1] == "*" ? named : named.filter { $0.0 == parts[1] }
      guard !chosen.isEmpty else {
        let names = named.map(\.0)
        let hint = Suggestion.didYouMean(parts[1], among: names) ?? "names: \(names.joined(separator: ", "))"
        return .failure(SweepError("--over \"\(item)\": no \(parts[0] == "teams" ? "team" : "presales pool") \"\(parts[1])\"; \(hint)"))
      }
      for (name, count) in chosen where !slots.contains(where: { $0.path == "\(parts[0]).\(name).\(parts[2])" }) {
        slots.append(Slot(path: "\(parts[0]).\(name).\(parts[2])", base: count))
      }
    }
    return slots.isEmpty ? .failure(SweepError("--over names no team or pool")) : .success(slots)
  }

  public init(slots: [Slot]) { self.slots = slots }

  /// The scenario with `added[i]` more units on slot i, as a variant of `file`.
  public func scenario(added: [Int], base file: String) throws(ScenarioLoadError) -> Scenario {
    let sweep = Sweep(factors: slots.map { Sweep.Factor(path: $0.path, values: [Double($0.base)]) })
    return try sweep.scenario(at: zip(slots, added).map { Double($0.base + $1) }, base: file)
  }

  /// A name for an allocation: `+2 teams.West.reps, +1 presales.Presales.experts` (or `base`).
  public func label(_ added: [Int]) -> String {
    let parts = zip(slots, added).filter { $1 != 0 }.map { "+\($1) \($0.path)" }
    return parts.isEmpty ? "base" : parts.joined(separator: ", ")
  }
}

extension Allocation {
  /// Spending `budget` units over the slots: at each step one more unit on each slot in turn,
  /// `replications` replications of every candidate on common random numbers, the unit going
  /// where the paired gain on the objective over the current allocation is largest (smallest for a
  /// cost-like objective). The last step's best `finalists` are then compared by Kim-Nelson
  /// selection on fresh replications (those after the search's), δ a share of the greedy
  /// allocation's mean or an amount.
  public struct Study: Sendable {
    public var base: Scenario
    /// The base's file, which every allocation is a variant of.
    public var file: String
    public var allocation: Allocation
    public var objective: Objective
    public var budget: Int
    public var finalists: Int
    public var delta: IndifferenceZone
    /// Replications per candidate at each step.
    public var replications: Int
    public var seed: UInt64
    public var generator: GeneratorKind
    public var threads: Int

    /// Replications per candidate at each step when none is given.
    public static let defaultReplications = 20
    /// The final selection's first stage and most replications per allocation.
    public static let firstStage = 20
    public static let maximum = 1000

    public init(
      base: Scenario, file: String, allocation: Allocation, objective: Objective, budget: Int, finalists: Int, delta: IndifferenceZone, replications: Int,
      seed: UInt64, generator: GeneratorKind = .philox, threads: Int = 0
    ) {
      self.base = base
      self.file = file
      self.allocation = allocation
      self.objective = objective
      self.budget = budget
      self.finalists = finalists
      self.delta = delta
      self.replications = replications
      self.seed = seed
      self.generator = generator
      self.threads = threads
    }

    /// Replications the study simulates at most (for a progress bar).
    public var work: Int { budget * (allocation.slots.count + 1) * replications + finalists * Self.maximum }

    /// Runs the greedy search and the final selection. Throws when an allocation's scenario does
    /// not load (a count beyond its key's range).
    public func run(progress: (@Sendable (Int, Int) -> Void)? = nil) throws(AllocationError) -> AllocationOutcome {
      let slots = allocation.slots
      func scenario(_ added: [Int]) throws(AllocationError) -> Scenario {
        do {
          return try allocation.scenario(added: added, base: file)
        } catch {
          throw AllocationError(allocation: allocation.label(added), reason: error.description)
        }
      }
      // The objective's values, or a ratio objective's pseudo-values (`estimationColumns`): their
      // means and paired differences are then the ratios of sums' with delta-method intervals.
      func simulate(_ scenarios: [Scenario]) -> [[Double]] {
        Experiment(scenarios: scenarios, seed: seed, generator: generator, threads: threads)
          .estimationColumns(objective.metric, replications: replications, progress: progress)
      }
      var added = [Int](repeating: 0, count: slots.count)
      var current = simulate([base])[0]
      var steps: [AllocationOutcome.Step] = []
      var lastCandidates: [(added: [Int], mean: Double)] = []
      for _ in 0..<budget {
        let candidates = slots.indices.map { i -> [Int] in
          var next = added
          next[i] += 1
          return next
        }
        var scenarios: [Scenario] = []
        for candidate in candidates { scenarios.append(try scenario(candidate)) }
        let outputs = simulate(scenarios)
        let gains = outputs.map { PairedDifference(baseline: current, variant: $0) }
        let order = gains.indices.sorted { objective.isBetter(gains[$0].mean, than: gains[$1].mean) }
        guard let best = order.first else { break }
        steps.append(
          AllocationOutcome.Step(
            path: slots[best].path, objectiveAfter: Summary(outputs[best]).mean, gain: gains[best], runnerUp: order.dropFirst().first.map { slots[$0].path }))
        lastCandidates = order.prefix(finalists).map { (candidates[$0], Summary(outputs[$0]).mean) }
        added = candidates[best]
        current = outputs[best]
      }
      var finalScenarios: [Scenario] = []
      for candidate in lastCandidates { finalScenarios.append(try scenario(candidate.added)) }
      let amount = delta.amount(reference: lastCandidates.first?.mean ?? 0)
      let procedure = KimNelson(
        designs: finalScenarios.count, delta: amount > 0 ? amount : 1, firstStage: Self.firstStage, maximum: Self.maximum, larger: objective.largerIsBetter)
      var sampler = SelectionSampler(
        scenarios: finalScenarios, objective: objective, seed: seed, generator: generator, threads: threads, offset: replications, progress: progress)
      let result = sampler.run(procedure)
      let selection = sampler.outcome(names: lastCandidates.map { allocation.label($0.added) }, procedure: procedure, result: result, delta: amount, zone: delta)
      return AllocationOutcome(
        allocation: allocation, objective: objective, budget: budget, replications: replications, seed: seed, steps: steps,
        finalists: lastCandidates.map(\.added), selection: selection)
    }
  }
}

/// Where a budget went: each unit's step, the finalists and the selection among them.
public struct AllocationOutcome: Sendable {
  /// One unit placed: where, the objective's mean after it, its paired gain, and the place that
  /// came second.
  public struct Step: Sendable {
    public let path: String
    public let objectiveAfter: Double
    public let gain: PairedDifference
    public let runnerUp: String?
  }

  public var allocation: Allocation
  public var objective: Objective
  public var budget: Int
  public var replications: Int
  public var seed: UInt64
  public var steps: [Step]
  /// The last step's best allocations (units added per slot), best first.
  public var finalists: [[Int]]
  public var selection: SelectionOutcome

  /// The allocation chosen: the one selected, else the best mean among those that could still be best.
  public var chosen: [Int] { finalists.isEmpty ? [] : finalists[selection.best] }
  /// Whether the selection picked one allocation (rather than stopping with several that could still be best).
  public var selected: Bool { selection.result.chosen != nil }
}

/// An allocation whose scenario does not load: its label and the loader's reason.
public struct AllocationError: Error, Sendable {
  public let allocation: String
  public let reason: String
}
