import CoverageModel
import Foundation
import ScenarioFiles
import TestSupport
import Testing

@Suite("Text written into YAML")
struct YAMLTextTests {
  static let controls: [Unicode.Scalar] = ["\u{0}", "\u{1}", "\n", "\r", "\t", "\u{1B}", "\u{7F}", "\u{85}", "\u{9B}", "\u{2028}", "\u{2029}", "\u{202A}", "\u{202E}", "\u{2066}", "\u{2069}", "\u{FEFF}"]

  static let body = """
    name: n
    segments: [{name: S, tier: smb, accounts: 10, opportunities_per_account_year: 1, deal_size: 1, motion: m}]
    motions: [{name: m, stages: [{name: a, days: 1, advance: 1}]}]
    teams: [{name: T, kind: regional, reps: 1, covers: {segments: S}}]
    """

  /// What Yams gives back for `text`: a leading U+FEFF is read as a byte-order mark and dropped.
  static func read(_ text: String) -> String { text.unicodeScalars.first == "\u{FEFF}" ? String(text.unicodeScalars.dropFirst()) : text }

  @Test("a quoted value holds no control character and loads back as itself, over 500 random strings")
  func quotedRoundTrip() throws {
    var random = SplitMix64(seed: 33)
    let pieces: [String] = ["a", "é", "Ж", "\u{1F600}", "\"", "'", "\\", "\\N", ":", " #", "- ", "{", "}", "[", "]", "&", "*", "!", "|", ">", "%", "@", "=", "null", "1e3", "~"]
      + Self.controls.map { String($0) }
    for _ in 0..<500 {
      var text = ""
      for _ in 0..<random.int(0...6) { text += random.pick(pieces) }
      for encoded in [YAMLText.quoted(text), YAMLText.scalar(text)] {
        #expect(!encoded.unicodeScalars.contains(where: YAMLText.isControl), "\(text.debugDescription)")
        let scenario = try ScenarioLoader().load(yaml: "description: \(encoded)\nhorizon_days: 30\n" + Self.body, file: "s.yaml")
        #expect(scenario.description == YAMLTextTests.read(text) && scenario.horizonDays == 30, "\(text.debugDescription) as \(encoded)")
      }
      #expect(!YAMLText.comment(text).unicodeScalars.contains(where: YAMLText.isControl))
    }
  }

  @Test("show writes a name with a bidirectional override escaped, and it loads back")
  func showEscapesBidi() throws {
    let yaml = """
      name: "\\u202Eevil"
      horizon_days: 30
      segments: [{name: "S\\u2066", tier: smb, accounts: 10, opportunities_per_account_year: 1, deal_size: 1, motion: m}]
      motions: [{name: m, stages: [{name: a, days: 1, advance: 1}]}]
      teams: [{name: T, kind: regional, reps: 1, covers: {segments: "S\\u2066"}}]
      """
    let scenario = try ScenarioLoader().load(yaml: yaml, file: "s.yaml")
    let shown = ScenarioEncoder.yaml(scenario)
    #expect(!shown.unicodeScalars.contains { (0x202A...0x2069).contains($0.value) && YAMLText.isControl($0) })
    let again = try ScenarioLoader().load(yaml: shown, file: "shown.yaml")
    #expect(again.name == "\u{202E}evil" && again.segments[0].name == "S\u{2066}")
  }
}
