import Foundation

/// The `cccm` built beside the running test bundle.
public let cccmExecutable: String = {
  var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
  while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("cccm").path), directory.path != "/" {
    directory.deleteLastPathComponent()
  }
  return directory.appendingPathComponent("cccm").path
}()

/// A started child process whose standard output and error go to temporary files, so a child
/// that fills one pipe while the other is being read cannot deadlock the test.
public struct ChildProcess {
  let process: Process
  let scratch: URL
  let out: FileHandle
  let err: FileHandle

  /// Starts `executable` with `arguments` in `directory`; `environment` replaces the test's when
  /// given; `standardOutput` and `standardError`, when given, are files written instead of kept
  /// (`/dev/full` for a full disk), and what is returned for them is empty.
  public static func start(
    _ executable: String, _ arguments: [String], in directory: URL = repositoryRoot, environment: [String: String]? = nil,
    standardOutput: String? = nil, standardError: String? = nil
  ) throws -> ChildProcess {
    let scratch = try scratchFolder("child")
    _ = FileManager.default.createFile(atPath: scratch.appendingPathComponent("out").path, contents: nil)
    _ = FileManager.default.createFile(atPath: scratch.appendingPathComponent("err").path, contents: nil)
    let out = try FileHandle(forWritingTo: scratch.appendingPathComponent("out"))
    let err = try FileHandle(forWritingTo: scratch.appendingPathComponent("err"))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = directory
    if let environment { process.environment = environment }
    process.standardOutput = try standardOutput.map { try FileHandle(forWritingTo: URL(fileURLWithPath: $0)) } ?? out
    process.standardError = try standardError.map { try FileHandle(forWritingTo: URL(fileURLWithPath: $0)) } ?? err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    return ChildProcess(process: process, scratch: scratch, out: out, err: err)
  }

  /// Waits for the child and returns its exit status and output.
  public func wait() throws -> (status: Int32, out: String, err: String) {
    defer { try? FileManager.default.removeItem(at: scratch) }
    process.waitUntilExit()
    try out.close()
    try err.close()
    let stdout = try Data(contentsOf: scratch.appendingPathComponent("out"))
    let stderr = try Data(contentsOf: scratch.appendingPathComponent("err"))
    return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
  }
}

/// Runs `cccm` with `arguments` in `directory` and returns its exit status and output;
/// `standardOutput`, when given, is a file its output is written to instead (`/dev/full`).
public func runCCCM(_ arguments: [String], in directory: URL = repositoryRoot, standardOutput: String? = nil) throws -> (status: Int32, out: String, err: String) {
  try ChildProcess.start(cccmExecutable, arguments, in: directory, standardOutput: standardOutput).wait()
}

/// Runs `cccm` once per argument list, all at the same time (parallel processes), and returns
/// each one's exit status and output in order.
public func runCCCMConcurrently(_ commands: [[String]], in directory: URL = repositoryRoot) throws -> [(status: Int32, out: String, err: String)] {
  let started = try commands.map { try ChildProcess.start(cccmExecutable, $0, in: directory) }
  return try started.map { try $0.wait() }
}
