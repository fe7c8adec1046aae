import Foundation
import Testing

@testable import Calibration

/// Mappings that could be read two ways are refused, at the line that makes them so.
@Suite("Ambiguous mappings")
struct HardeningMappingTests {
  static let mapping = """
    opportunities:
      id: opportunity_id
      owner: sales_agent
      stage: deal_stage
      engaged: engage_date
      closed: close_date
      amount: close_value
    stages:
      won: [Won]
      lost: [Lost]
      open: [Engaging]
    """

  func problems(_ text: String) -> String {
    do {
      _ = try Mapping.parse(text, file: "m.yaml")
      return ""
    } catch {
      return error.description
    }
  }

  @Test("a stage value under two outcomes is refused")
  func overlappingStages() {
    #expect(problems(Self.mapping).isEmpty)
    let text = problems(Self.mapping.replacingOccurrences(of: "lost: [Lost]", with: "lost: [Lost, Won]"))
    #expect(text.contains("m.yaml:10:") && text.contains("stages.lost: the stage \"Won\" is also listed under stages.won"), "\(text)")
    let open = problems(Self.mapping.replacingOccurrences(of: "open: [Engaging]", with: "open: [Engaging, Lost]"))
    #expect(open.contains("stages.open: the stage \"Lost\" is also listed under stages.lost"), "\(open)")
  }

  @Test("one column for two roles is refused")
  func columnTwice() {
    let text = problems(Self.mapping.replacingOccurrences(of: "owner: sales_agent", with: "owner: opportunity_id"))
    #expect(text.contains("m.yaml:3:") && text.contains("opportunities.owner: the column \"opportunity_id\" is already opportunities.id"), "\(text)")
  }
}
