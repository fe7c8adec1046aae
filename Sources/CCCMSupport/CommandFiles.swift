import Foundation

/// The files one `cccm` process reads and the outputs it has planned, so that no output overwrites
/// an input and no two outputs name one file, whichever command and spelling (`-o`, `--save`,
/// `--map-out`, `--pipeline`, `--charts`) led there.
///
/// Every input is read through `InputFile`, which records it here (its resolved path and its
/// device and inode); every output is planned through `FileOutput.plan`, which claims its resolved
/// path here for the option that named it. A command is one process (notebooks run each command as
/// its own), so the record is the process's.
public enum CommandFiles {
  /// A file by its resolved path and, when it exists, its device and inode.
  struct Identity: Sendable {
    var path: String
    var device: UInt64?
    var inode: UInt64?

    func same(as other: Identity) -> Bool {
      if let device, let inode, let otherDevice = other.device, let otherInode = other.inode, device == otherDevice, inode == otherInode {
        return true
      }
      return path == other.path
    }
  }

  nonisolated(unsafe) private static var inputs: [(shown: String, identity: Identity)] = []
  nonisolated(unsafe) private static var outputs: [(role: String, identity: Identity)] = []
  private static let lock = NSLock()

  /// The paths read inside one `inputsRead` call, kept apart from the process's record: other
  /// work in the same process (tests run in parallel) may read or reset meanwhile.
  final class Listener: @unchecked Sendable {
    private let lock = NSLock()
    private var paths: [String] = []
    func append(_ path: String) { lock.withLock { paths.append(path) } }
    var read: [String] { lock.withLock { paths } }
  }
  @TaskLocal static var listener: Listener?

  /// Records `path` (open as `descriptor`) as a file this command reads.
  static func recordInput(_ path: String, descriptor: Int32) {
    var info = stat()
    let known = fstat(descriptor, &info) == 0
    let identity = Identity(
      path: resolvedPath(path), device: known ? UInt64(info.st_dev) : nil, inode: known ? UInt64(info.st_ino) : nil)
    lock.withLock { inputs.append((path, identity)) }
    listener?.append(identity.path)
  }

  /// The input (as the command named it) that `identity` is, if any: the same resolved path, or
  /// the same device and inode while the input's path still holds that file (an input deleted
  /// since may have left its inode number to a new file).
  static func input(matching identity: Identity) -> String? {
    let recorded = lock.withLock { inputs }
    return recorded.first { input in
      if input.identity.path == identity.path { return true }
      guard input.identity.same(as: identity) else { return false }
      let now = Self.identity(of: input.identity.path)
      return now.device != nil && now.device == input.identity.device && now.inode == input.identity.inode
    }?.shown
  }

  /// Claims `identity` for the output named by `role`; the role that already holds it, if another.
  static func claim(_ identity: Identity, role: String) -> String? {
    lock.withLock {
      if let holder = outputs.first(where: { $0.identity.same(as: identity) && $0.role != role }) { return holder.role }
      if !outputs.contains(where: { $0.identity.same(as: identity) }) { outputs.append((role, identity)) }
      return nil
    }
  }

  /// The resolved paths of the files `body` reads (as `InputFile` records them).
  public static func inputsRead(during body: () -> Void) -> [String] {
    let listener = Listener()
    $listener.withValue(listener) { body() }
    return listener.read
  }

  /// Forgets the outputs claimed (they were put in place: a later batch may write them again).
  static func clearOutputs() {
    lock.withLock { outputs = [] }
  }

  /// Forgets every input and output (`notebook run` between notebooks; a test that plans outputs in-process, one "command" after another).
  public static func reset() {
    lock.withLock {
      inputs = []
      outputs = []
    }
  }

  /// The identity of `path` as it is now (its device and inode when it exists).
  static func identity(of path: String) -> Identity {
    var info = stat()
    let known = stat(path, &info) == 0
    return Identity(path: resolvedPath(path), device: known ? UInt64(info.st_dev) : nil, inode: known ? UInt64(info.st_ino) : nil)
  }

  /// `path` made absolute with symbolic links, `.` and `..` resolved; the part that does not exist
  /// yet is resolved as text on top of the longest part that does.
  public static func resolvedPath(_ path: String) -> String {
    let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    return resolve(absolute, depth: 0)
  }

  private static func resolve(_ path: String, depth: Int) -> String {
    if let resolved = realpath(path, nil) {
      defer { free(resolved) }
      return String(cString: resolved)
    }
    let parent = PathText.directory(of: path)
    guard depth < 4096, !parent.isEmpty, parent != path else { return path }
    let last = path.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? ""
    let base = resolve(parent, depth: depth + 1)
    switch last {
    case "", ".": return base
    case "..": return PathText.directory(of: base).isEmpty ? "/" : PathText.directory(of: base)
    default: return base == "/" ? "/" + last : base + "/" + last
    }
  }
}
