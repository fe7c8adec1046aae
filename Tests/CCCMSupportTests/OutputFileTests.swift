import Foundation
import Testing

@testable import CCCMSupport

@Suite("Output files")
struct OutputFileTests {
  @Test("a rewritten file keeps its owner and group; when both cannot be set, the group alone is")
  func ownerFallback() {
    var calls: [(uid_t, gid_t)] = []
    FileOutput.keepOwner(3, uid: geteuid() &+ 1, gid: getegid() &+ 1) { _, uid, gid in
      calls.append((uid, gid))
      return -1
    }
    #expect(calls.count == 2)
    #expect(calls.first.map { $0 == (geteuid() &+ 1, getegid() &+ 1) } == true)
    #expect(calls.last.map { $0 == (uid_t.max, getegid() &+ 1) } == true)
    calls = []
    FileOutput.keepOwner(3, uid: geteuid(), gid: getegid()) { _, uid, gid in
      calls.append((uid, gid))
      return 0
    }
    #expect(calls.isEmpty)
  }

  @Test("chart names, last components and resolved paths are taken apart as text")
  func resolvedPaths() throws {
    #expect(PathText.lastComponent(of: "a/b.svg") == "b.svg")
    #expect(PathText.lastComponent(of: "x") == "x")
    #expect(PathText.lastComponent(of: "dir/") == "dir")
    #expect(CommandFiles.resolvedPath("/tmp/./no-such-dir/../x") == CommandFiles.resolvedPath("/tmp/x"))
  }
}
