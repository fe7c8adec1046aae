import CoverageModel
import Foundation
import Randomness
import ScenarioFiles

/// The parameter sets of a predictive run (`cccm fit --resamples K`, `cccm backtest --resamples
/// K`): the whole fit repeated on K bootstrap resamples of the export, so each set holds estimates
/// the history could as well have given.
///
/// A resample takes every row a Poisson(1) number of times (the Poisson bootstrap), so the count of
/// deals varies as a Poisson count does and rates carry their own uncertainty (a resample of
/// exactly n rows would pin every rate). Each resample is fitted as the export is (its seasons,
/// win probabilities with their open-deal weights, cycle times, deal sizes, stale share,
/// dispersion, pull and reps' factors, with the same mapping), and the set takes the fitted
/// numbers of the base scenario's segments, stages and teams from it; what is not fitted (teams,
/// slots, accounts, coverage) stays the base's.
public enum FitResamples {
  /// `count` parameter sets for `base` (the scenario fitted on the whole export with `mapping`),
  /// resample k drawn from `seed` and k alone.
  public static func sets(
    _ export: Export, mapping: Mapping, mappingFile: String, until: Day, since: Day?, base: Scenario, count: Int, seed: UInt64
  ) throws(CalibrationError) -> [ParameterSet] {
    var quiet = mapping
    // The resamples' own intervals are not needed: their point estimates are the sets.
    quiet.bootstrap = 0
    var sets: [ParameterSet] = []
    let generator = RandomGenerator()
    for k in 0..<count {
      generator.select(key: seed, attribute: 0x5E75_0000 &+ UInt64(k))
      var resample = export
      resample.opportunities = []
      for o in export.opportunities {
        for _ in 0..<generator.poisson(mean: 1) { resample.opportunities.append(o) }
      }
      let fit = try Calibrator.fit(resample, mapping: quiet, until: until, since: since)
      let scenario: Scenario
      do {
        scenario = try ScenarioLoader().load(yaml: ScenarioWriting.yaml(fit, mapping: mappingFile), file: "resample \(k + 1)")
      } catch {
        throw .export(["error: the scenario fitted on resample \(k + 1) does not validate (a bug in cccm fit; please report it):\n\(error.description)"])
      }
      sets.append(parameterSet(scenario, base: base))
    }
    return sets
  }

  /// The fitted numbers of `estimate` for the segments, stages and teams `base` has, in `base`'s
  /// terms: a segment's rate per account-year over `base`'s accounts; where `base` has a key the
  /// estimate lacks (a push, pull, stale share or reps' factors not significant in the resample),
  /// the value that does nothing, so that the set never keeps a base value fitted with another.
  public static func parameterSet(_ estimate: Scenario, base: Scenario) -> ParameterSet {
    var entries: [ParameterSet.Entry] = []
    func add(_ path: String, _ value: ParameterSet.Value) { entries.append(ParameterSet.Entry(path: path, value: value)) }
    if base.seasonality != nil, let s = estimate.seasonality { add("seasonality", .numbers(s)) }
    if let q = base.quarterEnd {
      var none = QuarterEnd(lastDays: 0, advanceFactor: 1)
      none.hasPush = q.hasPush
      if q.pullDays != nil { (none.pullDays, none.pullProbability) = (0, 0) }
      var value = estimate.quarterEnd ?? none
      if q.hasPush && !value.hasPush { (value.hasPush, value.lastDays, value.advanceFactor) = (true, 0, 1) }
      if q.pullDays != nil && value.pullDays == nil { (value.pullDays, value.pullProbability) = (0, 0) }
      add("quarter_end", .quarterEnd(value))
    }
    for segment in base.segments {
      guard let e = estimate.segment(named: segment.name) else { continue }
      let path = "segments.\(segment.name)"
      add("\(path).opportunities_per_account_year", .number(e.opportunitiesPerAccountYear * Double(e.accounts) / Double(max(segment.accounts, 1))))
      add("\(path).deal_size", .distribution(e.dealSize))
      if segment.arrivalDispersion != nil { add("\(path).arrival_dispersion", .number(e.arrivalDispersion ?? 0)) }
    }
    for motion in base.motions {
      guard let m = estimate.motion(named: motion.name) else { continue }
      for stage in motion.stages {
        guard let s = m.stages.first(where: { $0.name == stage.name }) else { continue }
        let path = "motions.\(motion.name).stages.\(stage.name)"
        if let lost = stage.lostDays {
          add("\(path).days", .outcomeDays(won: s.days, lost: s.lostDays ?? lost))
        } else {
          add("\(path).days", .distribution(s.days))
        }
        add("\(path).advance", .number(s.advance))
        if let stale = stage.stale { add("\(path).stale", .stale(s.stale ?? Stale(probability: 0, days: stale.days))) }
      }
    }
    for team in base.teams where team.repWinFactor != nil {
      guard let t = estimate.team(named: team.name) else { continue }
      add("teams.\(team.name).rep_win_factor", .distribution(t.repWinFactor ?? .constant(1)))
    }
    return ParameterSet(entries: entries)
  }
}
