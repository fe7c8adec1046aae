/// An opportunity already open on day 0, from the scenario's `pipeline:` file: the simulation
/// starts with it in progress (docs/scenario-format.md, "A starting pipeline").
public struct PipelineDeal: Hashable, Sendable {
  /// The CRM's id: the deal's random streams are keyed by it, so a variant meets the same deal.
  public var id: String
  public var segment: String
  /// The CRM's account (carried to the trace; the owner is `team`).
  public var account: String
  public var team: String
  /// The stage of the team's (or the segment's) motion the deal is in, and the days it has spent in it.
  public var stage: String
  public var daysInStage: Double
  /// Its value when the CRM knows it; else drawn from the segment's deal size.
  public var dealSize: Double?
  public var solution: String?
  /// Its row in the file (the header is row 1), for messages.
  public var row: Int

  public init(
    id: String, segment: String, account: String, team: String, stage: String, daysInStage: Double, dealSize: Double? = nil,
    solution: String? = nil, row: Int = 0
  ) {
    self.id = id
    self.segment = segment
    self.account = account
    self.team = team
    self.stage = stage
    self.daysInStage = daysInStage
    self.dealSize = dealSize
    self.solution = solution
    self.row = row
  }
}
