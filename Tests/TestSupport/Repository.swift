import Foundation

/// The repository's root folder (for its scenarios, notebooks and docs), found from this file.
public let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A fresh, empty folder for one test's files, named `cccm-NAME-UUID` in the system's temporary
/// folder; the test removes it (`defer { try? FileManager.default.removeItem(at: folder) }`).
public func scratchFolder(_ name: String) throws -> URL {
  let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cccm-\(name)-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  return folder
}
