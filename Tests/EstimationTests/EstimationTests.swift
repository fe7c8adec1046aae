import CoverageModel
import Randomness
import Testing

@testable import Estimation

@Suite("Summaries and paired differences")
struct SummaryTests {
  @Test("mean, sd, t interval and type-7 percentiles of a small sample")
  func summary() {
    let s = Summary([2, 4, 4, 4, 5, 5, 7, 9])
    #expect(s.count == 8 && s.mean == 5)
    #expect(abs(s.sd - (32.0 / 7).squareRoot()) < 1e-12)
    // t(0.975, 7) = 2.364624 (tables).
    #expect(abs(s.halfWidth - 2.364624 * s.sd / 8.0.squareRoot()) < 1e-5)
    #expect(abs(s.p05 - 2.7) < 1e-12 && abs(s.p50 - 4.5) < 1e-12 && abs(s.p95 - 8.3) < 1e-12)
  }

  @Test("NaN marks a replication where a metric is undefined; summaries skip it")
  func skipsNaN() {
    let s = Summary([1, .nan, 3])
    #expect(s.count == 2 && s.mean == 2)
    #expect(Summary([.nan, .nan]).mean.isNaN)
    #expect(Summary([7]).halfWidth == 0)
  }

  @Test("a paired difference by hand: d = [1, 2, 0, 1, 2]")
  func pairedByHand() {
    let d = PairedDifference(baseline: [10, 12, 9, 11, 13], variant: [11, 14, 9, 12, 15])
    #expect(abs(d.mean - 1.2) < 1e-12)
    #expect(abs(d.pairedVariance - 0.7) < 1e-12)
    // t(0.975, 4) = 2.776445.
    #expect(abs(d.halfWidth - 2.776445 * (0.7 / 5).squareRoot()) < 1e-5)
    #expect(abs(d.relative - 1.2 / 11) < 1e-12)
    // var(baseline) 2.5 + var(variant) 5.7 over the paired 0.7.
    #expect(abs(d.varianceReduction - 8.2 / 0.7) < 1e-9)
    #expect(d.isSignificant)
  }

  @Test("a constant shift has zero width and is significant; identical samples differ by exactly 0")
  func degenerate() {
    let shifted = PairedDifference(baseline: [1, 2, 3, 4], variant: [2, 3, 4, 5])
    #expect(shifted.ciLow == 1 && shifted.ciHigh == 1 && shifted.isSignificant && shifted.varianceReduction == .infinity)
    let same = PairedDifference(baseline: [1, 2, 3], variant: [1, 2, 3])
    #expect(same.mean == 0 && same.halfWidth == 0 && !same.isSignificant)
  }

  @Test("the unpaired (Welch) half-width uses the Welch-Satterthwaite degrees of freedom")
  func welch() {
    let half = PairedDifference.unpairedHalfWidth(baseline: [10, 12, 9, 11, 13], variant: [11, 14, 9, 12, 15])
    let se2 = 2.5 / 5 + 5.7 / 5
    let df = se2 * se2 / ((2.5 / 5) * (2.5 / 5) / 4 + (5.7 / 5) * (5.7 / 5) / 4)
    #expect(abs(half - Probability.studentTQuantile(0.975, degreesOfFreedom: df) * se2.squareRoot()) < 1e-12)
    // df ≈ 6.94 lies between 6 and 7 degrees of freedom: t(0.975) between 2.3646 and 2.4469.
    #expect(half > 2.364624 * se2.squareRoot() && half < 2.446912 * se2.squareRoot())
  }

  /// Paired samples with a shared part (common random numbers), a known true difference, and
  /// intervals at the given confidence: the share covering the truth, over `trials` trials.
  func coverage(confidence: Double, trials: Int) -> Double {
    let generator = RandomGenerator()
    var tables = SamplerTables()
    let shared = tables.compile(.normal(mean: 100, sd: 10))
    let own = tables.compile(.normal(mean: 50, sd: 2))
    var covered = 0
    for trial in 0..<trials {
      generator.select(key: UInt64(trial), attribute: 0)
      var baseline: [Double] = []
      var variant: [Double] = []
      for _ in 0..<10 {
        let common = generator.sample(shared, from: tables)
        baseline.append(common + generator.sample(own, from: tables))
        variant.append(common + 3 + generator.sample(own, from: tables))
      }
      let d = PairedDifference(baseline: baseline, variant: variant, confidence: confidence)
      if d.ciLow <= 3 && 3 <= d.ciHigh { covered += 1 }
    }
    return Double(covered) / Double(trials)
  }

  @Test("paired-t intervals cover the true difference at their level (95%, and 97.5% as Bonferroni gives for two variants)",
        arguments: [0.95, 0.975])
  func intervalCoverage(confidence: Double) {
    let trials = 4000
    let share = coverage(confidence: confidence, trials: trials)
    let se = (confidence * (1 - confidence) / Double(trials)).squareRoot()
    #expect(abs(share - confidence) < 4 * se, "coverage \(share) at level \(confidence) ± \(4 * se)")
  }
}

@Suite("Queueing formulas")
struct QueueingTests {
  @Test("Erlang B: one server a/(1+a); 10 servers at 5 erlangs 0.018385 (tables); monotone in load")
  func erlangB() {
    #expect(abs(Queueing.erlangB(servers: 1, load: 3) - 0.75) < 1e-15)
    #expect(abs(Queueing.erlangB(servers: 10, load: 5) - 0.018385) < 5e-6)
    #expect(Queueing.erlangB(servers: 0, load: 2) == 1)
    #expect(Queueing.erlangB(servers: 8, load: 6) < Queueing.erlangB(servers: 8, load: 7))
  }

  @Test("Erlang C: M/M/1 waits with probability rho; M/M/2 at 1 erlang 1/3; mean waits by hand")
  func erlangC() {
    #expect(abs(Queueing.erlangC(servers: 1, load: 0.6) - 0.6) < 1e-12)
    #expect(abs(Queueing.erlangC(servers: 2, load: 1) - 1.0 / 3) < 1e-12)
    // M/M/1, lambda 0.5, service 1: Wq = rho / (mu - lambda) = 1.
    #expect(abs(Queueing.mmcMeanWait(servers: 1, arrivalRate: 0.5, meanService: 1) - 1) < 1e-12)
    // M/M/2, lambda 1, service 1: Wq = C / (c mu - lambda) = 1/3.
    #expect(abs(Queueing.mmcMeanWait(servers: 2, arrivalRate: 1, meanService: 1) - 1.0 / 3) < 1e-12)
  }
}

@Suite("Multiple comparisons")
struct MultipleComparisonTests {
  @Test("Bonferroni keeps the family at 95%: one comparison at 95%, k at 1 - 0.05/k")
  func bonferroni() {
    #expect(PairedDifference.bonferroniConfidence(comparisons: 1) == 0.95)
    #expect(PairedDifference.bonferroniConfidence(comparisons: 0) == 0.95)
    #expect(abs(PairedDifference.bonferroniConfidence(comparisons: 4) - 0.9875) < 1e-15)
  }

  @Test("a ranking goes from best to worst in the objective's direction, a mean that is not a number last")
  func ranking() {
    #expect(PairedDifference.ranking([3, .nan, 5, 1], lowerIsBetter: false) == [2, 0, 3, 1])
    #expect(PairedDifference.ranking([3, .nan, 5, 1], lowerIsBetter: true) == [3, 0, 2, 1])
  }
}
