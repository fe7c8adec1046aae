import Estimation
import Experiments
import Foundation

/// `cccm uncertainty`: how the designs fare over the uncertain inputs: the inputs sampled, each
/// design's variance split into the inputs' part and simulation noise, and each variant's
/// probability of beating the baseline.
public enum UncertaintyReport {
  public struct Input: Sendable {
    public let path: String
    public let distribution: String
    public let mean: Double
    public let location: String
    public init(path: String, distribution: String, mean: Double, location: String) {
      self.path = path
      self.distribution = distribution
      self.mean = mean
      self.location = location
    }
  }

  public typealias Design = UncertaintyOutcome.Design

  public struct Setting: Sendable {
    public let objective: String
    public let largerIsBetter: Bool
    public let sets: Int
    public let replications: Int
    public let seed: UInt64
    public init(objective: String, largerIsBetter: Bool, sets: Int, replications: Int, seed: UInt64) {
      self.objective = objective
      self.largerIsBetter = largerIsBetter
      self.sets = sets
      self.replications = replications
      self.seed = seed
    }
  }

  struct InputJSON: Encodable, Sendable {
    let path, distribution, location: String
    let mean: JSONNumber
  }
  struct DesignJSON: Encodable, Sendable {
    let name: String
    let mean, variance_of_set_means, inputs_variance, inputs_variance_se, noise_variance, noise_variance_se, inputs_share: JSONNumber
    let p_beats_baseline, p_ci95_low, p_ci95_high, share_of_sets_better, difference, difference_ci95_low, difference_ci95_high: JSONNumber?
    let sets_better, sets_worse, sets_tied, sets_significantly_better, sets_significantly_worse: Int?
    let difference_inputs_variance, difference_noise_variance, difference_inputs_share: JSONNumber?
  }
  struct DocumentJSON: Encodable, Sendable {
    let objective: String
    let sets: Int
    let replications: Int
    let seed: UInt64
    let inputs: [InputJSON]
    let designs: [DesignJSON]
  }

