import CCCMSupport
import Foundation
import Testing

@testable import ScenarioFiles

private func problems(_ yaml: String) -> String {
  do {
    _ = try ScenarioLoader().load(yaml: yaml, file: "hostile.yaml")
    return ""
  } catch {
    return error.description
  }
}

/// No control character but the newline between diagnostics.
private func hasControlCharacters(_ text: String) -> Bool {
  text.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) }
}

@Suite("Diagnostics quote little, and safely")
struct DiagnosticSafetyTests {
  @Test("a password file is quoted as one short excerpt, not echoed")
  func passwordFile() {
    let lines = (0..<30).map { "user\($0):x:\(1000 + $0):\(1000 + $0):Some Person:/home/user\($0):/bin/bash" }
    let text = problems(lines.joined(separator: "\n") + "\n")
    #expect(text.contains("error:"))
    #expect(!text.contains("user1:"), "\(text)")
    #expect(text.count < 400, "\(text)")
    #expect(text.contains("…\""))
  }

  @Test("a control character is placed by line and column and named, the line is not printed")
  func controlCharacter() {
    let text = problems("name: abc\u{01}def and a long secret tail of the line\nsegments: []\n")
    #expect(text == "hostile.yaml:1:10: error: YAML syntax: control characters are not allowed (U+0001); remove it (YAML allows none, even in quotes)")
    #expect(!text.contains("secret"))
  }

  @Test("names with terminal escapes, newlines and bidi overrides reach messages escaped")
  func escapedNames() {
    let text = problems("name: x\nsegments: []\nmotions: []\nteams: []\n\"\\e[31mred\\u202Eevil\\nline\": 1\n")
    #expect(text.contains("\\u{1B}[31mred\\u{202E}evil\\nline"), "\(text)")
    #expect(!hasControlCharacters(text))
    #expect(!text.unicodeScalars.contains("\u{202E}"))
  }

  @Test("a very long unknown key and a long list of known names are cut")
  func longMessages() {
    let key = String(repeating: "k", count: 1_000)
    let text = problems("name: x\nsegments: []\nmotions: []\nteams: []\n\(key): 1\n")
    #expect(text.count < 1_000)
    #expect(text.contains(String(repeating: "k", count: 40) + "…"))
  }

  @Test("Excerpt escapes control characters and cuts at the limit")
  func excerpt() {
    #expect(Excerpt.sanitized("a\u{1B}b\tc\n\u{7F}\u{85}") == "a\\u{1B}b\\tc\\n\\u{7F}\\u{85}")
    #expect(Excerpt.sanitized(String(repeating: "x", count: 41)) == String(repeating: "x", count: 40) + "…")
    #expect(Excerpt.sanitized(String(repeating: "x", count: 40)) == String(repeating: "x", count: 40))
    #expect(Excerpt.quoted("é\r\n") == "\"é\\r\\n\"")
    #expect(Excerpt.boundedMessage("no team \"\(String(repeating: "n", count: 100))\"; known: a") == "no team \"\(String(repeating: "n", count: 40))…\"; known: a")
    #expect(Excerpt.boundedMessage(String(repeating: "z", count: 1_000)).count == Excerpt.messageLimit + 1)
    #expect(Excerpt.boundedMessage("unmatched \"\(String(repeating: "q", count: 100))") == "unmatched \"\(String(repeating: "q", count: 40))…")
  }

  @Test("devices, directories and missing files are named as such, not \"permission denied\"")
  func inputKinds() {
    for (path, reason) in [("/dev/null", "it is a device"), ("/tmp", "it is a directory"), ("/no/such/file.yaml", "no such file")] {
      do {
        _ = try ScenarioLoader().load(path: path)
        Issue.record("\(path) loaded")
      } catch .unreadable(_, let why) {
        #expect(why.hasPrefix(reason), "\(path): \(why)")
      } catch {
        Issue.record("\(path): \(error)")
      }
    }
  }

  @Test("a FIFO is read as a file")
  func fifo() throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("cccm-fifo-\(UUID().uuidString)").path
    #expect(mkfifo(path, 0o600) == 0)
    defer { unlink(path) }
    let writer = Thread {
      if let handle = FileHandle(forWritingAtPath: path) {
        handle.write(Data("name: [\n".utf8))
        try? handle.close()
      }
    }
    writer.start()
    do {
      _ = try ScenarioLoader().load(path: path)
    } catch .invalid(let error) {
      #expect(error.description.contains("YAML syntax"))
    } catch {
      Issue.record("\(error)")
    }
  }
}
