import Foundation
import TestSupport
import Testing

/// A folder with the CRM export and its mapping (`d/`), the fitted CRM scenario with its pipeline
/// (`s/`) and the Northwind scenario with named-account lists (`n/`); removed by the caller.
private func project() throws -> URL {
  let directory = try scratchFolder("outputs")
  let copy = { (from: String, to: String) in
    try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent(from), to: directory.appendingPathComponent(to))
  }
  try copy("data/crm-sales-opportunities", "d")
  try copy("scenarios/crm-sales", "s")
  try copy("scenarios/northwind", "n")
  return directory
}

/// Every regular file under `directory` with its bytes.
private func snapshot(_ directory: URL) -> [String: Data] {
  var files: [String: Data] = [:]
  let enumerator = FileManager.default.enumerator(atPath: directory.path)
  while let name = enumerator?.nextObject() as? String {
    let path = directory.appendingPathComponent(name).path
    var info = stat()
    if lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG { files[name] = FileManager.default.contents(atPath: path) }
  }
  return files
}

private let fit = ["fit", "d/sales_pipeline.csv", "--map", "d/mapping.yaml", "--until", "2017-06-30", "--quiet"]
private let export = ["export", "s/from-2017-06-30.yaml", "--replication", "0"]

@Suite("Outputs never overwrite inputs or each other, and are written together", .serialized)
struct HardeningOutputTests {
  @Test("every file a command reads is refused as an output: pipeline CSV, joined tables, account lists, the extends chain")
  func inputsAsOutputs() throws {
    let directory = try project()
    defer { try? FileManager.default.removeItem(at: directory) }
    let before = snapshot(directory)
    for arguments in [
      ["run", "s/from-2017-06-30.yaml", "-r", "2", "-q", "--save", "s/open-2017-06-30.csv"],
      ["run", "s/from-2017-06-30.yaml", "-r", "2", "-q", "--shard", "1/2", "--save", "s/./open-2017-06-30.csv"],
      ["run", "s/from-2017-06-30.yaml", "-r", "2", "-q", "--save", "s/fitted-2017-06-30.yaml"],
      ["compare", "s/from-2017-06-30.yaml", "s/from-2017-06-30.yaml", "-r", "2", "-q", "--shard", "1/1", "--save", "s/open-2017-06-30.csv"],
      export + ["-o", "s/open-2017-06-30.csv"],
      export + ["-o", "x.csv", "--map-out", "s/open-2017-06-30.csv"],
      fit + ["-o", "d/sales_teams.csv"],
      fit + ["--pipeline", "d/accounts.csv"],
      fit + ["-o", "d/../d/mapping.yaml"],
      ["territories", "n/named/baseline.yaml", "-o", "n/named/key-finance.csv"],
    ] {
      let result = try runCCCM(arguments, in: directory)
      #expect(result.status == 2, "\(arguments)")
      #expect(result.err.contains("it is an input of this command"), "\(arguments): \(result.err)")
    }
    #expect(snapshot(directory) == before)
  }

  @Test("two outputs of one command naming one file are refused before anything is written, whether or not it exists")
  func twoOutputs() throws {
    let directory = try project()
    defer { try? FileManager.default.removeItem(at: directory) }
    let before = snapshot(directory)
    for arguments in [
      export + ["-o", "x.csv", "--map-out", "x.csv"], export + ["-o", "x.csv", "--map-out", "./x-owners.csv"],
      fit + ["-o", "f", "--pipeline", "f"], fit + ["-o", "f", "--pipeline", "d/../f"],
    ] {
      let result = try runCCCM(arguments, in: directory)
      #expect(result.status == 2, "\(arguments)")
      #expect(result.err.contains("name the same file"), "\(arguments): \(result.err)")
      #expect(snapshot(directory) == before, "\(arguments)")
    }
  }

