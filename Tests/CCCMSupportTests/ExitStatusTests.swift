import CCCMSupport
import Testing

/// (Swift Testing has an `ExitStatus` of its own.)
private typealias ExitStatus = CCCMSupport.ExitStatus

/// The exit statuses are the README's table: scripts depend on these numbers.
@Suite struct ExitStatusTests {
  @Test func everyStatusHasTheNumberTheReadmeGives() {
    let table: [ExitStatus: Int32] = [
      .success: 0, .invalidScenario: 1, .fileError: 2, .staleNotebook: 3, .notebookCommandFailed: 4, .malformedNotebook: 5,
      .shardsDoNotMerge: 6, .anotherWave: 7, .invalidMapping: 8, .invalidExport: 9, .badUsage: 64,
    ]
    #expect(ExitStatus.allCases.count == table.count)
    for status in ExitStatus.allCases { #expect(status.rawValue == table[status], "\(status)") }
  }

  @Test func theWorseOfTwoStatusesIsTheHigher() {
    #expect(max(ExitStatus.success, .staleNotebook) == .staleNotebook)
    #expect(max(ExitStatus.notebookCommandFailed, .staleNotebook) == .notebookCommandFailed)
    #expect(ExitStatus.invalidScenario < .fileError)
  }
}
