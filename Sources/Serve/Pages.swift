import CCCMSupport
import Charts
import CoverageModel
import Foundation
import Reports

/// The server's pages: HTML rendered on the server in the reports' own style, with no external
/// resource and only the small scripts that the progress bar, the file watch and the slider need.
enum Page {
  /// The reports' style sheet, taken from the page a report renders (one style for both).
  static let reportStyle: String = {
    let html = ReportDocument().render(.html)
    guard let start = html.range(of: "<style>\n"), let end = html.range(of: "</style>", range: start.upperBound..<html.endIndex) else { return "" }
    return String(html[start.upperBound..<end.lowerBound])
  }()

  static let style = """
    nav { margin: 0 0 16px 0; font-size: 14px; }
    nav a { margin-right: 14px; }
    .ok { color: #1B7F3B; }
    .bad { color: #B00020; }
    .refused { color: #8A5A00; }
    pre { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 12px; background: #F7F7F7; padding: 8px; overflow-x: auto; white-space: pre-wrap; }
    #changed { display: none; background: #FFF4CE; border: 1px solid #E0C060; padding: 6px 10px; margin: 8px 0; }
    form.inline { display: inline; }
    label { margin-right: 10px; }
    fieldset { border: 1px solid #DDDDDD; margin: 10px 0; }
    progress { width: 420px; height: 16px; }
    tr.current td { background: #E8F1FA; }
    #readout { font-size: 15px; margin: 8px 0; }
    .downloads a { margin-right: 12px; }
    """

  /// The content of a report page's body (between `<body>` and `</body>`).
  static func body(of html: String) -> String {
    guard let start = html.range(of: "<body>\n"), let end = html.range(of: "</body>", options: .backwards) else { return html }
    return String(html[start.upperBound..<end.lowerBound])
  }

  /// A whole page: title, navigation, body and an optional script.
  static func page(title: String, links: Links, body: String, script: String? = nil) -> String {
    var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"referrer\" content=\"same-origin\">\n"
    out += "<title>\(xmlEscaped(title))</title>\n<style>\n\(reportStyle)\n\(style)\n</style>\n</head>\n<body>\n"
    out += "<nav><a href=\"\(links.url("/"))\">Scenarios</a><a href=\"\(links.url("/compare"))\">Compare</a><a href=\"\(links.url("/jobs"))\">Jobs</a></nav>\n"
    out += body
    if let script { out += "<script>\n\(script)\n</script>\n" }
    return out + "</body>\n</html>\n"
  }

  static func escaped(_ text: String) -> String { xmlEscaped(SafeText.escaped(text)) }

  /// Lines of text (messages, a diff) with control characters escaped line by line, for `<pre>`.
  static func escapedLines(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).map { escaped(String($0)) }.joined(separator: "\n")
  }
}

/// URLs of the server's pages, each carrying the token.
struct Links: Sendable {
  var token: String

  /// `path` with `query` and the token, percent-encoded and escaped for an attribute.
  func url(_ path: String, _ query: [(String, String)] = []) -> String {
    xmlEscaped(raw(path, query))
  }

  /// `url` unescaped (for scripts and redirects).
  func raw(_ path: String, _ query: [(String, String)] = []) -> String {
    let all = query + [("token", token)]
    return path + "?" + all.map { "\(Self.encoded($0))=\(Self.encoded($1))" }.joined(separator: "&")
  }

  static func encoded(_ text: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~/")
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
  }
}

