import Foundation

/// A small scenario for the studies' tests: two teams of single-slot reps, every deal won after
/// one stage of mean 2 days. Busy meets 10 erlangs with `busy` reps (it blocks many arrivals),
/// Idle meets 2 erlangs with `idle` reps (it blocks almost none): one more rep in Busy wins more
/// deals; one more in Idle, hardly any.
public enum TwoTeams {
  public static func yaml(busy: Int = 6, idle: Int = 10) -> String {
    """
    name: two-teams-\(busy)
    horizon_days: 365
    warmup_days: 30
    seed: 11
    regions: [R1, R2]
    segments:
      - {name: S1, tier: smb, region: R1, accounts: 3650, opportunities_per_account_year: 0.5, deal_size: 1000, motion: m}
      - {name: S2, tier: smb, region: R2, accounts: 730, opportunities_per_account_year: 0.5, deal_size: 1000, motion: m}
    motions:
      - {name: m, stages: [{name: a, days: {exponential: {mean: 2}}, advance: 1}]}
    teams:
      - {name: Busy, kind: regional, reps: \(busy), covers: {region: R1}}
      - {name: Idle, kind: regional, reps: \(idle), covers: {region: R2}}
    """
  }

  /// The scenario written to a new scratch file (studies build their variants from a file).
  public static func write(busy: Int = 6, idle: Int = 10) throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("cccm-two-teams-\(UUID().uuidString).yaml")
    try yaml(busy: busy, idle: idle).write(to: url, atomically: true, encoding: .utf8)
    return url.path
  }
}
