import CCCMSupport
import CoverageModel
import Estimation
import Foundation
import Randomness

/// A distribution fitted to cycle times or deal sizes: every family ranked, the one written to
/// the scenario, and why.
public struct DistributionFit: Sendable {
  /// Every family, best first (AIC for censored cycle times, Anderson-Darling for deal sizes).
  public var ranked: [FamilyFit]
  public var ranking: MaximumLikelihood.Ranking
  /// What the scenario gets.
  public var written: Distribution
  /// The family written, or nil for the empirical fallback.
  public var writtenFamily: FamilyFit?
  /// Bootstrap percentile 95% intervals of the written family's parameters.
  public var intervals: [ClosedRange<Double>]
  /// Events (wins, losses or deals) and the weighted count of censored open deals.
  public var events: Int
  public var censoredWeight: Double
  /// The largest gap between the best family's CDF and the nonparametric one, and the gap
  /// beyond which the empirical distribution is written instead (for cycle times the gap's
  /// simulated 1% point, `CycleDistance.bound`).
  public var distance: Double
  public var threshold: Double
  /// One line for the scenario's comment and the report.
  public var note: String
  /// Mean and median of what is written.
  public var mean: Double
  /// The nonparametric CDF the families are judged against, as steps: at each distinct value x,
  /// the estimated probability of a value at or below x (the Aalen-Johansen estimate given the
  /// outcome for censored cycle times, the plain empirical CDF for deal sizes).
  public var empiricalX: [Double] = []
  public var empiricalP: [Double] = []
}

/// A segment's figures.
public struct SegmentFit: Sendable {
  public var name: String
  public var groups: [String: String]
  public var accounts: Int
  public var arrivals: Int
  /// Poisson rate per day under the seasonal profile, and its 95% interval (exact Poisson limits
  /// on the count, from the chi-squared quantiles).
  public var ratePerDay: Double
  public var rateInterval: ClosedRange<Double>
  public var opportunitiesPerAccountYear: Double
  public var monthly: [(month: String, count: Int)]
  public var dispersion: DispersionTest
  public var outcomes: CompetingRisks
  public var winProbabilityInterval: ClosedRange<Double>
  public var winCycle: DistributionFit?
  public var lossCycle: DistributionFit?
  public var dealSize: DistributionFit?
  /// Won deals without an amount (left out of the deal-size fit).
  public var wonWithoutAmount: Int
  /// Account potential (values over the segment's accounts) and its source.
  public var potential: [Double]
  /// Spearman correlation of account size with opportunities per account (nil without sizes).
  public var sizeCorrelation: Double?
  public var productMix: [(product: String, share: Double)]
  /// Opportunities per covering team, most first.
  public var coverage: [(team: String, opportunities: Int)]
  /// How long a stale deal holds its slot: the mean age at the cut-off of the deals open past the
  /// longest cycle seen, at least that cycle (a lower bound: they are still open).
  public var staleDays: Double = 0
  /// The share of deals that go stale: still open (Kaplan-Meier) at the age by which 99% of the
  /// segment's closed deals had closed (at the last age the estimate falls to 0 whenever the
  /// oldest deal at risk closes, so the tail's last steps are not used).
  public var staleShare: Double = 0
  public var staleAge: Double = 0
  /// The gamma coefficient of variation of the arrival rate, by moments on weekly counts.
  public var arrivalCV: Double = 0
}

/// A team's figures.
public struct TeamFit: Sendable {
  public var name: String
  public var region: String?
  public var reps: Int
  public var opportunities: Int
  /// Open deals per rep per day: the percentile used, its value, the mean and the maximum.
  public var concurrencyPercentile: Double
  public var concurrencyAtPercentile: Double
  public var concurrencyMean: Double
  public var concurrencyMax: Int
  public var slotsPerRep: Int
  /// Each rep's win factor, shrunk toward 1 (`RepWinFactors`), with the reps' wins and closes.
  public var repFactors: [(rep: String, won: Int, closed: Int, factor: Double)] = []
  /// The variance of the reps' true win rates (moments; 0: no difference beyond chance).
  public var repVariance: Double = 0
}

