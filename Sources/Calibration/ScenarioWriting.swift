import CCCMSupport
import CoverageModel
import Foundation
import ScenarioFiles

/// The fitted scenario as a commented YAML file: every number with its evidence.
///
/// What the engine cannot represent is said in the comments: a stage lasts the same whatever its
/// outcome, so the motion's one stage takes the time to a win (bookings fall when deals are won)
/// and the time to a loss is reported beside it.
public enum ScenarioWriting {
  public static func yaml(_ fit: FitResult, mapping: String) -> String {
    var out: [String] = []
    func line(_ text: String) { out.append(text) }
    // Comments hold names and paths from the export and the command line: one line each, always.
    func comment(_ text: String, indent: String = "") { line("\(indent)# \(YAMLText.comment(text))") }
    let start = fit.until.advanced(by: 1)
    comment("Fitted by `cccm fit \(fit.export) --map \(mapping) --until \(fit.until)`: the export's history up to \(fit.until),")
    comment("arrivals counted over \(fit.first)..\(fit.until) (\(fit.first.distance(to: fit.until) + 1) days). Every number has its evidence beside it: n, a 95%")
    comment("interval (bootstrap, \(fit.bootstrap) resamples, seed \(fit.seed)), the family written and the runner-up. See docs/calibration.md.")
    comment("Rows: \(fit.counts.rows) read, \(fit.counts.used) used; \(fit.counts.notEngaged) not engaged, \(fit.counts.engagedAfterCutoff) engaged after the cut-off, \(fit.counts.engagedBeforeWindow) before the window (left out)\(fit.counts.openAtWindowStart > 0 ? "; \(fit.counts.openAtWindowStart) engaged before the window and open at its start (outcomes and cycle times, not arrivals)" : "").")
    line("name: \(quoted(fit.scenarioName))")
    line("description: \(quoted("Fitted from \((fit.export as NSString).lastPathComponent) up to \(fit.until)"))")
    line("start_date: \(start)            # the day after the cut-off: a run forecasts what follows it")
    line("horizon_days: 365")
    line("warmup_days: \(Int(fit.longestCycle.rounded(.up)))             # the longest cycle seen (days), so pipelines are full when measuring starts")
    line("replications: 200")
    line("seed: 1")
    if !fit.regions.isEmpty { line("regions: [\(fit.regions.map(quoted).joined(separator: ", "))]") }
    if !fit.industries.isEmpty { line("industries: [\(fit.industries.map(quoted).joined(separator: ", "))]") }
    if !fit.products.isEmpty {
      comment("Products as solutions: solution_mix gives each segment's product shares (no specialist teams are fitted, so they change no outcome).")
      line("solutions: [\(fit.products.map { "{name: \(quoted($0))}" }.joined(separator: ", "))]")
    }
    let months = CalendarDate.monthAbbreviations
    comment("seasonality: arrivals per day in each calendar month over their mean (all segments): "
      + (0..<12).map { "\(months[$0]) \(fit.seasonalCounts[$0])/\(fit.seasonalDays[$0])d" }.joined(separator: ", "))
    if !fit.unobservedMonths.isEmpty {
      comment("  months the window never reaches get the mean rate: \(fit.unobservedMonths.map { months[$0 - 1] }.joined(separator: ", "))")
    }
    if let push = fit.quarterEnd {
      let candidates = push.candidates.map { "\($0.days)d \(number($0.logLikelihood, 6))" }.joined(separator: ", ")
      comment("quarter_end: closes in the last \(push.lastDays) days of a quarter won \(push.wonInside)/\(push.closedInside), elsewhere \(push.wonOutside)/\(push.closedOutside):")
      comment("  factor \(number(push.factor, 4)) (95% CI \(number(push.factorInterval.lowerBound, 4))-\(number(push.factorInterval.upperBound, 4))), likelihood ratio \(number(push.likelihoodRatio, 4)), chi2(1) p \(pValue(push.pValue)); window chosen by log-likelihood among \(candidates)")
      if push.isSignificant && fit.writesOutcomeDays {
        comment("  not written: with days per outcome a deal's outcome is drawn before its close, so the push does not apply (the pull may)")
      } else if !push.isSignificant {
        comment("  not significant at 1%: no quarter_end written")
      }
    }
    var quarterFields: [String] = []
    if let push = fit.quarterEnd, push.isSignificant, !fit.writesOutcomeDays {
      quarterFields += ["last_days: \(push.lastDays)", "advance_factor: \(number(push.factor, 6))"]
    }
    if fit.dynamics.contains(.quarterPull) {
      if let pull = fit.pull {
        comment("quarter_end pull: wins in the first \(pull.days) days of quarters \(pull.winsInside) in \(pull.daysInside) days, elsewhere \(pull.winsOutside) in \(pull.daysOutside) days:")
        comment("  pull probability 1 - rate inside / rate outside = \(number(pull.probability, 4)), likelihood ratio \(number(pull.likelihoodRatio, 4)), chi2(1) p \(pValue(pull.pValue))\(pull.isSignificant ? "" : ": not significant at 1%, not written")")
        if pull.isSignificant { quarterFields += ["pull_days: \(pull.days)", "pull_probability: \(number(pull.probability, 6))"] }
      } else {
        comment("quarter_end pull: fewer than 20 wins or days on a side of every window: not written")
      }
    }
    if !quarterFields.isEmpty { line("quarter_end: {\(quarterFields.joined(separator: ", "))}") }
    line("seasonality: [\(fit.seasonality.map { number($0, 4) }.joined(separator: ", "))]")
    line("segments:")
    for s in fit.segments {
      line("  - name: \(quoted(s.name))")
      line("    tier: \(fit.tier)")
      if let region = s.groups["region"] { line("    region: \(quoted(region))") }
      if let industry = s.groups["industry"] { line("    industry: \(quoted(industry))") }
      comment("accounts with an opportunity engaged in the window (at least one per covering team)", indent: "    ")
      line("    accounts: \(s.accounts)")
      let d = s.dispersion
      comment("\(s.arrivals) engaged in the window: \(number(s.ratePerDay, 4)) a day under the seasonal profile (95% CI \(number(s.rateInterval.lowerBound, 4))-\(number(s.rateInterval.upperBound, 4)), exact Poisson),", indent: "    ")
      comment("  over \(s.accounts) accounts; Poisson check on \(d.weeks) weekly counts: dispersion index \(number(d.index, 3)), chi2(\(Int(d.degreesOfFreedom))) p \(pValue(d.pValue))\(d.pValue < 0.01 ? ": OVERDISPERSED, history varied more than simulated arrivals will" : "")", indent: "    ")
      line("    opportunities_per_account_year: \(number(s.opportunitiesPerAccountYear, 6))")
      if fit.dynamics.contains(.arrivalDispersion) {
        comment("arrival_dispersion: gamma coefficient of variation by moments on the weekly counts, c^2 = sum ((O - E)^2 - O) / sum E^2", indent: "    ")
        if s.arrivalCV > 0 { line("    arrival_dispersion: \(number(s.arrivalCV, 4))") } else { comment("  0: no more variation than Poisson; not written", indent: "    ") }
      }
      if let size = s.dealSize {
        comment("deal_size: won amounts; \(size.note)", indent: "    ")
        if let family = size.writtenFamily { comment("  \(parameterText(family, size.intervals)); mean \(number(size.mean, 5))", indent: "    ") }
        line("    deal_size: \(ScenarioEncoder.distribution(rounded(size.written)))")
      } else {
        comment("deal_size: no won deal with an amount: 1 (set it by hand)", indent: "    ")
        line("    deal_size: 1")
      }
      if !s.productMix.isEmpty {
        comment("product shares of the segment's opportunities", indent: "    ")
        line("    solution_mix: {\(s.productMix.map { "\(quoted($0.product)): \(number($0.share, 6))" }.joined(separator: ", "))}")
      }
      if !s.potential.isEmpty {
        let source = fit.potentialSource == .size ? "account size" : "opportunities per account"
        comment("account_potential: \(source) over the segment's \(s.potential.count) accounts\(s.sizeCorrelation.map { "; Spearman correlation of size with opportunities per account \(number($0, 3))" } ?? "")", indent: "    ")
        line("    account_potential: {empirical: {values: [\(s.potential.map { number($0, 6) }.joined(separator: ", "))]}}")
      }
      line("    motion: \(quoted(s.name))")
    }
    line("motions:")
    for s in fit.segments {
      let r = s.outcomes
      line("  - name: \(quoted(s.name))")
      line("    stages:")
      comment("advance: win probability \(number(r.winProbability, 4)) (Aalen-Johansen, open deals censored at the cut-off; 95% CI \(number(s.winProbabilityInterval.lowerBound, 4))-\(number(s.winProbabilityInterval.upperBound, 4)));", indent: "      ")
      comment("  won \(r.won), lost \(r.lost), open \(r.open); won / (won + lost) would say \(number(r.closedWinRate, 4)); still open past the longest cycle: \(number(r.finalOpen, 3))", indent: "      ")
      if fit.staleAsLost {
        comment("  stale_open: lost: deals open past the longest cycle count as lost, so the probability written is CIF_won = \(number(r.finalWon, 4))", indent: "      ")
      }
      var days = "1"
      if let win = s.winCycle {
        comment("days: time to a win, given a win: \(win.note)", indent: "      ")
        if let family = win.writtenFamily { comment("  \(parameterText(family, win.intervals)); mean \(number(win.mean, 4)) days", indent: "      ") }
        days = ScenarioEncoder.distribution(rounded(win.written))
      } else {
        comment("days: fewer than 2 wins: 1 day (set it by hand)", indent: "      ")
      }
      var stale = ""
      if let loss = s.lossCycle, fit.writesOutcomeDays, s.winCycle != nil {
        comment("days lost: time to a loss, given a loss: \(loss.note)", indent: "      ")
        if let family = loss.writtenFamily { comment("  \(parameterText(family, loss.intervals)); mean \(number(loss.mean, 4)) days", indent: "      ") }
        days = "{won: \(days), lost: \(ScenarioEncoder.distribution(rounded(loss.written)))}"
      } else if let loss = s.lossCycle {
        comment("time to a loss (a stage lasts the same whatever its outcome, so not written): \(loss.note); mean \(number(loss.mean, 4)) days", indent: "      ")
      }
      if fit.dynamics.contains(.stale), !fit.staleAsLost {
        let share = s.staleShare
        if share > 0 && share < 1 {
          comment("stale: still open at \(number(s.staleAge, 4)) days, the age by which 99% of the closed deals had closed, \(number(share, 4)) (Kaplan-Meier); a stale deal holds its slot \(number(s.staleDays, 4)) days (the mean age at the cut-off of those open past the longest cycle, at least that cycle: a lower bound)", indent: "      ")
          stale = ", stale: {probability: \(number(share, 6)), days: \(number(s.staleDays, 6))}"
        }
      }
      if let push = fit.quarterEnd, push.isSignificant, !fit.writesOutcomeDays {
        comment("  advance = win probability x \(number(push.advanceScale, 4)), so that with the quarter-end push (\(number(push.shareInside, 3)) of closes in its window) the overall win probability stays the fitted one", indent: "      ")
      }
      line("      - {name: close, days: \(days), advance: \(number(fit.advance(s), 6))\(stale)}")
    }
    line("teams:")
    let allocations = coverage(fit)
    for t in fit.teams {
      line("  - name: \(quoted(t.name))")
      line("    kind: regional")
      comment("owners with an opportunity engaged in the window; \(t.opportunities) opportunities", indent: "    ")
      line("    reps: \(t.reps)")
      comment("open deals per rep per day: \(Int(t.concurrencyPercentile * 100))th percentile \(number(t.concurrencyAtPercentile, 3)), mean \(number(t.concurrencyMean, 3)), max \(t.concurrencyMax)", indent: "    ")
      line("    slots_per_rep: \(t.slotsPerRep)")
      if fit.dynamics.contains(.repWinFactor) {
        if t.repVariance > 0 && t.repFactors.count >= 2 {
          comment("rep_win_factor: each rep's win rate among closed deals shrunk toward the team's (reps' true-rate variance \(number(t.repVariance, 3)), by moments), over the team's:", indent: "    ")
          comment("  " + t.repFactors.map { "\($0.rep) \($0.won)/\($0.closed) x\(number($0.factor, 3))" }.joined(separator: ", "), indent: "    ")
          line("    rep_win_factor: {empirical: {values: [\(t.repFactors.map { number($0.factor, 6) }.joined(separator: ", "))]}}")
        } else {
          comment("rep_win_factor: the reps' win rates differ no more than chance would make them: not written", indent: "    ")
        }
      }
      let covers = allocations.filter { $0.team == t.name }
      comment("covers: its share of each segment's opportunities (\(covers.map { "\($0.segment) \($0.opportunities)" }.joined(separator: ", ")))", indent: "    ")
      line("    covers: [\(covers.map { "{segments: \(quoted($0.segment)), offset: \(NumberText.shortest($0.offset)), share: \(NumberText.shortest($0.share))}" }.joined(separator: ", "))]")
    }
    return out.joined(separator: "\n") + "\n"
  }

