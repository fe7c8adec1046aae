import Foundation

/// The repository's root folder (for its scenarios, notebooks and docs), found from this file.
public let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
