import ArgumentParser

/// The `cccm` command.
public struct CCCM: ParsableCommand {
  public static let version = "0.2.0"
  public static let configuration = CommandConfiguration(
    commandName: "cccm",
    abstract: "Monte Carlo what-if simulation of how a company covers its customers.",
    discussion: "Scenario files describe an organisation design; variants extend a baseline with what-if changes. See docs/scenario-format.md.",
    version: version,
    subcommands: [
      Validate.self, Show.self, Diff.self, Run.self, Compare.self, SweepCommand.self, Sensitivity.self, Select.self, Uncertainty.self, Allocate.self,
      Fit.self, ExportOpportunities.self, BacktestCommand.self, TerritoriesCommand.self, Merge.self, Notebook.self, Bench.self, Metrics.self, ServeCommand.self, ThresholdCommand.self,
      Explain.self,
    ])
  public init() {}
}
