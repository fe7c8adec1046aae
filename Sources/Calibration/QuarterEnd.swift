import Foundation
import Randomness

/// The quarter-end push seen in CRM data: deals that close in a quarter's last days are won more
/// often. Fitted as the engine models it (`quarter_end: {last_days, advance_factor}`): a deal
/// closing within `lastDays` of a quarter's end wins with probability p x factor, p elsewhere.
public struct QuarterEndFit: Sendable {
  public var lastDays: Int
  public var wonInside: Int
  public var closedInside: Int
  public var wonOutside: Int
  public var closedOutside: Int
  /// p inside / p outside, and its 95% interval (delta method on the log ratio).
  public var factor: Double
  public var factorInterval: ClosedRange<Double>
  /// The likelihood-ratio statistic against no push (one win probability), and its p-value
  /// (chi-squared with 1 degree of freedom; the window's length was chosen among the candidates,
  /// so the p-value is a little optimistic).
  public var likelihoodRatio: Double
  public var pValue: Double
  /// Each candidate window's log-likelihood.
  public var candidates: [(days: Int, logLikelihood: Double)]

  /// Closes inside the window over all closes: s in p_AJ = advance x ((1 - s) + s x factor).
  public var shareInside: Double { Double(closedInside) / Double(max(closedInside + closedOutside, 1)) }
  /// What the scenario's advance is multiplied by so that the overall win probability stays the
  /// fitted one: 1 / ((1 - s) + s x factor).
  public var advanceScale: Double { 1 / ((1 - shareInside) + shareInside * factor) }
  /// Whether the push is clear enough to write: p-value below 1%.
  public var isSignificant: Bool { pValue < 0.01 }

  /// The candidate windows (days before a quarter's end).
  public static let candidateDays = [7, 14, 21, 31, 45]

  /// Whether a close on `day` falls in the last `lastDays` of its calendar quarter (as the engine
  /// tests it: the next quarter starts at most `lastDays` days after the day begins).
  public static func inside(_ day: Day, lastDays: Int) -> Bool {
    day.distance(to: Day(day.date.nextQuarterStart)) <= lastDays
  }

  /// The best window among `candidateDays` by likelihood, or nil with fewer than 20 closes on
  /// either side of every window.
  public static func fit(_ closes: [(day: Day, won: Bool)]) -> QuarterEndFit? {
    func logLik(_ w: Int, _ n: Int) -> Double {
      guard n > 0 else { return 0 }
      let p = Double(w) / Double(n)
      return (w > 0 ? Double(w) * log(p) : 0) + (n - w > 0 ? Double(n - w) * log(1 - p) : 0)
    }
    let wonAll = closes.filter(\.won).count
    let null = logLik(wonAll, closes.count)
    var best: QuarterEndFit?
    var candidates: [(Int, Double)] = []
    for days in candidateDays {
      var (wi, ni, wo, no) = (0, 0, 0, 0)
      for c in closes {
        if inside(c.day, lastDays: days) {
          ni += 1
          if c.won { wi += 1 }
        } else {
          no += 1
          if c.won { wo += 1 }
        }
      }
      guard ni >= 20, no >= 20, wi > 0, wo > 0 else { continue }
      let ll = logLik(wi, ni) + logLik(wo, no)
      candidates.append((days, ll))
      let pIn = Double(wi) / Double(ni)
      let pOut = Double(wo) / Double(no)
      let factor = pIn / pOut
      let se = ((1 - pIn) / Double(wi) + (1 - pOut) / Double(wo)).squareRoot()
      let lr = max(2 * (ll - null), 0)
      let fit = QuarterEndFit(
        lastDays: days, wonInside: wi, closedInside: ni, wonOutside: wo, closedOutside: no, factor: factor,
        factorInterval: exp(log(factor) - 1.96 * se)...exp(log(factor) + 1.96 * se), likelihoodRatio: lr,
        pValue: SpecialFunctions.chiSquaredSurvival(lr, degreesOfFreedom: 1), candidates: [])
      if best == nil || lr > best!.likelihoodRatio { best = fit }
    }
    best?.candidates = candidates
    return best
  }
}