/// The rows of the export and what became of them.
public struct RowCounts: Sendable, Codable {
  public var rows = 0
  public var notEngaged = 0
  public var engagedAfterCutoff = 0
  public var engagedBeforeWindow = 0
  /// Engaged before the window and still open at its start: their outcomes and cycle times are
  /// used (observed from the window's first day), their arrivals are not. Part of `used`.
  public var openAtWindowStart = 0
  public var used = 0
  public var won = 0
  public var lost = 0
  public var open = 0
  /// Closed after the cut-off: open as of the cut-off (what was known then).
  public var closedAfterCutoff = 0
  /// Open at the cut-off for longer than the longest cycle seen.
  public var stale = 0
  /// Cycle times of 0 days (closed the day they were engaged), counted as half a day.
  public var sameDay = 0
}

/// What `cccm fit` found: the scenario's figures with their evidence.
public struct FitResult: Sendable {
  public var scenarioName: String
  public var tier: String
  public var export: String
  public var first: Day
  public var until: Day
  public var counts: RowCounts
  public var seasonality: [Double]
  public var seasonalCounts: [Int]
  public var seasonalDays: [Int]
  public var unobservedMonths: [Int]
  public var segments: [SegmentFit]
  public var teams: [TeamFit]
  public var products: [String]
  public var regions: [String]
  public var industries: [String]
  public var longestCycle: Double
  public var bootstrap: Int
  public var seed: UInt64
  public var potentialSource: Mapping.PotentialSource
  /// What happened by month over the window (engaged, won, lost, bookings).
  public var history: Actuals
  /// The quarter-end push, fitted on every deal closed in the window (written when significant).
  public var quarterEnd: QuarterEndFit?
  /// Whether deals open past the longest cycle count as lost (mapping `scenario.stale_open: lost`).
  public var staleAsLost = false
  /// Arrivals (every segment) by month of the window against the fitted rate and seasons.
  public var monthlyArrivals: [MonthlyArrivals] = []
  /// The quarter-end pull of wins.
  public var pull: QuarterPullFit?
  /// The dynamics written into the scenario (mapping `scenario.dynamics`).
  public var dynamics: Set<Mapping.Dynamic> = []

  /// Whether the scenario gets each stage's won and lost times (and so no push: a deal's outcome
  /// is drawn before its close is known).
  public var writesOutcomeDays: Bool { dynamics.contains(.outcomeDays) }

  /// The advance written for a segment: its win probability, scaled so that with the quarter-end
  /// push the overall win probability stays the fitted one.
  public func advance(_ segment: SegmentFit) -> Double {
    let fitted = staleAsLost ? segment.outcomes.finalWon : segment.outcomes.winProbability
    let p = fitted.isFinite ? fitted : 0
    guard let push = quarterEnd, push.isSignificant, !writesOutcomeDays else { return p }
    return min(1, p * push.advanceScale)
  }
}

/// Fits a scenario from an export.
public enum Calibrator {
  /// The export's history up to `until` (nothing after it is used: a deal closed later is open
  /// as of `until`), arrivals counted from `since` (default: the first engage date).
  /// Whether `o` counts for outcomes, cycle times and the open pipeline in a fit of the window
  /// `first`..`until`, and from which age it is observed: 0 for a deal engaged in the window; a
  /// deal engaged before the window and still open at its start is observed from its age at the
  /// start of the window's first day (delayed entry, left truncation), so the ages at which it
  /// could not have been seen closing are not counted as time at risk. The window limits the
  /// arrivals alone: a deal open when it starts is part of the business the window sees. Nil:
  /// not used (engaged after `until`, or closed before the window).
  public static func entry(of o: Opportunity, first: Day, until: Day) -> Double? {
    guard o.stage != .notEngaged, let engaged = o.engaged, engaged <= until else { return nil }
    if engaged >= first { return 0 }
    if (o.stage == .won || o.stage == .lost), let closed = o.closed, closed < first { return nil }
    return Double(engaged.distance(to: first)) - 0.5
  }

