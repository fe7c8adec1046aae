import Foundation
import Randomness

/// How far a fitted cycle-time family may lie from the Aalen-Johansen estimate before `cccm fit`
/// writes the empirical distribution instead: the 1% point of that distance when the family is
/// true, by a parametric bootstrap of the whole fit.
///
/// The distance is sup |F(x; fitted) - F_AJ(x | outcome)| over the ages seen. Kolmogorov's bound
/// 1.63 / sqrt(n) would hold for a fully specified F and an ordinary empirical CDF; here neither
/// holds: the parameters are fitted to the same deals (which pulls F towards the data) and open
/// deals are censored (which makes F_AJ noisier than an empirical CDF of n events). The null
/// distribution of the distance is therefore simulated with the data's own censoring.
///
/// Each of `replicates` data sets redraws every deal's ending: with the outcome's share of closed
/// deals (the Aalen-Johansen incidences at the last age) it ends so, at an age from the fitted
/// family; otherwise it ends the other way, at an age from the Aalen-Johansen distribution of the
/// other outcome. An age is drawn above the deal's entry (a deal that came under observation at
/// age e is in the data only because it lasted past e) and counted in whole days as the export is
/// (day 0 counts as half a day). The deal is seen closed if it closed by the cut-off (its window:
/// its age at the cut-off), else it is open at its window. The family is fitted anew to each data
/// set and its distance taken against that data set's own Aalen-Johansen estimate. With 99
/// replicates, the largest simulated distance is the bound: a distance above it has a p-value of
/// at most 1/100, so the fallback is a test at 1%.
enum CycleDistance {
  static let replicates = 99

  /// The distance between the fitted family's CDF and the Aalen-Johansen conditional CDF of
  /// `outcome`, at every age the estimate steps at.
  static func distance(_ family: LifetimeFamily, _ parameters: [Double], _ outcome: Ending, _ risks: CompetingRisks) -> Double {
    risks.ages.map { abs(family.cdf($0, parameters) - risks.conditionalCDF(outcome, at: $0)) }.max() ?? 0
  }

  /// The simulated 1% point of the distance for `fit` (the family chosen for `outcome`), nil when
  /// no simulated data set could be fitted. `windows[i]` is deal i's age at the cut-off and
  /// `entries[i]` the age at which it came under observation (0 for most).
  static func bound(
    _ fit: FamilyFit, _ outcome: Ending, endings: [(age: Double, ending: Ending)], entries: [Double], windows: [Double], risks: CompetingRisks,
    replicates: Int = replicates, seed: UInt64
  ) -> Double? {
    let other: Ending = outcome == .won ? .lost : .won
    let (share, otherShare) = outcome == .won ? (risks.finalWon, risks.finalLost) : (risks.finalLost, risks.finalWon)
    guard share > 0, share + otherShare > 0 else { return nil }
    let probability = share / (share + otherShare)
    let otherAges = risks.conditionalDistribution(other)
    let otherCumulative = cumulative(otherAges.weights)
    let truncated = entries.contains { $0 > 0 }
    let generator = RandomGenerator()
    generator.select(key: seed, attribute: 0xC1D)
    var largest: Double?
    for _ in 0..<replicates {
      var ages: [Double] = []
      var simulated: [Ending] = []
      ages.reserveCapacity(endings.count)
      simulated.reserveCapacity(endings.count)
      for i in endings.indices {
        let ends = otherAges.ages.isEmpty || generator.uniform() < probability ? outcome : other
        let age = drawAbove(entries[i], generator) { g in
          ends == outcome ? fit.family.draw(fit.parameters, g) : otherAges.ages[index(otherCumulative, g.uniform())]
        }
        // Whole days since engagement, as the export counts them; seen closed by the cut-off or open there.
        let days = age.rounded(.down)
        if days <= windows[i] - 0.5 {
          ages.append(days > 0 ? days : 0.5)
          simulated.append(ends)
        } else {
          ages.append(windows[i])
          simulated.append(.open)
        }
      }
      let drawnRisks = CompetingRisks(ages: ages, endings: simulated, entries: truncated ? entries : nil)
      let sample = Calibrator.cycleSample(outcome, zip(ages, simulated).map { (age: $0, ending: $1) }, entries: truncated ? entries : nil, drawnRisks)
      guard sample.events.count >= 2, let refit = MaximumLikelihood.fit(fit.family, sample) else { continue }
      let d = distance(fit.family, refit.parameters, outcome, drawnRisks)
      guard d.isFinite else { continue }
      largest = max(largest ?? d, d)
    }
    return largest
  }

  /// A draw above `entry`: the first of 1,000 draws that is, else the entry itself plus a day
  /// (a family with almost no mass above the entry).
  private static func drawAbove(_ entry: Double, _ generator: RandomGenerator, _ draw: (RandomGenerator) -> Double) -> Double {
    for _ in 0..<1000 {
      let x = draw(generator)
      if x > entry { return x }
    }
    return entry + 1
  }

  private static func cumulative(_ weights: [Double]) -> [Double] {
    var total = 0.0
    return weights.map { w in
      total += w
      return total
    }
  }

  /// The first index whose cumulative weight reaches u (the last for rounding at the top).
  private static func index(_ cumulative: [Double], _ u: Double) -> Int {
    let target = u * (cumulative.last ?? 1)
    var low = 0
    var high = cumulative.count - 1
    while low < high {
      let mid = (low + high) / 2
      if cumulative[mid] < target { low = mid + 1 } else { high = mid }
    }
    return low
  }
}
