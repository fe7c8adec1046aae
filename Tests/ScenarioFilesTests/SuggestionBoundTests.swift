import TestSupport
import Testing

@testable import ScenarioFiles

@Suite("Bounded did-you-mean")
struct SuggestionBoundTests {
  @Test("suggestions still find close names")
  func stillSuggests() {
    #expect(Suggestion.didYouMean("Nort", among: ["South", "North", "East"]) == "did you mean \"North\"?")
    #expect(Suggestion.didYouMean("smbb", among: ["smb", "key"]) == "did you mean \"smb\"?")
    #expect(Suggestion.didYouMean("zzzzzz", among: ["North"]) == nil)
    #expect(Suggestion.editDistance("kitten", "sitting") == 3)
  }

  @Test("10,000 unknown names among 10,000 known ones: the work stops at the file's budget")
  func manyUnknownNames() {
    let known = (0..<10_000).map { "Region\($0)" }
    let (hints, budget) = Suggestion.withBudget {
      (0..<10_000).map { Suggestion.didYouMean("Zone\($0)x", among: known) }
    }
    #expect(hints.count == 10_000)
    #expect(budget.searches <= Suggestion.suggestionsPerFile)
    #expect(budget.candidates <= Suggestion.candidatesPerFile)
    // At most one candidate's rows past the cell budget.
    #expect(budget.cells <= Suggestion.cellsPerFile + Suggestion.maximumLength * Suggestion.maximumLength)
    #expect(hints.last == Suggestion.exhaustedHint)
  }

  @Test("a 100,000-character name costs no edit distance; candidates of far lengths are skipped")
  func longNames() {
    let long = String(repeating: "A", count: 100_000)
    let (hint, budget) = Suggestion.withBudget { Suggestion.didYouMean(long + "B", among: [long, "North"]) }
    #expect(hint == nil)
    #expect(budget.cells == 0)
    let (_, skipped) = Suggestion.withBudget { Suggestion.didYouMean("North", among: [String(repeating: "x", count: 60)]) }
    #expect(skipped.cells == 0)
  }

  @Test("a file with thousands of unknown names gives every diagnostic, each short")
  func fileWithManyUnknownNames() throws {
    let base = try String(contentsOfFile: repositoryRoot.appendingPathComponent("scenarios/bench/r1.yaml").path, encoding: .utf8)
    let regions = (0..<3_000).map { "Region\($0)" }.joined(separator: ", ")
    let segments = (0..<3_000).map {
      "  - {name: S\($0), tier: smb, region: Zone\($0)x, accounts: 1, opportunities_per_account_year: 1, deal_size: {lognormal: {median: 50000, sigma: 0.8}}}"
    }
    let yaml = base.replacingOccurrences(of: "regions: [R01, ", with: "regions: [\(regions), R01, ")
      .replacingOccurrences(of: "segments:\n", with: "segments:\n" + segments.joined(separator: "\n") + "\n")
    do {
      _ = try ScenarioLoader().load(yaml: yaml, file: "many.yaml")
      Issue.record("loaded")
    } catch .invalid(let error) {
      let unknown = error.diagnostics.filter { $0.path.hasSuffix(".region") }
      #expect(unknown.count == 3_000)
      #expect(error.diagnostics.allSatisfy { $0.description.count < 700 })
    } catch {
      Issue.record("\(error)")
    }
  }
}
