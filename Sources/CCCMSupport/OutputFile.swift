import Foundation

/// Why a file could not be written, for `path: error: cannot write the file: REASON`.
public struct OutputFileError: Error, Sendable, CustomStringConvertible {
  public var reason: String
  /// The file that failed, when the error comes from committing several (`commitStaged`).
  public var path: String?
  public init(_ reason: String, path: String? = nil) {
    self.reason = reason
    self.path = path
  }
  public var description: String { reason }
}

/// Writing files safely: a regular file is replaced atomically (a temporary file beside it, renamed
/// over it) keeping its permissions, owner and group; a symbolic link is followed and its target
/// replaced (except inside an output folder: `Rules.inFolder`); a device or FIFO (`--save
/// /dev/null`) is written directly, never renamed over; a read-only file, a directory, any file
/// the command reads (`CommandFiles`) and a file another output of the command names are refused.
///
/// Writes are staged: `write` prepares each output (a temporary file beside it) and
/// `commitStaged` puts them all in place once the command has succeeded, so a command that fails
/// part-way leaves every output as it was. A temporary file never outlives a failure, an exit or
/// an interrupt (SIGINT, SIGTERM, SIGHUP).
public enum FileOutput {
  /// How a path will be written.
  public enum Plan {
    /// A device or FIFO, written in place.
    case direct(String)
    /// A regular file (existing or not), replaced through a temporary file.
    case replace(String, mode: mode_t, owner: (uid_t, gid_t)?)
  }

  /// What an output may be written over.
  public struct Rules: Sendable {
    /// Whether a symbolic link at the path is followed to its target. Files inside an output
    /// folder (`--charts DIR`, a notebook's chart folder) are not: a link planted there could lead
    /// anywhere, so it is refused, as is anything there but a regular file.
    public var followLinks: Bool
    /// Whether the output may be a file the command read (a notebook rewritten in place).
    public var rewritesInput: Bool
    public init(followLinks: Bool = true, rewritesInput: Bool = false) {
      self.followLinks = followLinks
      self.rewritesInput = rewritesInput
    }
    /// An output named on the command line.
    public static let standard = Rules()
    /// A file the command names inside an output folder.
    public static let inFolder = Rules(followLinks: false)
    /// A file rewritten in place (a notebook).
    public static let inPlace = Rules(rewritesInput: true)
  }

  /// Checks that `path` can be written, before any work is done, and claims it for `role` (the
  /// option that names it, `--save`): another role naming the same file is refused, as is any
  /// file the command reads (recorded by `InputFile`, and `inputs`).
  public static func plan(_ path: String, as role: String, inputs: [String] = [], rules: Rules = .standard) throws(OutputFileError) -> Plan {
    let target: String
    if rules.followLinks {
      target = try resolveLinks(path)
    } else {
      var link = stat()
      if lstat(path, &link) == 0, link.st_mode & S_IFMT == S_IFLNK {
        throw OutputFileError("it is a symbolic link, and files in an output folder are never written through one; remove it")
      }
      target = path
    }
    var info = stat()
    guard stat(target, &info) == 0 else {
      guard errno == ENOENT else { throw OutputFileError(reason(errno)) }
      var directoryInfo = stat()
      guard stat(directory(of: target), &directoryInfo) == 0, directoryInfo.st_mode & S_IFMT == S_IFDIR else {
        throw OutputFileError("no such directory")
      }
      try claim(target, role: role, inputs: inputs, rules: rules)
      let mask = umask(0)
      umask(mask)
      return .replace(target, mode: 0o666 & ~mask, owner: nil)
    }
    switch info.st_mode & S_IFMT {
    case S_IFREG: break
    case S_IFCHR, S_IFBLK, S_IFIFO:
      guard rules.followLinks else { throw OutputFileError("it is not a regular file, and only regular files are written in an output folder") }
      return .direct(target)
    case S_IFDIR: throw OutputFileError("it is a directory; give a file name")
    default: throw OutputFileError("it is not a regular file")
    }
    try claim(target, role: role, inputs: inputs, rules: rules)
    if info.st_mode & 0o222 == 0 || access(target, W_OK) != 0 {
      throw OutputFileError("it is read-only (mode \(String(info.st_mode & 0o777, radix: 8))); make it writable or save to another file")
    }
    return .replace(target, mode: info.st_mode & 0o7777, owner: (info.st_uid, info.st_gid))
  }

  /// Refuses `target` if the command reads it, or another output names it; else claims it for `role`.
  static func claim(_ target: String, role: String, inputs: [String], rules: Rules) throws(OutputFileError) {
    let identity = CommandFiles.identity(of: target)
    if !rules.rewritesInput {
      let named = inputs.first { CommandFiles.identity(of: $0).same(as: identity) }
      if let input = named ?? CommandFiles.input(matching: identity) {
        throw OutputFileError("it is an input of this command (\(Excerpt.sanitized(input, limit: Excerpt.pathLimit))); save to another file")
      }
    }
    if let holder = CommandFiles.claim(identity, role: role) {
      throw OutputFileError("\(role) and \(holder) name the same file; give each output its own file")
    }
  }

