import Experiments
import Foundation
import TestSupport
import Testing

@testable import CCCMCommands

@Suite("Outputs of one character, and edited shards", .serialized)
struct HardeningResultsTests {
  static let base = repositoryRoot.appendingPathComponent("scenarios/bench/r1.yaml").path

  @Test("one-character output paths are written, not trapped on: --save x, --charts c, -o f")
  func oneCharacterPaths() throws {
    let directory = try scratchFolder("hardening")
    defer { try? FileManager.default.removeItem(at: directory) }
    let save = try runCCCM(["run", Self.base, "-r", "2", "-q", "--save", "x", "--charts", "c"], in: directory)
    #expect(save.status == 0, "\(save.err)")
    #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("x").path))
    #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("c/distribution-bookings.svg").path))
    let merge = try runCCCM(["merge", "x", "-o", "f"], in: directory)
    #expect(merge.status == 0, "\(merge.err)")
  }

  @Test("a shard whose wave was edited to 2^63 - 1 is refused, not trapped on")
  func editedWave() throws {
    let directory = try scratchFolder("hardening")
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("w.json").path
    let run = try runCCCM(["compare", Self.base, Self.base, "--precision", "10%", "--max-replications", "8", "-r", "4", "--wave", "1", "--shard", "1/1", "--save", path, "-q"])
    #expect(run.status == 0, "\(run.err)")
    let text = try String(contentsOfFile: path, encoding: .utf8)
    for wave in ["9223372036854775807", "4611686018427387904", "0", "-1"] {
      let edited = text.replacingOccurrences(of: "\"wave\":1", with: "\"wave\":\(wave)")
      #expect(edited != text)
      #expect(throws: SavedResultsError.self) { try ShardFile.decode(Data(edited.utf8)) }
    }
  }
}

@Suite("Numeric extremes are refused or bounded, never trapped on")
struct HardeningNumericTests {
  @Test("--vary ranges whose count is beyond Int are refused with the limit")
  func varyRanges() {
    for spec in ["a=1..2:1e-300", "a=-1e308..1e308", "a=0..1e300:1e-300", "a=1e308..1e308"] {
      switch Sweep.factor(spec) {
      case .success(let factor): #expect(factor.values.count <= 1_000 && factor.values.allSatisfy(\.isFinite), "\(spec)")
      case .failure(let error): #expect(error.description.contains("at most 1,000"), "\(spec): \(error)")
      }
    }
  }

  @Test("a tiny --delta reports a bounded fixed-sample count")
  func tinyDelta() {
    let varied: ([Int], Int, Int) -> [[Double]] = { designs, first, count in
      designs.map { d in (first..<(first + count)).map { Double($0 * (d + 1) % 7) } }
    }
    let outcome = KimNelson(designs: 2, delta: 1e-300, firstStage: 5, maximum: 6).run(sample: varied)
    #expect(outcome.fixedSample >= 5 && outcome.fixedSample <= 1_000_000_000_000_000)
    let constant: ([Int], Int, Int) -> [[Double]] = { designs, _, count in designs.map { _ in [Double](repeating: 1, count: count) } }
    let flat = KimNelson(designs: 2, delta: 1e-300, firstStage: 5, maximum: 6).run(sample: constant)
    #expect(flat.fixedSample == 5)
  }

  @Test("--wave beyond a million is refused (exit 64)")
  func hugeWave() {
    for wave in ["9223372036854775807", "1000001"] {
      #expect(throws: (any Error).self) { try CCCM.parseAsRoot(["compare", "a.yaml", "b.yaml", "--precision", "5%", "--wave", wave]) }
    }
  }
}
