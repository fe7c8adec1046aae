import Foundation

/// Why a file could not be written, for `path: error: cannot write the file: REASON`.
public struct OutputFileError: Error, Sendable, CustomStringConvertible {
  public var reason: String
  public init(_ reason: String) { self.reason = reason }
  public var description: String { reason }
}

/// Writing files safely: a regular file is replaced atomically (a temporary file beside it, renamed
/// over it) keeping its permissions; a symbolic link is followed and its target replaced; a device
/// or FIFO (`--save /dev/null`) is written directly, never renamed over; a read-only file, a
/// directory, or a file the command reads is refused; the temporary file never outlives a failure
/// or an interrupt (SIGINT, SIGTERM, SIGHUP).
public enum FileOutput {
  /// How a path will be written.
  public enum Plan {
    /// A device or FIFO, written in place.
    case direct(String)
    /// A regular file (existing or not), replaced through a temporary file.
    case replace(String, mode: mode_t, owner: (uid_t, gid_t)?)
  }

  /// Checks that `path` can be written, before any work is done: `inputs` are files the command
  /// read (the scenario and what it extends), and writing over one of them is refused.
  public static func plan(_ path: String, inputs: [String] = []) throws(OutputFileError) -> Plan {
    let target = try resolveLinks(path)
    var info = stat()
    guard stat(target, &info) == 0 else {
      guard errno == ENOENT else { throw OutputFileError(reason(errno)) }
      var directoryInfo = stat()
      guard stat(directory(of: target), &directoryInfo) == 0, directoryInfo.st_mode & S_IFMT == S_IFDIR else {
        throw OutputFileError("no such directory")
      }
      let mask = umask(0)
      umask(mask)
      return .replace(target, mode: 0o666 & ~mask, owner: nil)
    }
    switch info.st_mode & S_IFMT {
    case S_IFREG: break
    case S_IFCHR, S_IFBLK, S_IFIFO: return .direct(target)
    case S_IFDIR: throw OutputFileError("it is a directory; give a file name")
    default: throw OutputFileError("it is not a regular file")
    }
    for input in inputs {
      var other = stat()
      if stat(input, &other) == 0, other.st_dev == info.st_dev, other.st_ino == info.st_ino {
        throw OutputFileError("it is an input of this command (\(Excerpt.sanitized(input, limit: Excerpt.pathLimit))); save to another file")
      }
    }
    if info.st_mode & 0o222 == 0 || access(target, W_OK) != 0 {
      throw OutputFileError("it is read-only (mode \(String(info.st_mode & 0o777, radix: 8))); make it writable or save to another file")
    }
    return .replace(target, mode: info.st_mode & 0o7777, owner: (info.st_uid, info.st_gid))
  }

  /// Writes `data` to `path` (see `plan`).
  public static func write(_ data: Data, to path: String, inputs: [String] = []) throws(OutputFileError) {
    switch try plan(path, inputs: inputs) {
    case .direct(let target): try writeDirectly(data, to: target)
    case .replace(let target, let mode, let owner): try replace(target, with: data, mode: mode, owner: owner)
    }
  }

  /// The path a chain of symbolic links ends at (which may not exist yet).
  static func resolveLinks(_ path: String) throws(OutputFileError) -> String {
    var current = path
    for _ in 0..<40 {
      var info = stat()
      guard lstat(current, &info) == 0, info.st_mode & S_IFMT == S_IFLNK else { return current }
      var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
      let count = readlink(current, &buffer, buffer.count - 1)
      guard count >= 0 else { throw OutputFileError(reason(errno)) }
      let destination = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
      current = RelativePath.resolve(destination, in: directory(of: current))
    }
    throw OutputFileError("too many symbolic links")
  }

  static func directory(of path: String) -> String {
    let directory = PathText.directory(of: path)
    return directory.isEmpty ? "." : directory
  }

  static func writeDirectly(_ data: Data, to path: String) throws(OutputFileError) {
    let descriptor = open(path, O_WRONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw OutputFileError(reason(errno)) }
    defer { close(descriptor) }
    try writeAll(data, to: descriptor)
  }

