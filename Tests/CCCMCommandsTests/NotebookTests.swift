import Foundation
import TestSupport
import Testing

@testable import CCCMCommands


/// Work on another thread, waited for with a time limit (so a deadlock fails a test instead of hanging it).
private final class Background<Value: Sendable>: @unchecked Sendable {
  private let lock = NSLock()
  private var value: Value?
  private let done = DispatchSemaphore(value: 0)

  init(_ work: @escaping @Sendable () -> Value) {
    Thread.detachNewThread { [self] in
      let result = work()
      lock.withLock { value = result }
      done.signal()
    }
  }

  func wait(seconds: Double) -> Value? {
    guard done.wait(timeout: .now() + seconds) == .success else { return nil }
    return lock.withLock { value }
  }
}

/// A fresh folder holding the benchmark scenario as r1.yaml; removed by `cleanUp`.
private func scratch() throws -> URL {
  let directory = try scratchFolder("notebook")
  try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("scenarios/bench/r1.yaml"), to: directory.appendingPathComponent("r1.yaml"))
  return directory
}

private func cleanUp(_ directory: URL) { try? FileManager.default.removeItem(at: directory) }

private func write(_ text: String, _ file: URL) throws { try Data(text.utf8).write(to: file) }
private func bytes(_ file: URL) throws -> Data { try Data(contentsOf: file) }
private func text(_ file: URL) throws -> String { String(decoding: try bytes(file), as: UTF8.self) }

/// An executable shell script standing in for `cccm`.
private func fakeCCCM(_ body: String, in directory: URL) throws -> String {
  let file = directory.appendingPathComponent("fake-cccm.sh")
  try write("#!/bin/sh\n" + body + "\n", file)
  try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file.path)
  return file.path
}

@Suite("cccm notebook", .serialized)
struct NotebookTests {
  @Test("paths in a notebook's commands resolve against the notebook's folder, not the current directory")
  func pathsResolveAgainstTheNotebook() throws {
    let directory = try scratch()
    defer { cleanUp(directory) }
    let folder = directory.appendingPathComponent("notes")
    try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
    try FileManager.default.copyItem(at: directory.appendingPathComponent("r1.yaml"), to: folder.appendingPathComponent("sub/r1.yaml"))
    let notebook = folder.appendingPathComponent("nb.md")
    try write("# Paths\n\n```sh\ncccm validate sub/r1.yaml\n```\n", notebook)
    // From the repository root (no sub/r1.yaml there), by absolute path.
    let result = try runCCCM(["notebook", "run", notebook.path])
    #expect(result.status == 0, "\(result.err)")
    #expect(try text(notebook) == "# Paths\n\n```sh\ncccm validate sub/r1.yaml\n```\n\n```text\nsub/r1.yaml: ok (R1: 10 segments, 10 teams, 1 presales pools)\n```\n")
    // From another folder, by relative path.
    let check = try runCCCM(["notebook", "check", "notes/nb.md"], in: directory)
    #expect(check.status == 0, "\(check.err)")
    #expect(check.out.contains("notes/nb.md: up to date"))
  }

  @Test("a failing command: run exits 4 and leaves the notebook byte for byte; check names file:line and the command")
  func failingCommand() throws {
    let directory = try scratch()
    defer { cleanUp(directory) }
    let notebook = directory.appendingPathComponent("nb.md")
    let original = "# Failing\n\n```sh\ncccm validate r1.yaml\n```\n\n```sh\ncccm validate missing.yaml\n```\n\nAfter.\n"
    try write(original, notebook)
    let result = try runCCCM(["notebook", "run", notebook.path])
    #expect(result.status == 4)
    #expect(result.err.contains("nb.md:8: error: `cccm validate missing.yaml` failed with exit status 2: missing.yaml: error: cannot read the file"), "\(result.err)")
    #expect(result.err.contains("left unchanged"))
    #expect(try bytes(notebook) == Data(original.utf8))
    let check = try runCCCM(["notebook", "check", notebook.path])
    #expect(check.status == 4)
    #expect(check.err.contains("nb.md:8: error: `cccm validate missing.yaml` failed with exit status 2"), "\(check.err)")
    #expect(!check.out.contains("up to date"))
    #expect(try bytes(notebook) == Data(original.utf8))
  }