  public static func fit(_ export: Export, mapping: Mapping, until: Day, since: Day? = nil) throws(CalibrationError) -> FitResult {
    var counts = RowCounts()
    counts.rows = export.opportunities.count
    let engagedDays = export.opportunities.compactMap { $0.stage == .notEngaged ? nil : $0.engaged }.filter { $0 <= until }
    guard let firstEngaged = engagedDays.min() else {
      throw .export(["\(export.file): error: no opportunity engaged on or before \(until); choose a later --until"])
    }
    let first = since ?? mapping.since ?? firstEngaged
    guard first <= until else { throw .export(["\(export.file): error: the window \(first)..\(until) is empty: --since is after --until"]) }
    var used: [Opportunity] = []
    // Every deal whose outcome counts (the window's, and those open at its start),
    // with the age from which it is observed.
    var known: [Opportunity] = []
    var entries: [String: Double] = [:]
    for o in export.opportunities {
      guard o.stage != .notEngaged, let engaged = o.engaged else {
        counts.notEngaged += 1
        continue
      }
      if engaged > until {
        counts.engagedAfterCutoff += 1
      } else if engaged < first {
        if let e = entry(of: o, first: first, until: until) {
          counts.openAtWindowStart += 1
          known.append(o)
          entries[o.id] = e
        } else {
          counts.engagedBeforeWindow += 1
        }
      } else {
        used.append(o)
        known.append(o)
      }
    }
    guard !used.isEmpty else { throw .export(["\(export.file): error: no opportunity engaged in \(first)..\(until); widen the window"]) }
    counts.used = known.count
    let entryOf = { (o: Opportunity) in entries[o.id] ?? 0 }
    // Endings as of the cut-off.
    func ending(_ o: Opportunity) -> (age: Double, ending: Ending) {
      let engaged = o.engaged!
      if (o.stage == .won || o.stage == .lost), let closed = o.closed, closed <= until {
        let age = Double(engaged.distance(to: closed))
        return (age > 0 ? age : 0.5, o.stage == .won ? .won : .lost)
      }
      return (Double(engaged.distance(to: until)) + 0.5, .open)
    }
    var longest = 0.0
    for o in known {
      let e = ending(o)
      switch e.ending {
      case .won: counts.won += 1
      case .lost: counts.lost += 1
      case .open:
        counts.open += 1
        if o.stage == .won || o.stage == .lost { counts.closedAfterCutoff += 1 }
      }
      if e.ending != .open { longest = max(longest, e.age) }
      if e.ending != .open, e.age == 0.5 { counts.sameDay += 1 }
    }
    for o in known where ending(o).ending == .open && ending(o).age > longest { counts.stale += 1 }

    // Seasons from all arrivals.
    let season = Arrivals.seasonality(used.map { $0.engaged! }, from: first, through: until)

    // Segments.
    let keyOf = { (o: Opportunity) in mapping.segmentsBy.map { o.group($0) } }
    var bySegment: [[String]: [Opportunity]] = [:]
    for o in used { bySegment[keyOf(o), default: []].append(o) }
    var knownBySegment: [[String]: [Opportunity]] = [:]
    for o in known { knownBySegment[keyOf(o), default: []].append(o) }
    let keys = bySegment.keys.sorted { $0.joined(separator: "\u{1}") < $1.joined(separator: "\u{1}") }
    let products = Array(Set(used.compactMap(\.product))).sorted()
    var segments: [SegmentFit] = []
    for (s, key) in keys.enumerated() {
      let deals = bySegment[key] ?? []
      let name = key.isEmpty ? "all" : key.joined(separator: "-")
      var groups: [String: String] = [:]
      for (g, value) in zip(mapping.segmentsBy, key) { groups[g] = value }
      if groups["region"] == nil, mapping.owners?.fields["region"] != nil {
        let regions = Set(deals.compactMap(\.region))
        if regions.count == 1 { groups["region"] = regions.first }
      }
      segments.append(
        fitSegment(
          name: name, groups: groups, deals: deals, outcomeDeals: knownBySegment[key] ?? deals, entry: entryOf, first: first, until: until, factors: season.factors,
          mapping: mapping, seedOffset: UInt64(s), ending: ending))
    }

    // Teams.
    let teams = fitTeams(known, first: first, until: until, longest: longest, mapping: mapping, ending: ending)
    var result = FitResult(
      scenarioName: mapping.scenarioName, tier: mapping.tier, export: export.file, first: first, until: until, counts: counts,
      seasonality: season.factors, seasonalCounts: season.counts, seasonalDays: season.days, unobservedMonths: season.unobserved,
      segments: segments, teams: teams, products: mapping.columns["product"] == nil ? [] : products,
      regions: Array(Set(used.compactMap(\.region))).sorted(),
      industries: mapping.segmentsBy.contains("industry") ? Array(Set(segments.compactMap { $0.groups["industry"] })).sorted() : [],
      longestCycle: longest, bootstrap: mapping.bootstrap, seed: mapping.seed, potentialSource: mapping.accountPotential,
      history: Actuals(export.opportunities, from: first, through: until),
      quarterEnd: QuarterEndFit.fit(known.compactMap { o in
        guard let closed = o.closed, closed <= until, o.stage == .won || o.stage == .lost else { return nil }
        return (closed, o.stage == .won)
      }), staleAsLost: mapping.staleAsLost)
    result.dynamics = mapping.dynamics
    // The pull is a calendar pattern: every win closed in the window counts, whenever its deal was
    // engaged (the window's own deals alone ramp up from none at its start).
    result.pull = QuarterPullFit.fit(
      wins: export.opportunities.compactMap { o in o.stage == .won && o.engaged != nil ? o.closed.flatMap { $0 <= until ? $0 : nil } : nil }, from: first, through: until)
    for (i, key) in keys.enumerated() {
      let deals = knownBySegment[key] ?? []
      let staleAges = deals.map(ending).filter { $0.ending == .open && $0.age > longest }.map(\.age)
      result.segments[i].staleDays = max(longest, staleAges.isEmpty ? 0 : staleAges.reduce(0, +) / Double(staleAges.count))
      let closedAges = deals.map(ending).filter { $0.ending != .open }.map(\.age).sorted()
      if !closedAges.isEmpty {
        let age = Summary.quantile(closedAges, 0.99)
        result.segments[i].staleAge = age
        result.segments[i].staleShare = result.segments[i].outcomes.stillOpen(at: age)
      }
      result.segments[i].arrivalCV = Arrivals.gammaCV((bySegment[key] ?? []).map { $0.engaged! }, from: first, through: until, factors: season.factors)
    }
    let engaged = used.map { $0.engaged! }
    result.monthlyArrivals = Arrivals.monthly(
      engaged, from: first, through: until, rate: Arrivals.rate(count: engaged.count, from: first, through: until, factors: season.factors), factors: season.factors)
    return result
  }