extension Page {
  /// The scenarios page: the folder's baselines with their variants (by `extends`), each with its
  /// validation; a script asks every two seconds whether the files changed.
  static func scenarios(_ scan: FolderScan, folder: String, links: Links) -> String {
    var body = "<h1>Scenarios in \(escaped(folder))</h1>\n"
    body += "<div id=\"changed\">Files changed on disk. <a href=\"\(links.url("/"))\">Reload</a></div>\n"
    if scan.records.isEmpty { body += "<p>No scenario files (YAML with <code>segments</code>, <code>teams</code> or <code>extends</code>) in this folder.</p>\n" }
    body += "<table id=\"scenarios\">\n<tr><th>file</th><th>scenario</th><th>validation</th></tr>\n"
    for (record, depth) in scan.tree {
      let indent = String(repeating: "&nbsp;&nbsp;&nbsp;&nbsp;", count: depth) + (depth > 0 ? "&#8627; " : "")
      let status: String
      switch record.status {
      case .valid: status = "<span class=\"ok\">ok</span>"
      case .invalid(let messages):
        let count = messages.split(separator: "\n").filter { $0.contains(": error:") }.count
        status = "<span class=\"bad\">invalid</span> (\(max(count, 1)) problem\(count == 1 ? "" : "s"))"
      case .outside: status = "<span class=\"refused\">refused</span> (outside the folder)"
      }
      body += "<tr data-file=\"\(xmlEscaped(record.file))\"><td>\(indent)<a href=\"\(links.url("/scenario", [("file", record.file)]))\">\(escaped(record.file))</a></td>"
      body += "<td>\(escaped(record.scenario?.name ?? ""))</td><td>\(status)</td></tr>\n"
    }
    body += "</table>\n<p>Edit the files in your editor; this page notices when they change.</p>\n"
    let script = """
      (function () {
        var since = \(jsString(scan.signature));
        function poll() {
          fetch(\(jsString(links.raw("/api/changes")))+ "&since=" + since).then(function (r) { return r.json(); }).then(function (j) {
            if (j.changed) { document.getElementById("changed").style.display = "block"; } else { setTimeout(poll, 2000); }
          }).catch(function () { setTimeout(poll, 5000); });
        }
        setTimeout(poll, 2000);
      })();
      """
    return page(title: "cccm serve: scenarios", links: links, body: body, script: script)
  }

  /// One scenario: its validation (as `cccm validate` prints it), its parent and `cccm diff`
  /// against it, its uncertain keys.
  static func scenario(_ record: ScenarioRecord, links: Links) -> String {
    var body = "<h1>\(escaped(record.file))</h1>\n"
    switch record.status {
    case .valid(let line): body += "<h2>Validation</h2>\n<pre class=\"ok\" id=\"validation\">\(escaped(line))</pre>\n"
    case .invalid(let messages): body += "<h2>Validation</h2>\n<pre class=\"bad\" id=\"validation\">\(escapedLines(messages))</pre>\n"
    case .outside(let message): body += "<h2>Validation</h2>\n<pre class=\"refused\" id=\"validation\">\(escaped(message))</pre>\n"
    }
    if let parent = record.parent {
      body += "<h2>Against its parent</h2>\n<p>Extends <a href=\"\(links.url("/scenario", [("file", parent)]))\">\(escaped(parent))</a>.</p>\n"
      if let diff = record.diff { body += "<pre id=\"diff\">\(escapedLines(diff))</pre>\n" }
    }
    if let scenario = record.scenario, !scenario.uncertain.isEmpty {
      body += "<h2>Uncertain values</h2>\n<table>\n<tr><th>key</th><th>5%</th><th>median</th><th>95%</th></tr>\n"
      for value in scenario.uncertain {
        let q = [0.05, 0.5, 0.95].map { String(format: "%.4g", value.distribution.quantile($0)) }
        body += "<tr><td><code>\(escaped(value.path))</code></td><td class=\"num\">\(q[0])</td><td class=\"num\">\(q[1])</td><td class=\"num\">\(q[2])</td></tr>\n"
      }
      body += "</table>\n"
    }
    return page(title: "cccm serve: \(record.file)", links: links, body: body)
  }

