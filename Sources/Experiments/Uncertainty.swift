import CoverageModel
import Estimation
import Randomness
import ScenarioFiles
import Simulation

/// Decisions under uncertain inputs: an outer simple random sample of the scenario's uncertain
/// values (`{uncertain: DISTRIBUTION}`), and at each parameter set inner replications of every
/// design on common random numbers. Parameter set k uses replications k R ..< (k + 1) R, so the
/// designs are paired within a set and the sets are independent of each other.
public struct UncertaintyStudy: Sendable {
  /// The design files, the baseline first.
  public let files: [String]
  /// The uncertain values sampled: the baseline's. Every design reads a set's values where they
  /// are written (`ScenarioLoader.uncertainDraws`), so its changes carry them through (a team
  /// merged or embedded keeps the set's uplift), and a change that sets one of them fixes it.
  public let inputs: [UncertainValue]

  public init(files: [String], inputs: [UncertainValue]) {
    self.files = files
    self.inputs = inputs
  }

  /// The parameter sets: `count` independent draws of every input (simple random sampling, from
  /// GSL with `seed`). Independent sets are what the variance split's estimator and standard error
  /// assume: a Latin hypercube's stratified sets are not independent, and biased the split upward
  /// (+5% at 20 sets) while making its standard error several times too large.
  public func parameterSets(count: Int, seed: UInt64) -> [[Double]] {
    let draws = SeededDraws(seed: seed, purpose: "parameter-sets")
    // In (0, 1): an unbounded distribution has no 0 quantile.
    return (0..<count).map { _ in inputs.map { $0.distribution.quantile(max(draws.uniform(), 0x1p-54)) } }
  }

  /// The scenario of one design at one parameter set: its file loaded with the set's values in
  /// place of the uncertain values' means where its files write them; values its files do not
  /// write (a variant that extends the plain baseline) are set on it at the end, as a sweep sets
  /// a point's; values its changes fixed keep the design's.
  public func scenario(design: Int, values: [Double]) throws(ScenarioLoadError) -> Scenario {
    let loader = ScenarioLoader(uncertainDraws: Dictionary(zip(inputs.map(\.path), values), uniquingKeysWith: { first, _ in first }))
    let loaded = try loader.load(path: files[design])
    let written = Set(loaded.uncertain.map(\.path) + loaded.fixedUncertain)
    let unwritten = zip(inputs, values).filter { !written.contains($0.0.path) }
    guard !unwritten.isEmpty else { return loaded }
    let sweep = Sweep(factors: unwritten.map { Sweep.Factor(path: $0.0.path, values: [$0.1]) })
    return try sweep.scenario(at: unwritten.map(\.1), base: files[design], loader: loader)
  }

  /// Every parameter set's statistics of the objective (`UncertaintySet`): at set k every design
  /// runs replications k R ..< (k + 1) R with `seed`, a block of replications at a time
  /// (`ReplicationBlocks`), and keeps its objective's column, not its rows. Up to the exact bound
  /// (`exactBound`, nil: the designs' `ReplicationBlocks.exactBound`) a set's columns give exact
  /// statistics; beyond it each block's moments are combined in replication order, so no set holds
  /// more than a block. A set whose values a design refuses throws the located message, with the
  /// set's index.
  public func run(
    sets: [[Double]], inner: Int, seed: UInt64, generator: GeneratorKind = .philox, threads: Int = 0, objective: Objective, exactBound: Int? = nil,
    progress: (@Sendable (Int, Int) -> Void)? = nil
  ) throws(UncertaintyError) -> [UncertaintySet] {
    var statistics: [UncertaintySet] = []
    for (k, values) in sets.enumerated() {
      var simulators: [Simulator] = []
      for design in files.indices {
        do {
          simulators.append(Simulator(scenario: try scenario(design: design, values: values), generator: generator))
        } catch {
          throw UncertaintyError(set: k, values: values, design: design, reason: error.description)
        }
      }
      let replications = (k * inner)..<((k + 1) * inner)
      let bound = exactBound ?? ReplicationBlocks.exactBound(width: simulators.map(\.layout.count).max() ?? 0)
      var set = SetAccumulator(designs: files.count, objective: objective, streamed: inner > bound)
      for range in ReplicationBlocks.ranges(replications) {
        set.addBlock { design in
          var perDesign: (@Sendable (Int) -> Void)?
          if let progress { perDesign = { done in progress(design, range.lowerBound - replications.lowerBound + done) } }
          return simulators[design].run(replications: range.count, seed: seed, first: range.lowerBound, threads: threads, progress: perDesign)
        }
      }
      statistics.append(set.finish())
    }
    return statistics
  }
}

