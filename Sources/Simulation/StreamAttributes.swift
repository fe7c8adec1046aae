import Randomness

/// Fixed places of an opportunity's attributes in its random stream (docs/model.md): a value's draw
/// depends only on (opportunity key, attribute, draw number), never on what else was drawn.
enum Attribute {
  static let account: UInt64 = 0
  static let solution: UInt64 = 1
  static let dealSize: UInt64 = 2
  static let decisionMakers: UInt64 = 3
  static let relationshipCoverage: UInt64 = 4
  static let reached: UInt64 = 5
  static let newHire: UInt64 = 6
  static let engagement: UInt64 = 7
  static func stageDays(_ stage: Int) -> UInt64 { 16 + 4 * UInt64(stage) }
  static func stageOutcome(_ stage: Int) -> UInt64 { 17 + 4 * UInt64(stage) }
  static func presalesService(_ stage: Int) -> UInt64 { 18 + 4 * UInt64(stage) }
}
