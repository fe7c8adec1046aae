import Foundation
@testable import Serve
import TestSupport
import Testing

/// `cccm serve` at the HTTP level, through a real loopback socket: who is refused, which paths
/// are never read, what the scenarios page shows, and how jobs run, cancel and run side by side.
@Suite("cccm serve: routes and refusals")
struct ServeRouteTests {
  @Test("every request without the right token is refused with 403, and the page answers with it")
  func token() async throws {
    let server = try await TestServer.start("token")
    defer { Task { await server.stop() } }
    #expect(try await server.get("/", token: false).status == 403)
    #expect(try await server.get("/?token=0123", token: false).status == 403)
    #expect(try await server.get("/?token=" + String(server.token.dropLast()) + "0", token: false).status == 403 || server.token.hasSuffix("0"))
    #expect(try await server.get("/compare", token: false).status == 403)
    #expect(try await server.get("/api/jobs/1", token: false).status == 403)
    let page = try await server.get("/")
    #expect(page.status == 200)
    #expect(page.text.contains("r1-fewer-experts.yaml"))
    #expect(page.headers["referrer-policy"] == "same-origin")
    #expect(page.headers["content-security-policy"]?.contains("default-src 'none'") == true)
    await server.stop()
  }

  @Test("a state-changing request without this server's Origin is refused, even with the token")
  func origin() async throws {
    let server = try await TestServer.start("origin")
    let form = "baseline=r1.yaml&variant=r1-fewer-experts.yaml&replications=4&seed=1&objective=contribution"
    let none = try await Loopback.send(port: server.port, "POST", "/jobs?token=\(server.token)", body: form)
    #expect(none.status == 403)
    #expect(try await server.post("/jobs", form: form, origin: "http://evil.example").status == 403)
    #expect(try await server.post("/jobs", form: form, origin: "http://127.0.0.1:\(server.port + 1)").status == 403)
    #expect(try await server.post("/jobs", form: form).status == 303)
    await server.stop()
  }