/// One parameter set's statistics of the objective over its replications: every design's, and
/// every variant's paired difference from the baseline.
public struct UncertaintySet: Hashable, Sendable {
  /// `designs[d]`: design d's objective, the baseline first.
  public var designs: [SetMoments]
  /// `differences[v - 1]`: variant v's paired difference from the baseline (variant - baseline).
  public var differences: [SetDifference]

  public init(designs: [SetMoments], differences: [SetDifference]) {
    self.designs = designs
    self.differences = differences
  }

  /// The exact statistics of the set's values, `values[design][replication]` (the baseline first;
  /// a ratio objective's pseudo-values, `Objective.values`).
  public init(values: [[Double]]) {
    designs = values.map(SetMoments.init)
    differences = values.dropFirst().map { SetDifference(baseline: values[0], variant: $0) }
  }
}

/// Gathers one parameter set's statistics from blocks of replications given in replication order,
/// every design's block in turn, the baseline's first. Exact: each design's objective column (a
/// ratio objective's numerator and denominator columns) is kept until `finish`, which forms the
/// values as `Objective.values` does and takes their statistics in two passes. Streamed: each
/// block's moments (a ratio objective's moments of its parts) are combined in replication order,
/// and only the baseline's block columns are kept while the variants' blocks run.
struct SetAccumulator {
  let objective: Objective
  let streamed: Bool
  private var columns: [[Double]]
  private var denominators: [[Double]]
  private var isRatio = false
  private var levels: [StreamingMoments]
  private var pairs: [PairedMoments]
  private var ratioLevels: [RatioMoments]
  private var ratioPairs: [PairedRatioMoments]

  init(designs: Int, objective: Objective, streamed: Bool) {
    self.objective = objective
    self.streamed = streamed
    columns = Array(repeating: [], count: designs)
    denominators = Array(repeating: [], count: designs)
    levels = Array(repeating: StreamingMoments(), count: designs)
    pairs = Array(repeating: PairedMoments(), count: max(designs - 1, 0))
    ratioLevels = Array(repeating: RatioMoments(), count: designs)
    ratioPairs = Array(repeating: PairedRatioMoments(), count: max(designs - 1, 0))
  }

  /// Adds the next block: `rows(design)` simulates it for one design (called in design order, and
  /// its rows dropped before the next design's run).
  mutating func addBlock(_ rows: (Int) -> SimulationResults) {
    var baseline: (values: [Double], denominators: [Double]) = ([], [])
    for design in columns.indices {
      let results = rows(design)
      let x = results.column(objective.metric)
      let denominator = results.layout.denominatorIndex(of: objective.metric)
      isRatio = denominator != nil
      let y = denominator.map(results.column) ?? []
      guard streamed else {
        columns[design] += x
        denominators[design] += y
        continue
      }
      if isRatio {
        let numerators = RatioOfSums.numerators(ratios: x, denominators: y)
        ratioLevels[design].combine(RatioMoments(numerators: numerators, denominators: y))
        if design == 0 {
          baseline = (numerators, y)
        } else {
          ratioPairs[design - 1].combine(
            PairedRatioMoments(baselineNumerators: baseline.values, baselineDenominators: baseline.denominators, variantNumerators: numerators, variantDenominators: y))
        }
      } else {
        levels[design].combine(StreamingMoments(x))
        if design == 0 { baseline.values = x } else { pairs[design - 1].combine(PairedMoments(baseline: baseline.values, variant: x)) }
      }
    }
  }

