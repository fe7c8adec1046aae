import CoverageModel
import Experiments
import Foundation
import Reports
import ScenarioFiles
import TestSupport
import Testing

/// Each study's command prints its study's outcome: the report the library makes of the outcome
/// is byte for byte what the command printed.
@Suite("Study commands print their study's outcome", .serialized)
struct StudyCommandTests {
  static func scenario(busy: Int = 6) throws -> (path: String, scenario: Scenario) {
    let path = try TwoTeams.write(busy: busy)
    return (path, try ScenarioLoader().load(path: path))
  }

  @Test("cccm allocate prints Allocation.Study's outcome")
  func allocate() throws {
    let (path, base) = try Self.scenario()
    defer { try? FileManager.default.removeItem(atPath: path) }
    let printed = try runCCCM([
      "allocate", path, "--budget", "2", "--over", "teams.*.reps", "--objective", "wins", "--delta", "5", "--finalists", "2", "-r", "6", "--seed", "3", "-q",
      "--format", "json",
    ])
    #expect(printed.status == 0, "\(printed.err)")
    let study = Allocation.Study(
      base: base, file: path, allocation: Allocation(slots: try Allocation.slots("teams.*.reps", in: base).get()), objective: Objective("wins"), budget: 2,
      finalists: 2, delta: .amount(5), replications: 6, seed: 3)
    #expect(printed.out == AllocationReport.document(for: try study.run()).render(.json))
  }

  @Test("cccm select prints SelectionStudy's outcome")
  func select() throws {
    let files = try [6, 8].map { try Self.scenario(busy: $0) }
    defer { for file in files { try? FileManager.default.removeItem(atPath: file.path) } }
    let printed = try runCCCM(["select"] + files.map(\.path) + ["--objective", "wins", "--delta", "1%", "--first-stage", "5", "-r", "40", "-q"])
    #expect(printed.status == 0, "\(printed.err)")
    let study = SelectionStudy(
      scenarios: files.map(\.scenario), objective: Objective("wins"), delta: .share(0.01), firstStage: 5, maximum: 40, seed: 11)
    #expect(printed.out == SelectionReport.document(for: try study.run()).render(.table))
  }

  @Test("cccm sensitivity --method morris prints GlobalSensitivityStudy's outcome")
  func morris() throws {
    let (path, base) = try Self.scenario()
    defer { try? FileManager.default.removeItem(atPath: path) }
    let vary = ["teams.Busy.reps=4..8", "teams.Idle.reps=8..12"]
    let printed = try runCCCM(
      ["sensitivity", path, "--method", "morris", "--trajectories", "2", "--objective", "wins", "-r", "2", "-q", "--format", "csv"] + vary.flatMap { ["--vary", $0] })
    #expect(printed.status == 0, "\(printed.err)")
    let study = GlobalSensitivityStudy(base: base, file: path, vary: vary, method: .morris(trajectories: 2, levels: 4), objective: Objective("wins"), seed: 11)
    #expect(printed.out == GlobalSensitivityReport.document(for: study.run(try study.design(), replications: 2)).document.render(.csv))
  }

  @Test("compare --from refuses results that do not pair, with the pairing check's message (exit 2)")
  func pairing() throws {
    let (path, _) = try Self.scenario()
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cccm-pairing-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer {
      try? FileManager.default.removeItem(atPath: path)
      try? FileManager.default.removeItem(at: folder)
    }
    let saved = (1...2).map { folder.appendingPathComponent("seed\($0).json").path }
    for (seed, file) in zip(1...2, saved) {
      #expect(try runCCCM(["run", path, "-r", "2", "-q", "--seed", "\(seed)", "--save", file]).status == 0)
    }
    let printed = try runCCCM(["compare", "--from"] + saved)
    #expect(printed.status == 2)
    let problem = try #require(SavedResults.pairingProblem(try saved.map { try SavedResults.decode(Data(contentsOf: URL(fileURLWithPath: $0))) }))
    #expect(printed.err == problem.message(variantFile: saved[1], baselineFile: saved[0]) + "\n")
  }
}