  static func fitSegment(
    name: String, groups: [String: String], deals: [Opportunity], outcomeDeals: [Opportunity], entry: (Opportunity) -> Double, first: Day, until: Day,
    factors: [Double], mapping: Mapping, seedOffset: UInt64, ending: (Opportunity) -> (age: Double, ending: Ending)
  ) -> SegmentFit {
    let days = deals.map { $0.engaged! }
    let n = deals.count
    let rate = Arrivals.rate(count: n, from: first, through: until, factors: factors)
    let exposure = Double(n) / max(rate, 1e-300)
    // Exact Poisson limits for the count: chi2(2n, 0.025)/2 and chi2(2n + 2, 0.975)/2.
    let low = n > 0 ? Probability.chiSquaredUpperQuantile(0.975, degreesOfFreedom: Double(2 * n)) / 2 : 0
    let high = Probability.chiSquaredUpperQuantile(0.025, degreesOfFreedom: Double(2 * n + 2)) / 2
    var perMonth: [String: Int] = [:]
    for day in days { perMonth[day.monthLabel, default: 0] += 1 }
    let accountCounts = Dictionary(grouping: deals.compactMap(\.account), by: { $0 }).mapValues(\.count)
    let teamCounts = Dictionary(grouping: deals, by: \.team).mapValues(\.count).sorted { $0.value > $1.value || $0.value == $1.value && $0.key < $1.key }
    let accounts = max(accountCounts.count, teamCounts.count, 1)
    // Outcomes: every deal observed in the window, from its entry.
    let endings = outcomeDeals.map(ending)
    let entries = outcomeDeals.map(entry)
    let truncated = entries.contains { $0 > 0 }
    let risks = CompetingRisks(ages: endings.map(\.age), endings: endings.map(\.ending), entries: truncated ? entries : nil)
    let seed = mapping.seed &+ 1000 &* seedOffset
    let winInterval = bootstrapWinProbability(endings, entries: truncated ? entries : nil, replicates: mapping.bootstrap, seed: seed)
    // Each deal's age at the cut-off: the longest it could have been seen to run.
    let windows = outcomeDeals.map { Double($0.engaged!.distance(to: until)) + 0.5 }
    let winCycle = cycleFit(.won, endings, entries: entries, windows: windows, risks, mapping: mapping, seed: seed &+ 1)
    let lossCycle = cycleFit(.lost, endings, entries: entries, windows: windows, risks, mapping: mapping, seed: seed &+ 2)
    // Deal sizes: won by the cut-off, with an amount above 0.
    let wonDeals = zip(outcomeDeals, endings).filter { $0.1.ending == .won }.map(\.0)
    let amounts = wonDeals.compactMap(\.amount).filter { $0 > 0 }
    let dealSize = amounts.isEmpty ? nil : sizeFit(amounts, mapping: mapping, seed: seed &+ 3)
    // Account potential.
    var potential: [Double] = []
    var correlation: Double?
    let sizes = Dictionary(deals.compactMap { o in o.account.flatMap { a in o.accountSize.map { (a, $0) } } }, uniquingKeysWith: { a, _ in a })
    if !sizes.isEmpty {
      let pairs = accountCounts.compactMap { account, count in sizes[account].map { (Double(count), $0) } }
      if pairs.count >= 3 { correlation = spearman(pairs.map(\.0), pairs.map(\.1)) }
    }
    switch mapping.accountPotential {
    case .opportunities where accountCounts.count >= 2: potential = accountCounts.values.map(Double.init).sorted(by: >)
    case .size where sizes.count >= 2: potential = accountCounts.keys.compactMap { sizes[$0] }.sorted(by: >)
    default: break
    }
    var mix: [(String, Double)] = []
    if mapping.columns["product"] != nil {
      let byProduct = Dictionary(grouping: deals.compactMap(\.product), by: { $0 }).mapValues(\.count)
      // Rounded down to 4 decimals so the shares never add up to more than 1.
      mix = byProduct.sorted { $0.key < $1.key }.map { ($0.key, (Double($0.value) / Double(n) * 10_000).rounded(.down) / 10_000) }
    }
    return SegmentFit(
      name: name, groups: groups, accounts: accounts, arrivals: n, ratePerDay: rate, rateInterval: (low / exposure)...(high / exposure),
      opportunitiesPerAccountYear: rate * 365 / Double(accounts), monthly: perMonth.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
      dispersion: Arrivals.dispersion(days, from: first, through: until, factors: factors), outcomes: risks, winProbabilityInterval: winInterval,
      winCycle: winCycle, lossCycle: lossCycle, dealSize: dealSize, wonWithoutAmount: wonDeals.count - wonDeals.compactMap(\.amount).filter { $0 > 0 }.count,
      potential: potential, sizeCorrelation: correlation, productMix: mix, coverage: teamCounts.map { ($0.key, $0.value) })
  }

