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

  /// The largest notebook, mapping, pipeline or account list read: each is kilobytes to megabytes.
  public static let textLimit = 16 << 20

  /// The bytes of the file at `path`, at most `limit`: a larger file is refused with its size, the
  /// limit, what kind of file it is for (`what`: "a scenario file") and what to do (`advice`).
  public static func read(_ path: String, limit: Int, what: String = "this kind of file", advice: String? = nil) throws(InputFileError) -> Data {
    var info = stat()
    guard stat(path, &info) == 0 else { throw InputFileError(reason(errno)) }
    let refusal = { (size: String) in
      InputFileError("it is \(size), more than the \(megabytes(limit)) \(what) may be\(advice.map { "; " + $0 } ?? "")")
    }
    // A regular file is refused by its size before anything is read.
    if info.st_mode & S_IFMT == S_IFREG, info.st_size > limit { throw refusal(megabytes(Int(info.st_size))) }
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
      guard data.count + count <= limit else { throw refusal("larger than \(megabytes(limit))") }
      data.append(contentsOf: buffer[0..<count])
    }
    return data
  }

  /// A size in megabytes for a message: `812 MB`, or `0.3 MB` below one.
  static func megabytes(_ bytes: Int) -> String {
    bytes >= 1 << 20 ? "\(bytes >> 20) MB" : String(format: "%.1f MB", Double(bytes) / Double(1 << 20))
  }

  /// The UTF-8 text of the file at `path` (at most `limit` bytes; see `read`).
  public static func text(_ path: String, limit: Int = scenarioLimit, what: String = "a scenario file", advice: String? = nil) throws(InputFileError) -> String {
    let data = try read(path, limit: limit, what: what, advice: advice)
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

extension InputFile {
  /// A regular file read in pieces, for files too large to hold (saved results read a block at a
  /// time): opened and recorded as an input as `read` records it, then read at any offset.
  public final class Reader: @unchecked Sendable {
    let descriptor: Int32
    /// The file's size in bytes when it was opened.
    public let size: Int

    /// Opens the regular file at `path`; anything else (a FIFO, a device) is refused.
    public init(_ path: String) throws(InputFileError) {
      var info = stat()
      guard stat(path, &info) == 0 else { throw InputFileError(InputFile.reason(errno)) }
      guard info.st_mode & S_IFMT == S_IFREG else { throw InputFileError("it is not a regular file") }
      descriptor = open(path, O_RDONLY | O_CLOEXEC)
      guard descriptor >= 0 else { throw InputFileError(InputFile.reason(errno)) }
      size = Int(info.st_size)
      CommandFiles.recordInput(path, descriptor: descriptor)
    }

    deinit { close(descriptor) }

    /// Up to `count` bytes from `offset` (fewer at the end of the file).
    public func bytes(at offset: Int, count: Int) throws(InputFileError) -> [UInt8] {
      var buffer = [UInt8](repeating: 0, count: max(0, count))
      var filled = 0
      while filled < buffer.count {
        let got = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + filled, $0.count - filled, off_t(offset + filled)) }
        if got < 0 {
          if errno == EINTR { continue }
          throw InputFileError(InputFile.reason(errno))
        }
        if got == 0 { break }
        filled += got
      }
      return Array(buffer[0..<filled])
    }
  }
}
