import Foundation

/// What happened, month by month and per team: the history a fitted scenario is compared with,
/// and what a back-test scores its predictions against. New opportunities count in the month they
/// were engaged; wins, losses and bookings (won amounts) in the month they closed.
public struct Actuals: Sendable {
  public struct Month: Sendable, Codable, Equatable {
    public var month: String
    public var team: String?
    public var engaged = 0
    public var won = 0
    public var lost = 0
    public var bookings = 0.0
  }

  /// Per calendar month, all teams together.
  public var months: [Month]
  /// Per calendar month and team.
  public var teamMonths: [Month]

  /// Actuals given month by month (tests; a history read elsewhere).
  public init(months: [Month], teamMonths: [Month] = []) {
    self.months = months
    self.teamMonths = teamMonths
  }

  /// The history of `opportunities` over the months that meet [from, through] (events outside
  /// the window are not counted; a month cut by the window counts only its days inside it).
  public init(_ opportunities: [Opportunity], from: Day, through: Day) {
    var all: [String: Month] = [:]
    var byTeam: [String: Month] = [:]
    func add(_ day: Day, _ team: String, _ change: (inout Month) -> Void) {
      guard day >= from, day <= through else { return }
      let label = day.monthLabel
      change(&all[label, default: Month(month: label)])
      change(&byTeam[label + "\u{1}" + team, default: Month(month: label, team: team)])
    }
    for o in opportunities where o.stage != .notEngaged {
      if let engaged = o.engaged { add(engaged, o.team) { $0.engaged += 1 } }
      if let closed = o.closed, o.engaged != nil {
        switch o.stage {
        case .won: add(closed, o.team) { m in
            m.won += 1
            m.bookings += o.amount ?? 0
          }
        case .lost: add(closed, o.team) { $0.lost += 1 }
        default: break
        }
      }
    }
    months = all.values.sorted { $0.month < $1.month }
    teamMonths = byTeam.values.sorted { ($0.month, $0.team ?? "") < ($1.month, $1.team ?? "") }
  }
}
