import CoverageModel
import Foundation
import TestSupport
import Testing

@testable import ScenarioFiles

let testDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
let invalidDirectory = testDirectory.appendingPathComponent("Invalid")

/// Every `Invalid/NAME.yaml` but the second file of the extends cycle, with its `NAME.expected`.
let invalidCases: [String] = {
  let names = (try? FileManager.default.contentsOfDirectory(atPath: invalidDirectory.path)) ?? []
  return names.filter { $0.hasSuffix(".yaml") && $0 != "cycle-b.yaml" }.map { String($0.dropLast(5)) }.sorted()
}()

@Suite("Invalid scenario files")
struct InvalidScenarioTests {
  @Test("there are at least 30 distinct invalid files")
  func enoughCases() { #expect(invalidCases.count >= 30) }

  @Test("each invalid file gives exactly its expected messages, with file, line, column and key path", arguments: invalidCases)
  func diagnostics(name: String) throws {
    let path = invalidDirectory.appendingPathComponent("\(name).yaml").path
    let expected = try String(contentsOfFile: invalidDirectory.appendingPathComponent("\(name).expected").path, encoding: .utf8)
    do {
      _ = try ScenarioLoader().load(path: path)
      Issue.record("\(name).yaml loaded without errors")
    } catch .invalid(let error) {
      let actual = error.diagnostics.map(\.description).joined(separator: "\n").replacingOccurrences(of: invalidDirectory.path + "/", with: "")
      #expect(actual == expected.trimmingCharacters(in: .newlines))
    } catch {
      Issue.record("\(name).yaml: expected validation errors, got \(error)")
    }
  }

  @Test("the unmutated base of the invalid files is valid")
  func baseIsValid() throws {
    let scenario = try ScenarioLoader().load(path: testDirectory.appendingPathComponent("valid.yaml").path)
    #expect(scenario.teams.count == 3)
  }

  @Test("an unreadable file is not an invalid scenario")
  func unreadable() {
    #expect(throws: ScenarioLoadError.self) { try ScenarioLoader().load(path: "/nonexistent/scenario.yaml") }
    do {
      _ = try ScenarioLoader().load(path: "/nonexistent/scenario.yaml")
    } catch .unreadable(let path, _) {
      #expect(path == "/nonexistent/scenario.yaml")
    } catch {
      Issue.record("expected .unreadable, got \(error)")
    }
  }

  @Test("suggestions: close names are offered, distant ones are not")
  func suggestions() {
    #expect(Suggestion.didYouMean("Nort", among: ["North", "South"]) == "did you mean \"North\"?")
    #expect(Suggestion.didYouMean("Manufacturing", among: ["North", "South"]) == nil)
  }
}
