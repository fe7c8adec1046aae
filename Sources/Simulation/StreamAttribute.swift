/// Every attribute of every random stream the engine draws from (docs/model.md). A stream is a
/// (key, attribute) pair, so a value's draw depends only on what it is for, never on what else was
/// drawn. Results depend on these numbers: none is ever renumbered, and a new attribute takes a
/// number no other attribute of its stream has.
enum StreamAttribute {
  // MARK: An opportunity's stream (`StreamKey.opportunity`, or a pipeline deal's key)

  /// Which account it falls on, hence whose territory it is in.
  static let account: UInt64 = 0
  /// The solution it needs.
  static let solution: UInt64 = 1
  static let dealSize: UInt64 = 2
  /// The number of the customer's decision makers, the share a relationship programme covers,
  /// and how many of them it reaches.
  static let decisionMakers: UInt64 = 3
  static let relationshipCoverage: UInt64 = 4
  static let reached: UInt64 = 5
  /// Whether a new hire works it.
  static let newHire: UInt64 = 6
  /// Whether each overlay group that may engage does (its k-th candidate: draw k).
  static let engagement: UInt64 = 7
  /// Stage k's days, its outcome and its presales service: four numbers a stage from 16.
  static func stageDays(_ stage: Int) -> UInt64 { 16 + 4 * UInt64(stage) }
  static func stageOutcome(_ stage: Int) -> UInt64 { 17 + 4 * UInt64(stage) }
  static func presalesService(_ stage: Int) -> UInt64 { 18 + 4 * UInt64(stage) }
  /// Whether stage k goes stale (the first draw), then its stale days: the fourth number of a stage.
  static func stale(_ stage: Int) -> UInt64 { 19 + 4 * UInt64(stage) }
  /// Whether the quarter-end pull moves its close (one draw, on its last stage).
  static let quarterPull: UInt64 = 8
  /// Whether it is lost when a transition's switch gives it to a new owner.
  static let switchHandover: UInt64 = 1 << 41

  // MARK: A seat's stream (`StreamKey.seat`)

  /// Occupant k's time to leaving, and the backfill delay after they leave.
  static func leaving(occupant: UInt32) -> UInt64 { 2 * UInt64(occupant) }
  static func backfill(occupant: UInt32) -> UInt64 { 2 * UInt64(occupant) + 1 }
  /// The first occupant's tenure when the replication starts.
  static let tenure: UInt64 = 1 << 40

  // MARK: Streams with one attribute

  /// A segment's arrivals (`StreamKey.arrivals`), and a leaver's hand-over of one deal
  /// (`Workforce.handoverKey`): each stream is read in order.
  static let only: UInt64 = 0
  /// In a segment's arrivals stream, beside its gaps (`only`): the gamma factor of the arrival
  /// rate in month `month` (`YearClock.absoluteMonth`).
  static func monthFactor(_ month: Int) -> UInt64 { 0x1_0000_0000 &+ UInt64(bitPattern: Int64(month)) }
}