  /// Where `cccm fit --resamples` writes the parameter sets of a scenario written to `output`: beside
  /// it, its name with `.sets.yaml` in place of `.yaml` (or `.yml`).
  public static func parameterSetsPath(_ output: String) -> String {
    for ending in [".yaml", ".yml"] where output.hasSuffix(ending) && output.count > ending.count {
      return String(output.dropLast(ending.count)) + ".sets.yaml"
    }
    return output + ".sets.yaml"
  }

  /// The scenario's `parameter_sets:` line naming the sets file (relative: beside it).
  public static func parameterSetsLine(file: String, count: Int, seed: UInt64) -> String {
    comment("parameter_sets: the fit repeated on \(count) Poisson bootstrap resamples of the export (seed \(seed)); a run draws one set per replication")
      + "\nparameter_sets: \(quoted((file as NSString).lastPathComponent))\n"
  }

  /// The parameter sets file, with a header saying where the sets come from.
  public static func parameterSetsYAML(_ fit: FitResult, sets: [ParameterSet], mapping: String) -> String {
    ParameterSetsFile.yaml(sets, header: [
      "\(sets.count) parameter sets: `cccm fit \(fit.export) --map \(mapping) --until \(fit.until) --resamples \(sets.count)`, the whole fit",
      "repeated on Poisson bootstrap resamples of the export (seed \(fit.seed)); each replication of a run draws one (docs/calibration.md).",
    ])
  }

