/// A number of a scenario that is not known exactly, written `{uncertain: DISTRIBUTION}`: the
/// scenario holds its mean (what every command but `cccm uncertainty` runs), and this records the
/// distribution, for sampling parameter sets over the uncertainty.
public struct UncertainValue: Hashable, Sendable {
  /// The key path, as `set` takes it (`segments.SMB-West.opportunities_per_account_year`).
  public var path: String
  public var distribution: Distribution
  /// Where it was written: `file:line:column`.
  public var location: String

  public init(path: String, distribution: Distribution, location: String) {
    self.path = path
    self.distribution = distribution
    self.location = location
  }
}
