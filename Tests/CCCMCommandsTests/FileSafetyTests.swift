import Foundation
import TestSupport
import Testing

private func mode(_ path: String) -> Int {
  ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? Int) ?? -1
}

/// Hidden files left in a directory (a temporary file that outlived its write).
private func hiddenFiles(_ directory: URL) -> [String] {
  ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasPrefix(".") }
}

@Suite("Writing files safely", .serialized)
struct FileSafetyTests {
  let scenario = repositoryRoot.appendingPathComponent("scenarios/bench/r1.yaml").path

  func save(to path: String, from input: String? = nil, in directory: URL) throws -> (status: Int32, out: String, err: String) {
    try runCCCM(["run", input ?? scenario, "-r", "2", "-q", "--format", "csv", "--save", path], in: directory)
  }

  @Test("rewriting keeps the mode, writes through a symlink, and leaves no temporary file")
  func modeAndLinks() throws {
    let directory = try scratchFolder("file-safety")
    defer { try? FileManager.default.removeItem(at: directory) }
    let secret = directory.appendingPathComponent("secret.json").path
    #expect(FileManager.default.createFile(atPath: secret, contents: Data("old".utf8), attributes: [.posixPermissions: 0o600]))
    #expect(try save(to: secret, in: directory).status == 0)
    #expect(mode(secret) == 0o600)
    #expect(try String(contentsOfFile: secret, encoding: .utf8).hasPrefix("{"))

    let real = directory.appendingPathComponent("real.json").path
    let link = directory.appendingPathComponent("link.json").path
    try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "real.json")
    #expect(try save(to: link, in: directory).status == 0)
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "real.json")
    #expect(try String(contentsOfFile: real, encoding: .utf8).hasPrefix("{"))
    #expect(hiddenFiles(directory).isEmpty)
  }

  @Test("--save /dev/null writes to the device without replacing it; /dev/full fails with exit 2")
  func devices() throws {
    let directory = try scratchFolder("file-safety")
    defer { try? FileManager.default.removeItem(at: directory) }
    var before = stat()
    #expect(stat("/dev/null", &before) == 0)
    #expect(try save(to: "/dev/null", in: directory).status == 0)
    var after = stat()
    #expect(stat("/dev/null", &after) == 0)
    #expect(after.st_mode & S_IFMT == S_IFCHR && after.st_ino == before.st_ino)
    let full = try save(to: "/dev/full", in: directory)
    #expect(full.status == 2)
    #expect(full.err.contains("no space left"))
  }

  @Test("a read-only target, an input file and a missing directory are refused with exit 2 before simulating")
  func refusals() throws {
    let directory = try scratchFolder("file-safety")
    defer { try? FileManager.default.removeItem(at: directory) }
    let readOnly = directory.appendingPathComponent("ro.json").path
    #expect(FileManager.default.createFile(atPath: readOnly, contents: Data("keep".utf8), attributes: [.posixPermissions: 0o444]))
    let refused = try save(to: readOnly, in: directory)
    #expect(refused.status == 2)
    #expect(refused.err.contains("read-only"))
    #expect(refused.out.isEmpty)
    #expect(try String(contentsOfFile: readOnly, encoding: .utf8) == "keep")

    let input = directory.appendingPathComponent("s.yaml")
    try FileManager.default.copyItem(atPath: scenario, toPath: input.path)
    let original = try Data(contentsOf: input)
    let selfSave = try save(to: "s.yaml", from: "s.yaml", in: directory)
    #expect(selfSave.status == 2)
    #expect(selfSave.err.contains("it is an input of this command"))
    #expect(try Data(contentsOf: input) == original)
    // A variant saved over the baseline it extends.
    try "name: v\nextends: s.yaml\n".write(to: directory.appendingPathComponent("v.yaml"), atomically: false, encoding: .utf8)
    #expect(try save(to: "s.yaml", from: "v.yaml", in: directory).status == 2)
    #expect(try Data(contentsOf: input) == original)

    #expect(try save(to: "no/such/dir/x.json", in: directory).status == 2)
    #expect(hiddenFiles(directory).isEmpty)
  }

  @Test("a write that fails half-way (file size limit) exits 2 and removes its temporary file")
  func failedWrite() throws {
    let directory = try scratchFolder("file-safety")
    defer { try? FileManager.default.removeItem(at: directory) }
    let shell = try ChildProcess.start(
      "/bin/sh", ["-c", "ulimit -f 1; exec \"$0\" run \"$1\" -r 2 -q --format csv --save big.json", cccmExecutable, scenario], in: directory,
      standardOutput: "/dev/null", standardError: "/dev/null")
    #expect(try shell.wait().status == 2)
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("big.json").path))
    #expect(hiddenFiles(directory).isEmpty)
  }

  @Test("standard output to a full disk exits 2; standard error to a full disk does not crash")
  func fullStandardOutput() throws {
    #expect(try runCCCM(["show", "scenarios/northwind/baseline.yaml"], standardOutput: "/dev/full").status == 2)
    #expect(try runCCCM(["run", "scenarios/bench/r1.yaml", "-r", "2", "-q"], standardOutput: "/dev/full").status == 2)
    // Exit 1 (the file is not a scenario), not a signal's number: writing the message did not trap.
    let validate = try ChildProcess.start(cccmExecutable, ["validate", "/etc/passwd"], standardOutput: "/dev/null", standardError: "/dev/full")
    #expect(try validate.wait().status == 1)
  }

  @Test("a device or directory given as a scenario is named as such, exit 2")
  func deviceInputs() throws {
    let device = try runCCCM(["validate", "/dev/null"])
    #expect(device.status == 2)
    #expect(device.err.contains("it is a device"))
    #expect(!device.err.contains("permission"))
    #expect(try runCCCM(["validate", "/tmp"]).err.contains("it is a directory"))
  }
}
