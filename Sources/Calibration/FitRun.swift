import CCCMSupport
import CoverageModel
import ScenarioFiles

/// A scenario fitted from an export up to a cut-off: the fit, the YAML `cccm fit -o` writes, the
/// scenario that YAML loads as, and the deals open at the cut-off. `cccm fit` writes it; a back-test
/// simulates from it.
public struct FittedScenario: Sendable {
  public var fit: FitResult
  public var yaml: String
  public var scenario: Scenario
  public var pipeline: OpenPipeline

  /// Fits `export` up to `until` (arrivals counted from `since`) and loads the scenario written from
  /// the fit, named `file` in its messages. A fitted scenario that does not validate comes from the
  /// export's values (`CalibrationError.fittedScenario`).
  public static func fit(
    _ export: Export, mapping: Mapping, mappingFile: String, until: Day, since: Day?, file: String = "fitted scenario"
  ) throws(CalibrationError) -> FittedScenario {
    let fit = try Calibrator.fit(export, mapping: mapping, until: until, since: since)
    let open = OpenPipeline(export, fit: fit, mapping: mapping)
    let yaml = ScenarioWriting.yaml(fit, mapping: mappingFile)
    do {
      let scenario = try ScenarioLoader().load(yaml: yaml, file: file)
      return FittedScenario(fit: fit, yaml: yaml, scenario: scenario, pipeline: open)
    } catch {
      throw .fittedScenario(
        "error: the scenario fitted from \(Excerpt.sanitized(export.file, limit: Excerpt.pathLimit)) does not validate: check the export's values behind the key named below (if they look right, it is a bug in cccm fit; please report it):\n\(error.description)"
      )
    }
  }
}

/// What `cccm fit` makes: the fitted scenario, the YAML it is written as and, with `resamples` above
/// 0, the parameter sets fitted on bootstrap resamples of the export, written beside the scenario
/// in a file the scenario's YAML names.
public struct FitRun: Sendable {
  /// A file of parameter sets: where it goes and what it holds.
  public struct SetsFile: Sendable {
    public var path: String
    public var yaml: String
  }

  public var fitted: FittedScenario
  /// The fitted scenario's YAML as written (naming the sets file when there is one).
  public var yaml: String
  public var sets: SetsFile?

  /// Fits `export` up to `until` as `cccm fit` does; `output` is where the scenario will be written
  /// (nil: nowhere), which places the parameter sets file beside it.
  public static func run(
    _ export: Export, mapping: Mapping, mappingFile: String, until: Day, since: Day?, output: String?, resamples: Int
  ) throws(CalibrationError) -> FitRun {
    var fitted = try FittedScenario.fit(export, mapping: mapping, mappingFile: mappingFile, until: until, since: since, file: output ?? "fitted scenario")
    guard resamples > 0, let output else { return FitRun(fitted: fitted, yaml: fitted.yaml, sets: nil) }
    let path = ScenarioWriting.parameterSetsPath(output)
    fitted.scenario.parameterSets = try FitResamples.sets(
      export, mapping: mapping, mappingFile: mappingFile, until: until, since: since, base: fitted.scenario, count: resamples, seed: mapping.seed)
    fitted.scenario.parameterSetsFile = path
    let sets = SetsFile(path: path, yaml: ScenarioWriting.parameterSetsYAML(fitted.fit, sets: fitted.scenario.parameterSets, mapping: mappingFile))
    let yaml = fitted.yaml + ScenarioWriting.parameterSetsLine(file: path, count: resamples, seed: mapping.seed)
    return FitRun(fitted: fitted, yaml: yaml, sets: sets)
  }
}
