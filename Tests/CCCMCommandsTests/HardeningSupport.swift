import Foundation

/// The repository (the package root), for paths to scenarios and fixtures.
let hardeningRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The `cccm` built beside this test bundle.
let cccmExecutable: String = {
  var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
  while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("cccm").path), directory.path != "/" {
    directory.deleteLastPathComponent()
  }
  return directory.appendingPathComponent("cccm").path
}()

/// Runs `cccm` with these arguments from the repository root; standard output goes to `stdout`
/// when given (a path such as /dev/full), else to a pipe that is returned.
func runCCCM(_ arguments: [String], stdout path: String? = nil, directory: URL = hardeningRoot) throws -> (status: Int32, out: String, err: String) {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: cccmExecutable)
  process.arguments = arguments
  process.currentDirectoryURL = directory
  let out = Pipe()
  let err = Pipe()
  if let path {
    process.standardOutput = FileHandle(forWritingAtPath: path)
  } else {
    process.standardOutput = out
  }
  process.standardError = err
  process.standardInput = FileHandle.nullDevice
  try process.run()
  let stdout = path == nil ? out.fileHandleForReading.readDataToEndOfFile() : Data()
  let stderr = err.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
}

/// A fresh temporary directory, removed by the caller.
func temporaryDirectory() throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("cccm-hardening-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}
