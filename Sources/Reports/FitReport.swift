import CCCMSupport
import Calibration
import CoverageModel
import Foundation

/// `cccm fit`'s report: what was read, arrivals and seasons, outcomes, cycle times, deal sizes and
/// teams, each figure with its evidence. Every table is also a JSON array of rows and CSV rows
/// (`section, segment, statistic, value` in long form).
public enum FitReport {
  enum Cell: Encodable, Sendable {
    case text(String)
    case number(Double)
    /// A p-value: shown as "< 0.001" below a thousandth.
    case pValue(Double)
    func encode(to encoder: any Encoder) throws {
      var container = encoder.singleValueContainer()
      switch self {
      case .text(let text): try container.encode(text)
      case .number(let value), .pValue(let value): if value.isFinite { try container.encode(value) } else { try container.encodeNil() }
      }
    }
  }

  struct Section: Encodable, Sendable {
    let rows: [[String: Cell]]
    func encode(to encoder: any Encoder) throws {
      var container = encoder.singleValueContainer()
      try container.encode(rows)
    }
  }

  struct FitJSON: Encodable, Sendable {
    let scenario: String
    let export: String
    let window_from: String
    let until: String
    let rows: RowCounts
    let sections: [String: Section]
  }

  public static func document(_ fit: FitResult) -> ReportDocument {
    var doc = ReportDocument()
    var sections: [String: Section] = [:]
    doc.csvHeader = ["section", "row", "statistic", "value"]
    func add(_ name: String, _ title: String, _ header: [String], _ rows: [[Cell]], textColumns: Int) {
      doc.add(.title(title, gap: true))
      var table = TextTable(header: header, textColumns: textColumns)
      for row in rows {
        table.add(row.map { cell in
          switch cell {
          case .text(let t): t
          case .number(let v): show(v)
          case .pValue(let p): p.isFinite ? (p < 0.001 ? "< 0.001" : String(format: "%.3f", p)) : ""
          }
        })
        let label: String = row.prefix(textColumns).compactMap { if case .text(let t) = $0 { t } else { nil } }.joined(separator: " / ")
        for (h, cell) in zip(header, row).dropFirst(textColumns) {
          switch cell {
          case .text(let t): doc.csvRows.append([.text(name), .text(label), .text(h), .text(t)])
          case .number(let v), .pValue(let v): doc.csvRows.append([.text(name), .text(label), .text(h), .number(v)])
          }
        }
      }
      doc.add(.table(table, coloured: false))
      doc.add(.text("\n"))
      sections[name] = Section(rows: rows.map { Dictionary(uniqueKeysWithValues: zip(header, $0)) })
    }
    let c = fit.counts
    doc.add(.text(
      "Fitted from \(fit.export) up to \(fit.until); arrivals counted over \(fit.first)..\(fit.until).\n"
        + "Rows: \(c.rows) read; \(c.used) used (won \(c.won), lost \(c.lost), open \(c.open) at the cut-off, of which \(c.closedAfterCutoff) closed later and \(c.stale) open past the longest cycle of \(show(fit.longestCycle)) days);\n"
        + "left out: \(c.notEngaged) not engaged, \(c.engagedAfterCutoff) engaged after the cut-off, \(c.engagedBeforeWindow) before the window\(c.openAtWindowStart > 0 ? " and closed before it; \(c.openAtWindowStart) engaged before the window and open at its start count for outcomes, cycle times and the open pipeline, not for arrivals" : ""). \(c.sameDay) closed the day they were engaged (counted as half a day).\n\n"))

    add("arrivals", "Arrivals per segment (Poisson under the seasonal profile; dispersion of weekly counts)",
      ["segment", "accounts", "arrivals", "per day", "95% CI low", "95% CI high", "per account-year", "dispersion", "p-value"],
      fit.segments.map { s in
        [.text(s.name), .number(Double(s.accounts)), .number(Double(s.arrivals)), .number(s.ratePerDay), .number(s.rateInterval.lowerBound), .number(s.rateInterval.upperBound),
         .number(s.opportunitiesPerAccountYear), .number(s.dispersion.index), .pValue(s.dispersion.pValue)]
      }, textColumns: 1)

    let months = Array(Set(fit.segments.flatMap { $0.monthly.map(\.month) })).sorted()
    add("monthly", "Arrivals by month", ["month"] + fit.segments.map(\.name) + ["total"],
      months.map { m in
        let counts = fit.segments.map { s in Double(s.monthly.first { $0.month == m }?.count ?? 0) }
        return [.text(m)] + counts.map { .number($0) } + [.number(counts.reduce(0, +))]
      }, textColumns: 1)

    add("history", "History by month (engaged in the month; won, lost and bookings by close month)", ["month", "engaged", "won", "lost", "win rate", "bookings"],
      fit.history.months.map { m in
        [.text(m.month), .number(Double(m.engaged)), .number(Double(m.won)), .number(Double(m.lost)), .number(m.won + m.lost > 0 ? Double(m.won) / Double(m.won + m.lost) : .nan), .number(m.bookings)]
      }, textColumns: 1)

    let names = CalendarDate.monthAbbreviations
    add("seasonality", "Seasonal profile (arrivals per day by calendar month, mean 1)", ["month", "arrivals", "days", "factor"],
      (0..<12).map { [.text(names[$0]), .number(Double(fit.seasonalCounts[$0])), .number(Double(fit.seasonalDays[$0])), .number(fit.seasonality[$0])] }, textColumns: 1)

    add("outcomes", "Outcomes (competing risks, open deals censored at the cut-off)",
      ["segment", "won", "lost", "open", "win probability (AJ)", "95% CI low", "95% CI high", "won/(won+lost)", "open past longest"],
      fit.segments.map { s in
        let r = s.outcomes
        return [.text(s.name), .number(Double(r.won)), .number(Double(r.lost)), .number(Double(r.open)), .number(r.winProbability),
                .number(s.winProbabilityInterval.lowerBound), .number(s.winProbabilityInterval.upperBound), .number(r.closedWinRate), .number(r.finalOpen)]
      }, textColumns: 1)

    if let push = fit.quarterEnd {
      add("quarter_end", "Quarter-end push (win probability of deals closing in a quarter's last days, against the rest)",
        ["last days", "won inside", "closed inside", "won outside", "closed outside", "factor", "95% CI low", "95% CI high", "LR", "p-value", "log-likelihood"],
        push.candidates.map { c in
          let chosen = c.days == push.lastDays
          return [.text("\(c.days)" + (chosen ? (push.isSignificant ? " (written)" : " (best, not significant)") : "")), .number(chosen ? Double(push.wonInside) : .nan),
                  .number(chosen ? Double(push.closedInside) : .nan), .number(chosen ? Double(push.wonOutside) : .nan), .number(chosen ? Double(push.closedOutside) : .nan),
                  .number(chosen ? push.factor : .nan), .number(chosen ? push.factorInterval.lowerBound : .nan), .number(chosen ? push.factorInterval.upperBound : .nan),
                  .number(chosen ? push.likelihoodRatio : .nan), .pValue(chosen ? push.pValue : .nan), .number(c.logLikelihood)]
        }, textColumns: 1)
    }

    var cycleRows: [[Cell]] = []
    for s in fit.segments {
      for (outcome, fitted) in [("win", s.winCycle), ("loss", s.lossCycle)] {
        guard let fitted else { continue }
        for f in fitted.ranked {
          let written = fitted.writtenFamily?.family == f.family && outcome == "win"
          cycleRows.append([.text(s.name), .text(outcome), .text(f.family.rawValue), .text(parameters(f)), .number(f.aic - fitted.ranked[0].aic), .number(f.bic - fitted.ranked.map(\.bic).min()!),
                            .number(f.andersonDarling ?? .nan), .number(f.kolmogorovSmirnov ?? .nan), .text(written ? "yes" : "")])
        }
        cycleRows.append([.text(s.name), .text(outcome), .text("empirical"), .text("mean \(show(fitted.written.mean)) (n \(fitted.events), open weight \(show(fitted.censoredWeight)))"),
                          .number(.nan), .number(.nan), .number(.nan), .number(.nan), .text(fitted.writtenFamily == nil && outcome == "win" ? "yes" : "")])
      }
    }
    add("cycle_times", "Cycle times in days (censored maximum likelihood; best first by AIC; A2 and KS D where nothing is censored; written: the motion's stage)",
      ["segment", "outcome", "family", "parameters", "dAIC", "dBIC", "A2", "KS D", "written"], cycleRows, textColumns: 4)
    var fallbackText = ""
    for s in fit.segments {
      for (outcome, fitted) in [("win", s.winCycle), ("loss", s.lossCycle)] {
        guard let fitted else { continue }
        fallbackText += "\(s.name), \(outcome): best family's CDF is \(show(fitted.distance)) from the nonparametric one (bound \(show(fitted.threshold))): \(fitted.writtenFamily == nil ? "empirical" : fitted.writtenFamily!.family.rawValue)\n"
      }
    }
    doc.add(.text(fallbackText + "\n"))

    var sizeRows: [[Cell]] = []
    for s in fit.segments {
      guard let size = s.dealSize else { continue }
      for f in size.ranked {
        sizeRows.append([.text(s.name), .text(f.family.rawValue), .text(parameters(f)), .number(f.andersonDarling ?? .nan), .pValue(f.andersonDarlingPValue ?? .nan),
                         .number(f.kolmogorovSmirnov ?? .nan), .text(size.writtenFamily?.family == f.family ? "yes" : "")])
      }
      sizeRows.append([.text(s.name), .text("empirical"), .text("mean \(show(size.written.mean)) (n \(size.events))"), .number(.nan), .number(.nan), .number(.nan),
                       .text(size.writtenFamily == nil ? "yes" : "")])
    }
    add("deal_sizes", "Deal sizes of won deals (best first by Anderson-Darling; the best family's p-value allows for its fitted parameters: parametric bootstrap, 199 samples)",
      ["segment", "family", "parameters", "A2", "p (AD)", "KS D", "written"], sizeRows, textColumns: 3)

    add("teams", "Teams from owners (slots per rep: a high percentile of open deals per rep per day)",
      ["team", "region", "reps", "opportunities", "open per rep: percentile", "mean", "max", "slots per rep"],
      fit.teams.map { t in
        [.text(t.name), .text(t.region ?? ""), .number(Double(t.reps)), .number(Double(t.opportunities)), .number(t.concurrencyAtPercentile), .number(t.concurrencyMean),
         .number(Double(t.concurrencyMax)), .number(Double(t.slotsPerRep))]
      }, textColumns: 2)
    doc.json = FitJSON(scenario: fit.scenarioName, export: fit.export, window_from: fit.first.description, until: fit.until.description, rows: fit.counts, sections: sections)
    return doc
  }

  static func parameters(_ f: FamilyFit) -> String {
    zip(f.family.parameterNames, f.parameters).map { "\($0) \(show($1))" }.joined(separator: ", ")
  }

  static func show(_ value: Double) -> String {
    guard value.isFinite else { return "" }
    return NumberText.whole(value, below: 1e9) ?? String(format: abs(value) >= 100 ? "%.1f" : "%.4g", value)
  }
}
