/// Numbers as cccm writes them into scenario files, labels and messages: a whole number without a
/// fraction, any other in Swift's shortest form that reads back to the same value.
public enum NumberText {
  /// `value` as a whole number (`12`, not `12.0`) when it is one and below `limit` in size; nil otherwise.
  public static func whole(_ value: Double, below limit: Double = 1e15) -> String? {
    value == value.rounded() && abs(value) < limit ? String(Int(value)) : nil
  }

  /// `value` as a whole number when it is one (below 10^15), else in its shortest round-trip form
  /// (`0.1`, `1e+20`, `nan`).
  public static func shortest(_ value: Double) -> String { whole(value) ?? String(value) }
}
