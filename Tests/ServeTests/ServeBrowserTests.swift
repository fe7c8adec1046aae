import Foundation
@testable import Serve
import TestSupport
import Testing

/// A program on PATH (or nil).
private func onPath(_ names: [String]) -> String? {
  let environment = ProcessInfo.processInfo.environment
  for name in names {
    for directory in (environment["PATH"] ?? "/usr/bin").split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
      return "\(directory)/\(name)"
    }
  }
  return nil
}

private let chromium: String? = ProcessInfo.processInfo.environment["CCCM_CHROMIUM"] ?? onPath(["chromium", "chromium-browser", "google-chrome"])
private let chromedriver: String? = onPath(["chromedriver"])

/// Runs unless CCCM_BROWSER_TESTS=0; without Chromium and its WebDriver it is skipped, unless
/// CCCM_REQUIRE_BROWSER=1 (as `.ci/run` sets it), when their absence is a failure.
private let enabled: Bool = {
  let environment = ProcessInfo.processInfo.environment
  if environment["CCCM_BROWSER_TESTS"] == "0" { return false }
  return (chromium != nil && chromedriver != nil) || environment["CCCM_REQUIRE_BROWSER"] == "1"
}()

/// A W3C WebDriver session on Debian's chromedriver, over the loopback client.
private struct WebDriver {
  let port: Int
  let session: String
  static let elementKey = "element-6066-11e4-a52e-4f735466cecf"

  static func json(_ reply: Reply) throws -> [String: Any] {
    guard let object = try JSONSerialization.jsonObject(with: reply.body) as? [String: Any] else { throw Loopback.Failure(description: reply.text) }
    return object
  }

