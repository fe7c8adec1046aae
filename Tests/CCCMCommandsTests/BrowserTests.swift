import Foundation
import Testing
import TestSupport

/// The browser to render with: $CCCM_CHROMIUM, else chromium (Debian's package) or another
/// Chromium-family browser on PATH.
private let chromium: String? = {
  let environment = ProcessInfo.processInfo.environment
  if let given = environment["CCCM_CHROMIUM"], FileManager.default.isExecutableFile(atPath: given) { return given }
  for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
    for directory in (environment["PATH"] ?? "/usr/bin").split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
      return "\(directory)/\(name)"
    }
  }
  return nil
}()

/// Browser tests run unless CCCM_BROWSER_TESTS=0; without a browser they are skipped, unless
/// CCCM_REQUIRE_BROWSER=1 (as `.ci/run` sets it), when the missing browser is a failure.
private let browserTestsEnabled: Bool = {
  let environment = ProcessInfo.processInfo.environment
  if environment["CCCM_BROWSER_TESTS"] == "0" { return false }
  return chromium != nil || environment["CCCM_REQUIRE_BROWSER"] == "1"
}()

/// Runs the browser headless with `arguments` (a throwaway profile, no sandbox: tests run as root
/// in CI), at most two minutes; its standard output.
private func runBrowser(_ browser: String, _ arguments: [String], scratch: URL) throws -> String {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: browser)
  process.arguments = [
    "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run", "--disable-extensions", "--user-data-dir=\(scratch.path)/profile",
  ] + arguments
  let out = scratch.appendingPathComponent("browser-\(UUID().uuidString).out")
  _ = FileManager.default.createFile(atPath: out.path, contents: nil)
  let handle = try FileHandle(forWritingTo: out)
  process.standardOutput = handle
  process.standardError = FileHandle.nullDevice
  process.standardInput = FileHandle.nullDevice
  try process.run()
  let deadline = Date().addingTimeInterval(120)
  while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
  if process.isRunning {
    process.terminate()
    process.waitUntilExit()
    throw PNGImage.DecodeError("the browser did not finish within two minutes")
  }
  try handle.close()
  return String(decoding: try Data(contentsOf: out), as: UTF8.self)
}

/// What a rendered page showed: its charts' titles, the DOM's size and the screenshot's figures.
private struct Rendered {
  var titles: [String]
  var domBytes: Int
  var image: PNGImage
  var blue: Int
  var colour: String

  func line(_ browser: String, _ what: String) -> String {
    "browser test (\(what)): \((browser as NSString).lastPathComponent) rendered \(titles.count) charts (\(titles.joined(separator: "; "))); DOM \(domBytes) bytes with every title and axis title; screenshot \(image.width)x\(image.height), \(image.distinctColours) colours, ink on \(String(format: "%.1f", image.inkShare * 100))% of pixels, \(blue) pixels of \(colour)"
  }
}

