import Foundation

/// Standard output and error without traps: a message to a closed or full standard error is
/// dropped (FileHandle would trap), and standard output is checked when the command ends.
public enum StandardStreams {
  /// Writes to standard error, ignoring failures (there is nowhere left to report them).
  public static func error(_ text: String) {
    var bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
      let written = bytes.withUnsafeMutableBytes { Foundation.write(STDERR_FILENO, $0.baseAddress.map { $0 + offset }, $0.count - offset) }
      if written < 0, errno == EINTR { continue }
      guard written > 0 else { return }
      offset += written
    }
    bytes.removeAll()
  }
}