  /// Percentile interval of the Aalen-Johansen win probability over bootstrap resamples of deals.
  static func bootstrapWinProbability(_ endings: [(age: Double, ending: Ending)], entries: [Double]? = nil, replicates: Int, seed: UInt64) -> ClosedRange<Double> {
    let point = CompetingRisks(ages: endings.map(\.age), endings: endings.map(\.ending), entries: entries).winProbability
    // Without a closed deal there is no information: the whole of [0, 1].
    guard point.isFinite else { return 0...1 }
    guard replicates >= 10, endings.count >= 2 else { return point...point }
    let generator = RandomGenerator()
    generator.select(key: seed, attribute: 0xA1E)
    var values: [Double] = []
    for _ in 0..<replicates {
      let picks = (0..<endings.count).map { _ in generator.uniformIndex(below: endings.count) }
      let sample = picks.map { endings[$0] }
      let p = CompetingRisks(ages: sample.map(\.age), endings: sample.map(\.ending), entries: entries.map { e in picks.map { e[$0] } }).winProbability
      if p.isFinite { values.append(p) }
    }
    values.sort()
    guard !values.isEmpty else { return point...point }
    return min(point, Summary.quantile(values, 0.025))...max(point, Summary.quantile(values, 0.975))
  }

  /// The age at one outcome, given that outcome: events are the deals that ended so, deals still
  /// open count as censored at their age with the probability that they will end so.
  static func cycleFit(
    _ outcome: Ending, _ endings: [(age: Double, ending: Ending)], entries: [Double], windows: [Double], _ risks: CompetingRisks, mapping: Mapping,
    seed: UInt64
  ) -> DistributionFit? {
    let eventIndices = endings.indices.filter { endings[$0].ending == outcome }
    let events = eventIndices.map { endings[$0].age }
    guard events.count >= 2 else { return nil }
    let truncated = entries.contains { $0 > 0 }
    let sample = cycleSample(outcome, endings, entries: truncated ? entries : nil, risks)
    let weights = sample.censoredWeights
    // A resample takes deals (of every ending) with replacement and weighs its open deals with
    // the outcome probabilities of its own Aalen-Johansen fit: the weights are estimates too.
    let resample: (RandomGenerator) -> CensoredSample = { generator in
      let picks = (0..<endings.count).map { _ in generator.uniformIndex(below: endings.count) }
      let drawn = picks.map { endings[$0] }
      let drawnEntries = truncated ? picks.map { entries[$0] } : nil
      let drawnRisks = CompetingRisks(ages: drawn.map(\.age), endings: drawn.map(\.ending), entries: drawnEntries)
      return cycleSample(outcome, drawn, entries: drawnEntries, drawnRisks)
    }
    let ranked = MaximumLikelihood.ranked(sample)
    guard let best = ranked.first else { return nil }
    let distance = CycleDistance.distance(best.family, best.parameters, outcome, risks)
    let threshold =
      CycleDistance.bound(best, outcome, endings: endings, entries: entries, windows: windows, risks: risks, seed: seed)
      ?? 1.63 / Double(events.count).squareRoot()
    let empirical = risks.conditionalDistribution(outcome)
    var cumulative = 0.0
    let steps = empirical.weights.map { w -> Double in
      cumulative += w
      return min(cumulative, 1)
    }
    var fit = choose(ranked, ranking: .aic, sample: sample, distance: distance, threshold: threshold, events: events.count, censoredWeight: weights.reduce(0, +),
                  empirical: .empirical(values: empirical.ages, weights: empirical.weights), fallbackReason: "the best family's CDF is \(format(distance)) from the Aalen-Johansen one (more than \(format(threshold)))",
                  mapping: mapping, seed: seed, resample: resample)
    (fit.empiricalX, fit.empiricalP) = (empirical.ages, steps)
    return fit
  }

