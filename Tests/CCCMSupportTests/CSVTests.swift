import CCCMSupport
import Testing

/// One CSV dialect for every file cccm reads and writes.
@Suite struct CSVTests {
  private func records(_ text: String) -> [[String]] { Array(CSVReader(text)) }

  @Test func aFieldIsQuotedOnlyWhenItMustBe() {
    #expect(CSV.field("North") == "North")
    #expect(CSV.field("North, West") == "\"North, West\"")
    #expect(CSV.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
    #expect(CSV.field("two\nlines") == "\"two\nlines\"")
    #expect(CSV.field("two\r\nlines") == "\"two\r\nlines\"")
    #expect(CSV.record(["a", "b,c", ""]) == "a,\"b,c\",")
  }

  @Test(arguments: ["plain", "with, comma", "with \"quotes\"", "two\nlines", "crlf\r\nlines", " padded ", "", "東京, 👩‍💻"])
  func whatIsWrittenReadsBackTheSame(_ text: String) {
    // Spaces around an unquoted field are trimmed on reading; a quoted one keeps them.
    let written = CSV.record(["id", text])
    let read = records(written + "\n")
    #expect(read == [["id", text.unicodeScalars.first == " " ? String(text.dropFirst().dropLast()) : text]])
  }

  @Test func aByteOrderMarkIsSkipped() {
    #expect(records("\u{FEFF}id,team\n1,West\n") == [["id", "team"], ["1", "West"]])
    #expect(records("id,\u{FEFF}team\n") == [["id", "\u{FEFF}team"]])
  }

  @Test func crlfCrAndLfEndRecordsAlike() {
    let expected = [["id", "team"], ["1", "West"], ["2", "East"]]
    #expect(records("id,team\r\n1,West\r\n2,East\r\n") == expected)
    #expect(records("id,team\r1,West\r2,East") == expected)
    #expect(records("id,team\n1,West\n2,East\n") == expected)
  }

  @Test func spacesAroundFieldsAreTrimmedAndBlankLinesAreOneEmptyField() {
    #expect(records(" id ,\tteam \n\n 1 , \" West \" \n") == [["id", "team"], [""], ["1", " West "]])
    #expect(CSV.isBlank([""]) && !CSV.isBlank(["", ""]))
  }

  @Test func aQuotedFieldMaySpanLinesAndHoldCommas() {
    #expect(records("note,n\n\"one, two\nthree\",3\n") == [["note", "n"], ["one, two\nthree", "3"]])
  }

  @Test func anUnclosedQuoteRunsToTheEndOfTheText() {
    let read = records("a,b\n\"open,1\n2,3\n")
    #expect(read == [["a", "b"], ["open,1\n2,3\n"]])
    #expect(CSV.fieldCountProblem(read[1].count, header: 2) == "1 fields, the header has 2; check for a stray comma or an unclosed quote")
  }

  @Test func emptyTextHasNoRecords() {
    #expect(records("").isEmpty)
    #expect(records("\u{FEFF}").isEmpty)
  }
}