  static func writeAll(_ data: Data, to descriptor: Int32) throws(OutputFileError) {
    let failure: Int32? = data.withUnsafeBytes { bytes -> Int32? in
      var offset = 0
      while offset < bytes.count {
        let written = Foundation.write(descriptor, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          return errno
        }
        offset += written
      }
      return nil
    }
    if let failure { throw OutputFileError(reason(failure)) }
  }

  /// A temporary file beside `target`, written, given `mode` (and `owner`), then renamed over it.
  static func replace(_ target: String, with data: Data, mode: mode_t, owner: (uid_t, gid_t)?) throws(OutputFileError) {
    let name = (target as NSString).lastPathComponent
    var template = Array((directory(of: target) as NSString).appendingPathComponent(".\(name).cccm-XXXXXX").utf8CString)
    TemporaryFiles.installHandlers()
    // Signals are held while the temporary file is made and recorded, so an interrupt never finds
    // a file it does not know of.
    let descriptor = TemporaryFiles.holdingSignals { () -> Int32 in
      let descriptor = mkstemp(&template)
      if descriptor >= 0 {
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        TemporaryFiles.record(template)
      }
      return descriptor
    }
    guard descriptor >= 0 else { throw OutputFileError(reason(errno) + " (the directory must be writable: the file is replaced atomically)") }
    let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    var renamed = false
    defer {
      if !renamed { unlink(temporary) }
      TemporaryFiles.holdingSignals { TemporaryFiles.clear() }
    }
    do throws(OutputFileError) {
      try writeAll(data, to: descriptor)
      if let (uid, gid) = owner, uid != geteuid() || gid != getegid() { _ = fchown(descriptor, uid, gid) }
      guard fchmod(descriptor, mode) == 0, fsync(descriptor) == 0 else { throw OutputFileError(reason(errno)) }
    } catch {
      close(descriptor)
      throw error
    }
    guard close(descriptor) == 0 else { throw OutputFileError(reason(errno)) }
    guard rename(temporary, target) == 0 else { throw OutputFileError(reason(errno)) }
    renamed = true
  }

  public static func reason(_ code: Int32) -> String {
    switch code {
    case ENOENT: "no such directory"
    case EACCES, EPERM: "permission denied"
    case EROFS: "the file system is read-only"
    case ENOSPC: "no space left on the device"
    case EDQUOT: "disk quota exceeded"
    case EFBIG: "the file would be too large"
    case EISDIR: "it is a directory; give a file name"
    default: String(cString: strerror(code)).lowercased()
    }
  }
}

/// The temporary file being written, removed if a signal ends the process first.
enum TemporaryFiles {
  /// The pending temporary file's path (a C string, so the signal handler can unlink it).
  nonisolated(unsafe) static var pending: UnsafeMutablePointer<CChar>?
  nonisolated(unsafe) static var installed = false
  static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

  static func installHandlers() {
    guard !installed else { return }
    installed = true
    // A file-size limit makes write fail with EFBIG (cleaned up and reported) instead of killing.
    signal(SIGXFSZ, SIG_IGN)
    for number in signals {
      var action = sigaction()
      action.__sigaction_handler.sa_handler = { number in
        if let path = TemporaryFiles.pending { unlink(path) }
        signal(number, SIG_DFL)
        raise(number)
      }
      sigemptyset(&action.sa_mask)
      sigaction(number, &action, nil)
    }
  }

  static func record(_ path: [CChar]) {
    let copy = UnsafeMutablePointer<CChar>.allocate(capacity: path.count)
    copy.initialize(from: path, count: path.count)
    pending = copy
  }

  static func clear() {
    let old = pending
    pending = nil
    old?.deallocate()
  }

  /// Runs `body` with SIGINT, SIGTERM and SIGHUP blocked.
  @discardableResult
  static func holdingSignals<T>(_ body: () -> T) -> T {
    var set = sigset_t()
    var old = sigset_t()
    sigemptyset(&set)
    for number in signals { sigaddset(&set, number) }
    pthread_sigmask(SIG_BLOCK, &set, &old)
    defer { pthread_sigmask(SIG_SETMASK, &old, nil) }
    return body()
  }
}
