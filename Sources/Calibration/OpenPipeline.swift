import CCCMSupport
import Foundation

/// The opportunities open at the cut-off, as the pipeline a simulation would start from
/// (MODEL.md's "starting from a real pipeline"): one row per open deal with its segment, account,
/// owner team, the stage it is in (the fitted motion's one stage, `close`), the days it has
/// already spent there, its amount where the export gives one, and its product. Deals open for
/// longer than the longest cycle seen (stale records) are left out and counted.
public struct OpenPipeline: Sendable {
  public struct Deal: Sendable, Equatable {
    public var id: String
    public var segment: String
    public var account: String?
    public var team: String
    public var stage: String
    public var daysInStage: Int
    public var dealSize: Double?
    public var solution: String?
  }

  public var deals: [Deal]
  /// Open deals older than the longest cycle seen, left out.
  public var stale: Int

  public static let header = ["id", "segment", "account", "team", "stage", "days_in_stage", "deal_size", "solution"]

  /// The deals of `export` open on `until` among those the fit used (engaged in the window, or
  /// before it and open at its start: `Calibrator.entry`).
  public init(_ export: Export, fit: FitResult, mapping: Mapping) {
    deals = []
    stale = 0
    for o in export.opportunities {
      guard Calibrator.entry(of: o, first: fit.first, until: fit.until) != nil, let engaged = o.engaged else { continue }
      let closedByCutoff = (o.stage == .won || o.stage == .lost) && (o.closed.map { $0 <= fit.until } ?? false)
      guard !closedByCutoff else { continue }
      let age = engaged.distance(to: fit.until)
      if Double(age) + 0.5 > fit.longestCycle {
        stale += 1
        continue
      }
      let segment = mapping.segmentsBy.isEmpty ? "all" : mapping.segmentsBy.map { o.group($0) }.joined(separator: "-")
      // An amount is known only for deals already won; an open deal's value is drawn by the engine.
      deals.append(Deal(id: o.id, segment: segment, account: o.account, team: o.team, stage: "close", daysInStage: age, dealSize: nil, solution: o.product))
    }
  }

  /// The pipeline as CSV (`CSV.record`).
  public var csv: String {
    var lines = [Self.header.joined(separator: ",")]
    for d in deals {
      lines.append(CSV.record([d.id, d.segment, d.account ?? "", d.team, d.stage, String(d.daysInStage), d.dealSize.map { "\($0)" } ?? "", d.solution ?? ""]))
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
