import Experiments
import Foundation
import TestSupport
import Testing

/// Shards of a run (`run --first F -r N --save`) merged with `cccm merge` are the run itself.
@Suite("Results files: shards and merging", .serialized)
struct ResultsFileMergeTests {
  static func scratch() throws -> URL {
    let directory = try scratchFolder("shards")
    return directory
  }

  static func load(_ url: URL) throws -> SavedResults { try SavedResults.decode(Data(contentsOf: url)) }

  @Test("three shards merged in any order equal one run of all replications, bit for bit, periods included")
  func shardsMerge() throws {
    let directory = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let scenario = repositoryRoot.appendingPathComponent("scenarios/bench/r1.yaml").path
    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
    #expect(try runCCCM(["run", scenario, "-r", "7", "--by", "month", "-q", "--save", path("whole.json")]).status == 0)
    for (first, count, name) in [(0, 2, "a.json"), (2, 3, "b.json"), (5, 2, "c.json")] {
      #expect(try runCCCM(["run", scenario, "--first", "\(first)", "-r", "\(count)", "--by", "month", "-q", "--save", path(name)]).status == 0)
    }
    let merge = try runCCCM(["merge", path("c.json"), path("a.json"), path("b.json"), "-o", path("merged.json")])
    #expect(merge.status == 0, "\(merge.err)")
    let whole = try Self.load(directory.appendingPathComponent("whole.json"))
    let merged = try Self.load(directory.appendingPathComponent("merged.json"))
    #expect(merged.replications == 7 && merged.firstReplication == 0)
    #expect(merged.months.count == 12 && merged.quarters.count == 4)
    #expect(merged.values.count == whole.values.count)
    #expect(zip(merged.values, whole.values).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) })
  }

  @Test("merging refuses overlaps, gaps and files of other runs, with the reason and exit 6")
  func mergeRefusals() throws {
    let directory = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let scenario = repositoryRoot.appendingPathComponent("scenarios/bench/r1.yaml").path
    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
    for (first, count, seed, name) in [(0, 2, 1, "a.json"), (1, 2, 1, "overlap.json"), (3, 2, 1, "gap.json"), (2, 2, 5, "seed.json")] {
      #expect(try runCCCM(["run", scenario, "--first", "\(first)", "-r", "\(count)", "--seed", "\(seed)", "-q", "--save", path(name)]).status == 0)
    }
    for (other, reason) in [("overlap.json", "overlap"), ("gap.json", "are missing"), ("seed.json", "seed")] {
      let result = try runCCCM(["merge", path("a.json"), path(other), "-o", path("out.json")])
      #expect(result.status == 6, "\(other)")
      #expect(result.err.contains(reason), "\(result.err)")
      #expect(!FileManager.default.fileExists(atPath: path("out.json")))
    }
  }

  @Test("compare --from refuses files of another seed, generator or replication range")
  func compareFromChecks() throws {
    let directory = try Self.scratch()
    defer { try? FileManager.default.removeItem(at: directory) }
    let scenario = repositoryRoot.appendingPathComponent("scenarios/bench/r1.yaml").path
    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
    #expect(try runCCCM(["run", scenario, "-r", "3", "-q", "--save", path("base.json")]).status == 0)
    #expect(try runCCCM(["run", scenario, "-r", "3", "--generator", "mt19937", "-q", "--save", path("mt.json")]).status == 0)
    #expect(try runCCCM(["run", scenario, "--first", "3", "-r", "3", "-q", "--save", path("later.json")]).status == 0)
    #expect(try runCCCM(["compare", "--from", path("base.json"), path("base.json")]).status == 0)
    let generator = try runCCCM(["compare", "--from", path("base.json"), path("mt.json")])
    #expect(generator.status == 2 && generator.err.contains("generator"), "\(generator.err)")
    let range = try runCCCM(["compare", "--from", path("base.json"), path("later.json")])
    #expect(range.status == 2 && range.err.contains("replications 3..<6"), "\(range.err)")
  }
}
