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
/// other outcome. An age is drawn above the deal's entry, from the distribution given that it
/// lasted past it (a deal that came under observation at age e is in the data only because it did) and counted in whole days as the export is
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
    var compiled = SamplerTables()
    // A log-logistic without a mean has no sampler; it is drawn until above the entry.
    let family = fit.family.distribution(fit.parameters).map { compiled.compile($0) }
    let others = otherAges.ages.isEmpty ? nil : compiled.compile(.empirical(values: otherAges.ages, weights: otherAges.weights))
    let tables = compiled
    let truncated = entries.contains { $0 > 0 }
    // Each data set has its own stream, so the sets can be simulated in parallel and the bound
    // is the same on any number of threads.
    var distances = [Double](repeating: .nan, count: replicates)
    distances.withUnsafeMutableBufferPointer { out in
      let slots = SendableSlots(out)
      DispatchQueue.concurrentPerform(iterations: replicates) { r in
        let generator = RandomGenerator()
        generator.select(key: seed, attribute: 0xC1D_0000 &+ UInt64(r))
        var ages: [Double] = []
        var simulated: [Ending] = []
        ages.reserveCapacity(endings.count)
        simulated.reserveCapacity(endings.count)
        for i in endings.indices {
          let ends = others == nil || generator.uniform() < probability ? outcome : other
          let sampler = ends == outcome ? family : others
          let age =
            sampler.map { entries[i] + generator.sampleBeyond($0, elapsed: entries[i], from: tables) }
            ?? drawAbove(entries[i], generator) { fit.family.draw(fit.parameters, $0) }
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
        guard sample.events.count >= 2, let refit = MaximumLikelihood.refit(fit.family, sample, near: fit.parameters) else { return }
        slots.set(r, distance(fit.family, refit, outcome, drawnRisks))
      }
    }
    return distances.filter(\.isFinite).max()
  }

  /// Distinct slots of one buffer, each written by one iteration of a parallel loop.
  private struct SendableSlots: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Double>
    init(_ buffer: UnsafeMutableBufferPointer<Double>) { self.buffer = buffer }
    func set(_ i: Int, _ value: Double) { buffer[i] = value }
  }

  /// A draw above `entry` for a family without a sampler: the first of 1,000 draws that is, else
  /// the entry plus a day.
  private static func drawAbove(_ entry: Double, _ generator: RandomGenerator, _ draw: (RandomGenerator) -> Double) -> Double {
    for _ in 0..<1000 {
      let x = draw(generator)
      if x > entry { return x }
    }
    return entry + 1
  }
}
