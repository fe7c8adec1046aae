import Foundation
import TestSupport
import Testing

@testable import CCCMCommands

@Suite("Notebook project check: paths written inside files")
struct HardeningNotebookFileTests {
  @Test("a scenario extending, or a mapping joining, a file outside the project is refused; inside, accepted")
  func pathsInsideFiles() throws {
    let top = try scratchFolder("notebook-files")
    defer { try? FileManager.default.removeItem(at: top) }
    let project = top.appendingPathComponent("project")
    let outside = top.appendingPathComponent("outside")
    try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
    try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
    let r1 = repositoryRoot.appendingPathComponent("scenarios/bench/r1.yaml")
    try FileManager.default.copyItem(at: r1, to: outside.appendingPathComponent("base.yaml"))
    try FileManager.default.copyItem(at: r1, to: project.appendingPathComponent("base.yaml"))
    try Data("extends: ../outside/base.yaml\nname: v\n".utf8).write(to: project.appendingPathComponent("escape.yaml"))
    try Data("extends: base.yaml\nname: v\n".utf8).write(to: project.appendingPathComponent("inside.yaml"))
    let mapping = try String(contentsOf: repositoryRoot.appendingPathComponent("data/crm-sales-opportunities/mapping.yaml"), encoding: .utf8)
    try Data(mapping.replacingOccurrences(of: "file: sales_teams.csv", with: "file: ../outside/teams.csv").utf8).write(to: project.appendingPathComponent("m.yaml"))
    let runner = NotebookRunner(executable: cccmExecutable, notebook: project.appendingPathComponent("nb.md").path)
    for command in ["cccm validate escape.yaml", "cccm run escape.yaml -r 2", "cccm fit e.csv --map m.yaml --until 2017-06-30"] {
      guard case .failure(let refusal) = runner.arguments(of: command) else {
        Issue.record("accepted: \(command)")
        continue
      }
      #expect(refusal.message.contains("outside the notebook's project"), "\(command): \(refusal.message)")
      #expect(refusal.message.contains("outside/"), "\(command): \(refusal.message)")
    }
    guard case .success = runner.arguments(of: "cccm validate inside.yaml") else {
      Issue.record("refused a scenario extending a file inside the project")
      return
    }
  }
}
