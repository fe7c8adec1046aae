import Foundation
import TestSupport
import Testing

@testable import CCCMCommands

/// A folder holding r1.yaml and a notebook path inside it; removed by the caller.
private func project() throws -> (URL, NotebookRunner) {
  let directory = try scratchFolder("notebook-paths")
  try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("scenarios/bench/r1.yaml"), to: directory.appendingPathComponent("r1.yaml"))
  return (directory, NotebookRunner(executable: cccmExecutable, notebook: directory.appendingPathComponent("nb.md").path))
}

@Suite("Notebook commands are judged as cccm parses them")
struct HardeningNotebookTests {
  @Test("an output path outside the project is refused however the option is spelt")
  func outputSpellings() throws {
    let (directory, runner) = try project()
    defer { try? FileManager.default.removeItem(at: directory) }
    for command in [
      "cccm merge a.json -o=/tmp/x.json", "cccm merge a.json -o/tmp/x.json", "cccm merge a.json --output=../x.json", "cccm merge a.json -o ../x.json",
      "cccm fit e.csv --map m.yaml --until 2024-01-01 -o=../f.yaml", "cccm fit e.csv --map m.yaml --until 2024-01-01 --pipeline=/tmp/p.csv",
      "cccm export r1.yaml --replication 1 -o x.csv --map-out=../m.yaml", "cccm run r1.yaml --save=sub/x --save /tmp/y", "cccm run r1.yaml --charts pics --charts=../out",
      "cccm run -- ../r1.yaml",
    ] {
      guard case .failure(let refusal) = runner.arguments(of: command) else {
        Issue.record("accepted: \(command)")
        continue
      }
      // Refused as outside, or (a spelling cccm does not take) as a line cccm would not read.
      #expect(refusal.message.contains("is outside the notebook's project") || refusal.message.contains("cccm would not read"), "\(command): \(refusal.message)")
      #expect(command.contains("-o/") || refusal.message.contains("is outside"), "\(command): \(refusal.message)")
    }
  }

  @Test("commands that write files are known as cccm parses them, so check never runs them")
  func writingSpellings() {
    for arguments in [
      ["merge", "a.json", "-o=x.json"], ["merge", "a.json", "--output=x.json"], ["fit", "e.csv", "--map", "m", "--until", "2024-01-01", "--pipeline", "p.csv"],
      ["export", "r1.yaml", "--replication", "1", "-o", "x.csv"], ["export", "r1.yaml", "--replication=1", "--output=x.csv", "--map-out", "m.yaml"],
      ["run", "r1.yaml", "--save=s.json"],
    ] {
      #expect(NotebookRunner.writesFiles(arguments), "\(arguments)")
    }
    for arguments in [["run", "r1.yaml", "-r", "2"], ["validate", "r1.yaml"], ["run", "r1.yaml", "--charts", "pics"], ["run", "--help"]] {
      #expect(!NotebookRunner.writesFiles(arguments), "\(arguments)")
    }
  }

  @Test("every --charts spelling goes to the scratch folder: a second one cannot escape it, and check writes no chart")
  func secondCharts() throws {
    let (directory, _) = try project()
    defer { try? FileManager.default.removeItem(at: directory) }
    for arguments in [["run", "r1.yaml", "--charts", "a", "--charts", "b"], ["run", "r1.yaml", "--charts=a", "--charts", "b"], ["run", "r1.yaml", "--charts", "a", "--charts=b"]] {
      let redirected = NotebookRunner.redirectingCharts(arguments, to: "/scratch")
      guard case .success(let parsed) = NotebookRunner.parse(redirected) else {
        Issue.record("\(redirected) does not parse")
        continue
      }
      #expect(parsed.values.filter { $0.option == "charts" }.map(\.value) == ["/scratch"], "\(arguments)")
    }
    let notebook = directory.appendingPathComponent("nb.md")
    let original = "```sh\ncccm run r1.yaml -r 2 --charts pics --charts=other\n```\n"
    try Data(original.utf8).write(to: notebook)
    let check = try runCCCM(["notebook", "check", notebook.path])
    #expect(check.status == 3, "\(check.err)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["nb.md", "r1.yaml"], "check wrote something")
    let run = try runCCCM(["notebook", "run", notebook.path])
    #expect(run.status == 0, "\(run.err)")
    #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("other/distribution-bookings.svg").path))
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("pics").path))
  }

  @Test("a command line cccm would not read is refused before it runs; help is not")
  func unparsable() throws {
    let (directory, runner) = try project()
    defer { try? FileManager.default.removeItem(at: directory) }
    guard case .failure(let refusal) = runner.arguments(of: "cccm run r1.yaml --no-such-option") else {
      Issue.record("an unknown option was accepted")
      return
    }
    #expect(refusal.message.hasPrefix("refused: cccm would not read this command line"), "\(refusal.message)")
    #expect((try? runner.arguments(of: "cccm run --help").get()) == ["run", "--help"])
  }
}