  /// Prepares `data` to be written to `path` (see `plan`) when `commitStaged` runs.
  public static func write(_ data: Data, to path: String, as role: String, inputs: [String] = [], rules: Rules = .standard) throws(OutputFileError) {
    switch try plan(path, as: role, inputs: inputs, rules: rules) {
    case .direct(let target): TemporaryFiles.holdingSignals { Staged.add(.direct(target: target, data: data)) }
    case .replace(let target, let mode, let owner): try stage(target, with: data, mode: mode, owner: owner)
    }
  }

  /// Puts every staged output in place: devices and FIFOs written first (they can fail, as
  /// /dev/full does), then every temporary file renamed over its target. On a failure nothing
  /// more is written and the remaining temporary files are removed; the error names the file.
  public static func commitStaged() throws(OutputFileError) {
    let entries = TemporaryFiles.holdingSignals { Staged.take() }
    var failure: OutputFileError?
    for case .direct(let target, let data) in entries where failure == nil {
      do throws(OutputFileError) {
        try writeDirectly(data, to: target)
      } catch {
        failure = OutputFileError(error.reason + "; no other output of this command was written", path: target)
      }
    }
    for case .replace(let temporary, let target) in entries {
      if failure == nil, rename(temporary, target) != 0 { failure = OutputFileError(reason(errno) + "; the outputs after it were not written", path: target) }
      if failure != nil { unlink(temporary) }
    }
    TemporaryFiles.holdingSignals { TemporaryFiles.clear() }
    CommandFiles.clearOutputs()
    if let failure { throw failure }
  }