  @Test("a command killed by a signal fails with a short, sanitised excerpt of its crash output")
  func crashExcerpt() throws {
    let directory = try scratch()
    defer { cleanUp(directory) }
    let script = try fakeCCCM(
      #"i=0; while [ $i -lt 3000 ]; do printf 'Fatal error: \033[31mboom\033[0m number %s with a long tail of text\n' $i >&2; i=$((i+1)); done; kill -SEGV $$"#,
      in: directory)
    let runner = NotebookRunner(executable: script, notebook: directory.appendingPathComponent("nb.md").path)
    guard case .failed(let message) = runner.execute(["run", "r1.yaml"]) else {
      Issue.record("a command killed by a signal must fail")
      return
    }
    #expect(message.hasPrefix("was killed by signal 11 (SIGSEGV): Fatal error:"), "\(message)")
    #expect(message.count <= 200, "\(message.count) characters")
    #expect(!message.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "\(message)")
    // check reports it as a problem at the command's line.
    let lines = ["```sh", "cccm run r1.yaml", "```", "", "```text", "old", "```"]
    let problems = try runner.check(lines, file: "nb.md")
    #expect(problems.count == 1)
    #expect(problems.first?.line == 1 && problems.first?.kind == .failed)
    #expect(problems.first?.message.contains("killed by signal 11") == true)
  }

