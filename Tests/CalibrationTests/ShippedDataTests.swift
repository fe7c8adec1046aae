import CoverageModel
import Foundation
import ScenarioFiles
import TestSupport
import Testing

@testable import Calibration

/// The shipped CRM practice export, read independently of cccm fit (plain comma splits: the files
/// have no quoted fields) and compared with what the fit reports.
@Suite("The shipped CRM export")
struct ShippedDataTests {
  static let folder = repositoryRoot.appendingPathComponent("data/crm-sales-opportunities")

  static func lines(_ name: String) throws -> [[String]] {
    let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
    return text.split(whereSeparator: \.isNewline).dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
  }

  static func fit(until: String) throws -> FitResult {
    var mapping = try Mapping.load(path: folder.appendingPathComponent("mapping.yaml").path)
    mapping.bootstrap = 20
    let export = try Export.load(path: folder.appendingPathComponent("sales_pipeline.csv").path, mapping: mapping)
    return try Calibrator.fit(export, mapping: mapping, until: Day(CalendarDate(until)!))
  }

  @Test("arrivals, outcomes and the Aalen-Johansen win probability per region match an independent count of the CSV", arguments: ["2017-06-30", "2017-12-31"])
  func figures(until: String) throws {
    let fit = try Self.fit(until: until)
    let region = Dictionary(uniqueKeysWithValues: try Self.lines("sales_teams.csv").map { ($0[0], $0[2]) })
    let since = "2017-03-01"  // the mapping's scenario.since
    // Columns: opportunity_id, sales_agent, product, account, deal_stage, engage_date, close_date, close_value.
    let rows = try Self.lines("sales_pipeline.csv").filter { !$0[5].isEmpty && $0[5] >= since && $0[5] <= until }
    // Outcomes: the window's deals and those engaged before it and open at its start (no close date
    // before it), each at risk from its age on the window's first day.
    let outcomeRows = try Self.lines("sales_pipeline.csv").filter { !$0[5].isEmpty && $0[5] <= until && ($0[5] >= since || $0[6].isEmpty || $0[6] >= since) }
    func days(_ a: String, _ b: String) -> Int { Day(CalendarDate(a)!).distance(to: Day(CalendarDate(b)!)) }
    for segment in fit.segments {
      #expect(segment.arrivals == rows.filter { region[$0[1]] == segment.name }.count, "\(segment.name) arrivals")
      let mine = outcomeRows.filter { region[$0[1]] == segment.name }
      let closed = mine.filter { ["Won", "Lost"].contains($0[4]) && $0[6] <= until }
      let won = closed.filter { $0[4] == "Won" }.count
      #expect(segment.outcomes.won == won && segment.outcomes.lost == closed.count - won && segment.outcomes.open == mine.count - closed.count)
      // Aalen-Johansen on a grid of whole days: an event at age k (0 counts as day 0); a deal open
      // at the cut-off is at risk through its age there.
      var eventAge: [Int] = []
      var isWin: [Bool] = []
      var openAge: [Int] = []
      // The first whole-day age at which each deal is at risk, events and open deals in turn.
      var eventEntry: [Int] = []
      var openEntry: [Int] = []
      for row in mine {
        let entry = max(0, days(row[5], since))
        if ["Won", "Lost"].contains(row[4]) && row[6] <= until {
          eventEntry.append(entry)
          eventAge.append(days(row[5], row[6]))
          isWin.append(row[4] == "Won")
        } else {
          openEntry.append(entry)
          openAge.append(days(row[5], until))
        }
      }
      var survival = 1.0
      var cifWon = 0.0
      var cifLost = 0.0
      for k in 0...(eventAge.max() ?? 0) {
        let atRisk = Double(zip(eventAge, eventEntry).filter { $0.0 >= k && $0.1 <= k }.count + zip(openAge, openEntry).filter { $0.0 >= k && $0.1 <= k }.count)
        let w = Double(zip(eventAge, isWin).filter { $0.0 == k && $0.1 }.count)
        let l = Double(zip(eventAge, isWin).filter { $0.0 == k && !$0.1 }.count)
        guard w + l > 0 else { continue }
        cifWon += survival * w / atRisk
        cifLost += survival * l / atRisk
        survival *= 1 - (w + l) / atRisk
      }
      let expected = cifWon / (cifWon + cifLost)
      #expect(abs(segment.outcomes.winProbability - expected) < 1e-12, "\(segment.name): \(segment.outcomes.winProbability) against \(expected)")
      #expect(abs(segment.outcomes.closedWinRate - Double(won) / Double(closed.count)) < 1e-12)
      // Deal sizes: the won amounts' mean.
      let amounts = closed.filter { $0[4] == "Won" }.compactMap { Double($0[7]) }.filter { $0 > 0 }
      #expect(segment.dealSize?.events == amounts.count)
    }
    #expect(fit.segments.map(\.arrivals).reduce(0, +) == rows.count)
    // History by month: wins and bookings by close month, engaged by engage month, over the window.
    let all = try Self.lines("sales_pipeline.csv")
    for month in fit.history.months {
      let closedIn = all.filter { $0[6].hasPrefix(month.month) && $0[6] >= since && $0[6] <= until }
      #expect(month.won == closedIn.filter { $0[4] == "Won" }.count && month.lost == closedIn.filter { $0[4] == "Lost" }.count, "\(month.month)")
      #expect(abs(month.bookings - closedIn.filter { $0[4] == "Won" }.compactMap { Double($0[7]) }.reduce(0, +)) < 1e-6)
      #expect(month.engaged == rows.filter { $0[5].hasPrefix(month.month) }.count)
    }
    #expect(fit.history.teamMonths.map(\.won).reduce(0, +) == fit.history.months.map(\.won).reduce(0, +))
  }

