@testable import Serve
import Testing

/// The job store's memory bound: a server left running keeps only its newest ended jobs.
@Suite("cccm serve: the jobs kept")
struct JobStoreTests {
  static func spec(_ n: Int) -> JobSpec {
    JobSpec(kind: .compare(baseline: "b\(n).yaml", variants: ["v.yaml"]), replications: 2, seed: 1, objective: "contribution")
  }

  /// Starts job `n` with work that fails at once, and waits for it to end.
  static func endedJob(_ store: JobStore, _ n: Int) async throws -> Int {
    let id = try #require(await store.start(spec(n), key: "key\(n)", total: 1) { _ in throw JobError(description: "stop") })
    await store.wait(id)
    return id
  }

  @Test("only the newest ended jobs are kept, with their cache entries; a running job is never dropped")
  func oldestEndedDropped() async throws {
    let store = JobStore(maximumRunning: 4, maximumKept: 3)
    let running = try #require(await store.start(Self.spec(0), key: "running", total: 1) { _ in
      while !Task.isCancelled { try? await Task.sleep(nanoseconds: 5_000_000) }
      throw CancellationError()
    })
    var ended: [Int] = []
    for n in 1...5 { ended.append(try await Self.endedJob(store, n)) }
    #expect(await store.job(running) != nil)
    #expect(await store.all.map(\.id).sorted() == ([running] + ended.suffix(3)).sorted())
    for id in ended.prefix(2) { #expect(await store.job(id) == nil) }
    // A dropped job's key starts a new job rather than pointing at nothing.
    let again = try await Self.endedJob(store, 1)
    #expect(!ended.contains(again))
    #expect(await store.job(again) != nil)
    await store.cancel(running)
    #expect(await store.all.count == 3)
  }
}
