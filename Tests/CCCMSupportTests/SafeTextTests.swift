import CCCMSupport
import Testing

/// No control character from a file or a command line reaches a terminal unescaped.
@Suite struct SafeTextTests {
  @Test func printableTextIsUnchanged() {
    #expect(SafeText.escaped("North") == "North")
    #expect(SafeText.escaped("Zürich 東京 👩‍💻") == "Zürich 東京 👩‍💻")
  }

  @Test func controlCharactersAreEscaped() {
    #expect(SafeText.escaped("a\u{1B}[2Jb\nc\td\r\u{7F}\u{9B}") == "a\\u{1B}[2Jb\\nc\\td\\r\\u{7F}\\u{9B}")
    #expect(SafeText.escaped("\u{2028}\u{2029}") == "\\u{2028}\\u{2029}")
  }

  @Test func bidirectionalOverridesAndIsolatesAreEscaped() {
    #expect(SafeText.escaped("abc\u{202E}fdp.exe") == "abc\\u{202E}fdp.exe")
    for value: UInt32 in [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069] {
      #expect(SafeText.isControl(Unicode.Scalar(value)!), "U+\(String(value, radix: 16))")
    }
    #expect(!SafeText.isControl("\u{200F}"))  // a right-to-left mark only marks, it overrides nothing
  }

  @Test func anExcerptIsEscapedAndCut() {
    #expect(Excerpt.sanitized("ab\ncd", limit: 3) == "ab\\n…")
    #expect(Excerpt.quoted("x\u{1B}") == "\"x\\u{1B}\"")
    #expect(Excerpt.sanitized(String(repeating: "a", count: 50)).count == Excerpt.limit + 1)
  }

  @Test func aMessageKeepsItsWordsAndCutsItsQuotes() {
    let long = String(repeating: "n", count: 100)
    #expect(Excerpt.boundedMessage("unknown team \"\(long)\"; known: West") == "unknown team \"\(String(repeating: "n", count: 40))…\"; known: West")
    #expect(Excerpt.boundedMessage("bad\u{1B}") == "bad\\u{1B}")
  }
}
