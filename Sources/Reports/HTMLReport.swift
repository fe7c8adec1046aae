import Charts
import Foundation

/// What was run, so a reader can run it again: the command line, cccm's version, the seed, the
/// replications, the generator and each scenario with the hash of its resolved form.
public struct Provenance: Sendable {
  public struct ScenarioEntry: Sendable {
    public var name: String
    public var file: String
    /// FNV-1a of the resolved scenario (`ScenarioEncoder.fingerprint(of:)`), as results files record it.
    public var hash: String
    public init(name: String, file: String, hash: String) {
      self.name = name
      self.file = file
      self.hash = hash
    }
  }
  public var command: String
  public var version: String
  public var seed: UInt64
  public var replications: Int
  public var generator: String
  public var scenarios: [ScenarioEntry]
  /// Rows shown instead of the seed, replications and generator, for a command that does not
  /// simulate (`fit`: the export, the mapping, the cut-off).
  public var details: [Detail]?
  /// More of what was run, after the scenarios (`merge`: every shard file and what it held).
  public var blocks: [ReportDocument.Block] = []

  public struct Detail: Sendable {
    public var name: String
    public var value: String
    /// Shown as code (a file, a hash).
    public var code: Bool
    public init(_ name: String, _ value: String, code: Bool = false) {
      self.name = name
      self.value = value
      self.code = code
    }
  }

  /// What a command that does not simulate ran: its command line, cccm's version, `details`, and
  /// the scenarios it wrote.
  public init(command: String, version: String, details: [Detail], scenarios: [ScenarioEntry]) {
    self.init(command: command, version: version, seed: 0, replications: 0, generator: "", scenarios: scenarios)
    self.details = details
  }

  public init(command: String, version: String, seed: UInt64, replications: Int, generator: String, scenarios: [ScenarioEntry]) {
    self.command = command
    self.version = version
    self.seed = seed
    self.replications = replications
    self.generator = generator
    self.scenarios = scenarios
  }

  /// A command line as one string, arguments with spaces or quotes single-quoted.
  public static func commandLine(_ arguments: [String]) -> String {
    arguments.map { argument in
      let plain = !argument.isEmpty && argument.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "-_./=:,+@%".unicodeScalars.contains($0) }
      return plain ? argument : "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }.joined(separator: " ")
  }
}

/// A report as one self-contained HTML page: inline CSS and SVG, no script, no fonts or images
/// fetched from anywhere; it opens with what was run, then the summary (the report's blocks), then
/// the charts; it prints one chart per block without splitting it.
public enum HTMLReport {
  static let style = """
    :root { color-scheme: light; }
    body { font-family: "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif; color: #222222; background: #FFFFFF; margin: 24px auto; max-width: 1000px; padding: 0 16px; line-height: 1.4; }
    h1 { font-size: 22px; margin: 0 0 12px 0; }
    h2 { font-size: 18px; margin: 28px 0 10px 0; border-bottom: 1px solid #DDDDDD; padding-bottom: 4px; }
    h3 { font-size: 15px; margin: 20px 0 8px 0; }
    p { margin: 6px 0; }
    code { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 13px; background: #F4F4F4; padding: 1px 4px; overflow-wrap: anywhere; }
    table { border-collapse: collapse; margin: 8px 0 14px 0; font-size: 13px; }
    th, td { border-bottom: 1px solid #E4E4E4; padding: 3px 8px; text-align: left; vertical-align: top; }
    th { border-bottom: 2px solid #999999; }
    td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
    span.bar { display: inline-block; height: 10px; vertical-align: middle; }
    table.provenance th { border-bottom: 1px solid #E4E4E4; width: 9em; }
    figure { margin: 18px 0; break-inside: avoid; page-break-inside: avoid; }
    figure svg { max-width: 100%; height: auto; border: 1px solid #EEEEEE; }
    figcaption { font-size: 12px; color: #555555; margin-top: 4px; }
    figcaption summary { cursor: pointer; color: #0072B2; margin-top: 2px; }
    @media print { figcaption details { display: none; } }
    .summary { overflow-x: auto; }
    @media print {
      body { margin: 0; max-width: none; font-size: 10pt; }
      h2 { break-after: avoid; page-break-after: avoid; }
      figure svg { border: none; }
      .summary { overflow: visible; }
      table { font-size: 9pt; }
    }
    @page { margin: 14mm; }
    """

