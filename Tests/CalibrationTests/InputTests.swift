import CoverageModel
import Foundation
import TestSupport
import Testing

@testable import Calibration

let goodMapping = """
  opportunities:
    id: id
    owner: owner
    stage: stage
    engaged: engaged
    closed: closed
    amount: amount
  stages:
    won: [Won]
    lost: [Lost]
    open: [Open]
  """

let goodExport = """
  id,owner,stage,engaged,closed,amount
  a1,Ann,Won,2024-01-03,2024-02-01,1200
  a2,Ann,Lost,2024-01-05,2024-01-20,0
  a3,Bob,Open,2024-02-10,,
  a4,Bob,Won,2024-02-11,2024-03-30,800
  """

/// The problems a mapping gives, or [] when it loads.
func mappingProblems(_ text: String) -> [String] {
  do {
    _ = try Mapping.parse(text, file: "map.yaml")
    return []
  } catch {
    return error.description.components(separatedBy: "\n")
  }
}

/// The problems an export gives through `goodMapping` (or another), or [].
func exportProblems(_ csv: String, mapping: String = goodMapping) -> [String] {
  do {
    let m = try Mapping.parse(mapping, file: "map.yaml")
    _ = try Export.read(try CSVTable.parse(csv, file: "export.csv"), mapping: m)
    return []
  } catch {
    return error.description.components(separatedBy: "\n")
  }
}

@Suite("Mapping and export errors")
struct InputTests {
  @Test("a good mapping and export load")
  func good() {
    #expect(mappingProblems(goodMapping) == [])
    #expect(exportProblems(goodExport) == [])
  }

