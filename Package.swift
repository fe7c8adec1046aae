// swift-tools-version:6.1
import PackageDescription

/// The engine and the statistics are compiled with optimisation in debug builds too, so `swift test`
/// (whose statistical tests and notebook check run many thousands of replications) takes minutes,
/// not quarter-hours; `-assert-config Debug` keeps `assert` (the engine's index checks) on, as at
/// -Onone. The later `-O` overrides SwiftPM's `-Onone`; `-enable-testing` still applies.
let optimisedInDebug: [SwiftSetting] = [.unsafeFlags(["-O", "-assert-config", "Debug"], .when(configuration: .debug))]

let package = Package(
  name: "cccm",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "cccm", targets: ["cccm"]),
    .library(name: "CCCMCommands", targets: ["CCCMCommands"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    // `cccm serve` only: the local HTTP server. No traits: swift-configuration is not needed.
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
    // Tests only: golden files of the report layouts.
    .package(url: "https://github.com/pointfreeco/swift-snapshot-testing", from: "1.17.0"),
  ],
  targets: [
    // MARK: - Public API

    /// The `cccm` command: argument parsing only, over `CCCMCommands`.
    .executableTarget(name: "cccm", dependencies: ["CCCMCommands"]),

    /// Subcommands, file I/O and printing, as a library so tests can drive them.
    .target(
      name: "CCCMCommands",
      dependencies: [
        "CCCMSupport", "CoverageModel", "Randomness", "ScenarioFiles", "Simulation", "Estimation", "Experiments", "Reports", "Calibration",
        "Workbook", "Serve",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),

    // MARK: - Implementation details
    // Layers, each depending only on those above it:
    //   CCCMSupport (Foundation only: safe text, CSV, input and output files, exit statuses)
    //   CoverageModel (the model's value types)
    //   Randomness (GSL: generators, streams, distributions)
    //   ScenarioFiles (YAML) · Simulation (the engine) · Estimation (statistics)
    //   Experiments (studies on common random numbers) · Calibration (fitting from a CRM export)
    //   Charts (SVG, no dependencies) <- Reports (tables and charts of every result)
    //   Workbook (a report as an Excel workbook, through libxlsxwriter)
    //   Serve (`cccm serve`: the decision page over HTTP, through Hummingbird)
    //   CCCMCommands (subcommands) <- cccm (the executable)

    /// What every layer needs, each defined once: safe text, CSV reading and writing, reading input
    /// files and writing output files, and every exit status. Depends on nothing but Foundation.
    .target(name: "CCCMSupport"),
    /// Plain value types of the coverage model: segments, motions, teams, pools, distributions.
    .target(name: "CoverageModel", swiftSettings: optimisedInDebug),
    /// GSL behind a Swift face: generators, keyed streams, distribution sampling, CDFs and quantiles.
    .target(name: "Randomness", dependencies: ["CoverageModel", "CGSL"], swiftSettings: optimisedInDebug),
    /// Scenario files: YAML decoding with locations, validation, variants and changes, show and diff.
    .target(name: "ScenarioFiles", dependencies: ["CCCMSupport", "CoverageModel", "Randomness", "Yams"]),
    /// The discrete-event Monte Carlo engine and its parallel replication runner.
    .target(name: "Simulation", dependencies: ["CoverageModel", "Randomness", "Estimation"], swiftSettings: optimisedInDebug),
    /// Summaries, confidence intervals, paired comparisons and queueing theory (Erlang B and C).
    .target(name: "Estimation", dependencies: ["Randomness"], swiftSettings: optimisedInDebug),
    /// Experiments: runs of scenarios on common random numbers, sequential precision, results files.
    .target(name: "Experiments", dependencies: ["CCCMSupport", "CoverageModel", "Randomness", "ScenarioFiles", "Simulation", "Estimation"], swiftSettings: optimisedInDebug),
    /// Calibration: a scenario fitted from a CRM export (arrivals, competing-risk outcomes, cycle
    /// times and deal sizes by censored maximum likelihood, teams), with its evidence.
    .target(
      name: "Calibration",
      dependencies: ["CCCMSupport", "CoverageModel", "Randomness", "Estimation", "ScenarioFiles", "Simulation", "Yams"],
      swiftSettings: optimisedInDebug),
    /// Tables in terminal, Markdown, CSV, JSON and HTML form, and the charts of each report.
    .target(name: "Reports", dependencies: ["CCCMSupport", "Estimation", "Simulation", "Experiments", "Calibration", "Charts"]),
    /// A report as an Excel workbook (its tables with numbers as numbers, what was run), written
    /// through libxlsxwriter.
    .target(name: "Workbook", dependencies: ["CCCMSupport", "Reports", "CXLSXWriter"]),
    /// `cccm serve`: a folder's scenarios, comparisons and sweeps as a local web page (127.0.0.1,
    /// a token, no path outside the folder), rendered from the report documents.
    .target(
      name: "Serve",
      dependencies: [
        "CCCMSupport", "CoverageModel", "ScenarioFiles", "Simulation", "Estimation", "Experiments", "Reports", "Charts", "Workbook", "Yams",
        .product(name: "Hummingbird", package: "hummingbird"),
      ]),
    /// A small SVG drawing layer: scales, nice ticks, axes, bars, bands, lines, points, text (no dependencies).
    .target(name: "Charts"),

    /// The GNU Scientific Library, reached only through `Randomness`.
    .systemLibrary(
      name: "CGSL",
      pkgConfig: "gsl",
      providers: [.apt(["libgsl-dev"]), .brew(["gsl"])]),
    /// libxlsxwriter, reached only through `Workbook`.
    .systemLibrary(
      name: "CXLSXWriter",
      pkgConfig: "xlsxwriter",
      providers: [.apt(["libxlsxwriter-dev"]), .brew(["libxlsxwriter"])]),

    // MARK: - Tests

    /// What several test targets share: the repository root, a seeded generator, random scenarios.
    .target(name: "TestSupport", path: "Tests/TestSupport"),

    .testTarget(name: "CCCMSupportTests", dependencies: ["CCCMSupport"]),
    .testTarget(name: "RandomnessTests", dependencies: ["Randomness"]),
    .testTarget(
      name: "ChartsTests", dependencies: ["Charts", "TestSupport", .product(name: "SnapshotTesting", package: "swift-snapshot-testing")],
      exclude: ["__Snapshots__"]),
    .testTarget(name: "ScenarioFilesTests", dependencies: ["CCCMSupport", "ScenarioFiles", "TestSupport"], exclude: ["Invalid", "valid.yaml"]),
    .testTarget(name: "SimulationTests", dependencies: ["Simulation", "Estimation", "ScenarioFiles", "TestSupport"]),
    .testTarget(name: "EstimationTests", dependencies: ["Estimation", "Randomness"]),
    .testTarget(name: "CalibrationTests", dependencies: ["Calibration", "Randomness", "ScenarioFiles", "CoverageModel", "TestSupport"]),
    .testTarget(name: "ExperimentsTests", dependencies: ["Experiments", "Estimation", "Simulation", "ScenarioFiles", "CoverageModel", "TestSupport"]),
    .testTarget(
      name: "ReportsTests",
      dependencies: ["CCCMSupport", "Reports", "Charts", "Estimation", "Experiments", "ScenarioFiles", "Randomness", "Calibration", "TestSupport", .product(name: "SnapshotTesting", package: "swift-snapshot-testing")],
      exclude: ["__Snapshots__"]),
    .testTarget(name: "WorkbookTests", dependencies: ["Workbook", "Reports", "CCCMSupport"]),
    .testTarget(name: "ServeTests", dependencies: ["Serve", "CCCMCommands", "Reports", "TestSupport"]),
    .testTarget(
      name: "CCCMCommandsTests", dependencies: ["CCCMCommands", "CoverageModel", "Experiments", "Reports", "ScenarioFiles", "TestSupport", "Yams"], exclude: ["Fixtures"]),
  ],
  swiftLanguageModes: [.v6]
)
