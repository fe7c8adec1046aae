import Foundation

/// The `cccm` built beside the running test bundle.
public let cccmExecutable: String = {
  var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
  while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("cccm").path), directory.path != "/" {
    directory.deleteLastPathComponent()
  }
  return directory.appendingPathComponent("cccm").path
}()

/// Runs `cccm` with `arguments` in `directory` and returns its exit status and output. Standard
/// output and error go to temporary files, so a child that fills one pipe while the other is
/// being read cannot deadlock the test.
public func runCCCM(_ arguments: [String], in directory: URL = repositoryRoot) throws -> (status: Int32, out: String, err: String) {
  let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cccm-test-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: scratch) }
  let outURL = scratch.appendingPathComponent("out")
  let errURL = scratch.appendingPathComponent("err")
  _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
  _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
  let out = try FileHandle(forWritingTo: outURL)
  let err = try FileHandle(forWritingTo: errURL)
  let process = Process()
  process.executableURL = URL(fileURLWithPath: cccmExecutable)
  process.arguments = arguments
  process.currentDirectoryURL = directory
  process.standardOutput = out
  process.standardError = err
  process.standardInput = FileHandle.nullDevice
  try process.run()
  process.waitUntilExit()
  try out.close()
  try err.close()
  let stdout = try Data(contentsOf: outURL)
  let stderr = try Data(contentsOf: errURL)
  return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
}
