import ArgumentParser
import Foundation
import TestSupport
import Testing

@testable import CCCMCommands

@Suite("Numeric options", .serialized)
struct OptionCheckTests {
  @Test("negative and out-of-range numbers are refused with the valid range (exit 64), not \"Missing value\"")
  func negativeNumbers() throws {
    let cases: [([String], String)] = [
      (["--seed", "-5"], "0 to 2^64-1"),
      (["--seed", "18446744073709551616"], "0 to 2^64-1"),
      (["-r", "-5"], "at least 2"),
      (["--replications", "1e3"], "2 to 1000000"),
      (["--threads", "-2"], "0 (every core) or more"),
    ]
    for (options, range) in cases {
      let result = try runCCCM(["run", "scenarios/bench/r1.yaml", "-q"] + options)
      #expect(result.status == 64, "\(options)")
      #expect(result.err.contains(range), "\(options): \(result.err)")
      #expect(!result.err.contains("Missing value"), "\(options)")
    }
    let bench = try runCCCM(["bench", "--runs", "-1"])
    #expect(bench.status == 64 && bench.err.contains("--runs must be at least 1"), "\(bench.err)")
    #expect(try runCCCM(["run", "scenarios/bench/r1.yaml", "-q", "-r", "2", "--format", "csv", "--seed", "18446744073709551615"]).status == 0)
  }

  @Test("--precision takes a share strictly between 0% and 100%")
  func precision() throws {
    #expect(try checkPrecision("1%") == 0.01)
    #expect(try checkPrecision("0.05") == 0.05)
    for bad in ["inf%", "150%", "100%", "0%", "-1%", "nan", "1", "0", "abc", "nan%", "1e309%"] {
      #expect(throws: ValidationError.self, "\(bad)") { try checkPrecision(bad) }
    }
  }

  @Test("--max-replications below the starting replications is refused")
  func maxReplications() throws {
    #expect(throws: ValidationError.self) { try checkMaxReplications(5, starting: 20) }
    try checkMaxReplications(20, starting: 20)
  }

  @Test("parseSeed reads the whole UInt64 range")
  func seeds() throws {
    #expect(try parseSeed("0") == 0)
    #expect(try parseSeed("18446744073709551615") == .max)
    #expect(throws: ValidationError.self) { try parseSeed("-1") }
    #expect(throws: ValidationError.self) { try parseSeed("1e3") }
  }
}
