import Estimation
import Foundation

/// `cccm allocate`: where a headcount budget went, unit by unit, and the selection among the best
/// few allocations that finished it.
public enum AllocationReport {
  public struct Step: Sendable {
    public let path: String
    public let objectiveAfter: Double
    public let gain: PairedDifference
    public let runnerUp: String?
    public init(path: String, objectiveAfter: Double, gain: PairedDifference, runnerUp: String?) {
      self.path = path
      self.objectiveAfter = objectiveAfter
      self.gain = gain
      self.runnerUp = runnerUp
    }
  }

  public struct Place: Sendable {
    public let path: String
    public let today: Int
    public let added: Int
    public init(path: String, today: Int, added: Int) {
      self.path = path
      self.today = today
      self.added = added
    }
  }

  struct StepJSON: Encodable, Sendable {
    let step: Int
    let added_to: String
    let objective_after, gain, gain_ci95_low, gain_ci95_high: JSONNumber
  }
  struct PlaceJSON: Encodable, Sendable {
    let path: String
    let today, added: Int
  }
  struct Selection: Encodable, Sendable {
    let value: any Encodable & Sendable
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
  }
  struct AllocationJSON: Encodable, Sendable {
    let objective: String
    let budget: Int
    let replications_per_step: Int
    let steps: [StepJSON]
    let allocation: [PlaceJSON]
    let chosen: String
    let selection: Selection?
  }

  public static func document(
    objective: String, budget: Int, replications: Int, seed: UInt64, steps: [Step], allocation: [Place], chosen: String, selection: ReportDocument
  ) -> ReportDocument {
    var doc = ReportDocument()
    let unit = MetricUnit(metric: objective)
    doc.add(.text(
      "Allocation of \(budget) more units by \(objective): greedy marginal analysis, each unit to the place where one more adds most given those already placed; \(replications) replications a step on common random numbers, seed \(seed).\n"
        + "Assumptions: units are added one at a time (a greedy path: it finds the best allocation when each place's marginal value falls as it grows); the last step's best few allocations are then compared by Kim-Nelson selection on fresh replications.\n\n"))
    doc.add(.title("Unit by unit"))
    var table = TextTable(header: ["step", "added to", "\(objective) after", "gain", "95% CI", "runner-up"], textColumns: 2)
    for (i, step) in steps.enumerated() {
      table.add([
        "\(i + 1)", step.path, unit.format(step.objectiveAfter), unit.formatDifference(step.gain.mean), unit.interval(step.gain), step.runnerUp ?? "-",
      ])
    }
    doc.add(.table(table, coloured: false))
    doc.add(.text("\n"))
    doc.add(.title("The allocation chosen: \(chosen)"))
    var places = TextTable(header: ["place", "today", "added", "then"], textColumns: 1)
    for place in allocation { places.add([place.path, "\(place.today)", place.added > 0 ? "+\(place.added)" : "0", "\(place.today + place.added)"]) }
    doc.add(.table(places, coloured: false))
    doc.add(.text("\n"))
    doc.add(.title("Selection among the last step's best allocations"))
    doc.blocks += selection.blocks
    doc.csvHeader = ["item", "statistic", "value"]
    for (i, step) in steps.enumerated() {
      doc.csvRows.append([.text("step \(i + 1)"), .text("added_to \(step.path)"), .number(step.gain.mean)])
    }
    for place in allocation { doc.csvRows.append([.text(place.path), .text("added"), .number(Double(place.added))]) }
    doc.csvRows += selection.csvRows
    doc.json = AllocationJSON(
      objective: objective, budget: budget, replications_per_step: replications,
      steps: steps.enumerated().map {
        StepJSON(
          step: $0 + 1, added_to: $1.path, objective_after: JSONNumber($1.objectiveAfter), gain: JSONNumber($1.gain.mean),
          gain_ci95_low: JSONNumber($1.gain.ciLow), gain_ci95_high: JSONNumber($1.gain.ciHigh))
      }, allocation: allocation.map { PlaceJSON(path: $0.path, today: $0.today, added: $0.added) }, chosen: chosen,
      selection: selection.json.map { Selection(value: $0) })
    return doc
  }
}
