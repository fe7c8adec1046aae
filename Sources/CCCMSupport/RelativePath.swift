import Foundation

/// Paths written inside a file (a scenario's `extends:` and `pipeline:`, a mapping's joined tables,
/// a notebook's charts, a symbolic link's target) are relative to that file's folder.
public enum RelativePath {
  /// `path` as written in a file in `folder`: an absolute path as it is, a relative one joined to
  /// the folder (left as it is when the folder is empty: the current one).
  public static func resolve(_ path: String, in folder: String) -> String {
    path.hasPrefix("/") || folder.isEmpty ? path : (folder as NSString).appendingPathComponent(path)
  }
}
