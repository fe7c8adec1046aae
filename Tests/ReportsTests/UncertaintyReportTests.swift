import Estimation
import Experiments
import Testing

@testable import Reports

/// The uncertainty report's variance split as printed.
@Suite("Uncertainty report: the variance split")
struct UncertaintyReportTests {
  static let setting = UncertaintyReport.Setting(objective: "contribution", largerIsBetter: true, sets: 4, replications: 3, seed: 7)

  static func table(_ outputs: [[Double]]) -> (text: String, decomposition: VarianceDecomposition) {
    let decomposition = VarianceDecomposition(outputs.map(SetMoments.init), replications: 3)
    let design = UncertaintyReport.Design(name: "baseline", decomposition: decomposition, versusBaseline: nil, difference: nil)
    return (UncertaintyReport.document(setting: setting, inputs: [], designs: [design]).render(.table), decomposition)
  }

  @Test("an inputs' part not told from noise prints its one-sided 95% upper bound, not 0 with no standard error")
  func boundWhenNotToldFromNoise() throws {
    // Set means closer together than noise / R: the inputs' variance estimate is below 0.
    let (text, d) = Self.table([[10, 20, 30], [11, 19, 30], [12, 20, 28], [9, 21, 30]])
    #expect(d.inputs <= 0)
    let bound = 1.645 * d.inputsSE
    #expect(bound > 0)
    let row = try #require(text.split(separator: "\n").first { $0.hasPrefix("baseline") })
    #expect(row.contains("< \(MetricUnit(metric: "contribution").format(bound.squareRoot()))"), "\(row)")
  }

  @Test("an inputs' part above 0 prints its standard deviation and the SE of it")
  func valueWhenPositive() throws {
    let (text, d) = Self.table([[10, 11, 12], [20, 21, 22], [30, 31, 32], [40, 41, 42]])
    #expect(d.inputs > 0)
    let row = try #require(text.split(separator: "\n").first { $0.hasPrefix("baseline") })
    #expect(!row.contains("<"))
    #expect(row.contains(MetricUnit(metric: "contribution").format(d.inputs.squareRoot())))
  }
}