  /// The set's statistics. Streamed, a design's objective is the moments' (a ratio's: the ratio of
  /// sums and the variance of its linearised values) and a variant's difference the paired one
  /// (`PairedDifference(moments:)`, `PairedDifference(ratios:)`); replications whose value is not
  /// finite are skipped.
  func finish() -> UncertaintySet {
    guard streamed else {
      return UncertaintySet(values: columns.indices.map { d in isRatio ? RatioOfSums(ratios: columns[d], denominators: denominators[d]).pseudoValues : columns[d] })
    }
    guard isRatio else {
      return UncertaintySet(
        designs: levels.map(SetMoments.init),
        differences: pairs.map { SetDifference(moments: SetMoments($0.difference), paired: PairedDifference(moments: $0)) })
    }
    return UncertaintySet(
      designs: ratioLevels.map { SetMoments(count: $0.count, mean: $0.estimate, variance: $0.linearisedVariance) },
      differences: ratioPairs.map { pairs in
        let paired = PairedDifference(ratios: pairs)
        return SetDifference(moments: SetMoments(count: paired.count, mean: paired.mean, variance: paired.pairedVariance), paired: paired)
      })
  }
}

/// What an uncertainty study finds: each design's variance split into the inputs' part and
/// simulation noise, and for each variant whether it beats the baseline set by set and how its
/// paired difference splits; with each design's mean and each variant's mean difference per
/// parameter set (the chart's histograms). It keeps a few numbers per design and set, none per
/// replication.
public struct UncertaintyOutcome: Sendable {
  public struct Design: Sendable {
    public let name: String
    public let decomposition: VarianceDecomposition
    /// Nil for the baseline.
    public let versusBaseline: Superiority?
    /// The decomposition of the paired difference (variant - baseline), set by set; nil for the baseline.
    public let difference: VarianceDecomposition?
    public init(name: String, decomposition: VarianceDecomposition, versusBaseline: Superiority?, difference: VarianceDecomposition?) {
      self.name = name
      self.decomposition = decomposition
      self.versusBaseline = versusBaseline
      self.difference = difference
    }
  }
  /// Each design's mean objective per parameter set, `[design][set]`, the baseline first.
  public let setMeans: [[Double]]
  /// Each variant's mean paired difference from the baseline per parameter set, `[variant - 1][set]`.
  public let setDifferences: [[Double]]
  public let designs: [Design]

  /// The outcome of the sets' statistics `statistics` (`UncertaintyStudy.run`) for designs named
  /// `names` (the baseline first), at parameter sets of uncertain values `inputs`, with
  /// `replications` replications a set.
  public init(names: [String], statistics: [UncertaintySet], inputs: [[Double]], replications: Int, largerIsBetter: Bool) {
    setMeans = names.indices.map { d in statistics.map(\.designs[d].mean) }
    setDifferences = names.indices.dropFirst().map { d in statistics.map(\.differences[d - 1].moments.mean) }
    designs = names.indices.map { d in
      guard d > 0 else {
        return Design(name: names[d], decomposition: VarianceDecomposition(statistics.map(\.designs[d]), replications: replications), versusBaseline: nil, difference: nil)
      }
      let differences = statistics.map(\.differences[d - 1])
      return Design(
        name: names[d], decomposition: VarianceDecomposition(statistics.map(\.designs[d]), replications: replications),
        versusBaseline: Superiority(differences: differences, inputs: inputs, largerIsBetter: largerIsBetter),
        difference: VarianceDecomposition(differences.map(\.moments), replications: replications))
    }
  }
}

extension UncertaintyStudy {
  /// Runs the designs named `names` at `sets` (as `run`) and finds their outcome on `objective`.
  public func outcome(
    names: [String], sets: [[Double]], inner: Int, seed: UInt64, generator: GeneratorKind = .philox, threads: Int = 0, objective: Objective,
    exactBound: Int? = nil, progress: (@Sendable (Int, Int) -> Void)? = nil
  ) throws(UncertaintyError) -> UncertaintyOutcome {
    let statistics = try run(sets: sets, inner: inner, seed: seed, generator: generator, threads: threads, objective: objective, exactBound: exactBound, progress: progress)
    return UncertaintyOutcome(names: names, statistics: statistics, inputs: sets, replications: inner, largerIsBetter: objective.largerIsBetter)
  }
}

/// A parameter set that a design refused (a value out of its key's range, a path it lacks).
public struct UncertaintyError: Error, Sendable {
  public let set: Int
  public let values: [Double]
  public let design: Int
  public let reason: String
}
