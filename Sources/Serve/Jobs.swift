import CCCMSupport
import Charts
import CoverageModel
import Dispatch
import Estimation
import Experiments
import Foundation
import Reports
import ScenarioFiles
import Simulation
import Workbook

/// A job's progress: replications done of the total, and whether it was cancelled. Written from
/// the simulation's threads, read by page requests; a lock keeps both consistent.
final class JobProgress: @unchecked Sendable {
  private let lock = NSLock()
  private var doneCount = 0
  let total: Int

  init(total: Int) { self.total = total }

  func tick() { lock.withLock { doneCount += 1 } }
  var done: Int { lock.withLock { min(doneCount, total) } }
}

/// A finished job's report in every download format: the bytes `cccm compare --format F` (or
/// `--xlsx`) writes for the same files and options.
struct JobOutput: Sendable {
  var html: String
  var csv: String
  var json: String
  var xlsx: Data?
  /// A sweep's points, for the slider (nil for a comparison).
  var sweep: SweepSummary?

  /// `provenance(extra)` is what was run with the command line's output option (`--format html`,
  /// `--xlsx report.xlsx`) appended, as the command records it.
  init(_ document: ReportDocument, sweep: SweepSummary? = nil, provenance: ([String]) -> Provenance) {
    var document = document
    csv = document.render(.csv)
    json = document.render(.json)
    document.provenance = provenance(["--format", "html"])
    html = document.render(.html)
    document.provenance = provenance(["--xlsx", "report.xlsx"])
    xlsx = try? ExcelWorkbook.bytes(document)
    self.sweep = sweep
  }

  /// The report page's body (what was run, the summary, the charts), to show inside a page.
  var fragment: String { Page.body(of: html) }
}

/// A slider's data: the factor, its grid values and the paired difference at each.
struct SweepSummary: Sendable {
  struct Point: Sendable {
    var value: Double
    var difference: PairedDifference
  }
  var path: String
  var objective: String
  var largerIsBetter: Bool
  var points: [Point]

  /// The variant's advantage on the objective at a point (positive: it wins on the mean).
  func advantage(_ point: Point) -> Double { largerIsBetter ? point.difference.mean : -point.difference.mean }

  /// Where the variant stops winning: the value, linearly interpolated between the neighbouring
  /// grid points, at which its mean advantage first changes sign, and whether it wins below that
  /// value (true) or above it (false); nil when the sign never changes.
  var crossing: (value: Double, winsBelow: Bool)? {
    for (a, b) in zip(points, points.dropFirst()) {
      let (x, y) = (advantage(a), advantage(b))
      if (x > 0) != (y > 0), x != y {
        return (a.value + (b.value - a.value) * x / (x - y), x > 0)
      }
    }
    return nil
  }

  var threshold: Double? { crossing?.value }

  /// The sentence the page and the report say of the threshold.
  var thresholdText: String {
    let number = { (value: Double) in String(format: "%.4g", value) }
    if let crossing {
      return crossing.winsBelow
        ? "The variant wins on the mean below \(path) = \(number(crossing.value)) and stops winning above it (linear between grid values)."
        : "The variant loses on the mean below \(path) = \(number(crossing.value)) and wins above it (linear between grid values)."
    }
    guard let first = points.first else { return "" }
    return advantage(first) > 0 ? "The variant wins on the mean at every grid value." : "The variant does not win on the mean at any grid value."
  }
}

/// What a job is: the cache key, the page title and the replications it simulates in all.
struct JobSpec: Sendable {
  enum Kind: Sendable, Equatable {
    case compare(baseline: String, variants: [String])
    case sweep(baseline: String, variant: String, path: String, values: [Double])
  }
  var kind: Kind
  var replications: Int
  var seed: UInt64
  var objective: String

  var title: String {
    switch kind {
    case .compare(let baseline, let variants): "compare \(baseline) against \(variants.joined(separator: ", "))"
    case .sweep(let baseline, let variant, let path, _): "sweep of \(path): \(variant) against \(baseline)"
    }
  }
}

