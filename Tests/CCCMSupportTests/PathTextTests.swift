import CCCMSupport
import Foundation
import Testing

@Suite("Paths taken apart as text")
struct PathTextTests {
  @Test("the folder of a path, as NSString gives it for paths it does not trap on, and for one-character paths")
  func directory() {
    let cases: [(String, String)] = [
      ("x", ""), ("./", ""), ("/", "/"), ("-", ""), ("a/b", "a"), ("/a", "/"), ("/a/b/", "/a"), ("a//b", "a"), ("//a", "/"), ("a/b//", "a"), ("//x//y", "/x"),
      ("../x", ".."), ("é/ж", "é"), ("", ""),
    ]
    for (path, expected) in cases { #expect(PathText.directory(of: path) == expected, "\(path)") }
    for path in ["a/b", "/a", "/a/b/", "a//b", "../x", "/usr/lib/x.so", "a/b//", "//x//y"] {
      #expect(PathText.directory(of: path) == (path as NSString).deletingLastPathComponent, "\(path)")
    }
  }
}
