import CCCMSupport
import CXLSXWriter
import Foundation
import Reports

/// A report as an Excel workbook (docs/reports.md, "Excel workbooks"): the same document every
/// other format renders, laid out for a spreadsheet.
///
/// - **Decision** (compare, sweep, select, uncertainty, threshold): the decision as one wide table, a
///   row per design: the objective with its interval, the paired difference with its interval,
///   whether it is significant, the rank group or status.
/// - **Table**: the report's numbers as one wide table, a row per subject (the text columns of its
///   CSV rows: scenario, period, metric, ...) and a column per statistic (mean, interval ends,
///   differences, ...), every number a number, formatted by the metric's unit (money `#,##0`,
///   rates `0.0%`, days `0.00`, ratios `0.000`); a report whose rows are already wide keeps them.
/// - **Report**: the report as printed: titles, notes and each table, cell by cell.
/// - **Data**: the CSV rows as they are (long form, for pivot tables), numbers as numbers.
/// - **About**: what was run: command, version, seed, replications, generator, each scenario with
///   its file and hash.
///
/// Text from inputs (scenario and team names, CRM values) is written as text cells, never as
/// formulas, so `=1+1` or `@cmd` stays text. The file's dates are fixed, so the same report gives
/// the same bytes.
public enum ExcelWorkbook {
  /// Excel's limit of characters in a cell; longer text is cut with a note.
  public static let cellLimit = 32_767

  /// The workbook's bytes; the caller writes them (`FileOutput.write`, atomic and checked against
  /// the command's inputs). libxlsxwriter writes to a file: a private folder holds it meanwhile.
  public static func bytes(_ document: ReportDocument) throws(WorkbookError) -> Data {
    var template = Array((NSTemporaryDirectory() + "/cccm-workbook-XXXXXX").utf8CString)
    guard let folder = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }).map({ String(cString: $0) }) else {
      throw WorkbookError(path: NSTemporaryDirectory(), reason: "cannot create a private folder for the workbook: \(String(cString: strerror(errno)))")
    }
    let path = folder + "/report.xlsx"
    defer {
      unlink(path)
      rmdir(folder)
    }
    try build(document, at: path)
    guard let data = FileManager.default.contents(atPath: path) else {
      throw WorkbookError(path: path, reason: "the workbook written could not be read back")
    }
    return data
  }

  static func build(_ document: ReportDocument, at path: String) throws(WorkbookError) {
    guard let workbook = workbook_new(path) else { throw WorkbookError(path: path, reason: "libxlsxwriter could not create the workbook") }
    var writer = SheetWriter(workbook: workbook)
    writer.setProperties(title: document.title ?? "cccm report")
    if let decision = document.decision { writer.decision(decision, title: document.title) }
    writer.table(document)
    writer.report(document)
    writer.data(document)
    writer.about(document)
    let status = workbook_close(workbook)
    guard status == LXW_NO_ERROR else {
      throw WorkbookError(path: path, reason: String(cString: lxw_strerror(status)))
    }
  }
}

/// A workbook that could not be written: where, and why.
public struct WorkbookError: Error, Sendable, CustomStringConvertible {
  public let path: String
  public let reason: String
  public var description: String { "\(SafeText.escaped(path)): error: cannot write the workbook: \(reason)" }
}

/// The sheets of one workbook, with its formats.
struct SheetWriter {
  let workbook: UnsafeMutablePointer<lxw_workbook>
  let bold: UnsafeMutablePointer<lxw_format>
  let heading: UnsafeMutablePointer<lxw_format>
  let wrapped: UnsafeMutablePointer<lxw_format>
  var numberFormats: [String: UnsafeMutablePointer<lxw_format>] = [:]

  init(workbook: UnsafeMutablePointer<lxw_workbook>) {
    self.workbook = workbook
    bold = workbook_add_format(workbook)
    format_set_bold(bold)
    heading = workbook_add_format(workbook)
    format_set_bold(heading)
    format_set_font_size(heading, 13)
    wrapped = workbook_add_format(workbook)
    format_set_text_wrap(wrapped)
    format_set_align(wrapped, UInt8(LXW_ALIGN_VERTICAL_TOP.rawValue))
  }