  /// Removes every staged temporary file and forgets the staged writes (a command that failed).
  public static func discardStaged() {
    TemporaryFiles.holdingSignals {
      for case .replace(let temporary, _) in Staged.take() { unlink(temporary) }
      TemporaryFiles.clear()
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

  /// A new temporary file beside `target` (`.NAME.cccm-XXXXXX`), open for writing and recorded so
  /// that an interrupt removes it. Signals are held while it is made and recorded, so an interrupt
  /// never finds a file it does not know of.
  static func temporaryFile(beside target: String) throws(OutputFileError) -> (descriptor: Int32, path: String) {
    let name = PathText.lastComponent(of: target)
    let folder = directory(of: target)
    var template = Array((folder == "/" ? "/" : folder + "/").appending(".\(name).cccm-XXXXXX").utf8CString)
    let descriptor = TemporaryFiles.holdingSignals { () -> Int32 in
      TemporaryFiles.installHandlers()
      let descriptor = mkstemp(&template)
      if descriptor >= 0 {
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        TemporaryFiles.record(template)
      }
      return descriptor
    }
    guard descriptor >= 0 else { throw OutputFileError(reason(errno) + " (the directory must be writable: the file is replaced atomically)") }
    return (descriptor, String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
  }

  /// A temporary file beside `target`, written and given `mode` (and `owner`), staged to be
  /// renamed over `target` by `commitStaged`.
  static func stage(_ target: String, with data: Data, mode: mode_t, owner: (uid_t, gid_t)?) throws(OutputFileError) {
    let (descriptor, temporary) = try temporaryFile(beside: target)
    do throws(OutputFileError) {
      try writeAll(data, to: descriptor)
      if let (uid, gid) = owner { keepOwner(descriptor, uid: uid, gid: gid) }
      guard fchmod(descriptor, mode) == 0, fsync(descriptor) == 0 else { throw OutputFileError(reason(errno)) }
    } catch {
      close(descriptor)
      TemporaryFiles.holdingSignals { TemporaryFiles.forget(temporary) }
      throw error
    }
    guard close(descriptor) == 0 else {
      let code = errno
      TemporaryFiles.holdingSignals { TemporaryFiles.forget(temporary) }
      throw OutputFileError(reason(code))
    }
    TemporaryFiles.holdingSignals { Staged.add(.replace(temporary: temporary, target: target)) }
  }

  /// An output written in pieces as it is made (results too large to hold): the pieces go to the
  /// temporary file `write` would stage (a device or FIFO is written directly), and `finish`
  /// stages it, so `commitStaged` puts it in place with the command's other outputs. The first
  /// failure is kept and reported by `finish`; nothing is written after it.
  public final class Stream {
    let descriptor: Int32
    /// The temporary file and its target; nil for a device written directly.
    let staged: (temporary: String, target: String, mode: mode_t, owner: (uid_t, gid_t)?)?
    private(set) var failure: OutputFileError?

    /// Opens `path` for writing in pieces (checked as `write` checks it).
    public init(path: String, as role: String, inputs: [String] = [], rules: Rules = .standard) throws(OutputFileError) {
      switch try FileOutput.plan(path, as: role, inputs: inputs, rules: rules) {
      case .direct(let target):
        let descriptor = open(target, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw OutputFileError(reason(errno)) }
        self.descriptor = descriptor
        staged = nil
      case .replace(let target, let mode, let owner):
        let (descriptor, temporary) = try temporaryFile(beside: target)
        self.descriptor = descriptor
        staged = (temporary, target, mode, owner)
      }
    }

    /// Appends `data` (nothing after a failure).
    public func write(_ data: Data) {
      guard failure == nil else { return }
      do throws(OutputFileError) { try writeAll(data, to: descriptor) } catch { failure = error }
    }

    /// Closes the file and stages it; throws the first failure (the temporary file is removed then).
    public func finish() throws(OutputFileError) {
      guard let staged else {
        close(descriptor)
        if let failure { throw failure }
        return
      }
      if failure == nil {
        if let (uid, gid) = staged.owner { keepOwner(descriptor, uid: uid, gid: gid) }
        if fchmod(descriptor, staged.mode) != 0 || fsync(descriptor) != 0 { failure = OutputFileError(reason(errno)) }
      }
      if close(descriptor) != 0, failure == nil { failure = OutputFileError(reason(errno)) }
      if let failure {
        TemporaryFiles.holdingSignals { TemporaryFiles.forget(staged.temporary) }
        throw failure
      }
      TemporaryFiles.holdingSignals { Staged.add(.replace(temporary: staged.temporary, target: staged.target)) }
    }
  }

  /// Gives the file open as `descriptor` the owner and group of the file it replaces: both when
  /// permitted (root, or the owner keeping a group it belongs to), else the group alone (a member
  /// of a shared group rewriting a colleague's file keeps the group, so the team can still write it).
  static func keepOwner(_ descriptor: Int32, uid: uid_t, gid: gid_t, change: (Int32, uid_t, gid_t) -> Int32 = { fchown($0, $1, $2) }) {
    guard uid != geteuid() || gid != getegid() else { return }
    if change(descriptor, uid, gid) == 0 { return }
    if gid != getegid() { _ = change(descriptor, uid_t.max, gid) }
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

/// The outputs staged by `FileOutput.write`, waiting for `FileOutput.commitStaged`. Read and
/// changed only inside `TemporaryFiles.holdingSignals`, which holds the lock.
enum Staged {
  enum Entry {
    case direct(target: String, data: Data)
    case replace(temporary: String, target: String)
  }
  nonisolated(unsafe) static var entries: [Entry] = []

  static func add(_ entry: Entry) { entries.append(entry) }

  static func take() -> [Entry] {
    defer { entries = [] }
    return entries
  }
}

/// The temporary files being written or staged, removed if a signal or an exit ends the process
/// before they are renamed into place. Its state and `Staged`'s are read and changed only inside
/// `holdingSignals`, which also holds `lock`: commands run in parallel in one process (the tests
/// do) would otherwise append to the same arrays at once and corrupt memory.
enum TemporaryFiles {
  /// The pending temporary files' paths (C strings, so the signal handler can unlink them).
  nonisolated(unsafe) static var pending: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
  nonisolated(unsafe) static var count = 0
  nonisolated(unsafe) static var capacity = 0
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
        TemporaryFiles.unlinkAll()
        signal(number, SIG_DFL)
        raise(number)
      }
      sigemptyset(&action.sa_mask)
      sigaction(number, &action, nil)
    }
    // An exit before the outputs were committed (a command that failed) leaves none of them.
    atexit { FileOutput.discardStaged() }
  }

  /// Unlinks every pending file (async-signal-safe: no allocation).
  static func unlinkAll() {
    guard let pending else { return }
    for index in 0..<count { if let path = pending[index] { unlink(path) } }
  }

  /// Records a pending file (with signals held).
  static func record(_ path: [CChar]) {
    if count == capacity {
      let larger = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: max(8, capacity * 2))
      if let pending { larger.moveInitialize(from: pending, count: count) }
      pending?.deallocate()
      pending = larger
      capacity = max(8, capacity * 2)
    }
    let copy = UnsafeMutablePointer<CChar>.allocate(capacity: path.count)
    copy.initialize(from: path, count: path.count)
    (pending! + count).initialize(to: copy)
    count += 1
  }

  /// Forgets one pending file after unlinking it (with signals held).
  static func forget(_ path: String) {
    unlink(path)
    guard let pending else { return }
    for index in 0..<count where pending[index].map({ String(cString: $0) }) == path {
      pending[index]?.deallocate()
      pending[index] = nil
    }
  }

  /// Forgets every pending file (with signals held: renamed into place or unlinked).
  static func clear() {
    guard let pending else { return }
    for index in 0..<count { pending[index]?.deallocate() }
    count = 0
  }

  /// Guards the pending files and the staged outputs. Not taken by the signal handler, which
  /// must not block; it reads `pending` as it is.
  static let lock = NSLock()

  /// Runs `body` with SIGINT, SIGTERM and SIGHUP blocked and `lock` held. Never nested.
  @discardableResult
  static func holdingSignals<T>(_ body: () -> T) -> T {
    var set = sigset_t()
    var old = sigset_t()
    sigemptyset(&set)
    for number in signals { sigaddset(&set, number) }
    pthread_sigmask(SIG_BLOCK, &set, &old)
    defer { pthread_sigmask(SIG_SETMASK, &old, nil) }
    return lock.withLock(body)
  }
}