  static func comment(_ text: String) -> String { "# \(YAMLText.comment(text))" }

  /// A territory: accounts [offset, offset + share) of a segment's ranking.
  public struct Allocation: Sendable {
    public var team: String
    public var segment: String
    public var opportunities: Int
    public var offset: Double
    public var share: Double
  }

  /// Each segment's accounts divided among the teams that worked it, contiguous ranges of its
  /// ranking whose share of potential (opportunities, when accounts are alike) is as near as whole
  /// accounts allow to the team's share of the segment's opportunities.
  public static func coverage(_ fit: FitResult) -> [Allocation] {
    var result: [Allocation] = []
    for s in fit.segments {
      let n = s.accounts
      let potentials = s.potential.count == n ? s.potential : Array(repeating: 1.0, count: n)
      let total = potentials.reduce(0, +)
      var cumulative = [0.0]
      for q in potentials { cumulative.append(cumulative.last! + q / total) }
      let opportunities = Double(s.coverage.reduce(0) { $0 + $1.opportunities })
      var target = 0.0
      var previous = 0
      for (j, team) in s.coverage.enumerated() {
        target += Double(team.opportunities) / opportunities
        let remaining = s.coverage.count - j - 1
        var k = previous + 1
        if remaining == 0 {
          k = n
        } else {
          var best = Double.infinity
          for candidate in (previous + 1)...(n - remaining) where abs(cumulative[candidate] - target) < best {
            best = abs(cumulative[candidate] - target)
            k = candidate
          }
        }
        result.append(Allocation(team: team.team, segment: s.name, opportunities: team.opportunities, offset: Double(previous) / Double(n), share: Double(k - previous) / Double(n)))
        previous = k
      }
    }
    return result
  }

