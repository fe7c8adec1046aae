import CCCMSupport
import Foundation
import ScenarioFiles

/// A CSV file read whole: its header and rows, with row numbers as a spreadsheet shows them
/// (the header is row 1), in `CSV`'s dialect; every row must have the header's number of fields.
public struct CSVTable: Sendable {
  public let file: String
  public let header: [String]
  public let rows: [[String]]

  public init(file: String, header: [String], rows: [[String]]) {
    self.file = file
    self.header = header
    self.rows = rows
  }

  /// The largest export read (rows), so a wrong file cannot exhaust memory.
  public static let maximumRows = 5_000_000

  /// The largest export read (bytes): five million rows of two hundred bytes.
  public static let maximumBytes = 1 << 30
  /// The largest joined table read (bytes): owners and accounts are thousands of rows.
  public static let maximumJoinedBytes = 256 << 20

  /// Reads the CSV file at `path`, at most `limit` bytes (`what` and `advice` for the refusal).
  public static func read(
    _ path: String, limit: Int = maximumBytes, what: String = "an export", advice: String = "split the export by date"
  ) throws(CalibrationError) -> CSVTable {
    let data: Data
    do {
      data = try InputFile.read(path, limit: limit, what: what, advice: advice)
    } catch {
      throw .unreadable("\(path): error: cannot read the file: \(error.reason)")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw .unreadable("\(path): error: the file is not UTF-8 text; save it as CSV UTF-8")
    }
    return try parse(text, file: path)
  }

  public static func parse(_ text: String, file: String) throws(CalibrationError) -> CSVTable {
    var reader = CSVReader(text)
    guard let header = reader.next(), !CSV.isBlank(header) else { throw .export(["\(file): error: \(CSV.noHeaderRow)"]) }
    var problems: [String] = []
    var seen: [String: Int] = [:]
    for (i, name) in header.enumerated() {
      if let first = seen[name] { problems.append("\(file):1: error: columns \(columnLetter(first)) and \(columnLetter(i)) are both named \"\(Excerpt.sanitized(name))\"; rename one") }
      seen[name] = i
    }
    var rows: [[String]] = []
    while let row = reader.next() {
      let number = rows.count + 2
      if CSV.isBlank(row) { rows.append(row); continue }  // a blank line
      if row.count != header.count {
        problems.append("\(file): row \(number): error: \(CSV.fieldCountProblem(row.count, header: header.count))")
        if problems.count >= CSV.problemLimit { break }
      }
      rows.append(row)
      if rows.count > maximumRows { throw .export(["\(file): error: more than \(maximumRows) rows; split the export by date"]) }
    }
    if reader.overlongField {
      problems.append(
        "\(file): row \(rows.count + 2): error: a field is longer than 1,048,576 characters, more than any CRM cell; check its quotes (a quote never closed reads the rest of the file as one field)")
    }
    guard problems.isEmpty else { throw .export(problems) }
    return CSVTable(file: file, header: header, rows: rows)
  }

  /// The spreadsheet letter of a column index: 0 -> A, 26 -> AA.
  public static func columnLetter(_ index: Int) -> String {
    var n = index + 1
    var letters = ""
    while n > 0 {
      let r = (n - 1) % 26
      letters = String(UnicodeScalar(UInt8(65 + r))) + letters
      n = (n - 1) / 26
    }
    return letters
  }

  /// The index of a column, or a problem naming where the mapping asked for it and the columns
  /// there are.
  public func column(_ name: String, askedBy: String) throws(CalibrationError) -> Int {
    if let index = header.firstIndex(of: name) { return index }
    let hint = Suggestion.didYouMean(name, among: header).map { $0 + " " } ?? ""
    throw .export(["\(file): error: no column \"\(Excerpt.sanitized(name))\" (asked for by \(askedBy)); \(hint)columns: \(header.map { Excerpt.sanitized($0) }.joined(separator: ", "))"])
  }

  /// "row 12, column close_date (G)".
  public func cell(row: Int, column: Int) -> String {
    "\(file): row \(row + 2), column \(Excerpt.sanitized(header[column])) (\(Self.columnLetter(column)))"
  }
}