  @Test("a failing output leaves the others unwritten: fit -o f.yaml --pipeline /dev/full writes no f.yaml")
  func partialWrites() throws {
    let directory = try project()
    defer { try? FileManager.default.removeItem(at: directory) }
    let result = try runCCCM(fit + ["-o", "f.yaml", "--pipeline", "/dev/full"], in: directory)
    #expect(result.status == 2)
    #expect(result.err.contains("no space left"))
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("f.yaml").path))
    #expect(((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).allSatisfy { !$0.hasPrefix(".") })
    // Charts all or nothing: one chart's name taken by a folder, so none is written.
    let charts = directory.appendingPathComponent("charts")
    try FileManager.default.createDirectory(at: charts.appendingPathComponent("forest.svg"), withIntermediateDirectories: true)
    let run = try runCCCM(["compare", "n/baseline.yaml", "n/variants/presales-plus-2.yaml", "-r", "2", "-q", "--charts", "charts"], in: directory)
    #expect(run.status == 2)
    #expect(try FileManager.default.contentsOfDirectory(atPath: charts.path) == ["forest.svg"])
  }

  @Test("a symbolic link planted in --charts DIR is not followed onto another file")
  func chartLinks() throws {
    let directory = try project()
    defer { try? FileManager.default.removeItem(at: directory) }
    let charts = directory.appendingPathComponent("charts")
    try FileManager.default.createDirectory(at: charts, withIntermediateDirectories: true)
    let victim = directory.appendingPathComponent("victim.txt")
    try Data("keep".utf8).write(to: victim)
    try FileManager.default.createSymbolicLink(atPath: charts.appendingPathComponent("forest.svg").path, withDestinationPath: "../victim.txt")
    let result = try runCCCM(["compare", "n/baseline.yaml", "n/variants/presales-plus-2.yaml", "-r", "2", "-q", "--charts", "charts"], in: directory)
    #expect(result.status == 2)
    #expect(result.err.contains("symbolic link"))
    #expect(try Data(contentsOf: victim) == Data("keep".utf8))
    #expect(try FileManager.default.contentsOfDirectory(atPath: charts.path) == ["forest.svg"])
  }

  @Test("a symbolic link in a notebook's chart folder is refused, and the notebook is left unchanged")
  func notebookChartLinks() throws {
    let directory = try project()
    defer { try? FileManager.default.removeItem(at: directory) }
    let notebook = directory.appendingPathComponent("nb.md")
    let text = "# Charts\n\n```sh\ncccm run n/baseline.yaml -r 2 --charts pics\n```\n"
    try Data(text.utf8).write(to: notebook)
    let pics = directory.appendingPathComponent("pics")
    try FileManager.default.createDirectory(at: pics, withIntermediateDirectories: true)
    let victim = directory.appendingPathComponent("victim.txt")
    try Data("keep".utf8).write(to: victim)
    try FileManager.default.createSymbolicLink(atPath: pics.appendingPathComponent("distribution-contribution.svg").path, withDestinationPath: "../victim.txt")
    let result = try runCCCM(["notebook", "run", notebook.path], in: directory)
    #expect(result.status == 2, "\(result.err)")
    #expect(result.err.contains("symbolic link"))
    #expect(try Data(contentsOf: victim) == Data("keep".utf8))
    #expect(try Data(contentsOf: notebook) == Data(text.utf8))
  }

  @Test("rewriting another user's group-shared file keeps its owner and group")
  func ownership() throws {
    guard geteuid() == 0 else { return }  // Only root can make a file another user's.
    let directory = try project()
    defer { try? FileManager.default.removeItem(at: directory) }
    let shared = directory.appendingPathComponent("shared.json").path
    #expect(FileManager.default.createFile(atPath: shared, contents: Data("old".utf8), attributes: [.posixPermissions: 0o664]))
    #expect(chown(shared, 4242, 4343) == 0)
    #expect(try runCCCM(["run", "n/baseline.yaml", "-r", "2", "-q", "--save", shared], in: directory).status == 0)
    var info = stat()
    #expect(stat(shared, &info) == 0)
    #expect(info.st_uid == 4242 && info.st_gid == 4343 && info.st_mode & 0o777 == 0o664)
  }

  @Test("charts whose names give one id get unique files and unique ids in the page")
  func chartNameCollisions() throws {
    let directory = try project()
    defer { try? FileManager.default.removeItem(at: directory) }
    var files: [String] = []
    for (index, name) in ["Variant A", "variant-a", "Вариант", "Проба"].enumerated() {
      let file = "v\(index).yaml"
      try Data("name: \(name)\nextends: n/baseline.yaml\nchanges:\n  - resize: {pool: Presales, by: 2}\n".utf8).write(to: directory.appendingPathComponent(file))
      files.append(file)
    }
    let result = try runCCCM(["compare", "n/baseline.yaml"] + files + ["-r", "2", "-q", "--by", "quarter", "--format", "html", "--charts", "charts"], in: directory)
    #expect(result.status == 0, "\(result.err)")
    let written = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("charts").path)
    // A fan and a cumulative difference for each of the four variants, none lost.
    #expect(written.filter { $0.hasPrefix("fan-") }.count == 5, "\(written.sorted())")
    #expect(written.filter { $0.hasPrefix("cumulative-") }.count == 4, "\(written.sorted())")
    var ids: [String: Int] = [:]
    for match in result.out.matches(of: /id="([^"]*)"/) { ids[String(match.1), default: 0] += 1 }
    #expect(ids.filter { $0.value > 1 }.isEmpty, "\(ids.filter { $0.value > 1 })")
  }
}
