import Foundation
import TestSupport
import Testing

@Suite("Hostile command lines", .serialized)
struct HostileCommandLineTests {
  @Test("an unknown or unsafe --generator exits 64 with a did-you-mean and the accepted names; ran1 runs")
  func generators() throws {
    let misspelt = try runCCCM(["run", "scenarios/bench/r1.yaml", "-r", "2", "--generator", "mt1993"])
    #expect(misspelt.status == 64)
    #expect(misspelt.err.contains("did you mean \"mt19937\"?"))
    #expect(misspelt.err.contains("accepted: philox, "))
    let unsafe = try runCCCM(["run", "scenarios/bench/r1.yaml", "-r", "2", "--generator", "randu"])
    #expect(unsafe.status == 64)
    #expect(unsafe.err.contains("cannot be used safely"))
    #expect(try runCCCM(["bench", "--generator", "nosuch", "-r", "2", "--runs", "1"]).status == 64)
    for name in ["ran1", "ran2", "zuf"] {
      let result = try runCCCM(["run", "scenarios/bench/r1.yaml", "-r", "2", "--generator", name, "--quiet", "--format", "csv"])
      #expect(result.status == 0, "\(name): \(result.err)")
    }
  }
}