/// Renders `page` headless: checks that the DOM has every chart of `charts` (each file the page's
/// chart, its title in the DOM), the `axes` titles and the page's sections; takes a screenshot of
/// `height` and checks it has colour, ink and the charts' main colour (Okabe-Ito blue unless given).
private func render(
  _ page: String, charts: URL, expectedCharts: Int, axes: [String], height: Int, browser: String, scratch: URL, name: String,
  colour: (UInt8, UInt8, UInt8) = (0x00, 0x72, 0xB2), minimum: Int = 500
) throws -> Rendered {
  let file = scratch.appendingPathComponent("\(name).html")
  try Data(page.utf8).write(to: file)
  // The DOM as the browser built it: every chart an <svg> with its title, axis titles as text.
  let dom = try runBrowser(browser, ["--dump-dom", file.absoluteString], scratch: scratch)
  let files = try FileManager.default.contentsOfDirectory(atPath: charts.path).filter { $0.hasSuffix(".svg") }.sorted()
  #expect(files.count == expectedCharts, "\(name): charts written: \(files)")
  var titles: [String] = []
  for chart in files {
    let svg = try String(contentsOf: charts.appendingPathComponent(chart), encoding: .utf8)
    // The file is the page's chart with the XML namespace a standalone file needs.
    #expect(page.contains(svg.replacingOccurrences(of: " xmlns=\"http://www.w3.org/2000/svg\"", with: "")), "\(name): \(chart) differs from the page's chart")
    let title = try #require(svg.firstCapture(#"<title id="[^"]*">([^<]*)</title>"#))
    titles.append(title)
    #expect(dom.contains(title.replacingOccurrences(of: "'", with: "&#39;")) || dom.contains(title), "\(name): the DOM lacks the title \(title)")
  }
  for axis in axes { #expect(dom.contains(axis), "\(name): the DOM lacks the axis title \(axis)") }
  #expect(dom.components(separatedBy: "<svg").count - 1 == files.count, "\(name)")
  #expect(dom.contains("<h2>What was run</h2>") && dom.contains("<h2>Summary</h2>") && dom.contains("<h2>Charts</h2>"), "\(name)")
  let shot = scratch.appendingPathComponent("\(name).png")
  _ = try runBrowser(browser, ["--screenshot=\(shot.path)", "--window-size=1100,\(height)", file.absoluteString], scratch: scratch)
  let image = try PNGImage(data: try Data(contentsOf: shot))
  #expect(image.width == 1100 && image.height == height, "\(name)")
  #expect(image.distinctColours > 100, "\(name): only \(image.distinctColours) colours: the page looks blank")
  #expect(image.inkShare > 0.03, "\(name): ink on \(image.inkShare * 100)% of the page")
  // The charts' main colour is painted somewhere.
  var blue = 0
  for i in stride(from: 0, to: image.pixels.count, by: 4) where image.pixels[i] == colour.0 && image.pixels[i + 1] == colour.1 && image.pixels[i + 2] == colour.2 { blue += 1 }
  let hex = String(format: "#%02X%02X%02X", colour.0, colour.1, colour.2)
  #expect(blue > minimum, "\(name): only \(blue) pixels of the charts' \(hex)")
  return Rendered(titles: titles, domBytes: dom.utf8.count, image: image, blue: blue, colour: hex)
}

@Suite("Reports in a real browser (headless Chromium)", .serialized)
struct BrowserTests {
  /// A scratch folder, and the browser (nil, with the failure recorded, when none is installed).
  private func setUp() throws -> (browser: String, scratch: URL)? {
    guard let browser = chromium else {
      Issue.record("CCCM_REQUIRE_BROWSER=1 but no chromium on PATH: install it (apt-get install -y chromium) or set CCCM_BROWSER_TESTS=0")
      return nil
    }
    let scratch = try scratchFolder("browser")
    return (browser, scratch)
  }

  @Test("compare --format html renders: every chart's title and axis titles in the DOM, a screenshot with colour and ink, unlike a blank page", .enabled(if: browserTestsEnabled))
  func compareRendersInChromium() throws {
    guard let (browser, scratch) = try setUp() else { return }
    defer { try? FileManager.default.removeItem(at: scratch) }
    let charts = scratch.appendingPathComponent("charts")
    let result = try runCCCM([
      "compare", "scenarios/northwind/baseline.yaml", "scenarios/northwind/variants/presales-plus-2.yaml", "-r", "6", "--by", "month", "--format", "html",
      "--charts", charts.path, "-q",
    ])
    #expect(result.status == 0, "\(result.err)")
    // The distribution, the forest, a fan per scenario and the variant's cumulative difference.
    let rendered = try render(
      result.out, charts: charts, expectedCharts: 5,
      axes: ["contribution (millions)", "contribution difference", "cumulative difference (millions)", "month", "presales wait mean difference (days)"],
      height: 4200, browser: browser, scratch: scratch, name: "compare")
    // A blank page of the same size has neither colour nor ink.
    let blankPage = scratch.appendingPathComponent("blank.html")
    try Data("<!DOCTYPE html><html><body></body></html>".utf8).write(to: blankPage)
    let blankShot = scratch.appendingPathComponent("blank.png")
    _ = try runBrowser(browser, ["--screenshot=\(blankShot.path)", "--window-size=1100,4200", blankPage.absoluteString], scratch: scratch)
    let blank = try PNGImage(data: try Data(contentsOf: blankShot))
    #expect(blank.distinctColours <= 2 && blank.inkShare == 0, "the blank page has \(blank.distinctColours) colours")
    print(rendered.line(browser, "compare") + "; blank page: \(blank.distinctColours) colour(s)")
  }

  @Test("select --format html renders on Northwind: the designs with their intervals, the paired differences, the replications used (the selected one in Okabe-Ito green)", .enabled(if: browserTestsEnabled))
  func selectRendersInChromium() throws {
    guard let (browser, scratch) = try setUp() else { return }
    defer { try? FileManager.default.removeItem(at: scratch) }
    let charts = scratch.appendingPathComponent("charts")
    let result = try runCCCM([
      "select", "scenarios/northwind/baseline.yaml", "scenarios/northwind/variants/presales-plus-2.yaml", "scenarios/northwind/variants/relationship-programme.yaml",
      "--delta", "1%", "--first-stage", "10", "-r", "40", "--format", "html", "--charts", charts.path, "-q",
    ])
    #expect(result.status == 0, "\(result.err)")
    let rendered = try render(
      result.out, charts: charts, expectedCharts: 3, axes: ["contribution (millions)", "difference from presales-plus-2 (millions)", "replications (count)", "within delta"],
      height: 2600, browser: browser, scratch: scratch, name: "select", colour: (0x00, 0x9E, 0x73),
      minimum: 60)  // one design's diamond, whisker and name-side marks, and the legend, are solid green
    print(rendered.line(browser, "select"))
  }

  @Test("threshold --format html renders on Northwind: the difference against the parameter, its band, the threshold marked", .enabled(if: browserTestsEnabled))
  func thresholdRendersInChromium() throws {
    guard let (browser, scratch) = try setUp() else { return }
    defer { try? FileManager.default.removeItem(at: scratch) }
    let charts = scratch.appendingPathComponent("charts")
    let result = try runCCCM([
      "threshold", "scenarios/northwind/baseline.yaml", "scenarios/northwind/variants/presales-plus-2.yaml", "--vary", "presales.Presales.cost_per_expert_year=180000..3000000",
      "--points", "4", "--resamples", "200", "-r", "6", "--format", "html", "--charts", charts.path, "-q",
    ])
    #expect(result.status == 0, "\(result.err)")
    let rendered = try render(
      result.out, charts: charts, expectedCharts: 1, axes: ["difference (millions)", "presales.Presales.cost_per_expert_year (millions)", "threshold and its 95% interval"],
      height: 1600, browser: browser, scratch: scratch, name: "threshold", minimum: 80)  // the fitted line and the legend are solid blue; the band is pale
    print(rendered.line(browser, "threshold"))
  }

  @Test("fit --format html renders on the CRM export: arrivals by month, and CDF and P-P plots of every fitted cycle time and deal size", .enabled(if: browserTestsEnabled))
  func fitRendersInChromium() throws {
    guard let (browser, scratch) = try setUp() else { return }
    defer { try? FileManager.default.removeItem(at: scratch) }
    let charts = scratch.appendingPathComponent("charts")
    let data = "data/crm-sales-opportunities"
    let result = try runCCCM([
      "fit", "\(data)/sales_pipeline.csv", "--map", "\(data)/mapping.yaml", "--until", "2017-12-31", "--format", "html", "--charts", charts.path,
    ])
    #expect(result.status == 0, "\(result.err)")
    let rendered = try render(
      result.out, charts: charts, expectedCharts: 19,
      axes: ["opportunities engaged (count)", "cumulative probability", "win cycle (days)", "loss cycle (days)", "deal size (thousands)", "empirical probability", "fitted probability"],
      height: 6000, browser: browser, scratch: scratch, name: "fit")
    print(rendered.line(browser, "fit"))
  }

  @Test("explain --format html renders on Northwind: a waterfall per variant from the baseline's contribution to the variant's, totals in Okabe-Ito blue", .enabled(if: browserTestsEnabled))
  func explainRendersInChromium() throws {
    guard let (browser, scratch) = try setUp() else { return }
    defer { try? FileManager.default.removeItem(at: scratch) }
    let charts = scratch.appendingPathComponent("charts")
    let result = try runCCCM([
      "explain", "scenarios/northwind/baseline.yaml", "scenarios/northwind/variants/split-west.yaml", "scenarios/northwind/variants/presales-plus-2.yaml",
      "-r", "6", "--format", "html", "--charts", charts.path, "-q",
    ])
    #expect(result.status == 0, "\(result.err)")
    let rendered = try render(result.out, charts: charts, expectedCharts: 2, axes: ["contribution (millions)"], height: 2600, browser: browser, scratch: scratch, name: "explain")
    print(rendered.line(browser, "explain"))
  }
}

extension String {
  fileprivate func firstCapture(_ pattern: String) -> String? {
    guard let regex = try? NSRegularExpression(pattern: pattern), let match = regex.firstMatch(in: self, range: NSRange(location: 0, length: (self as NSString).length)),
      match.numberOfRanges > 1
    else { return nil }
    return (self as NSString).substring(with: match.range(at: 1))
  }
}
