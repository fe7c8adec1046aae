import CCCMSupport
import CoverageModel
import Experiments
import Foundation
import Hummingbird
import ScenarioFiles

/// What `cccm serve` serves and how.
public struct ServeOptions: Sendable {
  public var folder: ServeFolder
  /// The port to listen on (0: any free one).
  public var port: Int
  /// The token every request must carry (`Server.newToken()` for a random one).
  public var token: String
  /// cccm's version, for the reports' "what was run".
  public var version: String
  /// Worker threads of each simulation (0: every core).
  public var threads: Int

  public init(folder: ServeFolder, port: Int, token: String, version: String, threads: Int = 0) {
    (self.folder, self.port, self.token, self.version, self.threads) = (folder, port, token, version, threads)
  }
}

/// The folder's latest scan, made again only when the files' signature changed.
actor FolderState {
  let folder: ServeFolder
  private var latest: FolderScan?

  init(folder: ServeFolder) { self.folder = folder }

  func current() -> FolderScan {
    let signature = folder.signature(of: folder.yamlFiles())
    if let latest, latest.signature == signature { return latest }
    let scan = folder.scan()
    latest = scan
    return scan
  }

  /// Whether the files changed since the scan whose signature is `since`.
  func changed(since: String) -> Bool { folder.signature(of: folder.yamlFiles()) != since }
}

/// The port the server listens on once it runs (for the Origin check).
final class BoundPort: @unchecked Sendable {
  private let lock = NSLock()
  private var port: Int?
  init(_ port: Int?) { self.port = port }
  var value: Int? {
    get { lock.withLock { port } }
    set { lock.withLock { port = newValue } }
  }
}

/// Everything a request may use: the folder, the jobs, the links with the token.
public final class Site: Sendable {
  let options: ServeOptions
  let state: FolderState
  let jobs: JobStore
  let links: Links
  let bound: BoundPort

  public init(_ options: ServeOptions) {
    self.options = options
    state = FolderState(folder: options.folder)
    jobs = JobStore()
    links = Links(token: options.token)
    bound = BoundPort(options.port == 0 ? nil : options.port)
  }

  /// The origins a state-changing request may come from: this server's own pages.
  var allowedOrigins: [String] {
    guard let port = bound.value else { return [] }
    return ["http://127.0.0.1:\(port)", "http://localhost:\(port)"]
  }
}

/// Refuses every request without the token (403), and state-changing requests whose Origin is
/// not this server's own (403); adds the headers that keep the token out of other sites' reach.
struct Guard<Context: RequestContext>: RouterMiddleware {
  let site: Site

  func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
    guard let given = request.uri.queryParameters.get("token") ?? request.headers[.init("X-CCCM-Token")!], Self.same(given, site.options.token) else {
      return Server.text("refused: this page needs the token printed by `cccm serve`\n", status: .forbidden)
    }
    if request.method != .get && request.method != .head {
      guard let origin = request.headers[.origin], site.allowedOrigins.contains(origin) else {
        return Server.text("refused: a request that changes state must come from this server's own pages (Origin)\n", status: .forbidden)
      }
    }
    var response = try await next(request, context)
    response.headers[.contentSecurityPolicy] =
      "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    // same-origin, not no-referrer: the token stays off other sites, and the browser still sends
    // the page's Origin with its form posts (under no-referrer it sends "Origin: null").
    response.headers[.init("Referrer-Policy")!] = "same-origin"
    response.headers[.cacheControl] = "no-store"
    response.headers[.init("X-Content-Type-Options")!] = "nosniff"
    return response
  }

  /// Compares in time independent of where the texts differ.
  static func same(_ a: String, _ b: String) -> Bool {
    let (x, y) = (Array(a.utf8), Array(b.utf8))
    guard x.count == y.count else { return false }
    var difference: UInt8 = 0
    for i in x.indices { difference |= x[i] ^ y[i] }
    return difference == 0
  }
}

/// `cccm serve`: a local web server over a folder of scenarios.
public enum Server {
  /// A random token: 128 bits from the system's generator, in hexadecimal.
  public static func newToken() -> String {
    var generator = SystemRandomNumberGenerator()
    return (0..<2).map { _ in String(format: "%016llx", generator.next() as UInt64) }.joined()
  }

  /// Serves `options.folder` on 127.0.0.1 until interrupted; `announce` gets the page's URL once
  /// the server listens.
  public static func run(_ options: ServeOptions, announce: @escaping @Sendable (String) -> Void) async throws {
    let site = Site(options)
    let app = application(site) { port in announce("http://127.0.0.1:\(port)/?token=\(options.token)") }
    try await app.runService()
  }

  /// The application: the routes behind the guard, bound to 127.0.0.1 only (the pages run
  /// simulations and read the folder: nothing another machine should reach).
  public static func application(_ site: Site, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
    let router = Router()
    router.add(middleware: Guard(site: site))
    Routes(site: site).register(on: router)
    return Application(
      router: router, configuration: .init(address: .hostname("127.0.0.1", port: site.options.port), serverName: nil),
      onServerRunning: { channel in
        let port = channel.localAddress?.port ?? site.options.port
        site.bound.value = port
        await onRunning(port)
      })
  }

  static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
    Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
  }

  static func text(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
    Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
  }

  static func json(_ text: String) -> Response {
    Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
  }

  static func redirect(_ location: String) -> Response {
    Response(status: .seeOther, headers: [.location: location])
  }
}

/// A form's fields (application/x-www-form-urlencoded), in order; a name may repeat.
struct Form {
  var fields: [(String, String)]

  init(_ body: String) {
    fields = body.split(separator: "&").map { pair in
      let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      func decode(_ text: Substring) -> String { text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
      return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
    }
  }

  subscript(_ name: String) -> String? { fields.first { $0.0 == name }?.1 }
  func all(_ name: String) -> [String] { fields.filter { $0.0 == name }.map(\.1) }
}

/// A server started by `Server.start`: its port and site, stopped by `stop()`.
public final class RunningServer: Sendable {
  public let port: Int
  public let site: Site
  let task: Task<Void, Never>

  init(port: Int, site: Site, task: Task<Void, Never>) {
    (self.port, self.site, self.task) = (port, site, task)
  }

  /// Stops the server (its task is cancelled) and waits until it has.
  public func stop() async {
    task.cancel()
    await task.value
  }
}

/// Why the server did not start.
public struct ServeError: Error, CustomStringConvertible {
  public var description: String
}

extension Server {
  /// Starts a server in a task of its own (no signal handlers: the caller stops it); returns once
  /// it listens.
  public static func start(_ options: ServeOptions) async throws -> RunningServer {
    let site = Site(options)
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    let app = application(site) { port in
      continuation.yield(port)
      continuation.finish()
    }
    let failure = BoundPort(nil)
    let task = Task {
      do {
        try await app.runService(gracefulShutdownSignals: [])
      } catch {
        failure.value = -1
      }
      continuation.finish()
    }
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next() else { throw ServeError(description: "the server did not start (is the port in use?)") }
    return RunningServer(port: port, site: site, task: task)
  }
}
