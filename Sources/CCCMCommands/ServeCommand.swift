import ArgumentParser
import CCCMSupport
import Dispatch
import Foundation
import Serve

/// `cccm serve`: parses the options and runs the decision page's server until interrupted.
struct ServeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Serve a folder's scenarios as a local decision page (127.0.0.1 only, a URL with a random token): validation, diffs, comparisons, sliders, downloads.")

  @Argument(help: "The folder of scenario files (default: the current one).") var folder: String = "."
  @Option(name: .long, help: "The port on 127.0.0.1 (default 0: any free port; the URL printed says which).", transform: { try wholeNumber($0, option: "--port", range: "0 to 65535") })
  var port: Int = 0
  @Option(name: .long, parsing: .unconditional, help: "Worker threads of each simulation; 0 uses every core.", transform: BoundedOption.threads.parse)
  var threads: Int = 0

  func validate() throws {
    guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535, got \(port)") }
  }

  func run() throws {
    guard let served = ServeFolder(folder) else {
      printError("\(Excerpt.sanitized(folder, limit: Excerpt.pathLimit)): error: not a folder")
      throw ExitCode(.fileError)
    }
    let options = ServeOptions(folder: served, port: port, token: Server.newToken(), version: CCCM.version, threads: threads)
    // The server's own log (Hummingbird's) shows warnings and errors only, unless LOG_LEVEL says otherwise.
    setenv("LOG_LEVEL", "warning", 0)
    let done = DispatchSemaphore(value: 0)
    let failure = FailureBox()
    Task {
      do {
        try await Server.run(options) { url in
          // Written at once (not buffered): a script that starts the server reads the URL from it.
          let line = "cccm serve: \(served.root) on \(url)\n(127.0.0.1 only; the token in the URL is needed by every request; Ctrl-C stops)\n"
          _ = Array(line.utf8).withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
        }
      } catch {
        failure.message = String(describing: error)
      }
      done.signal()
    }
    done.wait()
    if let message = failure.message {
      printError("error: cccm serve: \(message)")
      throw ExitCode(.fileError)
    }
  }
}

/// The server's error, handed from its task to the command.
private final class FailureBox: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: String?
  var message: String? {
    get { lock.withLock { stored } }
    set { lock.withLock { stored = newValue } }
  }
}