  @Test("the open pipeline at mid-year: every deal engaged in the window or open at its start, open on the cut-off, younger than the longest cycle")
  func openPipeline() throws {
    var mapping = try Mapping.load(path: Self.folder.appendingPathComponent("mapping.yaml").path)
    mapping.bootstrap = 0
    let export = try Export.load(path: Self.folder.appendingPathComponent("sales_pipeline.csv").path, mapping: mapping)
    let fit = try Calibrator.fit(export, mapping: mapping, until: Day(CalendarDate(year: 2017, month: 6, day: 30)))
    let open = OpenPipeline(export, fit: fit, mapping: mapping)
    let until = "2017-06-30"
    let rows = try Self.lines("sales_pipeline.csv").filter { !$0[5].isEmpty && $0[5] <= until && ($0[6].isEmpty || $0[6] > until) }
    #expect(open.deals.count + open.stale == rows.count && open.deals.count + open.stale == fit.counts.open)
    #expect(open.stale == fit.counts.stale)
    #expect(open.deals.allSatisfy { Double($0.daysInStage) + 0.5 <= fit.longestCycle && $0.stage == "close" })
    #expect(Set(open.deals.map(\.segment)) == Set(fit.segments.map(\.name)))
    let csv = open.csv.split(separator: "\n")
    #expect(csv.first == "id,segment,account,team,stage,days_in_stage,deal_size,solution" && csv.count == open.deals.count + 1)
  }