  /// The page of a report document (its `provenance` when set, its blocks, its charts).
  static func page(_ document: ReportDocument) -> String {
    var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    let heading = document.title ?? "cccm report"
    out += "<title>\(xmlEscaped(heading))</title>\n<style>\n\(style)\n</style>\n</head>\n<body>\n<h1>\(xmlEscaped(heading))</h1>\n"
    if let p = document.provenance {
      out += "<h2>What was run</h2>\n<table class=\"provenance\">\n"
      out += "<tr><th>command</th><td><code>\(xmlEscaped(p.command))</code></td></tr>\n"
      out += "<tr><th>cccm version</th><td>\(xmlEscaped(p.version))</td></tr>\n"
      if let details = p.details {
        for d in details {
          out += "<tr><th>\(xmlEscaped(d.name))</th><td>" + (d.code ? "<code>\(xmlEscaped(d.value))</code>" : xmlEscaped(d.value)) + "</td></tr>\n"
        }
        out += "</table>\n"
      } else {
        out += "<tr><th>seed</th><td>\(p.seed)</td></tr>\n<tr><th>replications</th><td>\(p.replications)</td></tr>\n"
        out += "<tr><th>generator</th><td>\(xmlEscaped(p.generator))</td></tr>\n</table>\n"
      }
      if !p.scenarios.isEmpty {
        out += "<table>\n<tr><th>scenario</th><th>file</th><th>hash of the resolved scenario</th></tr>\n"
        for s in p.scenarios {
          out += "<tr><td>\(xmlEscaped(s.name))</td><td><code>\(xmlEscaped(s.file))</code></td><td><code>\(xmlEscaped(s.hash))</code></td></tr>\n"
        }
        out += "</table>\n"
      }
      out += body(p.blocks)
    }
    out += "<h2>Summary</h2>\n<div class=\"summary\">\n" + body(document.blocks) + "</div>\n"
    if !document.charts.isEmpty {
      out += "<h2>Charts</h2>\n"
      for chart in document.charts {
        // One sentence under the chart; the whole text alternative (the SVG's description, which
        // screen readers read) on request.
        let more = chart.caption == chart.description ? "" : "<details><summary>Text alternative</summary>\(xmlEscaped(chart.description))</details>"
        out += "<figure id=\"\(chart.id)\">\n" + chart.svg(standalone: false) + "<figcaption>\(xmlEscaped(chart.caption))\(more)</figcaption>\n</figure>\n"
      }
    }
    return out + "</body>\n</html>\n"
  }

  /// A terminal table's text bar (`+#### *`, a tornado's swing) as a drawn bar of the same length
  /// in the palette's colours; nil for any other cell.
  static func textBar(_ text: String) -> String? {
    guard let sign = text.first, sign == "+" || sign == "-" else { return nil }
    let rest = text.dropFirst()
    let hashes = rest.prefix { $0 == "#" }.count
    let tail = rest.dropFirst(hashes)
    guard hashes > 0, tail.isEmpty || tail == " *" else { return nil }
    let colour = sign == "+" ? Palette.blue : Palette.vermillion
    return "<span class=\"bar\" style=\"width: \(hashes * 5)px; background: \(colour)\"></span>\(tail.isEmpty ? "" : " *")"
  }

  /// The blocks as HTML: titles as headings, text as paragraphs, tables as tables (number columns
  /// right-aligned).
  static func body(_ blocks: [ReportDocument.Block]) -> String {
    var out = ""
    for block in blocks {
      switch block {
      case .title(let title, _): out += "<h3>\(xmlEscaped(title))</h3>\n"
      case .text(let text):
        let paragraphs = text.components(separatedBy: "\n\n").map { $0.trimmingCharacters(in: .newlines) }.filter { !$0.isEmpty }
        for paragraph in paragraphs {
          out += "<p>" + paragraph.split(separator: "\n", omittingEmptySubsequences: false).map { xmlEscaped(String($0)) }.joined(separator: "<br>\n") + "</p>\n"
        }
      case .table(let table, _):
        func cell(_ tag: String, _ text: String, _ column: Int) -> String {
          "<\(tag)\(column >= table.textColumns ? " class=\"num\"" : "")>\(textBar(text) ?? xmlEscaped(text))</\(tag)>"
        }
        out += "<table>\n<tr>" + table.header.enumerated().map { cell("th", $1, $0) }.joined() + "</tr>\n"
        for row in table.rows { out += "<tr>" + row.enumerated().map { cell("td", $1, $0) }.joined() + "</tr>\n" }
        out += "</table>\n"
      }
    }
    return out
  }
}
