import Dispatch
import Foundation
@testable import Serve
import TestSupport

#if canImport(Glibc)
  import Glibc
#endif

/// A reply as a loopback client reads it.
struct Reply: Sendable {
  var status: Int
  /// Header names in lower case.
  var headers: [String: String]
  var body: Data
  var text: String { String(decoding: body, as: UTF8.self) }
}

/// A minimal HTTP/1.1 client over a loopback socket: the request line goes out exactly as given
/// (so `..` and `%2e%2e` reach the server unnormalised), one request per connection.
enum Loopback {
  static func send(port: Int, _ method: String, _ target: String, headers: [(String, String)] = [], body: String? = nil) async throws -> Reply {
    try await withCheckedThrowingContinuation { continuation in
      // A thread of its own: Dispatch's global queue is as wide as the cores, and a blocked
      // read there would wait behind other blocked work.
      Thread { continuation.resume(with: Result { try sendBlocking(port: port, method, target, headers: headers, body: body) }) }.start()
    }
  }

  struct Failure: Error, CustomStringConvertible { var description: String }

  static func sendBlocking(port: Int, _ method: String, _ target: String, headers: [(String, String)], body: String?) throws -> Reply {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw Failure(description: "socket") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { throw Failure(description: "connect to 127.0.0.1:\(port)") }
    var request = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
    for (name, value) in headers { request += "\(name): \(value)\r\n" }
    let payload = Array((body ?? "").utf8)
    if body != nil, !headers.contains(where: { $0.0.lowercased() == "content-type" }) { request += "Content-Type: application/x-www-form-urlencoded\r\n" }
    request += "Content-Length: \(payload.count)\r\n\r\n"
    let bytes = Array(request.utf8) + payload
    var sent = 0
    while sent < bytes.count {
      let n = bytes[sent...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
      guard n > 0 else { throw Failure(description: "write") }
      sent += n
    }
    var received = Data()
    var buffer = [UInt8](repeating: 0, count: 65536)
    // Until the server closes, or the body its Content-Length announces has arrived (a server
    // may keep the connection open despite `Connection: close`).
    while true {
      let n = read(fd, &buffer, buffer.count)
      if n <= 0 { break }
      received.append(contentsOf: buffer[0..<n])
      if let end = received.range(of: Data("\r\n\r\n".utf8)) {
        let head = String(decoding: received[..<end.lowerBound], as: UTF8.self).lowercased()
        if let line = head.components(separatedBy: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
          let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)),
          received.count - end.upperBound >= length
        {
          break
        }
      }
    }
    return try parse(received)
  }

  static func parse(_ data: Data) throws -> Reply {
    guard let end = data.range(of: Data("\r\n\r\n".utf8)) else { throw Failure(description: "no header end in \(data.count) bytes") }
    let head = String(decoding: data[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
    let statusParts = head[0].split(separator: " ")
    guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw Failure(description: "status line \(head[0])") }
    var headers: [String: String] = [:]
    for line in head.dropFirst() {
      guard let colon = line.firstIndex(of: ":") else { continue }
      headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    var body = Data(data[end.upperBound...])
    if headers["transfer-encoding"]?.lowercased() == "chunked" {
      var out = Data()
      var rest = body
      while let lineEnd = rest.range(of: Data("\r\n".utf8)) {
        let size = Int(String(decoding: rest[..<lineEnd.lowerBound], as: UTF8.self), radix: 16) ?? 0
        if size == 0 { break }
        let start = lineEnd.upperBound
        out.append(rest[start..<(start + size)])
        rest = Data(rest[(start + size + 2)...])
      }
      body = out
    }
    return Reply(status: status, headers: headers, body: body)
  }
}

/// A server started for one test on a free loopback port, over a scratch folder.
struct TestServer {
  let running: RunningServer
  let folder: URL
  var port: Int { running.port }
  var token: String { running.site.options.token }
  var origin: String { "http://127.0.0.1:\(port)" }

  /// A server over a fresh folder holding R1 (`r1.yaml`), a variant with fewer experts
  /// (`r1-fewer-experts.yaml`) and whatever `extra` adds.
  static func start(_ name: String, extra: (URL) throws -> Void = { _ in }) async throws -> TestServer {
    let folder = try scratchFolder("serve-\(name)")
    let r1 = try String(contentsOf: repositoryRoot.appendingPathComponent("scenarios/bench/r1.yaml"), encoding: .utf8)
    try r1.write(to: folder.appendingPathComponent("r1.yaml"), atomically: true, encoding: .utf8)
    try "extends: r1.yaml\nname: r1-fewer-experts\nchanges:\n  - resize: {pool: P, experts: 12}\n".write(
      to: folder.appendingPathComponent("r1-fewer-experts.yaml"), atomically: true, encoding: .utf8)
    try extra(folder)
    guard let served = ServeFolder(folder.path) else { throw Loopback.Failure(description: "no folder") }
    let running = try await Server.start(ServeOptions(folder: served, port: 0, token: Server.newToken(), version: "test", threads: 1))
    return TestServer(running: running, folder: folder)
  }

  func get(_ target: String, token: Bool = true) async throws -> Reply {
    let separator = target.contains("?") ? "&" : "?"
    return try await Loopback.send(port: port, "GET", token ? target + separator + "token=" + self.token : target)
  }

  func post(_ target: String, form: String, origin: String? = nil) async throws -> Reply {
    let separator = target.contains("?") ? "&" : "?"
    return try await Loopback.send(port: port, "POST", target + separator + "token=" + token, headers: [("Origin", origin ?? self.origin)], body: form)
  }

  /// The job a redirect after a POST names.
  static func job(_ reply: Reply) -> Int? {
    guard reply.status == 303, let location = reply.headers["location"], let path = location.split(separator: "?").first else { return nil }
    return Int(path.split(separator: "/").last ?? "")
  }

  /// Waits (at most `seconds`) until job `id` has left the running state; its final state.
  func finish(_ id: Int, seconds: Double = 300) async throws -> String {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      let state = try await get("/api/jobs/\(id)").text
      if !state.contains("\"running\"") { return state }
      try await Task.sleep(nanoseconds: 50_000_000)
    }
    return "timeout"
  }

  func stop() async { await running.stop() }
}
