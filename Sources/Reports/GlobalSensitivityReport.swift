import Foundation

/// `cccm sensitivity --method morris` and `--method sobol`: every factor moved together over its
/// range, with the method's assumptions printed above the table.
public enum GlobalSensitivityReport {
  /// A factor and its range.
  public struct Factor: Sendable {
    public let path: String
    public let low: Double
    public let high: Double
    public let whole: Bool
    public init(path: String, low: Double, high: Double, whole: Bool) {
      self.path = path
      self.low = low
      self.high = high
      self.whole = whole
    }
  }

  /// What every design shares: the objective, the replications behind each point, the seed.
  public struct Setting: Sendable {
    public let objective: String
    public let points: Int
    public let replications: Int
    public let seed: UInt64
    public let baseMean: Double
    public init(objective: String, points: Int, replications: Int, seed: UInt64, baseMean: Double) {
      self.objective = objective
      self.points = points
      self.replications = replications
      self.seed = seed
      self.baseMean = baseMean
    }
  }

  public struct MorrisRow: Sendable {
    public let factor: Factor
    public let muStar, muStarSE, mu, sigma: Double
    public let effects: Int
    public init(factor: Factor, muStar: Double, muStarSE: Double, mu: Double, sigma: Double, effects: Int) {
      self.factor = factor
      self.muStar = muStar
      self.muStarSE = muStarSE
      self.mu = mu
      self.sigma = sigma
      self.effects = effects
    }
  }

  public struct SobolRow: Sendable {
    public let factor: Factor
    public let first, firstLow, firstHigh, total, totalLow, totalHigh: Double
    public init(factor: Factor, first: Double, firstLow: Double, firstHigh: Double, total: Double, totalLow: Double, totalHigh: Double) {
      self.factor = factor
      self.first = first
      self.firstLow = firstLow
      self.firstHigh = firstHigh
      self.total = total
      self.totalLow = totalLow
      self.totalHigh = totalHigh
    }
  }

  struct MorrisJSON: Encodable, Sendable {
    let factor: String
    let low, high: Double
    let mu_star, mu_star_se, mu, sigma: JSONNumber
    let effects: Int
  }
  struct SobolJSON: Encodable, Sendable {
    let factor: String
    let low, high: Double
    let first_order, first_ci95_low, first_ci95_high, total, total_ci95_low, total_ci95_high: JSONNumber
  }
  struct DocumentJSON<Row: Encodable & Sendable>: Encodable, Sendable {
    let method: String
    let objective: String
    let base: JSONNumber
    let points: Int
    let replications: Int
    let seed: UInt64
    let trajectories: Int?
    let levels: Int?
    let samples: Int?
    let bootstrap: Int?
    let variance: JSONNumber?
    let factors: [Row]
  }

  static func ranges(_ factors: [Factor]) -> String {
    factors.map { "\($0.path) in \(SweepReport.number($0.low))..\(SweepReport.number($0.high))\($0.whole ? " (whole numbers)" : "")" }
      .joined(separator: "; ")
  }

  static func common(_ setting: Setting) -> String {
    "each point is the mean of \(setting.replications) replications on common random numbers (every point meets the same opportunities, so differences between points are the factors', not luck's), seed \(setting.seed)"
  }

  public static func morris(setting: Setting, rows: [MorrisRow], trajectories: Int, levels: Int) -> ReportDocument {
    var doc = ReportDocument()
    let unit = MetricUnit(metric: setting.objective)
    let delta = Double(levels) / (2 * Double(levels - 1))
    doc.add(.text(
      "Morris screening of \(setting.objective) (base \(unit.format(setting.baseMean))): \(trajectories) trajectories of \(rows.count + 1) points, \(levels) levels, step \(String(format: "%.3g", delta)) of each range; \(setting.points) points.\n"
        + "Assumptions: independent inputs, each uniform over its range (\(ranges(rows.map(\.factor)))); \(common(setting)).\n"
        + "mu* is the mean absolute change in \(setting.objective) when a factor crosses its whole range (Campolongo's mu*, sorted by it), mu its signed mean, sigma their spread: sigma near mu* or above means the factor interacts with others or acts non-linearly.\n\n"))
    var table = TextTable(header: ["factor", "low", "high", "mu*", "± SE", "mu", "sigma", "sigma/mu*", ""], textColumns: 1)
    doc.csvHeader = ["factor", "statistic", "value"]
    let sorted = rows.sorted { ($0.muStar.isFinite ? $0.muStar : -1) > ($1.muStar.isFinite ? $1.muStar : -1) }
    let widest = sorted.first?.muStar ?? 0
    var json: [MorrisJSON] = []
    for row in sorted {
      let length = widest > 0 && row.muStar.isFinite ? Int((row.muStar / widest * 20).rounded()) : 0
      table.add([
        row.factor.path, SweepReport.number(row.factor.low), SweepReport.number(row.factor.high), unit.format(row.muStar), unit.format(row.muStarSE),
        unit.format(row.mu, signed: true), unit.format(row.sigma), row.muStar > 0 ? String(format: "%.2f", row.sigma / row.muStar) : "-",
        String(repeating: "#", count: length),
      ])
      for (statistic, value) in [("low", row.factor.low), ("high", row.factor.high), ("mu_star", row.muStar), ("mu_star_se", row.muStarSE), ("mu", row.mu), ("sigma", row.sigma)] {
        doc.csvRows.append([.text(row.factor.path), .text(statistic), .number(value)])
      }
      json.append(
        MorrisJSON(
          factor: row.factor.path, low: row.factor.low, high: row.factor.high, mu_star: JSONNumber(row.muStar), mu_star_se: JSONNumber(row.muStarSE),
          mu: JSONNumber(row.mu), sigma: JSONNumber(row.sigma), effects: row.effects))
    }
    doc.add(.table(table, coloured: false))
    doc.json = DocumentJSON(
      method: "morris", objective: setting.objective, base: JSONNumber(setting.baseMean), points: setting.points, replications: setting.replications,
      seed: setting.seed, trajectories: trajectories, levels: levels, samples: nil, bootstrap: nil, variance: nil, factors: json)
    return doc
  }