  /// The ages at which deals ended with `outcome` as events; the deals still open censored at
  /// their ages, each weighted by the probability (from `risks`) that it will end so.
  static func cycleSample(_ outcome: Ending, _ endings: [(age: Double, ending: Ending)], entries: [Double]?, _ risks: CompetingRisks) -> CensoredSample {
    let eventIndices = endings.indices.filter { endings[$0].ending == outcome }
    let openIndices = endings.indices.filter { endings[$0].ending == .open }
    return CensoredSample(
      events: eventIndices.map { endings[$0].age }, censored: openIndices.map { endings[$0].age },
      censoredWeights: openIndices.map { risks.conditionalWeight(outcome, openAt: endings[$0].age) },
      eventEntries: entries.map { e in eventIndices.map { e[$0] } }, censoredEntries: entries.map { e in openIndices.map { e[$0] } })
  }

  /// Deal sizes: uncensored, ranked by Anderson-Darling; the empirical 100 quantiles when even the
  /// best family fails it at 1%.
  static func sizeFit(_ amounts: [Double], mapping: Mapping, seed: UInt64) -> DistributionFit? {
    guard amounts.count >= 2 else { return nil }
    let sample = CensoredSample(events: amounts)
    var ranked = MaximumLikelihood.ranked(sample, rankBy: .andersonDarling)
    // The best family's A^2 decides, judged against its null distribution with fitted parameters
    // (the others' are not simulated: each costs 199 refits).
    if !ranked.isEmpty { ranked[0].andersonDarlingPValue = GoodnessOfFit.andersonDarlingPValue(ranked[0], n: amounts.count, seed: seed) }
    guard let best = ranked.first else { return nil }
    let sorted = amounts.sorted()
    let values = sorted.count <= 100 ? sorted : (0..<100).map { Summary.quantile(sorted, (Double($0) + 0.5) / 100) }
    let p = best.andersonDarlingPValue ?? 1
    var fit = choose(ranked, ranking: .andersonDarling, sample: sample, distance: best.kolmogorovSmirnov ?? 0, threshold: 0, events: amounts.count, censoredWeight: 0,
                  empirical: .empirical(values: values, weights: values.map { _ in 1 }),
                  fallbackReason: p < 0.01 ? "every family fails Anderson-Darling at 1% (best A2 = \(format(best.andersonDarling ?? .nan)), p \(pValue(p)))" : nil,
                  mapping: mapping, seed: seed)
    // The empirical CDF at each distinct amount: the share of amounts at or below it.
    for (i, value) in sorted.enumerated() where i + 1 == sorted.count || sorted[i + 1] != value {
      fit.empiricalX.append(value)
      fit.empiricalP.append(Double(i + 1) / Double(sorted.count))
    }
    return fit
  }