  static func call(port: Int, _ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> Any? {
    let text = try body.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
    let reply = try await Loopback.send(port: port, method, path, headers: [("Content-Type", "application/json")], body: text ?? (method == "POST" ? "{}" : nil))
    let object = try json(reply)
    if let value = object["value"] as? [String: Any], let error = value["error"] as? String {
      throw Loopback.Failure(description: "WebDriver \(method) \(path): \(error): \(value["message"] ?? "")")
    }
    return object["value"]
  }

  func call(_ method: String, _ path: String, _ body: [String: Any]? = nil) async throws -> Any? {
    try await Self.call(port: port, method, "/session/\(session)\(path)", body)
  }

  func open(_ url: String) async throws { _ = try await call("POST", "/url", ["url": url]) }

  /// The first element matching `css`, waiting up to `seconds` for it to appear.
  func element(_ css: String, seconds: Double = 10) async throws -> String {
    let deadline = Date().addingTimeInterval(seconds)
    var last = ""
    while Date() < deadline {
      do {
        let value = try await call("POST", "/element", ["using": "css selector", "value": css])
        if let id = (value as? [String: Any])?[Self.elementKey] as? String { return id }
        last = String(describing: value)
      } catch {
        last = String(describing: error)
      }
      try await Task.sleep(nanoseconds: 200_000_000)
    }
    throw Loopback.Failure(description: "no element \(css): \(last)")
  }

  func click(_ css: String) async throws { _ = try await call("POST", "/element/\(try await element(css))/click") }
  func script(_ source: String) async throws -> Any? { try await call("POST", "/execute/sync", ["script": source, "args": []]) }
  func text(_ css: String) async throws -> String { (try await call("GET", "/element/\(try await element(css))/text") as? String) ?? "" }
}

@Suite("cccm serve in a real browser (headless Chromium through WebDriver)", .serialized)
struct ServeBrowserTests {
  @Test("open the folder, run a small comparison, wait for its chart, move a slider, download the xlsx; check the DOM and a screenshot", .enabled(if: enabled))
  func decisionPage() async throws {
    guard let chromium, let chromedriver else {
      Issue.record("CCCM_REQUIRE_BROWSER=1 but chromium or chromedriver is missing: apt-get install -y chromium chromium-driver, or set CCCM_BROWSER_TESTS=0")
      return
    }
    let server = try await TestServer.start("browser") { folder in
      try "extends: r1.yaml\nname: r1-guessed\nchanges:\n  - set: {path: segments.R01.opportunities_per_account_year, value: {uncertain: {uniform: {min: 0.5, max: 1.5}}}}\n"
        .write(to: folder.appendingPathComponent("r1-guessed.yaml"), atomically: true, encoding: .utf8)
      try "extends: r1-guessed.yaml\nname: r1-guessed-fewer-experts\nchanges:\n  - resize: {pool: P, experts: 12}\n"
        .write(to: folder.appendingPathComponent("r1-guessed-fewer-experts.yaml"), atomically: true, encoding: .utf8)
    }
    let scratch = try scratchFolder("serve-browser")
    let downloads = scratch.appendingPathComponent("downloads")
    try FileManager.default.createDirectory(at: downloads, withIntermediateDirectories: true)
    // A free port for the driver: bound by the server's kind of socket, then released.
    let probe = try await Server.start(ServeOptions(folder: try #require(ServeFolder(scratch.path)), port: 0, token: "x", version: "x"))
    let driverPort = probe.port
    await probe.stop()
    let driver = Process()
    driver.executableURL = URL(fileURLWithPath: chromedriver)
    driver.arguments = ["--port=\(driverPort)"]
    driver.standardOutput = FileHandle.nullDevice
    driver.standardError = FileHandle.nullDevice
    try driver.run()
    defer { driver.terminate() }
    var ready = false
    for _ in 0..<100 where !ready {
      ready = ((try? await WebDriver.call(port: driverPort, "GET", "/status")) as? [String: Any])?["ready"] as? Bool ?? false
      if !ready { try await Task.sleep(nanoseconds: 100_000_000) }
    }
    #expect(ready, "chromedriver did not start")
    let capabilities: [String: Any] = [
      "capabilities": [
        "alwaysMatch": [
          "browserName": "chrome",
          "goog:chromeOptions": [
            "binary": chromium,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1100,2600", "--user-data-dir=\(scratch.path)/profile"],
            "prefs": ["download.default_directory": downloads.path, "download.prompt_for_download": false],
          ],
        ]
      ]
    ]
    let created = try await WebDriver.call(port: driverPort, "POST", "/session", capabilities) as? [String: Any]
    let session = try #require(created?["sessionId"] as? String)
    let browser = WebDriver(port: driverPort, session: session)
    defer { Task { _ = try? await WebDriver.call(port: driverPort, "DELETE", "/session/\(session)") } }
    let base = "http://127.0.0.1:\(server.port)"

    // The folder: every scenario, the variant under its baseline.
    try await browser.open("\(base)/?token=\(server.token)")
    let rows = try await browser.script("return Array.from(document.querySelectorAll('#scenarios tr[data-file]')).map(r => r.dataset.file)") as? [String]
    #expect(rows == ["r1.yaml", "r1-fewer-experts.yaml", "r1-guessed.yaml", "r1-guessed-fewer-experts.yaml"])

    // A small comparison: the form, the progress page, then the report with its charts.
    try await browser.open("\(base)/compare?token=\(server.token)")
    _ = try await browser.script(
      "document.getElementById('baseline').value = 'r1-guessed.yaml'; document.querySelector('input[value=\"r1-guessed-fewer-experts.yaml\"]').checked = true; document.getElementById('replications').value = '8';"
    )
    try await browser.click("#run")
    _ = try await browser.element("#report figure svg", seconds: 240)
    let charts = try await browser.script("return document.querySelectorAll('#report figure svg').length") as? Int ?? 0
    #expect(charts >= 2)
    let provenance = try await browser.text("#report table.provenance code")
    #expect(provenance == "cccm compare r1-guessed.yaml r1-guessed-fewer-experts.yaml --replications 8 --seed 1 --objective contribution --format html")

    // The slider: the baseline's uncertain key, swept at its quantiles on common random numbers.
    let key = try await browser.script("return document.getElementById('key').value") as? String
    #expect(key == "segments.R01.opportunities_per_account_year")
    try await browser.click("#start-sweep")
    let slider = try await browser.element("#slider", seconds: 240)
    let before = try await browser.text("#readout")
    _ = try await browser.call("POST", "/element/\(slider)/value", ["text": "\u{E014}\u{E014}"])
    let after = try await browser.text("#readout")
    #expect(before.hasPrefix("At segments.R01.opportunities_per_account_year = ") && after.hasPrefix("At segments.R01.opportunities_per_account_year = "))
    #expect(before != after, "moving the slider changed nothing: \(after)")
    let current = try await browser.script("return document.querySelector('#points tr.current').dataset.index") as? String
    let position = try await browser.script("return document.getElementById('slider').value") as? String
    #expect(current != nil && current == position)
    let points = try await browser.script("return document.querySelectorAll('#points tr[data-index]').length") as? Int
    #expect(points == 5)

    // The workbook, downloaded by the browser.
    try await browser.click("#download-xlsx")
    var workbook: Data?
    for _ in 0..<100 where workbook == nil {
      let files = (try? FileManager.default.contentsOfDirectory(atPath: downloads.path)) ?? []
      if let file = files.first(where: { $0.hasSuffix(".xlsx") }) { workbook = try? Data(contentsOf: downloads.appendingPathComponent(file)) }
      if workbook == nil { try await Task.sleep(nanoseconds: 100_000_000) }
    }
    #expect(workbook?.prefix(2) == Data("PK".utf8), "no workbook downloaded")

    // A screenshot of the slider's page: the chart's blue, text, colour.
    let encoded = try #require(try await browser.call("GET", "/screenshot") as? String)
    let png = try #require(Data(base64Encoded: encoded))
    let shot = ProcessInfo.processInfo.environment["CCCM_SERVE_SCREENSHOT"].map { URL(fileURLWithPath: $0) } ?? scratch.appendingPathComponent("serve.png")
    try png.write(to: shot)
    let image = try PNGImage(data: png)
    #expect(image.distinctColours > 50 && image.inkShare > 0.02, "the page looks blank: \(image.distinctColours) colours")
    var blue = 0
    for i in stride(from: 0, to: image.pixels.count, by: 4) where image.pixels[i] == 0x00 && image.pixels[i + 1] == 0x72 && image.pixels[i + 2] == 0xB2 { blue += 1 }
    #expect(blue > 100, "only \(blue) pixels of the chart's blue")
    _ = try? await WebDriver.call(port: driverPort, "DELETE", "/session/\(session)")
    // SIGKILL: chromedriver outlived SIGTERM here, one left behind per run.
    kill(driver.processIdentifier, SIGKILL)
    driver.waitUntilExit()
    print("serve browser test: \(rows?.count ?? 0) scenarios, \(charts) charts, slider \(before) -> \(after); workbook \(workbook?.count ?? 0) bytes; screenshot \(shot.path) \(image.width)x\(image.height), \(blue) blue pixels")
    await server.stop()
    try? FileManager.default.removeItem(at: scratch)
  }
}