/// The server's jobs: background simulations with progress, cancellation and a cache of finished
/// results keyed by the scenarios' fingerprints and the options. Page requests only read it; no
/// request waits on a simulation. Only the `maximumKept` newest ended jobs (finished, failed or
/// cancelled) are kept, so a server left running for weeks holds a bounded number of reports.
actor JobStore {
  enum State: Sendable {
    case running
    case finished(JobOutput)
    case failed(String)
    case cancelled
  }

  struct Job: Sendable {
    var id: Int
    var spec: JobSpec
    var key: String
    var progress: JobProgress
    var state: State
    var task: Task<Void, Never>?
  }

  private var jobs: [Int: Job] = [:]
  private var cache: [String: Int] = [:]
  private var nextID = 1
  /// Jobs that may run at once; more are refused until one ends.
  let maximumRunning: Int
  /// Ended jobs kept with their reports; the oldest beyond this are dropped (running jobs never are).
  let maximumKept: Int

  /// How many ended jobs a server keeps.
  static let keptByDefault = 50

  init(maximumRunning: Int = 4, maximumKept: Int = keptByDefault) {
    self.maximumRunning = maximumRunning
    self.maximumKept = max(1, maximumKept)
  }

  /// A job for `spec`: the cached one with the same key when it is running or finished, else a
  /// new one running `work`; nil when `maximumRunning` jobs already run.
  func start(_ spec: JobSpec, key: String, total: Int, work: @escaping @Sendable (JobProgress) async throws -> JobOutput) -> Int? {
    if let id = cache[key], let job = jobs[id] {
      switch job.state {
      case .running, .finished: return id
      case .failed, .cancelled: break
      }
    }
    guard jobs.values.filter({ if case .running = $0.state { true } else { false } }).count < maximumRunning else { return nil }
    let id = nextID
    nextID += 1
    let progress = JobProgress(total: total)
    jobs[id] = Job(id: id, spec: spec, key: key, progress: progress, state: .running, task: nil)
    cache[key] = id
    jobs[id]?.task = Task {
      let state: State
      do {
        state = .finished(try await work(progress))
      } catch is CancellationError {
        state = .cancelled
      } catch {
        state = .failed(String(describing: error))
      }
      self.finish(id, state)
    }
    return id
  }

  private func finish(_ id: Int, _ state: State) {
    guard case .running = jobs[id]?.state else { return }
    jobs[id]?.state = state
    dropOldEnded()
  }

  /// Cancels a running job: it stops after the replications under way.
  func cancel(_ id: Int) {
    guard let job = jobs[id], case .running = job.state else { return }
    job.task?.cancel()
    jobs[id]?.state = .cancelled
    dropOldEnded()
  }

  /// Drops the oldest ended jobs beyond `maximumKept`, with their cache entries.
  private func dropOldEnded() {
    let ended = jobs.values.filter { if case .running = $0.state { false } else { true } }.map(\.id).sorted()
    for id in ended.dropLast(maximumKept) {
      if let key = jobs[id]?.key, cache[key] == id { cache[key] = nil }
      jobs[id] = nil
    }
  }

  func job(_ id: Int) -> Job? { jobs[id] }
  var all: [Job] { jobs.values.sorted { $0.id > $1.id } }

  /// Waits until job `id` is no longer running (tests and the benchmark script's client).
  func wait(_ id: Int) async {
    while let job = jobs[id], case .running = job.state { try? await Task.sleep(nanoseconds: 20_000_000) }
  }
}

/// The work of jobs: simulations off the concurrency pool, in chunks so a cancelled job stops soon.
enum JobWork {
  /// The most replications of each scenario simulated between two checks for cancellation.
  static let chunkLimit = 32

  /// `body` on a thread of its own: a simulation blocks its thread, so it runs neither on Swift's
  /// concurrency pool (whose few threads serve the requests) nor on Dispatch's global queue (as
  /// wide as the cores, where a second job or another client would wait behind it).
  static func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
      let thread = Thread { continuation.resume(returning: body()) }
      thread.start()
    }
  }

  /// Replications `0 ..< replications` of every scenario on common random numbers, in chunks of
  /// a tenth of them but at most `chunkLimit`, so a cancelled job stops within a chunk's time;
  /// replication r depends only on (scenario, seed, r), so the chunks append to the results one
  /// run gives. Throws `CancellationError` between chunks once cancelled.
  static func simulate(_ scenarios: [Scenario], seed: UInt64, replications: Int, threads: Int, progress: JobProgress) async throws -> [SimulationResults] {
    let experiment = Experiment(scenarios: scenarios, seed: seed, generator: .philox, threads: threads)
    let chunk = min(max(1, (replications + 9) / 10), chunkLimit)
    var results: [SimulationResults] = []
    var first = 0
    while first < replications {
      try Task.checkCancellation()
      let (start, count) = (first, min(chunk, replications - first))
      let part = await offPool { experiment.run(replications: count, first: start, progress: { _, _ in progress.tick() }) }
      if results.isEmpty {
        results = part
      } else {
        for i in results.indices { results[i].append(part[i]) }
      }
      first += count
    }
    try Task.checkCancellation()
    return results
  }
}

/// Why a job could not start or finished without a report.
struct JobError: Error, CustomStringConvertible {
  var description: String
}

extension JobSpec {
  /// The command line a comparison stands for (the report's "what was run"), with `extra`
  /// options after it.
  func commandLine(_ extra: [String] = []) -> String {
    switch kind {
    case .compare(let baseline, let variants):
      Provenance.commandLine(
        ["cccm", "compare", baseline] + variants + ["--replications", "\(replications)", "--seed", "\(seed)", "--objective", objective] + extra)
    case .sweep(let baseline, let variant, let path, _):
      "cccm serve: sweep of \(path), \(variant) against \(baseline)"
    }
  }
}
