import CCCMSupport
import Foundation

extension CCCM {
  /// `main()`, then its staged output files put in place (`FileOutput.commitStaged`: a command
  /// that failed exited inside `main()`, and its staged files were removed), then a check that
  /// standard output was written: a full disk (ENOSPC, /dev/full) or
  /// a closed pipe (EPIPE) exits 2 instead of 0 with the output lost. SIGPIPE is ignored so that a
  /// closed pipe is seen as EPIPE (and reported by the exit status only: the reader left).
  public static func mainCheckingOutput() {
    signal(SIGPIPE, SIG_IGN)
    main()
    do {
      try commitOutputs()
    } catch {
      fflush(nil)
      Foundation.exit(ExitStatus.fileError.rawValue)
    }
    finishStandardOutput()
  }

  /// Flushes standard output and exits 2 if any write to it failed.
  public static func finishStandardOutput() {
    let stream = standardOutputStream()
    let flushFailed = fflush(stream) != 0
    let code = errno
    guard flushFailed || stream.map({ ferror($0) != 0 }) == true else { return }
    if code != EPIPE {
      printError("cccm: error: cannot write standard output: \(flushFailed ? FileOutput.reason(code) : "a write failed")")
    }
    Foundation.exit(ExitStatus.fileError.rawValue)
  }
}

/// C's `stdout` stream. Swift 6 refuses to read the C global `stdout` (shared mutable state), so
/// it is looked up by name; nil (then `fflush(nil)` flushes every stream) where that fails.
private func standardOutputStream() -> UnsafeMutablePointer<FILE>? {
  #if os(Linux)
    guard let symbol = dlsym(nil, "stdout") else { return nil }
    return symbol.assumingMemoryBound(to: UnsafeMutablePointer<FILE>?.self).pointee
  #else
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: -2), "__stdoutp") else { return nil }
    return symbol.assumingMemoryBound(to: UnsafeMutablePointer<FILE>?.self).pointee
  #endif
}