  @Test("--charts in a notebook: run writes the charts beside it, check passes, then reports a changed or missing chart as stale (3); a failed run writes no chart")
  func notebookCharts() throws {
    let directory = try scratch()
    defer { cleanUp(directory) }
    let notebook = directory.appendingPathComponent("nb.md")
    try write("```sh\ncccm run r1.yaml -r 3 --charts pics\n```\n", notebook)
    let result = try runCCCM(["notebook", "run", notebook.path])
    #expect(result.status == 0, "\(result.err)")
    let chart = directory.appendingPathComponent("pics/distribution-contribution.svg")
    let drawn = try text(chart)
    #expect(drawn.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("pics").path).sorted() == ["distribution-bookings.svg", "distribution-contribution.svg"])
    #expect(try runCCCM(["notebook", "check", notebook.path]).status == 0)
    try write(drawn.replacingOccurrences(of: "Contribution", with: "Old contribution"), chart)
    let stale = try runCCCM(["notebook", "check", notebook.path])
    #expect(stale.status == 3)
    #expect(stale.err.contains("nb.md:2: error: the chart pics/distribution-contribution.svg of `cccm run r1.yaml -r 3 --charts pics` is stale"), "\(stale.err)")
    try FileManager.default.removeItem(at: chart)
    let missing = try runCCCM(["notebook", "check", notebook.path])
    #expect(missing.status == 3 && missing.err.contains("is missing"), "\(missing.err)")
    #expect(!FileManager.default.fileExists(atPath: chart.path), "check wrote a chart")
    // A notebook whose later command fails: no chart is written.
    try write("```sh\ncccm run r1.yaml -r 3 --charts other\n```\n\n```sh\ncccm validate missing.yaml\n```\n", notebook)
    #expect(try runCCCM(["notebook", "run", notebook.path]).status == 4)
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("other").path))
  }

  @Test("--format markdown output is stored as Markdown between HTML comments, other output in a fence; both refresh and check")
  func markdownOutput() throws {
    let directory = try scratch()
    defer { cleanUp(directory) }
    let notebook = directory.appendingPathComponent("nb.md")
    // The Markdown command had a stale ```text block, which is replaced.
    try write("```sh\ncccm run r1.yaml -r 2 --format markdown\n```\n\n```text\nold\n```\n\n```sh\ncccm validate r1.yaml\n```\n\nEnd.\n", notebook)
    let result = try runCCCM(["notebook", "run", notebook.path])
    #expect(result.status == 0, "\(result.err)")
    let stored = try text(notebook)
    let lines = stored.components(separatedBy: "\n")
    let start = try #require(lines.firstIndex(of: "<!-- cccm output -->"))
    let end = try #require(lines.firstIndex(of: "<!-- end cccm output -->"))
    #expect(start == 4 && end > start)
    let inside = lines[start..<end]
    #expect(inside.contains("### R1"))
    #expect(inside.contains { $0.hasPrefix("| metric | mean | 95% CI |") })
    #expect(!inside.contains { $0.hasPrefix("```") || $0.hasPrefix("~~~") })
    #expect(!stored.contains("old"))
    #expect(stored.contains("```sh\ncccm validate r1.yaml\n```\n\n```text\nr1.yaml: ok (R1: 10 segments, 10 teams, 1 presales pools)\n```\n\nEnd.\n"))
    let check = try runCCCM(["notebook", "check", notebook.path])
    #expect(check.status == 0, "\(check.err)")
    #expect(try runCCCM(["notebook", "run", notebook.path]).status == 0)
    #expect(try text(notebook) == stored)
  }

  @Test("an unclosed ```sh block or output block does not trap: exit 5, the notebook and the text after it unchanged")
  func unclosedFences() throws {
    let directory = try scratch()
    defer { cleanUp(directory) }
    let notebook = directory.appendingPathComponent("nb.md")
    for original in [
      "```sh\ncccm validate r1.yaml\n",
      "```sh\ncccm validate r1.yaml",
      "Intro.\n\n```sh\ncccm validate r1.yaml\n```\n\n```text\nold output\n\n## Conclusions\n\nKeep me.\n",
      "```sh\ncccm run r1.yaml -r 2 --format markdown\n```\n\n<!-- cccm output -->\n\nold\n\n## Conclusions\n\nKeep me.\n",
    ] {
      try write(original, notebook)
      let result = try runCCCM(["notebook", "run", notebook.path])
      #expect(result.status == 5, "\(original)")
      #expect(result.err.contains("nb.md:") && (result.err.contains("never closed") || result.err.contains("no <!-- end cccm output -->")), "\(result.err)")
      #expect(try bytes(notebook) == Data(original.utf8))
      let check = try runCCCM(["notebook", "check", notebook.path])
      #expect(check.status == 5)
      #expect(try bytes(notebook) == Data(original.utf8))
    }
    // Any other unclosed fence runs to the end of the file, as in CommonMark: its commands are not run.
    let other = "```sh\ncccm validate r1.yaml\n```\n\nText.\n\n```python\nprint(1)\n```sh\ncccm validate missing.yaml\n"
    try write(other, notebook)
    #expect(try runCCCM(["notebook", "run", notebook.path]).status == 0)
    #expect(try text(notebook).hasSuffix("Text.\n\n```python\nprint(1)\n```sh\ncccm validate missing.yaml\n"))
  }

  @Test("CRLF notebooks work like LF ones and keep their line endings; a fence closed with CRLF in an LF notebook too")
  func crlf() throws {
    let directory = try scratch()
    defer { cleanUp(directory) }
    let notebook = directory.appendingPathComponent("nb.md")
    let lf = "# CRLF\n\n```sh\ncccm validate r1.yaml\n```\n\n```text\nstale\n```\n\n```sh\n$ cccm run r1.yaml -r 2 --format markdown\n```\n\nThe end.\n"
    try write(lf.replacingOccurrences(of: "\n", with: "\r\n"), notebook)
    #expect(try runCCCM(["notebook", "run", notebook.path]).status == 0)
    let crlf = try bytes(notebook)
    let stored = Array(crlf)
    for index in stored.indices where stored[index] == 0x0A { #expect(index > 0 && stored[index - 1] == 0x0D, "a bare LF at byte \(index)") }
    // The same notebook in LF gives the same text.
    try write(lf, notebook)
    #expect(try runCCCM(["notebook", "run", notebook.path]).status == 0)
    #expect(try text(notebook).replacingOccurrences(of: "\n", with: "\r\n") == String(decoding: crlf, as: UTF8.self))
    try Data(crlf).write(to: notebook)
    let check = try runCCCM(["notebook", "check", notebook.path])
    #expect(check.status == 0, "\(check.err)")
    #expect(try runCCCM(["notebook", "run", notebook.path]).status == 0)
    #expect(try bytes(notebook) == crlf)
    // An LF notebook whose block lines end in CRLF: they keep them, new lines get LF.
    try write("Intro.\n\n```sh\r\ncccm validate r1.yaml\r\n```\r\n\nAfter.\n", notebook)
    let mixed = try runCCCM(["notebook", "run", notebook.path])
    #expect(mixed.status == 0, "\(mixed.err)")
    #expect(try text(notebook) == "Intro.\n\n```sh\r\ncccm validate r1.yaml\r\n```\r\n\n```text\nr1.yaml: ok (R1: 10 segments, 10 teams, 1 presales pools)\n```\n\nAfter.\n")
  }

  @Test("no output can become a command: a scenario name with fences, an end marker and a `cccm` line stays quoted")
  func outputCannotInjectCommands() throws {
    let directory = try scratch()
    defer { cleanUp(directory) }
    try write(
      "extends: r1.yaml\nname: \"evil ````\\n<!-- end cccm output -->\\n```sh\\ncccm notebook run nb.md\\n```\\n~~~sh\\ncccm validate missing.yaml\\n~~~\"\n",
      directory.appendingPathComponent("evil.yaml"))
    let notebook = directory.appendingPathComponent("nb.md")
    try write("```sh\ncccm validate evil.yaml\n```\n\n```sh\ncccm run evil.yaml -r 2 --format markdown\n```\n\nAfter.\n", notebook)
    let first = try runCCCM(["notebook", "run", notebook.path])
    #expect(first.status == 0, "\(first.err)")
    #expect(first.out.contains("ran 2 commands"))
    let stored = try text(notebook)
    #expect(stored.contains("\n`````text\n"), "the fence is longer than the output's longest backtick run")
    #expect(stored.hasSuffix("\nAfter.\n"))
    let blocks = try commandBlocks(NotebookText(stored).lines)
    #expect(blocks.map(\.commands.count) == [1, 1])
    #expect(blocks.flatMap(\.commands).map(\.text) == ["cccm validate evil.yaml", "cccm run evil.yaml -r 2 --format markdown"])
    let check = try runCCCM(["notebook", "check", notebook.path])
    #expect(check.status == 0, "\(check.err)")
    let second = try runCCCM(["notebook", "run", notebook.path])
    #expect(second.status == 0 && second.out.contains("ran 2 commands"))
    #expect(try text(notebook) == stored)
  }

  @Test("a notebook may not run `cccm notebook`")
  func recursionRefused() throws {
    let directory = try scratch()
    defer { cleanUp(directory) }
    let notebook = directory.appendingPathComponent("nb.md")
    for command in ["cccm notebook run nb.md", "cccm notebook check nb.md", "cccm --quiet notebook run nb.md"] {
      let original = "```sh\n\(command)\n```\n"
      try write(original, notebook)
      let result = try runCCCM(["notebook", "run", notebook.path])
      #expect(result.status == 4)
      #expect(result.err.contains("nb.md:2: error:") && result.err.contains("may not run `cccm notebook`"), "\(result.err)")
      #expect(try bytes(notebook) == Data(original.utf8))
    }
  }

  @Test("a command writing over 64 KB to standard error (and to standard output) does not deadlock the runner")
  func largeStandardError() throws {
    let directory = try scratch()
    defer { cleanUp(directory) }
    let script = try fakeCCCM("head -c 300000 /dev/zero | tr '\\000' e >&2; head -c 300000 /dev/zero | tr '\\000' o; echo", in: directory)
    let runner = NotebookRunner(executable: script, notebook: directory.appendingPathComponent("nb.md").path)
    let outcome = Background { runner.execute(["run", "r1.yaml"]) }.wait(seconds: 60)
    guard case .output(let text)? = outcome else {
      Issue.record("no output within 60 s: \(String(describing: outcome))")
      return
    }
    #expect(text.count == 300_001)
  }

  @Test("notebook check writes nothing: blocks with commands that write files (--save) are not run, and named in a note")
  func checkWritesNothing() throws {
    let directory = try scratch()
    defer { cleanUp(directory) }
    let notebook = directory.appendingPathComponent("nb.md")
    let original = "```sh\ncccm run r1.yaml -r 2 --save saved.json --format csv\n```\n\n```sh\ncccm validate r1.yaml\n```\n"
    try write(original, notebook)
    let before = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    let check = try runCCCM(["notebook", "check", notebook.path])
    #expect(check.status == 3, "the second block has no output yet")
    #expect(check.err.contains("nb.md:2: note: `cccm run r1.yaml -r 2 --save saved.json --format csv` writes files"), "\(check.err)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == before)
    #expect(try bytes(notebook) == Data(original.utf8))
    // run does run it; then check is content, still without running it.
    #expect(try runCCCM(["notebook", "run", notebook.path]).status == 0)
    #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("saved.json").path))
    try FileManager.default.removeItem(at: directory.appendingPathComponent("saved.json"))
    let again = try runCCCM(["notebook", "check", notebook.path])
    #expect(again.status == 0, "\(again.err)")
    #expect(again.out.contains("up to date"))
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("saved.json").path))
  }

  @Test("commands may name only paths inside the notebook's folder tree, unless --allow-outside")
  func pathsOutsideRefused() throws {
    let directory = try scratch()
    defer { cleanUp(directory) }
    let folder = directory.appendingPathComponent("notes")
    try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
    try FileManager.default.copyItem(at: directory.appendingPathComponent("r1.yaml"), to: folder.appendingPathComponent("sub/r1.yaml"))
    try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("link.yaml").path, withDestinationPath: "../r1.yaml")
    let notebook = folder.appendingPathComponent("nb.md")
    for command in [
      "cccm validate ../r1.yaml", "cccm validate \(directory.path)/r1.yaml", "cccm validate sub/../../r1.yaml", "cccm validate link.yaml",
      "cccm run sub/r1.yaml -r 2 --save=../saved.json", "cccm run sub/r1.yaml -r 2 --save ../saved.json",
    ] {
      let original = "```sh\n\(command)\n```\n"
      try write(original, notebook)
      let result = try runCCCM(["notebook", "run", notebook.path])
      #expect(result.status == 4, "\(command)")
      #expect(result.err.contains("is outside the notebook's project"), "\(result.err)")
      #expect(try bytes(notebook) == Data(original.utf8))
      #expect(try runCCCM(["notebook", "check", notebook.path]).status == 4)
    }
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("saved.json").path))
    try write("```sh\ncccm validate ../r1.yaml\n```\n", notebook)
    #expect(try runCCCM(["notebook", "run", "--allow-outside", notebook.path]).status == 0)
    #expect(try text(notebook).contains("../r1.yaml: ok (R1"))
    // Inside the tree, however written, and arguments that are not paths.
    let runner = NotebookRunner(executable: cccmExecutable, notebook: notebook.path)
    // (Values as the argument parser gives them: option spellings are judged after parsing.)
    for inside in ["sub/r1.yaml", "./sub/../sub/r1.yaml", "new/file.json", "bookings", "40", "1%"] {
      #expect(runner.isInside(inside), "\(inside)")
    }
    for outside in ["..", "/tmp", "sub/../..", "/tmp/x.json", "link.yaml", "missing/../../x"] {
      #expect(!runner.isInside(outside), "\(outside)")
    }
  }

  @Test("only `cccm` commands are run, never through a shell")
  func onlyCCCMWithoutShell() throws {
    let directory = try scratch()
    defer { cleanUp(directory) }
    let notebook = directory.appendingPathComponent("nb.md")
    try write("```sh\ntouch pwned\n$ cccm validate r1.yaml\n```\n", notebook)
    #expect(try runCCCM(["notebook", "run", notebook.path]).status == 0)
    #expect(try text(notebook).contains("```text\nr1.yaml: ok (R1"))
    for command in [
      "cccm validate r1.yaml; touch pwned", "cccm validate r1.yaml && touch pwned", "cccm validate r1.yaml | tee pwned",
      "cccm validate r1.yaml > pwned", "cccm validate $(touch pwned)", "cccm validate `touch pwned`", "cccm validate *.yaml",
      "cccm validate 'r1.yaml",
    ] {
      let original = "```sh\n\(command)\n```\n"
      try write(original, notebook)
      let result = try runCCCM(["notebook", "run", notebook.path])
      #expect(result.status == 4, "\(command)")
      #expect(result.err.contains("refused"), "\(result.err)")
      #expect(try bytes(notebook) == Data(original.utf8))
    }
    #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("pwned").path))
    // Quoted, such characters are plain arguments.
    #expect(try NotebookRunner(executable: cccmExecutable, notebook: notebook.path).tokenize("cccm run 'a;b.yaml' \"x y\"").get() == ["cccm", "run", "a;b.yaml", "x y"])
  }

  @Test("notebook text keeps every line ending byte for byte, and new lines take the notebook's")
  func lineEndings() {
    for text in ["", "a", "a\n", "a\r\nb\nc\r\n", "a\r\nb\r", "\r\n\r\n", "é\r\n```\r\n"] {
      #expect(NotebookText(text).text == text)
    }
    var crlf = NotebookText("a\r\nb\r\nc")
    crlf.replace(3..<3, with: ["d"])
    #expect(crlf.text == "a\r\nb\r\nc\r\nd")
    crlf.replace(1..<2, with: ["x", "y"])
    #expect(crlf.text == "a\r\nx\r\ny\r\nc\r\nd")
    var mixed = NotebookText("a\nb\r\nc\nd\n")
    mixed.replace(0..<1, with: ["x", "y"])
    #expect(mixed.text == "x\ny\nb\r\nc\nd\n")
  }
}