  static func choose(
    _ ranked: [FamilyFit], ranking: MaximumLikelihood.Ranking, sample: CensoredSample, distance: Double, threshold: Double, events: Int, censoredWeight: Double,
    empirical: Distribution, fallbackReason: String?, mapping: Mapping, seed: UInt64, resample: ((RandomGenerator) -> CensoredSample)? = nil
  ) -> DistributionFit {
    let best = ranked[0]
    let fails = ranking == .aic ? distance > threshold : fallbackReason != nil
    let runnerUp = ranked.count > 1 ? ranked[1] : nil
    let rankText = ranked.prefix(2).map { fit in
      ranking == .aic ? "\(fit.family.rawValue) AIC \(format(fit.aic))" : "\(fit.family.rawValue) A2 \(format(fit.andersonDarling ?? .nan))"
    }.joined(separator: ", runner-up ")
    if fails {
      return DistributionFit(
        ranked: ranked, ranking: ranking, written: empirical, writtenFamily: nil, intervals: [], events: events, censoredWeight: censoredWeight,
        distance: distance, threshold: threshold,
        note: "n = \(events); best \(rankText); empirical written: \(fallbackReason ?? "no family fits")", mean: empirical.mean)
    }
    let written = ranked.first { $0.family.distribution($0.parameters) != nil } ?? best
    let intervals = MaximumLikelihood.bootstrap(written.family, sample, replicates: mapping.bootstrap, seed: seed, resample: resample)
    var note = "n = \(events); best \(rankText)"
    if written.family != best.family {
      note += "; \(best.family.rawValue) has shape <= 1 (no mean), so \(written.family.rawValue) (ranked next) is written"
    }
    _ = runnerUp
    return DistributionFit(
      ranked: ranked, ranking: ranking, written: written.family.distribution(written.parameters) ?? empirical, writtenFamily: written,
      intervals: intervals, events: events, censoredWeight: censoredWeight, distance: distance, threshold: threshold, note: note,
      mean: written.family.mean(written.parameters))
  }

