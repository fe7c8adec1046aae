import Estimation
import Foundation

/// `cccm select`: the design Kim and Nelson's procedure chose, those that could still be best,
/// and the replications each used against the fixed-sample Bonferroni procedure's.
public enum SelectionReport {
  public struct Design: Sendable {
    public let name: String
    public let mean: Double
    public let used: Int
    public let status: Status
    /// The objective's values over the replications the design used, when kept (the intervals
    /// below come from them unless given).
    public let values: [Double]
    /// The 95% interval of the design's objective over the replications it used (the ratio of
    /// sums' delta-method interval for a ratio objective); nil with fewer than two.
    public let interval: (low: Double, high: Double)?
    /// The design minus the selected one over the replications both used (paired); nil for the
    /// selected design, with fewer than two, or when computed from `values`.
    public let fromSelected: PairedDifference?

    public init(name: String, mean: Double, used: Int, status: Status, values: [Double] = []) {
      self.name = name
      self.mean = mean
      self.used = used
      self.status = status
      self.values = values
      let s = Summary(values)
      interval = values.count >= 2 ? (s.ci95Low, s.ci95High) : nil
      fromSelected = nil
    }

    /// A design whose statistics were kept as moments: its interval and its paired difference
    /// from the selected design.
    public init(name: String, mean: Double, used: Int, status: Status, interval: (low: Double, high: Double)?, fromSelected: PairedDifference?) {
      self.name = name
      self.mean = mean
      self.used = used
      self.status = status
      values = []
      self.interval = interval
      self.fromSelected = fromSelected
    }

    /// Its paired difference from `chosen` over the replications both used: as given, else from
    /// both designs' values (nil with fewer than two each).
    public func difference(from chosen: Design) -> PairedDifference? {
      if let fromSelected { return fromSelected }
      let n = min(values.count, chosen.values.count)
      guard n >= 2 else { return nil }
      return PairedDifference(baseline: Array(chosen.values.prefix(n)), variant: Array(values.prefix(n)))
    }
  }

  public enum Status: String, Sendable {
    case selected
    case contender = "could still be best"
    case eliminated
  }

  public struct Setting: Sendable {
    public let objective: String
    public let largerIsBetter: Bool
    public let delta: Double
    public let deltaText: String
    public let confidence: Double
    public let firstStage: Int
    public let maximum: Int
    public let stages: Int
    public let simulated: Int
    public let fixedSample: Int
    public let seed: UInt64
    /// The objective is a ratio metric, estimated as a ratio of sums.
    public let ratio: Bool
    public init(
      objective: String, largerIsBetter: Bool, delta: Double, deltaText: String, confidence: Double, firstStage: Int, maximum: Int, stages: Int,
      simulated: Int, fixedSample: Int, seed: UInt64, ratio: Bool = false
    ) {
      self.ratio = ratio
      self.objective = objective
      self.largerIsBetter = largerIsBetter
      self.delta = delta
      self.deltaText = deltaText
      self.confidence = confidence
      self.firstStage = firstStage
      self.maximum = maximum
      self.stages = stages
      self.simulated = simulated
      self.fixedSample = fixedSample
      self.seed = seed
    }
  }

  struct DesignJSON: Encodable, Sendable {
    let name: String
    let mean: JSONNumber
    let replications: Int
    let status: String
    /// A ratio objective's delta-method 95% interval (absent for other objectives).
    let ci95_low, ci95_high: JSONNumber?
    /// Eliminated, but its mean is within delta of the selected design's: as good for this purpose.
    let within_delta: Bool
  }
  struct SelectionJSON: Encodable, Sendable {
    let objective: String
    /// "ratio of sums" for a ratio objective (absent for other objectives).
    let estimand: String?
    let larger_is_better: Bool
    let delta: JSONNumber
    let confidence: Double
    let first_stage: Int
    let maximum: Int
    let stages: Int
    let selected: String?
    let could_still_be_best: [String]
    let replications_used: Int
    let replications_simulated: Int
    let bonferroni_replications_per_design: Int
    let bonferroni_replications: Int
    let seed: UInt64
    let designs: [DesignJSON]
  }

  /// The designs as the report lists them: the selected one, those that could still be best, the
  /// eliminated; best mean first within each.
  public static func ordered(_ designs: [Design], largerIsBetter: Bool) -> [Design] {
    designs.sorted { a, b in
      let rank: (Status) -> Int = { $0 == .selected ? 0 : $0 == .contender ? 1 : 2 }
      return rank(a.status) != rank(b.status) ? rank(a.status) < rank(b.status) : (largerIsBetter ? a.mean > b.mean : a.mean < b.mean)
    }
  }