  @Test("no path outside the folder is read: .., %2e%2e, absolute paths and symbolic links out")
  func traversal() async throws {
    let outside = try scratchFolder("serve-outside")
    try "secret: 42\nsegments: []\n".write(to: outside.appendingPathComponent("secret.yaml"), atomically: true, encoding: .utf8)
    let server = try await TestServer.start("traversal") { folder in
      try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("link.yaml").path, withDestinationPath: outside.appendingPathComponent("secret.yaml").path)
      try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("sub").path, withDestinationPath: outside.path)
      try "extends: \(outside.appendingPathComponent("secret.yaml").path)\nname: escape\n".write(to: folder.appendingPathComponent("escape.yaml"), atomically: true, encoding: .utf8)
    }
    for file in [
      "../serve-outside/secret.yaml", "%2e%2e%2fserve-outside%2fsecret.yaml", "%2E%2E/%2E%2E/etc/passwd", outside.appendingPathComponent("secret.yaml").path, "/etc/passwd",
      "link.yaml", "sub/secret.yaml", "r1.yaml/../../serve-outside/secret.yaml",
    ] {
      let reply = try await server.get("/scenario?file=\(file)")
      #expect(reply.status == 403, "\(file): \(reply.status)")
      #expect(!reply.text.contains("secret: 42") && !reply.text.contains("root:"))
    }
    for target in ["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/jobs/..%2f..%2fetc%2fpasswd"] {
      let reply = try await server.get(target)
      #expect(reply.status >= 400, "\(target)")
      #expect(!reply.text.contains("root:"))
    }
    let page = try await server.get("/").text
    #expect(!page.contains("link.yaml") && !page.contains("sub/secret.yaml"))
    // A file inside that extends one outside is listed, refused, and never loaded.
    #expect(page.contains("escape.yaml") && page.contains("refused"))
    let escape = try await server.get("/scenario?file=escape.yaml").text
    #expect(escape.contains("outside the served folder") && !escape.contains("secret: 42"))
    let run = try await server.post("/jobs", form: "baseline=escape.yaml&variant=r1.yaml&replications=2")
    #expect(run.status == 400)
    await server.stop()
  }

  @Test("an invalid scenario shows cccm validate's file:line:column messages and cannot be compared")
  func invalidScenario() async throws {
    let server = try await TestServer.start("invalid") { folder in
      try "extends: r1.yaml\nname: broken\nchanges:\n  - resize: {pool: P, experts: -3}\n".write(
        to: folder.appendingPathComponent("broken.yaml"), atomically: true, encoding: .utf8)
    }
    let expected = try runCCCM(["validate", "broken.yaml"], in: server.folder)
    #expect(expected.status == 1)
    let page = try await server.get("/").text
    #expect(page.contains("broken.yaml") && page.contains("invalid"))
    let detail = try await server.get("/scenario?file=broken.yaml")
    #expect(detail.status == 200)
    let firstMessage = expected.err.split(separator: "\n").first.map(String.init) ?? "?"
    #expect(firstMessage.hasPrefix("broken.yaml:4:"))
    #expect(detail.text.contains(Page.escapedLines(firstMessage)))
    let run = try await server.post("/jobs", form: "baseline=r1.yaml&variant=broken.yaml&replications=2")
    #expect(run.status == 400)
    #expect(run.text.contains(Page.escapedLines(firstMessage)))
    await server.stop()
  }

  @Test("the scenarios page lists variants under their baseline, diffs each against it, and notices a changed file")
  func scenariosPage() async throws {
    let server = try await TestServer.start("scenarios")
    let page = try await server.get("/").text
    let base = try #require(page.range(of: "data-file=\"r1.yaml\""))
    let variant = try #require(page.range(of: "data-file=\"r1-fewer-experts.yaml\""))
    #expect(base.lowerBound < variant.lowerBound)
    let detail = try await server.get("/scenario?file=r1-fewer-experts.yaml").text
    let diff = try runCCCM(["diff", "r1.yaml", "r1-fewer-experts.yaml"], in: server.folder)
    #expect(detail.contains(Page.escapedLines(diff.out.trimmingCharacters(in: .newlines))))
    let validate = try runCCCM(["validate", "r1.yaml"], in: server.folder)
    #expect(try await server.get("/scenario?file=r1.yaml").text.contains(Page.escaped(validate.out.trimmingCharacters(in: .newlines))))
    let signature = await server.running.site.state.current().signature
    #expect(try await server.get("/api/changes?since=\(signature)").text.contains("false"))
    try "extends: r1.yaml\nname: r1-more-experts\nchanges:\n  - resize: {pool: P, experts: 20}\n".write(
      to: server.folder.appendingPathComponent("r1-more-experts.yaml"), atomically: true, encoding: .utf8)
    #expect(try await server.get("/api/changes?since=\(signature)").text.contains("true"))
    #expect(try await server.get("/").text.contains("r1-more-experts.yaml"))
    await server.stop()
  }

  @Test("a cancelled job stops and says so; its replications are not all run")
  func cancelledJob() async throws {
    let server = try await TestServer.start("cancel")
    let started = try await server.post("/jobs", form: "baseline=r1.yaml&variant=r1-fewer-experts.yaml&replications=100000&seed=3")
    let id = try #require(TestServer.job(started))
    try await Task.sleep(nanoseconds: 300_000_000)
    #expect(try await server.post("/jobs/\(id)/cancel", form: "").status == 303)
    let state = try await server.finish(id, seconds: 60)
    #expect(state.contains("\"cancelled\""))
    let page = try await server.get("/jobs/\(id)").text
    #expect(page.contains("cancelled"))
    #expect(try await server.get("/jobs/\(id)/report.csv").status == 404)
    // The cancelled job is not served from the cache: the same request starts a new one.
    let again = try await server.post("/jobs", form: "baseline=r1.yaml&variant=r1-fewer-experts.yaml&replications=100000&seed=3")
    let second = try #require(TestServer.job(again))
    #expect(second != id)
    _ = try await server.post("/jobs/\(second)/cancel", form: "")
    await server.stop()
  }

  @Test("two jobs run at once; each report is the one cccm compare prints for the same options, and a repeat is served from the cache")
  func twoJobs() async throws {
    let server = try await TestServer.start("two")
    let a = try await server.post("/jobs", form: "baseline=r1.yaml&variant=r1-fewer-experts.yaml&replications=12&seed=5")
    let b = try await server.post("/jobs", form: "baseline=r1-fewer-experts.yaml&variant=r1.yaml&replications=10&seed=6&objective=bookings")
    let (first, second) = (try #require(TestServer.job(a)), try #require(TestServer.job(b)))
    #expect(first != second)
    let states = try await (server.finish(first), server.finish(second))
    #expect(states.0.contains("finished") && states.1.contains("finished"))
    for (id, arguments) in [
      (first, ["r1.yaml", "r1-fewer-experts.yaml", "--replications", "12", "--seed", "5"]),
      (second, ["r1-fewer-experts.yaml", "r1.yaml", "--replications", "10", "--seed", "6", "--objective", "bookings"]),
    ] {
      for format in ["csv", "json"] {
        let expected = try runCCCM(["compare"] + arguments + ["--format", format, "--quiet"], in: server.folder)
        #expect(expected.status == 0)
        #expect(try await server.get("/jobs/\(id)/report.\(format)").text == expected.out, "job \(id) \(format)")
      }
    }
    let html = try await server.get("/jobs/\(first)/report.html")
    #expect(html.headers["content-type"]?.hasPrefix("text/html") == true)
    #expect(html.text.contains("cccm compare r1.yaml r1-fewer-experts.yaml --replications 12 --seed 5"))
    let xlsx = try await server.get("/jobs/\(first)/report.xlsx")
    #expect(xlsx.body.prefix(2) == Data("PK".utf8))
    let repeated = try await server.post("/jobs", form: "baseline=r1.yaml&variant=r1-fewer-experts.yaml&replications=12&seed=5")
    #expect(TestServer.job(repeated) == first)
    await server.stop()
  }

  @Test("a slider's sweep pairs the variant with the baseline at each grid value, on common random numbers")
  func sweep() async throws {
    let server = try await TestServer.start("sweep")
    let compare = try #require(TestServer.job(try await server.post("/jobs", form: "baseline=r1.yaml&variant=r1-fewer-experts.yaml&replications=6&seed=2")))
    #expect(try await server.finish(compare).contains("finished"))
    let started = try await server.post("/jobs/\(compare)/sweep", form: "variant=r1-fewer-experts.yaml&vary=segments.R01.opportunities_per_account_year%3D0.5,1.5")
    let id = try #require(TestServer.job(started), "\(started.status) \(started.text)")
    #expect(try await server.finish(id).contains("finished"))
    let page = try await server.get("/jobs/\(id)").text
    #expect(page.contains("id=\"slider\"") && page.contains("data-readout"))
    let json = try await server.get("/jobs/\(id)/report.json").text
    #expect(json.contains("\"factor\"") && json.contains("segments.R01.opportunities_per_account_year"))
    let refined = try #require(TestServer.job(try await server.post("/jobs/\(id)/refine", form: "")))
    #expect(try await server.finish(refined).contains("finished"))
    #expect(try await server.get("/jobs/\(refined)/report.csv").text.split(separator: "\n").count == 4)
    await server.stop()
  }

  @Test("many concurrent page requests while a job runs are all answered before the job ends (no request waits on the simulation)")
  func loadWhileRunning() async throws {
    let server = try await TestServer.start("load")
    let started = try await server.post("/jobs", form: "baseline=r1.yaml&variant=r1-fewer-experts.yaml&replications=100000&seed=9")
    let id = try #require(TestServer.job(started))
    let targets = ["/", "/compare", "/jobs", "/api/jobs/\(id)", "/jobs/\(id)", "/scenario?file=r1-fewer-experts.yaml"]
    let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
      for i in 0..<60 { group.addTask { try await server.get(targets[i % targets.count]).status } }
      return try await group.reduce(into: [Int]()) { $0.append($1) }
    }
    #expect(statuses.count == 60 && statuses.allSatisfy { $0 == 200 })
    // Every answer came while the job was still simulating.
    #expect(try await server.get("/api/jobs/\(id)").text.contains("\"running\""))
    _ = try await server.post("/jobs/\(id)/cancel", form: "")
    #expect(try await server.finish(id, seconds: 60).contains("cancelled"))
    await server.stop()
  }
}
