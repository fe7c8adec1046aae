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

@Suite("Reports in a real browser (headless Chromium)", .serialized)
struct BrowserTests {
  @Test("compare --format html renders: every chart's title and axis titles in the DOM, a screenshot with colour and ink, unlike a blank page", .enabled(if: browserTestsEnabled))
  func compareRendersInChromium() throws {
    guard let browser = chromium else {
      Issue.record("CCCM_REQUIRE_BROWSER=1 but no chromium on PATH: install it (apt-get install -y chromium) or set CCCM_BROWSER_TESTS=0")
      return
    }
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cccm-browser-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let charts = scratch.appendingPathComponent("charts")
    let result = try runCCCM([
      "compare", "scenarios/northwind/baseline.yaml", "scenarios/northwind/variants/presales-plus-2.yaml", "-r", "6", "--by", "month", "--format", "html",
      "--charts", charts.path, "-q",
    ])
    #expect(result.status == 0, "\(result.err)")
    let page = scratch.appendingPathComponent("report.html")
    try Data(result.out.utf8).write(to: page)

    // The DOM as the browser built it: every chart an <svg> with its title, axis titles as text.
    let dom = try runBrowser(browser, ["--dump-dom", page.absoluteString], scratch: scratch)
    let files = try FileManager.default.contentsOfDirectory(atPath: charts.path).filter { $0.hasSuffix(".svg") }.sorted()
    // The distribution, the forest, a fan per scenario and the variant's cumulative difference.
    #expect(files.count == 5, "charts written: \(files)")
    var titles: [String] = []
    for file in files {
      let svg = try String(contentsOf: charts.appendingPathComponent(file), encoding: .utf8)
      // The file is the page's chart with the XML namespace a standalone file needs.
      #expect(result.out.contains(svg.replacingOccurrences(of: " xmlns=\"http://www.w3.org/2000/svg\"", with: "")), "\(file) differs from the page's chart")
      let title = try #require(svg.firstCapture(#"<title id="[^"]*">([^<]*)</title>"#))
      titles.append(title)
      #expect(dom.contains(title), "the DOM lacks the title \(title)")
    }
    for axis in ["contribution (millions)", "contribution difference", "cumulative difference (millions)", "month", "difference from baseline (% of its mean)"] {
      #expect(dom.contains(axis), "the DOM lacks the axis title \(axis)")
    }
    #expect(dom.components(separatedBy: "<svg").count - 1 == files.count)
    #expect(dom.contains("<h2>What was run</h2>") && dom.contains("<h2>Summary</h2>") && dom.contains("<h2>Charts</h2>"))

    // The picture: decoded, it has the palette's colours and ink; a blank page of the same size has neither.
    let shot = scratch.appendingPathComponent("report.png")
    _ = try runBrowser(browser, ["--screenshot=\(shot.path)", "--window-size=1100,4200", page.absoluteString], scratch: scratch)
    let image = try PNGImage(data: try Data(contentsOf: shot))
    let blankPage = scratch.appendingPathComponent("blank.html")
    try Data("<!DOCTYPE html><html><body></body></html>".utf8).write(to: blankPage)
    let blankShot = scratch.appendingPathComponent("blank.png")
    _ = try runBrowser(browser, ["--screenshot=\(blankShot.path)", "--window-size=1100,4200", blankPage.absoluteString], scratch: scratch)
    let blank = try PNGImage(data: try Data(contentsOf: blankShot))
    #expect(image.width == 1100 && image.height == 4200)
    #expect(blank.distinctColours <= 2 && blank.inkShare == 0, "the blank page has \(blank.distinctColours) colours")
    #expect(image.distinctColours > 100, "only \(image.distinctColours) colours: the page looks blank")
    #expect(image.inkShare > 0.03, "ink on \(image.inkShare * 100)% of the page")
    // Okabe-Ito blue (#0072B2), the charts' main colour, is painted somewhere.
    var blue = 0
    for i in stride(from: 0, to: image.pixels.count, by: 4) where image.pixels[i] == 0x00 && image.pixels[i + 1] == 0x72 && image.pixels[i + 2] == 0xB2 { blue += 1 }
    #expect(blue > 500, "only \(blue) pixels of the charts' blue")
    print(
      "browser test: \((browser as NSString).lastPathComponent) rendered \(files.count) charts (\(titles.joined(separator: "; "))); DOM \(dom.utf8.count) bytes with every title and axis title; screenshot \(image.width)x\(image.height), \(image.distinctColours) colours, ink on \(String(format: "%.1f", image.inkShare * 100))% of pixels, \(blue) pixels of #0072B2; blank page: \(blank.distinctColours) colour(s)"
    )
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