  /// Title and a fixed creation date (2000-01-01), so the same report gives the same file.
  func setProperties(title: String) {
    title.withCString { titleText in
      "cccm".withCString { author in
        var properties = lxw_doc_properties()
        properties.title = UnsafeMutablePointer(mutating: titleText)
        properties.author = UnsafeMutablePointer(mutating: author)
        properties.created = 946_684_800
        workbook_set_properties(workbook, &properties)
      }
    }
  }

  /// The number format of a value of `metric` under `statistic`.
  mutating func numberFormat(metric: String?, statistic: String?) -> UnsafeMutablePointer<lxw_format> {
    let pattern = WorkbookLayout.numberPattern(metric: metric, statistic: statistic)
    if let format = numberFormats[pattern] { return format }
    let format = workbook_add_format(workbook)!
    pattern.withCString { format_set_num_format(format, $0) }
    numberFormats[pattern] = format
    return format
  }

  /// A sheet that prints in landscape, as wide as one page.
  func sheet(_ name: String) -> UnsafeMutablePointer<lxw_worksheet> {
    let sheet = name.withCString { workbook_add_worksheet(workbook, $0) }!
    worksheet_set_landscape(sheet)
    worksheet_fit_to_pages(sheet, 1, 0)
    return sheet
  }

  func text(_ sheet: UnsafeMutablePointer<lxw_worksheet>, _ row: Int, _ column: Int, _ value: String, _ format: UnsafeMutablePointer<lxw_format>? = nil) {
    let cell = WorkbookLayout.cellText(value)
    _ = cell.withCString { worksheet_write_string(sheet, lxw_row_t(row), lxw_col_t(column), $0, format) }
  }

  func number(_ sheet: UnsafeMutablePointer<lxw_worksheet>, _ row: Int, _ column: Int, _ value: Double, _ format: UnsafeMutablePointer<lxw_format>?) {
    if value.isFinite {
      worksheet_write_number(sheet, lxw_row_t(row), lxw_col_t(column), value, format)
    } else {
      // Excel has no NaN or infinity: the report's own spelling, as text.
      text(sheet, row, column, value.isNaN ? "-" : (value > 0 ? "inf" : "-inf"))
    }
  }

  func widths(_ sheet: UnsafeMutablePointer<lxw_worksheet>, _ widths: [Int]) {
    for (column, width) in widths.enumerated() {
      worksheet_set_column(sheet, lxw_col_t(column), lxw_col_t(column), Double(min(60, max(8, width + 2))), nil)
    }
  }

  /// The decision: a row per design, numbers formatted by their column's metric.
  mutating func decision(_ table: DecisionTable, title: String?) {
    let sheet = sheet("Decision")
    var row = 0
    if let title {
      text(sheet, row, 0, title, heading)
      row += 2
    }
    let headerRow = row
    for (column, c) in table.columns.enumerated() { text(sheet, row, column, c.name, bold) }
    row += 1
    for cells in table.rows {
      for (column, cell) in cells.enumerated() {
        switch cell {
        case .text(let value): text(sheet, row, column, value)
        case .number(let value):
          let metric = column < table.columns.count ? table.columns[column].metric : nil
          number(sheet, row, column, value, metric == "%" ? numberFormat(metric: nil, statistic: "probability") : numberFormat(metric: metric, statistic: nil))
        case .empty: break
        }
      }
      row += 1
    }
    text(sheet, row + 1, 0, table.note)
    worksheet_freeze_panes(sheet, lxw_row_t(headerRow + 1), 1)
    let texts = table.rows.map { $0.map { cell -> String in if case .text(let value) = cell { return value } else { return "000000000000" } } }
    var widths = WorkbookLayout.widths(header: table.columns.map(\.name), rows: texts)
    if !widths.isEmpty { widths[widths.count - 1] = min(widths[widths.count - 1], 40) }
    self.widths(sheet, widths)
  }

  /// The wide table of the report's numbers.
  mutating func table(_ document: ReportDocument) {
    let sheet = sheet("Table")
    let table = WorkbookLayout.wide(header: document.csvHeader, rows: document.csvRows)
    for (column, name) in table.header.enumerated() { text(sheet, 0, column, name, bold) }
    let metricColumn = table.header.prefix(table.keyColumns).firstIndex(of: "metric")
    for (r, row) in table.rows.enumerated() {
      for (column, cell) in row.enumerated() {
        switch cell {
        case .text(let value): text(sheet, r + 1, column, value)
        case .number(let value):
          let metric = metricColumn.flatMap { index -> String? in
            if case .text(let name) = row[index] { return name }
            return nil
          }
          let statistic = column < table.header.count ? table.header[column] : nil
          number(sheet, r + 1, column, value, numberFormat(metric: metric, statistic: statistic))
        case .empty: break
        }
      }
    }
    worksheet_freeze_panes(sheet, 1, lxw_col_t(table.keyColumns))
    if !table.rows.isEmpty, !table.header.isEmpty {
      worksheet_autofilter(sheet, 0, 0, lxw_row_t(table.rows.count), lxw_col_t(table.header.count - 1))
    }
    widths(sheet, table.columnWidths)
  }

