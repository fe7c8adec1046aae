import Foundation
import TestSupport
import Testing

@testable import CCCMSupport

// Fuzz families of output safety (docs/reliability.md), in-process through FileOutput: inputs as
// outputs, two outputs naming one file, and links and odd entries planted in output folders. Each
// case builds its own folder, so the process's record of inputs and outputs (CommandFiles) never
// mixes two cases. CCCM_FUZZ_CASES scales them with the other families.

private let familyCases = ProcessInfo.processInfo.environment["CCCM_FUZZ_CASES"].flatMap { Int($0) }.map { max($0 / 4, 1) }
private let secondsPerFamily: Double = familyCases == nil ? 8 : .infinity
private let fuzzSeed: UInt64 = ProcessInfo.processInfo.environment["CCCM_FUZZ_SEED"].flatMap { UInt64($0) } ?? 33

/// One case's folder: two inputs (read, so recorded), a third file not read, a subfolder, a hard
/// link and symbolic links to an input, a dangling link to a new name; every spelling of a path
/// with the file it names (`key`): same key, same file.
private struct Layout {
  let folder: URL
  /// Spellings of existing and new files, each with the file it names.
  let spellings: [(path: String, key: String)]
  let inputKeys: Set<String> = ["in1", "in2"]

  init(_ folder: URL) throws {
    self.folder = folder
    let manager = FileManager.default
    try manager.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
    for name in ["in1", "in2", "other"] { try Data("\(name)\n".utf8).write(to: folder.appendingPathComponent(name)) }
    #expect(link(folder.appendingPathComponent("in1").path, folder.appendingPathComponent("hard1").path) == 0)
    try manager.createSymbolicLink(atPath: folder.appendingPathComponent("link2").path, withDestinationPath: "in2")
    try manager.createSymbolicLink(atPath: folder.appendingPathComponent("sub/up1").path, withDestinationPath: "../in1")
    try manager.createSymbolicLink(atPath: folder.appendingPathComponent("dangling").path, withDestinationPath: "fresh")
    for name in ["in1", "in2"] { _ = try InputFile.read(folder.appendingPathComponent(name).path, limit: 1 << 20) }
    let base = folder.path
    let names: [(String, String)] = [
      ("in1", "in1"), ("hard1", "in1"), ("sub/up1", "in1"), ("in2", "in2"), ("link2", "in2"), ("other", "other"), ("fresh", "fresh"),
      ("dangling", "fresh"), ("new.csv", "new.csv"), ("sub/x.csv", "sub/x.csv"),
    ]
    spellings = names.map { (base + "/" + $0.0, $0.1) }
  }

  /// `path` spelt another way: `./` and `../FOLDER/` inserted, slashes doubled.
  static func respell(_ path: String, _ dice: inout SplitMix64) -> String {
    guard let slash = path.lastIndex(of: "/") else { return path }
    let folder = String(path[..<slash])
    let name = String(path[path.index(after: slash)...])
    let up = "../" + (folder.split(separator: "/").last.map(String.init) ?? "") + "/"
    var middle = ""
    for _ in 0..<dice.int(0...3) { middle += dice.pick(["./", "/", up, "./" + up]) }
    return folder + "/" + middle + name
  }
}

// Serialized: the families share the process's record of outputs (CommandFiles), and one committing
// (which clears the claims) must not run inside another's case.
@Suite("Fuzz: outputs never overwrite inputs or each other, and never follow links planted in output folders", .serialized)
struct FuzzOutputTests {
  @Test("inputs as outputs: an output is refused exactly when, however spelt and through whatever link, it is a file the command read")
  func inputsAsOutputs() throws {
    let directory = try scratchFolder("fuzz-outputs")
    defer { try? FileManager.default.removeItem(at: directory) }
    var dice = SplitMix64(seed: fuzzSeed)
    var cases = 0
    let start = Date()
    var layout: Layout?
    for index in 0..<(familyCases ?? 3_000) where Date().timeIntervalSince(start) < secondsPerFamily {
      if index % 50 == 0 { layout = try Layout(directory.appendingPathComponent("case\(index)")) }
      guard let layout else { continue }
      cases += 1
      let (path, key) = dice.pick(layout.spellings)
      let spelt = Layout.respell(path, &dice)
      let role = "-o"
      do {
        _ = try FileOutput.plan(spelt, as: role)
        #expect(!layout.inputKeys.contains(key), "accepted an input as an output: \(spelt)")
      } catch {
        #expect(layout.inputKeys.contains(key), "\(spelt): \(error.reason)")
        #expect(error.reason.contains("it is an input of this command"), "\(spelt): \(error.reason)")
      }
    }
    print("fuzz inputs as outputs: \(cases) cases")
    #expect(cases > 0)
  }