  public static func sobol(setting: Setting, rows: [SobolRow], samples: Int, bootstrap: Int, variance: Double) -> ReportDocument {
    var doc = ReportDocument()
    let unit = MetricUnit(metric: setting.objective)
    let sd = variance > 0 ? variance.squareRoot() : 0
    doc.add(.text(
      "Sobol indices of \(setting.objective) (base \(unit.format(setting.baseMean)), sd over the ranges \(unit.format(sd))): \(samples) quasi-random base samples (GSL's Sobol sequence), \(setting.points) points; 95% intervals from \(bootstrap) bootstrap resamples.\n"
        + "Assumptions: independent inputs, each uniform over its range (\(ranges(rows.map(\.factor)))); \(common(setting)).\n"
        + "First order: the share of the variance a factor explains alone (Saltelli 2010); total: with its interactions (Jansen). Sorted by total; a total near 0 means the factor can be fixed anywhere in its range.\n\n"))
    var table = TextTable(header: ["factor", "low", "high", "first order", "95% CI", "total", "95% CI", ""], textColumns: 1)
    doc.csvHeader = ["factor", "statistic", "value"]
    let sorted = rows.sorted { ($0.total.isFinite ? $0.total : -1) > ($1.total.isFinite ? $1.total : -1) }
    var json: [SobolJSON] = []
    func share(_ x: Double) -> String { x.isFinite ? String(format: "%.3f", x) : "-" }
    for row in sorted {
      let length = row.total.isFinite ? Int((min(max(row.total, 0), 1) * 20).rounded()) : 0
      table.add([
        row.factor.path, SweepReport.number(row.factor.low), SweepReport.number(row.factor.high), share(row.first),
        "[\(share(row.firstLow)), \(share(row.firstHigh))]", share(row.total), "[\(share(row.totalLow)), \(share(row.totalHigh))]",
        String(repeating: "#", count: length),
      ])
      for (statistic, value) in [
        ("low", row.factor.low), ("high", row.factor.high), ("first_order", row.first), ("first_ci95_low", row.firstLow), ("first_ci95_high", row.firstHigh),
        ("total", row.total), ("total_ci95_low", row.totalLow), ("total_ci95_high", row.totalHigh),
      ] {
        doc.csvRows.append([.text(row.factor.path), .text(statistic), .number(value)])
      }
      json.append(
        SobolJSON(
          factor: row.factor.path, low: row.factor.low, high: row.factor.high, first_order: JSONNumber(row.first), first_ci95_low: JSONNumber(row.firstLow),
          first_ci95_high: JSONNumber(row.firstHigh), total: JSONNumber(row.total), total_ci95_low: JSONNumber(row.totalLow),
          total_ci95_high: JSONNumber(row.totalHigh)))
    }
    doc.add(.table(table, coloured: false))
    doc.add(.text("Sum of first-order indices \(share(rows.map(\.first).reduce(0, +))) (1 when the factors do not interact).\n"))
    doc.json = DocumentJSON(
      method: "sobol", objective: setting.objective, base: JSONNumber(setting.baseMean), points: setting.points, replications: setting.replications,
      seed: setting.seed, trajectories: nil, levels: nil, samples: samples, bootstrap: bootstrap, variance: JSONNumber(variance), factors: json)
    return doc
  }
}