  @Test("an unknown mapping key is named by line, column and key path, with a did-you-mean")
  func unknownKey() {
    let text = goodMapping.replacingOccurrences(of: "  amount: amount", with: "  amout: amount")
    #expect(mappingProblems(text) == [
      "map.yaml:7:3: error: opportunities.amout: unknown key \"amout\"; did you mean \"amount\"? keys here: id, owner, account, product, stage, engaged, closed, amount"
    ])
  }

  @Test("a missing role, a bad grouping and an out-of-range percentile")
  func mappingMistakes() {
    let text = goodMapping.replacingOccurrences(of: "  closed: closed\n", with: "") + "\nsegments: {by: [regoin]}\nscenario: {slots_percentile: 95}\n"
    let problems = mappingProblems(text)
    #expect(problems.contains("map.yaml:2:3: error: opportunities: missing role \"closed\": name the export's column that holds it, e.g. closed: closed"))
    #expect(problems.contains("map.yaml:11:17: error: segments.by[0]: unknown grouping \"regoin\"; did you mean \"region\"? use any of team, region, industry, product"))
    #expect(problems.contains("map.yaml:12:30: error: scenario.slots_percentile: 95.0 is out of range: give a share in (0, 1], e.g. 0.95"))
  }

  @Test("stale_open: lost makes the written win probability the cumulative incidence of winning")
  func staleOpen() throws {
    #expect(try Mapping.parse(goodMapping + "\nscenario: {stale_open: lost}\n", file: "map.yaml").staleAsLost)
    #expect(mappingProblems(goodMapping + "\nscenario: {stale_open: dead}\n") == ["map.yaml:12:24: error: scenario.stale_open: unknown choice \"dead\"; use unknown or lost"])
    let m = try Mapping.parse(goodMapping + "\nscenario: {stale_open: lost}\n", file: "map.yaml")
    let export = try Export.read(try CSVTable.parse(goodExport + "\na5,Bob,Open,2023-06-01,,", file: "export.csv"), mapping: m)
    let fit = try Calibrator.fit(export, mapping: m, until: Day(CalendarDate(year: 2024, month: 4, day: 30)), since: Day(CalendarDate(year: 2023, month: 6, day: 1)))
    let segment = try #require(fit.segments.first)
    // The open deal engaged 2023-06-01 is older than any closed cycle: it keeps CIF_won below won / (won + lost).
    #expect(segment.outcomes.finalOpen > 0 && abs(fit.advance(segment) - segment.outcomes.finalWon) < 1e-12)
    #expect(abs(segment.outcomes.winProbability - 2.0 / 3) < 1e-12 && fit.advance(segment) < 2.0 / 3)
  }

  @Test("a missing column names the mapping's line and suggests the nearest column")
  func missingColumn() {
    let csv = goodExport.replacingOccurrences(of: "id,owner,stage,engaged,closed,amount", with: "id,owner,stage,engaged,close_date,amount")
    #expect(exportProblems(csv) == [
      "export.csv: error: no column \"closed\" (asked for by map.yaml:6:11: opportunities.closed); columns: id, owner, stage, engaged, close_date, amount"
    ])
    let near = goodExport.replacingOccurrences(of: ",closed,", with: ",closd,")
    #expect(exportProblems(near).first?.contains("did you mean \"closd\"?") == true)
  }

  @Test("bad cells are named by row and column: a date, an amount, a stage, a duplicate id, close before engage")
  func badCells() {
    let csv = goodExport + """

      a5,Ann,Won,2024-13-01,2024-02-01,10
      a6,Ann,Won,2024-01-03,2024-02-01,12k
      a7,Ann,Wonn,2024-01-03,2024-02-01,10
      a1,Ann,Lost,2024-01-03,2024-02-01,0
      a8,Ann,Lost,2024-03-03,2024-02-01,0
      """
    #expect(exportProblems(csv) == [
      "export.csv: row 6, column engaged (D): error: \"2024-13-01\" is not a date YYYY-MM-DD; fix the cell or set date_format in map.yaml",
      "export.csv: row 7, column amount (F): error: \"12k\" is not an amount (a number of at least 0, without currency signs or thousands separators)",
      "export.csv: row 8, column stage (C): error: unknown stage \"Wonn\"; did you mean \"Won\"? add it to stages in map.yaml (known: Lost, Open, Won)",
      "export.csv: row 9, column id (A): error: duplicate id \"a1\" (first on row 2); keep one row per opportunity",
      "export.csv: row 10, column closed (E): error: closed 2024-02-01 before it was engaged (2024-03-03); fix one of the dates",
    ])
  }

  @Test("a row with too many fields, and a won deal without a close date")
  func shapes() {
    #expect(exportProblems(goodExport + "\na9,Ann,Won,2024-01-03,2024-02-01,10,extra") == [
      "export.csv: row 6: error: 7 fields, the header has 6; check for a stray comma or an unclosed quote"
    ])
    #expect(exportProblems(goodExport + "\na9,Ann,Won,2024-01-03,,10") == [
      "export.csv: row 6, column closed (E): error: a won opportunity without a close date; give one"
    ])
  }

  @Test("joins: team and region from the owners table, industry and size from the accounts table; an owner missing from it is named")
  func joins() throws {
    let folder = try scratchFolder("joins")
    defer { try? FileManager.default.removeItem(at: folder) }
    try "rep,boss,office\nAnn,Kim,North\nBob,Kim,North\n".write(to: folder.appendingPathComponent("teams.csv"), atomically: true, encoding: .utf8)
    try "name,sector,revenue\nAcme,retail,12.5\n".write(to: folder.appendingPathComponent("accounts.csv"), atomically: true, encoding: .utf8)
    let text = goodMapping.replacingOccurrences(of: "  owner: owner\n", with: "  owner: owner\n  account: account\n")
      + "\nowners: {file: teams.csv, key: rep, team: boss, region: office}\naccounts: {file: accounts.csv, key: name, industry: sector, size: revenue}\nsegments: {by: [region, industry]}\n"
    let mapPath = folder.appendingPathComponent("map.yaml").path
    try text.write(toFile: mapPath, atomically: true, encoding: .utf8)
    let csv = goodExport.replacingOccurrences(of: "id,owner,", with: "id,owner,account,").replacingOccurrences(of: ",Ann,", with: ",Ann,Acme,").replacingOccurrences(of: ",Bob,", with: ",Bob,,")
    let exportPath = folder.appendingPathComponent("export.csv").path
    try csv.write(toFile: exportPath, atomically: true, encoding: .utf8)
    let mapping = try Mapping.load(path: mapPath)
    let export = try Export.load(path: exportPath, mapping: mapping)
    #expect(export.opportunities.map(\.team) == ["Kim", "Kim", "Kim", "Kim"])
    #expect(export.opportunities.map { $0.group("region") + "/" + $0.group("industry") } == ["North/retail", "North/retail", "North/unknown", "North/unknown"])
    #expect(export.opportunities[0].accountSize == 12.5)
    try (csv + "\na9,Cy,,Won,2024-01-03,2024-02-01,10").write(toFile: exportPath, atomically: true, encoding: .utf8)
    do {
      _ = try Export.load(path: exportPath, mapping: mapping)
      Issue.record("an owner missing from the owners table was accepted")
    } catch {
      #expect(error.description == "\(exportPath): row 6, column owner (B): error: owner \"Cy\" is not in \(folder.appendingPathComponent("teams.csv").path) (column rep); add a row for them")
    }
  }

  @Test("dates in other formats, and an empty window")
  func datesAndWindow() throws {
    #expect(Export.parseDate("03/01/2024", .dayMonthYear) == Day(CalendarDate(year: 2024, month: 1, day: 3)))
    #expect(Export.parseDate("1/3/2024", .monthDayYear) == Day(CalendarDate(year: 2024, month: 1, day: 3)))
    #expect(Export.parseDate("2024-02-30", .iso) == nil)
    let m = try Mapping.parse(goodMapping, file: "map.yaml")
    let export = try Export.read(try CSVTable.parse(goodExport, file: "export.csv"), mapping: m)
    #expect(throws: CalibrationError.self) { try Calibrator.fit(export, mapping: m, until: Day(CalendarDate(year: 2023, month: 12, day: 1))) }
    do {
      _ = try Calibrator.fit(export, mapping: m, until: Day(CalendarDate(year: 2023, month: 12, day: 1)))
    } catch {
      #expect(error.description == "export.csv: error: no opportunity engaged on or before 2023-12-01; choose a later --until")
    }
  }

  @Test("nothing after the cut-off is used: a deal closed later is open at the cut-off")
  func cutOff() throws {
    let m = try Mapping.parse(goodMapping, file: "map.yaml")
    let export = try Export.read(try CSVTable.parse(goodExport, file: "export.csv"), mapping: m)
    let fit = try Calibrator.fit(export, mapping: m, until: Day(CalendarDate(year: 2024, month: 2, day: 15)))
    #expect(fit.counts.won == 1 && fit.counts.lost == 1 && fit.counts.open == 2 && fit.counts.closedAfterCutoff == 1)
    #expect(fit.counts.used == 4 && fit.counts.engagedAfterCutoff == 0)
  }
}