  @Test("two outputs: a second output naming the same file as the first (existing or new, however spelt) is refused, any other accepted")
  func twoOutputs() throws {
    let directory = try scratchFolder("fuzz-outputs")
    defer { try? FileManager.default.removeItem(at: directory) }
    var dice = SplitMix64(seed: fuzzSeed &+ 1)
    var cases = 0
    let start = Date()
    var layout: Layout?
    for index in 0..<(familyCases ?? 2_000) where Date().timeIntervalSince(start) < secondsPerFamily {
      if index % 50 == 0 { layout = try Layout(directory.appendingPathComponent("case\(index)")) }
      guard let layout else { continue }
      // Each case is one command: the claims of the one before are forgotten.
      CommandFiles.clearOutputs()
      cases += 1
      let outputs = layout.spellings.filter { !layout.inputKeys.contains($0.key) }
      let first = dice.pick(outputs)
      let second = dice.chance(percent: 50) ? first : dice.pick(outputs)
      let paths = (Layout.respell(first.path, &dice), Layout.respell(second.path, &dice))
      do {
        _ = try FileOutput.plan(paths.0, as: "-o")
      } catch {
        Issue.record("the first output refused: \(paths.0): \(error.reason)")
        continue
      }
      do {
        _ = try FileOutput.plan(paths.1, as: "--pipeline")
        #expect(first.key != second.key, "accepted two outputs naming one file: \(paths)")
      } catch {
        #expect(first.key == second.key && error.reason.contains("name the same file"), "\(paths): \(error.reason)")
      }
      // The same output planned again (a command checks up front and again when writing) is fine.
      #expect(throws: Never.self) { _ = try FileOutput.plan(paths.0, as: "-o") }
    }
    print("fuzz two outputs: \(cases) cases")
    #expect(cases > 0)
  }

  @Test("output folders: a link, folder or FIFO planted where a chart goes is refused and its target untouched; regular files and new names are written")
  func plantedEntries() throws {
    let directory = try scratchFolder("fuzz-outputs")
    defer { try? FileManager.default.removeItem(at: directory) }
    let victim = directory.appendingPathComponent("victim")
    try Data("keep".utf8).write(to: victim)
    var dice = SplitMix64(seed: fuzzSeed &+ 2)
    var cases = 0
    let start = Date()
    let charts = directory.appendingPathComponent("charts")
    try FileManager.default.createDirectory(at: charts, withIntermediateDirectories: true)
    let kinds = ["absent", "regular", "link-to-victim", "link-to-new", "link-to-folder", "folder", "fifo", "hard-link-to-victim"]
    for index in 0..<(familyCases ?? 1_000) where Date().timeIntervalSince(start) < secondsPerFamily {
      cases += 1
      let name = "chart-\(index).svg"
      let path = charts.appendingPathComponent(name).path
      let kind = dice.pick(kinds)
      switch kind {
      case "regular": try Data("old".utf8).write(to: URL(fileURLWithPath: path))
      case "link-to-victim": try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "../victim")
      case "link-to-new": try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "../new-\(index)")
      case "link-to-folder": try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "..")
      case "folder": try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
      case "fifo": #expect(mkfifo(path, 0o644) == 0)
      case "hard-link-to-victim": #expect(link(victim.path, path) == 0)
      default: break
      }
      do {
        try FileOutput.write(Data("<svg/>".utf8), to: path, as: "--charts (\(name))", rules: .inFolder)
        try FileOutput.commitStaged()
        #expect(["absent", "regular", "hard-link-to-victim"].contains(kind), "\(kind) written")
        var info = stat()
        #expect(lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFREG, "\(kind)")
      } catch {
        FileOutput.discardStaged()
        #expect(!["absent", "regular", "hard-link-to-victim"].contains(kind), "\(kind): \(error.reason)")
      }
      #expect(try Data(contentsOf: victim) == Data("keep".utf8), "\(kind) reached the victim")
      #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("new-\(index)").path), "\(kind) created a link's target")
    }
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: charts.path).filter { $0.hasPrefix(".") }
    #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
    print("fuzz planted entries in output folders: \(cases) cases")
    #expect(cases > 0)
  }
}
