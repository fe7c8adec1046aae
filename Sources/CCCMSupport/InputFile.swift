import Foundation

/// Why an input file could not be read, in words for `path: error: cannot read the file: REASON`.
public struct InputFileError: Error, Sendable, CustomStringConvertible {
  public var reason: String
  public init(_ reason: String) { self.reason = reason }
  public var description: String { reason }
}

/// Reads input files (scenarios, saved results) with accurate reasons for failure: a directory, a
/// device or a socket is named as such (not "permission denied"), reading stops at a size limit
/// (so /dev/zero or a runaway FIFO cannot exhaust memory), and FIFOs (`<(...)`) are read.
public enum InputFile {
  /// The largest scenario file read: scenario files are kilobytes.
  public static let scenarioLimit = 16 << 20

  /// The bytes of the file at `path`, at most `limit`.
  public static func read(_ path: String, limit: Int) throws(InputFileError) -> Data {
    var info = stat()
    guard stat(path, &info) == 0 else { throw InputFileError(reason(errno)) }
    switch info.st_mode & S_IFMT {
    case S_IFREG, S_IFIFO: break
    case S_IFDIR: throw InputFileError("it is a directory; give a file")
    case S_IFCHR, S_IFBLK: throw InputFileError("it is a device, not a file; give a file")
    case S_IFSOCK: throw InputFileError("it is a socket, not a file; give a file")
    default: throw InputFileError("it is not a regular file")
    }
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw InputFileError(reason(errno)) }
    defer { close(descriptor) }
    // Recorded before reading: a file the command reads is never one of its outputs.
    CommandFiles.recordInput(path, descriptor: descriptor)
    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = buffer.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, $0.count) }
      if count < 0 {
        if errno == EINTR { continue }
        throw InputFileError(reason(errno))
      }
      if count == 0 { break }
      guard data.count + count <= limit else {
        throw InputFileError("it is larger than \(limit >> 20) MB, more than this kind of file can be")
      }
      data.append(contentsOf: buffer[0..<count])
    }
    return data
  }

  /// The UTF-8 text of the file at `path` (at most `limit` bytes).
  public static func text(_ path: String, limit: Int = scenarioLimit) throws(InputFileError) -> String {
    let data = try read(path, limit: limit)
    guard let text = String(data: data, encoding: .utf8) else { throw InputFileError("it is not UTF-8 text") }
    return text
  }

  static func reason(_ code: Int32) -> String {
    switch code {
    case ENOENT: "no such file"
    case EACCES, EPERM: "permission denied"
    case ENOTDIR: "a directory on the path is a file"
    case ELOOP: "too many symbolic links"
    case ENAMETOOLONG: "the path is too long"
    default: String(cString: strerror(code)).lowercased()
    }
  }
}