  /// The compare form: a baseline, variants, replications, seed and objective.
  static func compareForm(_ scan: FolderScan, links: Links, jobs: [JobStore.Job]) -> String {
    let valid = scan.tree.filter { $0.record.isValid }
    var body = "<h1>Compare</h1>\n<form method=\"post\" action=\"\(links.url("/jobs"))\" id=\"compare\">\n"
    body += "<fieldset><legend>Baseline</legend><select name=\"baseline\" id=\"baseline\">\n"
    for (record, _) in valid {
      body += "<option value=\"\(xmlEscaped(record.file))\"\(record.parent == nil ? "" : "")>\(escaped(record.file))</option>\n"
    }
    body += "</select></fieldset>\n<fieldset><legend>Variants</legend>\n"
    for (record, _) in valid {
      body += "<label><input type=\"checkbox\" name=\"variant\" value=\"\(xmlEscaped(record.file))\"> \(escaped(record.file))</label><br>\n"
    }
    body += "</fieldset>\n<fieldset><legend>Options</legend>\n"
    body += "<label>replications <input type=\"number\" name=\"replications\" id=\"replications\" value=\"100\" min=\"2\" max=\"\(Studies.maximumReplications)\"></label>\n"
    body += "<label>seed <input type=\"number\" name=\"seed\" id=\"seed\" value=\"1\" min=\"0\"></label>\n"
    body += "<label>objective <input type=\"text\" name=\"objective\" id=\"objective\" value=\"contribution\"></label>\n"
    body += "</fieldset>\n<button type=\"submit\" id=\"run\">Run the comparison</button>\n</form>\n"
    body += jobTable(jobs, links: links)
    return page(title: "cccm serve: compare", links: links, body: body)
  }

  static func jobTable(_ jobs: [JobStore.Job], links: Links) -> String {
    guard !jobs.isEmpty else { return "<p>No jobs yet.</p>\n" }
    var out = "<h2>Jobs</h2>\n<table id=\"jobs\">\n<tr><th>job</th><th>what</th><th>state</th></tr>\n"
    for job in jobs {
      out += "<tr><td><a href=\"\(links.url("/jobs/\(job.id)"))\">\(job.id)</a></td><td>\(escaped(job.spec.title))</td><td>\(stateText(job))</td></tr>\n"
    }
    return out + "</table>\n"
  }

  static func stateText(_ job: JobStore.Job) -> String {
    switch job.state {
    case .running: "running (\(job.progress.done) of \(job.progress.total) replications)"
    case .finished: "finished"
    case .failed: "failed"
    case .cancelled: "cancelled"
    }
  }