  /// The report as printed.
  func report(_ document: ReportDocument) {
    let sheet = sheet("Report")
    var row = 0
    var widths: [Int] = [12]
    if let title = document.title {
      text(sheet, row, 0, title, heading)
      row += 2
    }
    for block in document.blocks {
      switch block {
      case .title(let title, _):
        text(sheet, row, 0, title, bold)
        row += 1
      case .text(let body):
        for line in body.split(separator: "\n", omittingEmptySubsequences: false) {
          if !line.isEmpty { text(sheet, row, 0, String(line)) }
          row += 1
        }
      case .table(let table, _):
        for (column, name) in table.header.enumerated() { text(sheet, row, column, name, bold) }
        row += 1
        for cells in table.rows {
          for (column, cell) in cells.enumerated() where !cell.isEmpty { text(sheet, row, column, cell) }
          row += 1
        }
        row += 1
        for (column, width) in WorkbookLayout.widths(header: table.header, rows: table.rows).enumerated() {
          if column < widths.count { widths[column] = max(widths[column], width) } else { widths.append(width) }
        }
      }
    }
    // The first column holds notes as well as names: wide enough for names, notes overflow.
    widths[0] = min(widths[0], 40)
    self.widths(sheet, widths)
  }

  /// The CSV rows as they are.
  mutating func data(_ document: ReportDocument) {
    let sheet = sheet("Data")
    for (column, name) in document.csvHeader.enumerated() { text(sheet, 0, column, name, bold) }
    let metricColumn = document.csvHeader.firstIndex(of: "metric")
    let statisticColumn = document.csvHeader.firstIndex(of: "statistic")
    for (r, row) in document.csvRows.enumerated() {
      func name(_ index: Int?) -> String? {
        guard let index, index < row.count, case .text(let value) = row[index] else { return nil }
        return value
      }
      for (column, cell) in row.enumerated() {
        switch cell {
        case .text(let value): text(sheet, r + 1, column, value)
        case .number(let value), .shortest(let value):
          number(sheet, r + 1, column, value, numberFormat(metric: name(metricColumn), statistic: name(statisticColumn)))
        }
      }
    }
    worksheet_freeze_panes(sheet, 1, 0)
    if !document.csvRows.isEmpty, !document.csvHeader.isEmpty {
      worksheet_autofilter(sheet, 0, 0, lxw_row_t(document.csvRows.count), lxw_col_t(document.csvHeader.count - 1))
    }
    let texts = document.csvRows.map { $0.map { cell -> String in if case .text(let value) = cell { return value } else { return "0000000000" } } }
    widths(sheet, WorkbookLayout.widths(header: document.csvHeader, rows: texts))
  }

  /// What was run.
  func about(_ document: ReportDocument) {
    let sheet = sheet("About")
    var row = 0
    text(sheet, row, 0, "what was run", heading)
    row += 2
    for (name, value) in WorkbookLayout.about(document.provenance) {
      text(sheet, row, 0, name, bold)
      text(sheet, row, 1, value)
      row += 1
    }
    if let scenarios = document.provenance?.scenarios, !scenarios.isEmpty {
      row += 1
      for (column, name) in ["scenario", "file", "hash"].enumerated() { text(sheet, row, column, name, bold) }
      row += 1
      for scenario in scenarios {
        text(sheet, row, 0, scenario.name)
        text(sheet, row, 1, scenario.file)
        text(sheet, row, 2, scenario.hash)
        row += 1
      }
    }
    row += 1
    for line in WorkbookLayout.sheetGuide {
      text(sheet, row, 0, line)
      row += 1
    }
    worksheet_set_column(sheet, 0, 0, 22, nil)
    worksheet_set_column(sheet, 1, 1, 48, nil)
    worksheet_set_column(sheet, 2, 2, 20, nil)
  }
}