  /// Reps per team and open deals per rep per day (a high percentile as slots per rep).
  static func fitTeams(_ deals: [Opportunity], first: Day, until: Day, longest: Double, mapping: Mapping, ending: (Opportunity) -> (age: Double, ending: Ending)) -> [TeamFit] {
    let span = first.distance(to: until) + 1
    // Days measured: after the first pipelines have filled (the median closed cycle), if at least 30 remain.
    let closedAges = deals.map(ending).filter { $0.ending != .open }.map(\.age).sorted()
    let fill = Int(Summary.quantile(closedAges, 0.5).isFinite ? Summary.quantile(closedAges, 0.5) : 0)
    let start = span - fill >= 30 ? fill : 0
    var teams: [TeamFit] = []
    for (team, members) in Dictionary(grouping: deals, by: \.team).sorted(by: { $0.key < $1.key }) {
      let owners = Dictionary(grouping: members, by: \.owner)
      var values: [Int] = []
      for (_, own) in owners.sorted(by: { $0.key < $1.key }) {
        var delta = Array(repeating: 0, count: span + 1)
        for o in own {
          // A deal engaged before the window holds its slot from the window's first day.
          let engagedAt = first.distance(to: o.engaged!)
          let from = max(engagedAt, 0)
          let e = ending(o)
          // An open deal holds its slot until the cut-off, but not past the longest cycle seen.
          let length = e.ending == .open ? min(e.age, longest) : e.age
          let to = min(span, max(engagedAt + max(Int(length.rounded(.up)), 1), from + 1))
          delta[from] += 1
          delta[to] -= 1
        }
        let firstDay = own.map { max(first.distance(to: $0.engaged!), 0) }.min() ?? 0
        var open = 0
        for d in 0..<span {
          open += delta[d]
          if d >= max(start, firstDay) { values.append(open) }
        }
      }
      values.sort()
      let p = Summary.quantile(values.map(Double.init), mapping.slotsPercentile)
      let regions = Set(members.compactMap(\.region))
      let repCounts = owners.sorted(by: { $0.key < $1.key }).map { owner, own in
        let endings = own.map(ending)
        return (rep: owner, won: endings.filter { $0.ending == .won }.count, closed: endings.filter { $0.ending != .open }.count)
      }
      let shrunk = RepWinFactors.shrunk(repCounts)
      teams.append(
        TeamFit(
          name: team, region: regions.count == 1 ? regions.first : nil, reps: owners.count, opportunities: members.count,
          concurrencyPercentile: mapping.slotsPercentile, concurrencyAtPercentile: p.isFinite ? p : 1,
          concurrencyMean: values.isEmpty ? 0 : Double(values.reduce(0, +)) / Double(values.count), concurrencyMax: values.last ?? 0,
          slotsPerRep: max(1, Int((p.isFinite ? p : 1).rounded(.up))), repFactors: shrunk.factors, repVariance: shrunk.tau2))
    }
    return teams
  }

  /// Spearman's rank correlation (average ranks for ties).
  public static func spearman(_ x: [Double], _ y: [Double]) -> Double {
    func ranks(_ v: [Double]) -> [Double] {
      let order = v.indices.sorted { v[$0] < v[$1] }
      var r = Array(repeating: 0.0, count: v.count)
      var i = 0
      while i < order.count {
        var j = i
        while j + 1 < order.count, v[order[j + 1]] == v[order[i]] { j += 1 }
        for k in i...j { r[order[k]] = Double(i + j) / 2 + 1 }
        i = j + 1
      }
      return r
    }
    let (a, b) = (ranks(x), ranks(y))
    let n = Double(x.count)
    let (ma, mb) = (a.reduce(0, +) / n, b.reduce(0, +) / n)
    var (sab, saa, sbb) = (0.0, 0.0, 0.0)
    for (u, v) in zip(a, b) {
      sab += (u - ma) * (v - mb)
      saa += (u - ma) * (u - ma)
      sbb += (v - mb) * (v - mb)
    }
    return saa > 0 && sbb > 0 ? sab / (saa * sbb).squareRoot() : .nan
  }
}

/// Numbers for comments and reports: 4 significant digits.
func format(_ value: Double) -> String {
  guard value.isFinite else { return value.isNaN ? "n/a" : "inf" }
  return NumberText.whole(value, below: 1e9) ?? String(format: "%.4g", value)
}

/// A p-value as text: "< 0.001" below a thousandth.
func pValue(_ p: Double) -> String { p < 0.001 ? "< 0.001" : String(format: "%.3f", p) }
