/// Paths taken apart as text, without `NSString` (whose `deletingLastPathComponent` traps on a
/// one-character path such as `x` or `./` in swift-corelibs-foundation).
public enum PathText {
  /// The folder part of `path`, as `NSString.deletingLastPathComponent` gives it: repeated slashes
  /// read as one, trailing slashes ignored, `""` for a bare name, `/` for an entry of the root.
  public static func directory(of path: String) -> String {
    var collapsed = ""
    for character in path where !(character == "/" && collapsed.hasSuffix("/")) { collapsed.append(character) }
    var rest = Substring(collapsed)
    while rest.count > 1, rest.hasSuffix("/") { rest = rest.dropLast() }
    guard let slash = rest.lastIndex(of: "/") else { return "" }
    var parent = rest[..<slash]
    while parent.count > 1, parent.hasSuffix("/") { parent = parent.dropLast() }
    return parent.isEmpty ? "/" : String(parent)
  }
}

extension PathText {
  /// The last component of `path` (trailing slashes ignored), as `NSString.lastPathComponent` gives it.
  public static func lastComponent(of path: String) -> String {
    path.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init) ?? (path.hasPrefix("/") ? "/" : "")
  }
}