  static func parameterText(_ fit: FamilyFit, _ intervals: [ClosedRange<Double>]) -> String {
    fit.family.parameterNames.enumerated().map { i, name in
      let interval = i < intervals.count ? " (95% CI \(number(intervals[i].lowerBound, 4))-\(number(intervals[i].upperBound, 4)))" : ""
      return "\(name) \(number(fit.parameters[i], 4))\(interval)"
    }.joined(separator: ", ")
  }

  /// The distribution with its parameters at 6 significant digits.
  static func rounded(_ d: Distribution) -> Distribution {
    let r = { (x: Double) in Double(number(x, 6)) ?? x }
    switch d {
    case .exponential(let mean): return .exponential(mean: r(mean))
    case .gamma(let shape, let scale): return .gamma(shape: r(shape), scale: r(scale))
    case .logNormal(let median, let sigma): return .logNormal(median: r(median), sigma: r(sigma))
    case .empirical(let values, let weights): return .empirical(values: values.map(r), weights: weights.map(r))
    default: return d
    }
  }

  /// A number at `digits` significant digits, as YAML reads it back.
  static func number(_ value: Double, _ digits: Int) -> String {
    guard value.isFinite else { return ".nan" }
    let text = String(format: "%.\(digits)g", value)
    return Double(text).map { NumberText.shortest($0) } ?? text
  }

  /// A name as a YAML double-quoted string (`YAMLText.quoted`): CRM values are third-party data.
  static func quoted(_ text: String) -> String { YAMLText.quoted(text) }
}
