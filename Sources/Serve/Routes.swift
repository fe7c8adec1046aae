import CCCMSupport
import CoverageModel
import Experiments
import Foundation
import Hummingbird
import ScenarioFiles

/// The server's routes. Every one answers from the folder's scan or the job store at once: a
/// simulation only ever runs in a job.
struct Routes: Sendable {
  let site: Site
  var links: Links { site.links }
  var folder: ServeFolder { site.options.folder }

  /// The most a form's body may hold.
  static let formLimit = 64 * 1024

  func register(on router: Router<BasicRequestContext>) {
    router.get("/") { _, _ in
      let scan = await site.state.current()
      return Server.html(Page.scenarios(scan, folder: PathText.lastComponent(of: folder.root), links: links))
    }
    router.get("/scenario") { request, _ in
      let file = request.uri.queryParameters.get("file") ?? ""
      guard folder.resolve(file) != nil else { return Self.outside(file) }
      guard let record = await site.state.current().record(file) else {
        return Server.text("not found: no scenario file \(SafeText.escaped(file)) in the folder\n", status: .notFound)
      }
      return Server.html(Page.scenario(record, links: links))
    }
    router.get("/api/changes") { request, _ in
      let since = request.uri.queryParameters.get("since") ?? ""
      return Server.json("{\"changed\": \(await site.state.changed(since: since))}\n")
    }
    router.get("/compare") { _, _ in
      Server.html(Page.compareForm(await site.state.current(), links: links, jobs: await site.jobs.all))
    }
    router.get("/jobs") { _, _ in
      Server.html(Page.page(title: "cccm serve: jobs", links: links, body: "<h1>Jobs</h1>\n" + Page.jobTable(await site.jobs.all, links: links)))
    }
    router.post("/jobs") { request, _ in
      let form = Form(String(buffer: try await request.body.collect(upTo: Self.formLimit)))
      return await startCompare(form)
    }
    router.get("/jobs/:id") { _, context in
      guard let job = await job(context) else { return Self.noJob }
      return Server.html(Page.job(job, links: links, sliders: await sliders(for: job)))
    }
    router.get("/api/jobs/:id") { _, context in
      guard let job = await job(context) else { return Self.noJob }
      let state =
        switch job.state {
        case .running: "running"
        case .finished: "finished"
        case .failed: "failed"
        case .cancelled: "cancelled"
        }
      return Server.json("{\"id\": \(job.id), \"state\": \"\(state)\", \"done\": \(job.progress.done), \"total\": \(job.progress.total)}\n")
    }
    router.post("/jobs/:id/cancel") { _, context in
      guard let job = await job(context) else { return Self.noJob }
      await site.jobs.cancel(job.id)
      return Server.redirect(links.raw("/jobs/\(job.id)"))
    }
    router.get("/jobs/:id/:file") { _, context in
      guard let job = await job(context) else { return Self.noJob }
      guard case .finished(let output) = job.state else { return Server.text("the job has no report yet\n", status: .notFound) }
      let file = context.parameters.get("file") ?? ""
      let disposition = "attachment; filename=\"\(file)\""
      func response(_ type: String, _ buffer: ByteBuffer) -> Response {
        Response(status: .ok, headers: [.contentType: type, .contentDisposition: disposition], body: ResponseBody(byteBuffer: buffer))
      }
      switch file {
      case "report.html": return response("text/html; charset=utf-8", ByteBuffer(string: output.html))
      case "report.csv": return response("text/csv; charset=utf-8", ByteBuffer(string: output.csv))
      case "report.json": return response("application/json", ByteBuffer(string: output.json))
      case "report.xlsx":
        guard let xlsx = output.xlsx else { return Server.text("the workbook could not be written\n", status: .internalServerError) }
        return response("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ByteBuffer(bytes: xlsx))
      default: return Server.text("not found\n", status: .notFound)
      }
    }
    router.post("/jobs/:id/sweep") { request, context in
      guard let job = await job(context) else { return Self.noJob }
      let form = Form(String(buffer: try await request.body.collect(upTo: Self.formLimit)))
      return await startSweep(from: job, form: form)
    }
    router.post("/jobs/:id/refine") { _, context in
      guard let job = await job(context) else { return Self.noJob }
      guard case .sweep(let baseline, let variant, let path, let values) = job.spec.kind else { return Server.text("not a sweep\n", status: .badRequest) }
      var spec = job.spec
      spec.kind = .sweep(baseline: baseline, variant: variant, path: path, values: Studies.refined(values))
      return await startSweep(spec)
    }
  }

  func job(_ context: BasicRequestContext) async -> JobStore.Job? {
    guard let id = context.parameters.get("id").flatMap({ Int($0) }) else { return nil }
    return await site.jobs.job(id)
  }

  static var noJob: Response {
    Server.text("not found: no such job (the server keeps the \(JobStore.keptByDefault) newest ended jobs; start it again)\n", status: .notFound)
  }

  static func outside(_ file: String) -> Response {
    Server.text("refused: \(SafeText.escaped(file)) is not a file inside the served folder\n", status: .forbidden)
  }

  static func badRequest(_ message: String, links: Links) -> Response {
    Server.html(
      Page.page(title: "cccm serve: refused", links: links, body: "<h1>Cannot start</h1>\n<pre class=\"bad\" id=\"problem\">\(Page.escapedLines(message))</pre>\n"),
      status: .badRequest)
  }

  /// The scenarios a job names: each must be a valid scenario file inside the folder.
  func scenarios(_ files: [String]) async -> Result<[Scenario], Refusal> {
    let scan = await site.state.current()
    var scenarios: [Scenario] = []
    for file in files {
      guard folder.resolve(file) != nil else { return .failure(Refusal(Self.outside(file))) }
      guard let record = scan.record(file) else { return .failure(Refusal(Self.badRequest("no scenario file \(file) in the folder", links: links))) }
      switch record.status {
      case .valid: if let scenario = record.scenario { scenarios.append(scenario) }
      case .invalid(let messages): return .failure(Refusal(Self.badRequest(messages, links: links)))
      case .outside(let message): return .failure(Refusal(Self.badRequest(message, links: links)))
      }
    }
    return .success(scenarios)
  }

  /// Replications, seed and objective from a form, or the reason they are refused.
  static func options(_ form: Form) -> Result<(replications: Int, seed: UInt64, objective: String), Refusal.Problem> {
    guard let replications = Int(form["replications"] ?? "100"), (2...Studies.maximumReplications).contains(replications) else {
      return .failure(.init(message: "replications must be a whole number from 2 to \(Studies.maximumReplications)"))
    }
    guard let seed = UInt64(form["seed"] ?? "1") else { return .failure(.init(message: "the seed must be a whole number from 0 to 2^64-1")) }
    let objective = (form["objective"] ?? "contribution").trimmingCharacters(in: .whitespaces)
    if case .failure(let problem) = Objective.parse(objective) { return .failure(.init(message: problem.description)) }
    return .success((replications, seed, objective))
  }

  func startCompare(_ form: Form) async -> Response {
    let baseline = form["baseline"] ?? ""
    let variants = form.all("variant").filter { $0 != baseline }
    guard !variants.isEmpty else { return Self.badRequest("choose at least one variant besides the baseline", links: links) }
    let options: (replications: Int, seed: UInt64, objective: String)
    switch Self.options(form) {
    case .failure(let problem): return Self.badRequest(problem.message, links: links)
    case .success(let given): options = given
    }
    let files = [baseline] + variants
    let scenarios: [Scenario]
    switch await self.scenarios(files) {
    case .failure(let refusal): return refusal.response
    case .success(let loaded): scenarios = loaded
    }
    if let problem = Experiment.clockMismatch(scenarios, files: files) { return Self.badRequest(problem, links: links) }
    let spec = JobSpec(kind: .compare(baseline: baseline, variants: variants), replications: options.replications, seed: options.seed, objective: options.objective)
    let work = Studies.compare(spec, scenarios: scenarios, files: files, version: site.options.version, threads: site.options.threads)
    guard let id = await site.jobs.start(spec, key: Studies.key(spec, scenarios: scenarios), total: scenarios.count * spec.replications, work: work) else {
      return Self.badRequest("\(site.jobs.maximumRunning) jobs are running: wait for one or cancel one", links: links)
    }
    return Server.redirect(links.raw("/jobs/\(id)"))
  }

  /// The sliders a finished comparison offers: per variant, the baseline's uncertain keys.
  func sliders(for job: JobStore.Job) async -> [(variant: String, keys: [String])] {
    guard case .compare(let baseline, let variants) = job.spec.kind else { return [] }
    let keys = await site.state.current().record(baseline)?.scenario?.uncertain.map(\.path) ?? []
    return variants.map { ($0, keys) }
  }

  func startSweep(from job: JobStore.Job, form: Form) async -> Response {
    guard case .compare(let baseline, let variants) = job.spec.kind else { return Self.badRequest("a sweep starts from a comparison", links: links) }
    let variant = form["variant"] ?? ""
    guard variants.contains(variant) else { return Self.badRequest("choose one of the comparison's variants", links: links) }
    let path: String
    let values: [Double]
    let vary = (form["vary"] ?? "").trimmingCharacters(in: .whitespaces)
    if !vary.isEmpty {
      switch Sweep.factor(vary) {
      case .failure(let problem): return Self.badRequest(problem.description, links: links)
      case .success(let factor): (path, values) = (factor.path, factor.values)
      }
      guard values.count <= 41 else { return Self.badRequest("a slider has at most 41 values", links: links) }
    } else {
      let key = form["key"] ?? ""
      guard let uncertain = await site.state.current().record(baseline)?.scenario?.uncertain.first(where: { $0.path == key }) else {
        return Self.badRequest("choose an uncertain key of the baseline, or type a key and its values", links: links)
      }
      (path, values) = (uncertain.path, Studies.grid(uncertain))
    }
    var spec = job.spec
    spec.kind = .sweep(baseline: baseline, variant: variant, path: path, values: values)
    return await startSweep(spec)
  }

  func startSweep(_ spec: JobSpec) async -> Response {
    guard case .sweep(let baseline, let variant, let path, let values) = spec.kind else { return Self.badRequest("not a sweep", links: links) }
    let named: [Scenario]
    switch await scenarios([baseline, variant]) {
    case .failure(let refusal): return refusal.response
    case .success(let loaded): named = loaded
    }
    guard let baselinePath = folder.joined(baseline), let variantPath = folder.joined(variant) else { return Self.outside(baseline) }
    let scenarios: [Scenario]
    do {
      scenarios = try Studies.sweepScenarios(baseline: baselinePath, variant: variantPath, path: path, values: values)
    } catch {
      return Self.badRequest(error.description.replacingOccurrences(of: folder.prefix, with: ""), links: links)
    }
    let work = Studies.sweep(spec, scenarios: scenarios, names: (named[0].name, named[1].name),
      hashes: (ScenarioEncoder.fingerprint(of: named[0]), ScenarioEncoder.fingerprint(of: named[1])), version: site.options.version, threads: site.options.threads)
    guard let id = await site.jobs.start(spec, key: Studies.key(spec, scenarios: scenarios), total: scenarios.count * spec.replications, work: work) else {
      return Self.badRequest("\(site.jobs.maximumRunning) jobs are running: wait for one or cancel one", links: links)
    }
    return Server.redirect(links.raw("/jobs/\(id)"))
  }
}

/// A request refused with `response` (a scenario outside the folder or invalid).
struct Refusal: Error, @unchecked Sendable {
  /// A form field refused, with the reason.
  struct Problem: Error {
    var message: String
  }
  let response: Response
  init(_ response: Response) { self.response = response }
}
