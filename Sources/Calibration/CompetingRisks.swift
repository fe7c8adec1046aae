import Foundation

/// How an opportunity's time in the pipeline ended, as of the cut-off.
public enum Ending: Sendable, Hashable {
  case won, lost
  /// Still open at the cut-off: censored at its age then.
  case open
}

/// The Aalen-Johansen estimate of the cumulative incidence of winning and of losing, with deals
/// still open at the cut-off censored at their age.
///
/// With competing outcomes, won / (won + lost) among closed deals is biased whenever one outcome
/// comes sooner than the other: deals still open are more often future wins if wins take longer.
/// The cumulative incidence of winning by age t is CIF_w(t) = sum over event ages s <= t of
/// S(s-) d_w(s) / n(s), with S the Kaplan-Meier probability of being still open (any outcome
/// ending it), n(s) the deals open at age s and d_w(s) the wins at age s (Aalen and Johansen 1978;
/// Kalbfleisch and Prentice, ch. 8). Open deals censored at the same age as events count as at
/// risk at that age.
public struct CompetingRisks: Sendable {
  /// Distinct event ages, ascending.
  public private(set) var ages: [Double] = []
  /// CIF of winning and of losing at each age in `ages`.
  public private(set) var wonIncidence: [Double] = []
  public private(set) var lostIncidence: [Double] = []
  /// Still open (Kaplan-Meier over both outcomes) just after each age.
  public private(set) var stillOpen: [Double] = []
  public let won: Int
  public let lost: Int
  public let open: Int

  /// The estimate from each deal's age at its ending (or at the cut-off, open) and, with
  /// `entries`, the age at which it came under observation (delayed entry, left truncation): a
  /// deal engaged before the window is at risk only at ages above its age on the window's first
  /// day, so ages when it could not have been seen closing do not dilute the estimate.
  public init(ages observed: [Double], endings: [Ending], entries: [Double]? = nil) {
    precondition(observed.count == endings.count, "CompetingRisks: \(observed.count) ages, \(endings.count) endings")
    won = endings.filter { $0 == .won }.count
    lost = endings.filter { $0 == .lost }.count
    open = endings.count - won - lost
    // Without entries above 0 every deal is at risk from the start: an entry before every age.
    let entries = entries.flatMap { $0.contains { $0 > 0 } ? $0 : nil } ?? Array(repeating: -.infinity, count: observed.count)
    (ages, wonIncidence, lostIncidence, stillOpen) = Self.estimate(observed, endings: endings, entries: entries)
  }

  /// The Aalen-Johansen estimate with delayed entry: at an event age x the deals at risk are those
  /// that entered before x and had not ended (or been censored) before x.
  private static func estimate(_ observed: [Double], endings: [Ending], entries: [Double]) -> ([Double], [Double], [Double], [Double]) {
    precondition(observed.count == entries.count, "CompetingRisks: \(observed.count) ages, \(entries.count) entries")
    var (ages, wonIncidence, lostIncidence, stillOpen): ([Double], [Double], [Double], [Double]) = ([], [], [], [])
    let order = observed.indices.sorted { observed[$0] < observed[$1] }
    let entering = entries.sorted()
    var entered = 0
    var left = 0
    var survival = 1.0
    var cifWon = 0.0
    var cifLost = 0.0
    var index = 0
    while index < order.count {
      let age = observed[order[index]]
      while entered < entering.count, entering[entered] < age { entered += 1 }
      let atRisk = Double(entered - left)
      var dWon = 0.0
      var dLost = 0.0
      var leaving = 0
      while index < order.count, observed[order[index]] == age {
        switch endings[order[index]] {
        case .won: dWon += 1
        case .lost: dLost += 1
        case .open: break
        }
        leaving += 1
        index += 1
      }
      if dWon + dLost > 0, atRisk > 0 {
        cifWon += survival * dWon / atRisk
        cifLost += survival * dLost / atRisk
        survival *= 1 - (dWon + dLost) / atRisk
        ages.append(age)
        wonIncidence.append(cifWon)
        lostIncidence.append(cifLost)
        stillOpen.append(survival)
      }
      left += leaving
    }
    return (ages, wonIncidence, lostIncidence, stillOpen)
  }

  /// The estimate at the last event age: the probability of a win, of a loss, and of being still
  /// open past the longest cycle seen.
  public var finalWon: Double { wonIncidence.last ?? 0 }
  public var finalLost: Double { lostIncidence.last ?? 0 }
  public var finalOpen: Double { stillOpen.last ?? 1 }

  /// Still open (Kaplan-Meier over both outcomes) just after age x.
  public func stillOpen(at x: Double) -> Double {
    guard let i = ages.lastIndex(where: { $0 <= x }) else { return 1 }
    return stillOpen[i]
  }

  /// The probability that a deal that closes within the longest cycle seen is won:
  /// CIF_w / (CIF_w + CIF_l) at the last event age. Equals won / (won + lost) when nothing is
  /// censored; unlike it, stays unbiased when open deals are censored.
  public var winProbability: Double {
    let closed = finalWon + finalLost
    return closed > 0 ? finalWon / closed : .nan
  }

  /// The naive figure for comparison: won / (won + lost) among deals closed by the cut-off.
  public var closedWinRate: Double { won + lost > 0 ? Double(won) / Double(won + lost) : .nan }

  /// The distribution of the age at a win, given a win: the CIF's jumps over its final value,
  /// as (ages, probabilities): what the engine's `empirical` durations take.
  public func conditionalDistribution(_ outcome: Ending) -> (ages: [Double], weights: [Double]) {
    let incidence = outcome == .won ? wonIncidence : lostIncidence
    guard let total = incidence.last, total > 0 else { return ([], []) }
    var result: ([Double], [Double]) = ([], [])
    var previous = 0.0
    for (age, value) in zip(ages, incidence) where value > previous {
      result.0.append(age)
      result.1.append((value - previous) / total)
      previous = value
    }
    return result
  }

  /// The conditional CDF of the age at `outcome` given that outcome, at x.
  public func conditionalCDF(_ outcome: Ending, at x: Double) -> Double {
    let incidence = outcome == .won ? wonIncidence : lostIncidence
    guard let total = incidence.last, total > 0 else { return .nan }
    var low = 0
    var high = ages.count
    while low < high {
      let mid = (low + high) / 2
      if ages[mid] <= x { low = mid + 1 } else { high = mid }
    }
    return low == 0 ? 0 : incidence[low - 1] / total
  }

  /// The probability that a deal still open at age c will end with `outcome`:
  /// (CIF(end) - CIF(c)) / S(c), the weight it carries as a censored observation when the age at
  /// that outcome is fitted.
  public func conditionalWeight(_ outcome: Ending, openAt c: Double) -> Double {
    let incidence = outcome == .won ? wonIncidence : lostIncidence
    guard let total = incidence.last else { return 0 }
    var low = 0
    var high = ages.count
    while low < high {
      let mid = (low + high) / 2
      if ages[mid] <= c { low = mid + 1 } else { high = mid }
    }
    let (cifAt, survivalAt) = low == 0 ? (0.0, 1.0) : (incidence[low - 1], stillOpen[low - 1])
    guard survivalAt > 1e-12 else { return 0 }
    return min(max((total - cifAt) / survivalAt, 0), 1)
  }
}
