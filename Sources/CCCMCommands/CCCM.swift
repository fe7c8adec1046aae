import ArgumentParser

/// The `cccm` command.
public struct CCCM: ParsableCommand {
  public static let version = "0.1.0"
  public static let configuration = CommandConfiguration(
    commandName: "cccm",
    abstract: "Monte Carlo what-if simulation of how a company covers its customers.",
    version: version,
    subcommands: [])
  public init() {}
}