  static func jsString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"", "\\", "<", ">", "&", "'": out += String(format: "\\u%04x", scalar.value)
      case _ where scalar.value < 0x20 || scalar.value > 0x7E: out += scalar.value > 0xFFFF ? String(scalar) : String(format: "\\u%04x", scalar.value)
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }

  /// A job's page: its progress while it runs (the script asks for it and reloads when done),
  /// else its report with downloads, and for a comparison the sliders it offers; for a sweep, the
  /// slider itself.
  static func job(_ job: JobStore.Job, links: Links, sliders: [(variant: String, keys: [String])]) -> String {
    var body = "<h1>Job \(job.id): \(escaped(job.spec.title))</h1>\n"
    var script: String?
    switch job.state {
    case .running:
      body += "<p id=\"state\">running</p>\n<progress id=\"progress\" max=\"\(job.progress.total)\" value=\"\(job.progress.done)\"></progress> "
      body += "<span id=\"count\">\(job.progress.done) of \(job.progress.total)</span> replications\n"
      body += "<form class=\"inline\" method=\"post\" action=\"\(links.url("/jobs/\(job.id)/cancel"))\"><button type=\"submit\" id=\"cancel\">Cancel</button></form>\n"
      script = """
        (function () {
          function poll() {
            fetch(\(jsString(links.raw("/api/jobs/\(job.id)")))).then(function (r) { return r.json(); }).then(function (j) {
              document.getElementById("progress").value = j.done;
              document.getElementById("count").textContent = j.done + " of " + j.total;
              if (j.state !== "running") { location.reload(); } else { setTimeout(poll, 400); }
            }).catch(function () { setTimeout(poll, 2000); });
          }
          setTimeout(poll, 400);
        })();
        """
    case .cancelled: body += "<p id=\"state\">cancelled</p>\n"
    case .failed(let message): body += "<p id=\"state\" class=\"bad\">failed</p>\n<pre class=\"bad\">\(escapedLines(message))</pre>\n"
    case .finished(let output):
      body += "<p id=\"state\">finished</p>\n<p class=\"downloads\">Download: "
      for format in ["html", "csv", "json", "xlsx"] {
        body += "<a id=\"download-\(format)\" href=\"\(links.url("/jobs/\(job.id)/report.\(format)"))\" download=\"report.\(format)\">\(format)</a>"
      }
      body += "</p>\n"
      if let sweep = output.sweep {
        body += slider(sweep, job: job, links: links)
        script = sliderScript
      } else if !sliders.isEmpty {
        body += sliderForm(job: job, links: links, sliders: sliders)
      }
      body += "<div id=\"report\">\n" + output.fragment.replacingOccurrences(of: "<h1>", with: "<h2>").replacingOccurrences(of: "</h1>", with: "</h2>") + "</div>\n"
    }
    return page(title: "cccm serve: job \(job.id)", links: links, body: body, script: script)
  }

  /// The form that starts a slider's sweep from a comparison: a variant, a key (an uncertain one
  /// of the baseline, or any path the planner types) and its values.
  static func sliderForm(job: JobStore.Job, links: Links, sliders: [(variant: String, keys: [String])]) -> String {
    var out = "<h2>Sliders</h2>\n<form method=\"post\" action=\"\(links.url("/jobs/\(job.id)/sweep"))\" id=\"sweep\">\n<label>variant <select name=\"variant\">"
    for (variant, _) in sliders { out += "<option value=\"\(xmlEscaped(variant))\">\(escaped(variant))</option>" }
    out += "</select></label>\n<label>key <select name=\"key\" id=\"key\">"
    for key in Set(sliders.flatMap(\.keys)).sorted() { out += "<option value=\"\(xmlEscaped(key))\">\(escaped(key)) (uncertain: its 5% to 95% quantiles)</option>" }
    out += "<option value=\"\">another key, below</option></select></label>\n"
    out += "<label>or a key and values <input type=\"text\" name=\"vary\" placeholder=\"teams.West.reps=9..15\" size=\"34\"></label>\n"
    out += "<button type=\"submit\" id=\"start-sweep\">Sweep on common random numbers</button>\n</form>\n"
    return out
  }

  /// The slider: one position per grid value, the paired difference and its interval there.
  static func slider(_ sweep: SweepSummary, job: JobStore.Job, links: Links) -> String {
    let unit = MetricUnit(metric: sweep.objective)
    var out = "<h2>Slider: \(escaped(sweep.path))</h2>\n"
    out += "<input type=\"range\" id=\"slider\" min=\"0\" max=\"\(max(0, sweep.points.count - 1))\" step=\"1\" value=\"\(sweep.points.count / 2)\" style=\"width: 420px\">\n"
    out += "<div id=\"readout\"></div>\n"
    out += "<p id=\"threshold\">\(escaped(sweep.thresholdText))</p>\n"
    out += "<table id=\"points\">\n<tr><th>\(escaped(sweep.path))</th><th class=\"num\">difference</th><th class=\"num\">95% interval</th><th>variant</th></tr>\n"
    for (i, point) in sweep.points.enumerated() {
      let d = point.difference
      let wins = sweep.largerIsBetter ? d.ciLow > 0 : d.ciHigh < 0
      let loses = sweep.largerIsBetter ? d.ciHigh < 0 : d.ciLow > 0
      let verdict = wins ? "wins" : loses ? "loses" : "unclear"
      let readout = "At \(sweep.path) = \(NumberText.shortest(point.value)): \(sweep.objective) difference \(unit.formatDifference(d.mean)), 95% interval \(unit.interval(d)); the variant \(verdict)."
      out += "<tr data-index=\"\(i)\" data-readout=\"\(xmlEscaped(readout))\"><td class=\"num\">\(NumberText.shortest(point.value))</td>"
      out += "<td class=\"num\">\(unit.formatDifference(d.mean))</td><td class=\"num\">\(unit.interval(d))</td><td>\(verdict)</td></tr>\n"
    }
    out += "</table>\n<form method=\"post\" action=\"\(links.url("/jobs/\(job.id)/refine"))\"><button type=\"submit\" id=\"refine\">Refine: add a point between each two</button></form>\n"
    return out
  }

  static let sliderScript = """
    (function () {
      var slider = document.getElementById("slider");
      var rows = document.querySelectorAll("#points tr[data-index]");
      function show() {
        var i = Number(slider.value);
        rows.forEach(function (row) { row.className = Number(row.dataset.index) === i ? "current" : ""; });
        if (rows[i]) { document.getElementById("readout").textContent = rows[i].dataset.readout; }
      }
      slider.addEventListener("input", show);
      show();
    })();
    """
}