  public static func document(setting: Setting, inputs: [Input], designs: [Design]) -> ReportDocument {
    var doc = ReportDocument()
    let unit = MetricUnit(metric: setting.objective)
    doc.add(.text(
      "Uncertainty of \(setting.objective) over \(setting.sets) parameter sets (independent draws of the uncertain values), \(setting.replications) replications per set on common random numbers (every design meets the same opportunities within a set; sets are independent), seed \(setting.seed).\n"
        + "Assumptions: the uncertain values are independent, each with the distribution written in the scenario; other commands run each at its mean.\n\n"))
    doc.add(.title("Uncertain values"))
    var inputTable = TextTable(header: ["value", "distribution", "mean", "written at"], textColumns: 2)
    for input in inputs { inputTable.add([input.path, input.distribution, SweepReport.number(input.mean), input.location]) }
    doc.add(.table(inputTable, coloured: false))
    doc.add(.text("\n"))
    doc.add(.title("Where the variance comes from"))
    var split = TextTable(header: ["design", setting.objective, "sd from inputs", "± SE", "sd from noise", "inputs' share"], textColumns: 1)
    func sd(_ variance: Double) -> String { unit.format(max(variance, 0).squareRoot()) }
    for design in designs {
      let d = design.decomposition
      // The SE of a standard deviation sqrt(V) from the SE of V: SE / (2 sqrt(V)).
      let sdSE = d.inputs > 0 ? d.inputsSE / (2 * d.inputs.squareRoot()) : .nan
      // Not told from 0 (an estimate at or below 0): the one-sided 95% upper bound 0 + 1.645 SE.
      let inputs = d.inputs > 0 || !(d.inputsSE > 0) ? sd(d.inputs) : "< \(sd(1.645 * d.inputsSE))"
      split.add([design.name, unit.format(d.mean), inputs, unit.format(sdSE), sd(d.noise), String(format: "%.1f%%", d.inputShare * 100)])
    }
    doc.add(.table(split, coloured: false))
    doc.add(.text(
      "A replication's variance = the inputs' part Var(E[Y | inputs]) + simulation noise E[Var(Y | inputs)]; noise is the mean variance within a set, the inputs' part the variance of the set means less noise / \(setting.replications). When that comes out at or below 0 the inputs' part is too small to tell from noise with this many replications per set: \"< x\" is its one-sided 95% upper bound (0 + 1.645 SE, as a standard deviation).\n"))
    let variants = designs.filter { $0.versusBaseline != nil }
    if !variants.isEmpty, let baseline = designs.first {
      doc.add(.text("\n"))
      doc.add(.title("Against \(baseline.name) over the uncertainty"))
      var table = TextTable(
        header: ["variant", "P(beats baseline)", "95% CI", "difference", "95% CI", "sets better / worse (significant)", "inputs' share of its variance"], textColumns: 1)
      for design in variants {
        guard let s = design.versusBaseline else { continue }
        table.add([
          design.name, String(format: "%.0f%%", s.modelled.estimate * 100),
          String(format: "[%.0f%%, %.0f%%]", s.modelled.low * 100, s.modelled.high * 100), unit.formatDifference(s.difference.mean),
          "[\(unit.formatDifference(s.difference.ci95Low)), \(unit.formatDifference(s.difference.ci95High))]",
          "\(s.better) / \(s.worse) (\(s.significantlyBetter) / \(s.significantlyWorse))",
          design.difference.map { String(format: "%.1f%%", $0.inputShare * 100) } ?? "-",
        ])
      }
      doc.add(.table(table, coloured: false))
      doc.add(.text(
        "P(beats baseline): the chance that at uncertain values drawn from their distributions the variant's expected \(setting.objective) is \(setting.largerIsBetter ? "higher" : "lower"), from a linear regression of the sets' mean differences on their values (the share of sets whose fitted difference favours the variant), with a 95% interval from resampling the sets. "
          + "The sets better / worse count the sets' own means, which the noise of \(setting.replications) replications pulls toward half and half. The difference is the mean over the sets; the last column splits the paired difference's variance like the table above (high: the answer depends on the uncertain values; low: on luck).\n"))
    }
    doc.csvHeader = ["design", "statistic", "value"]
    var json: [DesignJSON] = []
    for design in designs {
      let d = design.decomposition
      var rows: [(String, Double)] = [
        ("mean", d.mean), ("variance_of_set_means", d.setMeans), ("inputs_variance", d.inputs), ("inputs_variance_se", d.inputsSE), ("noise_variance", d.noise),
        ("noise_variance_se", d.noiseSE), ("inputs_share", d.inputShare),
      ]
      let s = design.versusBaseline
      if let s {
        rows += [
          ("p_beats_baseline", s.modelled.estimate), ("p_ci95_low", s.modelled.low), ("p_ci95_high", s.modelled.high),
          ("share_of_sets_better", s.probability.estimate), ("difference", s.difference.mean),
          ("difference_ci95_low", s.difference.ci95Low), ("difference_ci95_high", s.difference.ci95High),
        ]
      }
      for (statistic, value) in rows { doc.csvRows.append([.text(design.name), .text(statistic), .number(value)]) }
      json.append(
        DesignJSON(
          name: design.name, mean: JSONNumber(d.mean), variance_of_set_means: JSONNumber(d.setMeans), inputs_variance: JSONNumber(d.inputs),
          inputs_variance_se: JSONNumber(d.inputsSE), noise_variance: JSONNumber(d.noise), noise_variance_se: JSONNumber(d.noiseSE),
          inputs_share: JSONNumber(d.inputShare), p_beats_baseline: s.map { JSONNumber($0.modelled.estimate) }, p_ci95_low: s.map { JSONNumber($0.modelled.low) },
          p_ci95_high: s.map { JSONNumber($0.modelled.high) }, share_of_sets_better: s.map { JSONNumber($0.probability.estimate) }, difference: s.map { JSONNumber($0.difference.mean) },
          difference_ci95_low: s.map { JSONNumber($0.difference.ci95Low) }, difference_ci95_high: s.map { JSONNumber($0.difference.ci95High) },
          sets_better: s?.better, sets_worse: s?.worse, sets_tied: s?.ties, sets_significantly_better: s?.significantlyBetter,
          sets_significantly_worse: s?.significantlyWorse, difference_inputs_variance: design.difference.map { JSONNumber($0.inputs) },
          difference_noise_variance: design.difference.map { JSONNumber($0.noise) }, difference_inputs_share: design.difference.map { JSONNumber($0.inputShare) }))
    }
    doc.decision = DecisionTable(uncertainty: setting, designs: designs)
    doc.json = DocumentJSON(
      objective: setting.objective, sets: setting.sets, replications: setting.replications, seed: setting.seed,
      inputs: inputs.map { InputJSON(path: $0.path, distribution: $0.distribution, location: $0.location, mean: JSONNumber($0.mean)) }, designs: json)
    return doc
  }
}