  public static func document(setting: Setting, designs: [Design]) -> ReportDocument {
    var doc = ReportDocument()
    let unit = MetricUnit(metric: setting.objective)
    let used = designs.map(\.used).reduce(0, +)
    let fixed = setting.fixedSample * designs.count
    let chosen = designs.first { $0.status == .selected }
    let contenders = designs.filter { $0.status == .contender }
    let percent = String(format: "%.0f%%", setting.confidence * 100)
    doc.add(.text(
      "Selection of the best of \(designs.count) designs by \(setting.objective) (\(setting.largerIsBetter ? "higher" : "lower") is better): Kim-Nelson fully sequential procedure on common random numbers, seed \(setting.seed).\n"
        + "Guarantee: with probability at least \(percent), the design selected is the best or within the indifference zone delta = \(unit.format(setting.delta)) (\(setting.deltaText)) of it; designs closer than delta are equally good for this purpose.\n"
        + "Assumptions: each design's \(setting.objective) is roughly normal over replications (a replication sums many deals); first stage \(setting.firstStage) replications, then one at a time with elimination after each, up to \(setting.maximum).\n"
        + (setting.ratio
          ? "\(setting.objective) is a ratio metric: each design's estimate is its ratio of sums over the replications it used, with a delta-method 95% interval; the procedure screens on linearised pseudo-values at the current estimates (an approximation to its guarantee, docs/statistics.md).\n"
          : "") + "\n"))
    var table = TextTable(header: ["design", setting.objective] + (setting.ratio ? ["95% CI"] : []) + ["replications", "status"], textColumns: 1)
    doc.csvHeader = ["design", "statistic", "value"]
    let order = ordered(designs, largerIsBetter: setting.largerIsBetter)
    // An eliminated design whose mean ends within delta of the selected one's is in the
    // indifference zone: the procedure may drop it, but it is not shown to be worse.
    let withinDelta = { (design: Design) -> Bool in
      guard design.status == .eliminated, let chosen else { return false }
      return abs(chosen.mean - design.mean) < setting.delta
    }
    for design in order {
      let status =
        design.status == .eliminated
        ? "eliminated after \(design.used)\(withinDelta(design) ? ", within delta: as good" : "")" : design.status.rawValue
      let interval = design.interval.map { "[\(unit.format($0.low)), \(unit.format($0.high))]" } ?? "-"
      table.add([design.name, unit.format(design.mean)] + (setting.ratio ? [interval] : []) + ["\(design.used)", status])
      doc.csvRows.append([.text(design.name), .text("mean"), .number(design.mean)])
      if setting.ratio {
        doc.csvRows.append([.text(design.name), .text("ci95_low"), .number(design.interval?.low ?? .nan)])
        doc.csvRows.append([.text(design.name), .text("ci95_high"), .number(design.interval?.high ?? .nan)])
      }
      doc.csvRows.append([.text(design.name), .text("replications"), .number(Double(design.used))])
      doc.csvRows.append([.text(design.name), .text("status"), .text(design.status.rawValue)])
    }
    doc.add(.table(table, coloured: false))
    let indifferent = designs.filter(withinDelta)
    if !indifferent.isEmpty {
      doc.add(.text(
        "\nWithin delta of the selected design: \(indifferent.map(\.name).joined(separator: ", ")). Their means differ from it by less than delta, so the guarantee does not rank them: choose among them on other grounds if that matters.\n"))
    }
    if let chosen {
      doc.add(.text("\nSelected: \(chosen.name), after \(setting.stages) stages.\n"))
    } else {
      doc.add(.text(
        "\nNo single design selected: stopped at the maximum of \(setting.maximum) replications with \(contenders.count) designs that could still be best (\(contenders.map(\.name).joined(separator: ", "))); they are within about delta of each other: choose among them on other grounds, or raise --replications or delta.\n"))
    }
    let saving = fixed > 0 ? 100 * (1 - Double(used) / Double(fixed)) : 0
    doc.add(.text(
      "Replications: \(used) used in all (\(setting.simulated) simulated, in batches); the fixed-sample Bonferroni procedure would need \(setting.fixedSample) per design, \(fixed) in all (\(String(format: "%+.0f%%", -saving)) here).\n"))
    doc.decision = DecisionTable(selection: setting, designs: designs)
    doc.json = SelectionJSON(
      objective: setting.objective, estimand: setting.ratio ? "ratio of sums" : nil, larger_is_better: setting.largerIsBetter, delta: JSONNumber(setting.delta), confidence: setting.confidence,
      first_stage: setting.firstStage, maximum: setting.maximum, stages: setting.stages, selected: chosen?.name, could_still_be_best: contenders.map(\.name),
      replications_used: used, replications_simulated: setting.simulated, bonferroni_replications_per_design: setting.fixedSample, bonferroni_replications: fixed,
      seed: setting.seed, designs: designs.map {
        DesignJSON(
          name: $0.name, mean: JSONNumber($0.mean), replications: $0.used, status: $0.status.rawValue,
          ci95_low: setting.ratio ? JSONNumber($0.interval?.low ?? .nan) : nil, ci95_high: setting.ratio ? JSONNumber($0.interval?.high ?? .nan) : nil,
          within_delta: withinDelta($0))
      })
    return doc
  }
}