  @Test("the written scenario validates and reads back the fitted figures")
  func roundTrip() throws {
    let fit = try Self.fit(until: "2017-06-30")
    let yaml = ScenarioWriting.yaml(fit, mapping: "mapping.yaml")
    let scenario = try ScenarioLoader().load(yaml: yaml, file: "fitted.yaml")
    #expect(scenario.segments.map(\.name) == fit.segments.map(\.name))
    #expect(scenario.startDate == CalendarDate(year: 2017, month: 7, day: 1))
    for (written, fitted) in zip(scenario.segments, fit.segments) {
      #expect(written.accounts == fitted.accounts)
      #expect(abs(written.opportunitiesPerAccountYear / fitted.opportunitiesPerAccountYear - 1) < 1e-5)
      #expect(abs(written.arrivalsPerDay / fitted.ratePerDay - 1) < 1e-5)
      let stage = try #require(scenario.motions.first { $0.name == written.motion }?.stages.first)
      #expect(abs(stage.advance - fit.advance(fitted)) < 1e-5)
      #expect(abs(stage.days.mean / (fitted.winCycle?.written.mean ?? .nan) - 1) < 1e-4)
      #expect(abs(written.dealSize.mean / (fitted.dealSize?.written.mean ?? .nan) - 1) < 1e-4)
    }
    for (written, fitted) in zip(scenario.teams, fit.teams) {
      #expect(written.name == fitted.name && written.reps == fitted.reps && written.slotsPerRep == fitted.slotsPerRep)
    }
    for (a, b) in zip(scenario.seasonality ?? [], fit.seasonality) { #expect(abs(a - b) < 1e-3) }
    // Each segment's teams cover it whole, in proportion to their opportunities as near as whole accounts allow.
    for allocation in ScenarioWriting.coverage(fit) {
      let segment = fit.segments.first { $0.name == allocation.segment }!
      let share = Double(allocation.opportunities) / Double(segment.arrivals)
      let potential = segment.potential
      let lower = Int((allocation.offset * Double(segment.accounts)).rounded())
      let upper = lower + Int((allocation.share * Double(segment.accounts)).rounded())
      let covered = potential[lower..<upper].reduce(0, +) / potential.reduce(0, +)
      #expect(abs(covered - share) <= (potential.max() ?? 0) / potential.reduce(0, +), "\(allocation.team) in \(allocation.segment): \(covered) against \(share)")
    }
  }

  @Test("the fitted scenarios notebook 07 runs are what cccm fit writes today", arguments: [("2017-12-31", "fitted.yaml"), ("2017-06-30", "fitted-2017-06-30.yaml")])
  func notebookScenariosAreCurrent(until: String, name: String) throws {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("fit-\(UUID().uuidString).yaml").path
    defer { try? FileManager.default.removeItem(atPath: out) }
    let data = "../data/crm-sales-opportunities"
    let result = try runCCCM(["fit", "\(data)/sales_pipeline.csv", "--map", "\(data)/mapping.yaml", "--until", until, "-o", out], in: repositoryRoot.appendingPathComponent("notebooks-md"))
    #expect(result.status == 0, "\(result.err)")
    let committed = try String(contentsOf: repositoryRoot.appendingPathComponent("scenarios/crm-sales/\(name)"), encoding: .utf8)
    #expect(try String(contentsOfFile: out, encoding: .utf8) == committed, "re-run notebooks-md/07's fit commands (cccm notebook run)")
  }

  @Test("cccm fit writes a scenario that validates and runs; bad input gets its exit status")
  func command() throws {
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("fit-\(UUID().uuidString).yaml").path
    defer { try? FileManager.default.removeItem(atPath: out) }
    let folder = "data/crm-sales-opportunities"
    let ok = try runCCCM(["fit", "\(folder)/sales_pipeline.csv", "--map", "\(folder)/mapping.yaml", "--until", "2017-09-30", "-o", out, "--format", "csv"])
    #expect(ok.status == 0, "\(ok.err)")
    #expect(ok.out.hasPrefix("section,row,statistic,value\n"))
    #expect(try runCCCM(["validate", out]).status == 0)
    let run = try runCCCM(["run", out, "-r", "4", "-q"])
    #expect(run.status == 0 && run.out.contains("win_rate"))
    // A mapping mistake: 6; an export mistake: 7; an unreadable file: 2; a bad date option: 64.
    let badMap = FileManager.default.temporaryDirectory.appendingPathComponent("map-\(UUID().uuidString).yaml").path
    defer { try? FileManager.default.removeItem(atPath: badMap) }
    try "opportunities: {id: opportunity_id}\nstagez: {}\n".write(toFile: badMap, atomically: true, encoding: .utf8)
    let mapping = try runCCCM(["fit", "\(folder)/sales_pipeline.csv", "--map", badMap, "--until", "2017-09-30"])
    #expect(mapping.status == 8 && mapping.err.contains(":2:1: error: stagez: unknown key \"stagez\"; did you mean \"stages\"?"))
    let export = try runCCCM(["fit", "\(folder)/sales_teams.csv", "--map", "\(folder)/mapping.yaml", "--until", "2017-09-30"])
    #expect(export.status == 9 && export.err.contains("no column \"opportunity_id\""))
    #expect(try runCCCM(["fit", "missing.csv", "--map", "\(folder)/mapping.yaml", "--until", "2017-09-30"]).status == 2)
    #expect(try runCCCM(["fit", "\(folder)/sales_pipeline.csv", "--map", "\(folder)/mapping.yaml", "--until", "2017-09-31"]).status == 64)
  }
}
