import ArgumentParser
import Foundation

struct Notebook: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run or check the cccm commands of Markdown notebooks.",
    subcommands: [NotebookRun.self, NotebookCheck.self])
}

struct NotebookRun: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "run", abstract: "Run every ```sh block starting with `cccm` and rewrite the output block after it.")
  @Argument(help: "Notebook files (Markdown).") var files: [String]

  func run() throws {
    let runner = NotebookRunner(executable: NotebookRunner.currentExecutable)
    for file in files {
      let text = try readNotebook(file)
      let (updated, count) = runner.refresh(text)
      try writeAtomically(updated, to: file)
      print("\(file): ran \(count) command\(count == 1 ? "" : "s")")
    }
  }
}

struct NotebookCheck: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "check", abstract: "Exit non-zero, naming the block, when a stored output differs from a fresh run.")
  @Argument(help: "Notebook files (Markdown).") var files: [String]

  func run() throws {
    let runner = NotebookRunner(executable: NotebookRunner.currentExecutable)
    var stale = 0
    for file in files {
      let text = try readNotebook(file)
      let problems = runner.check(text)
      for problem in problems { printError("\(file):\(problem.line): error: \(problem.message)") }
      if problems.isEmpty { print("\(file): up to date") }
      stale += problems.count
    }
    if stale > 0 { throw ExitCode(3) }
  }
}

func readNotebook(_ path: String) throws -> String {
  do {
    return try String(contentsOfFile: path, encoding: .utf8)
  } catch {
    printError("\(path): error: cannot read the file: \(error.localizedDescription)")
    throw Exit.fileError
  }
}

/// Finds `cccm` command blocks in Markdown and runs them with a given executable.
///
/// A command block is a fenced ```sh block whose lines each start with `cccm ` (a leading `$ ` is
/// allowed); its output block is the ```text block right after it (blank lines between are allowed).
struct NotebookRunner {
  let executable: String

  static var currentExecutable: String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
  }

  struct Block {
    /// Line index of the opening fence of the command block.
    var line: Int
    var commands: [String]
    /// Line range of the output block's content (between its fences), if there is one.
    var output: Range<Int>?
    /// Line index after which to insert an output block when there is none.
    var end: Int
  }

  func blocks(_ lines: [String]) -> [Block] {
    var result: [Block] = []
    var i = 0
    while i < lines.count {
      guard lines[i].trimmingCharacters(in: .whitespaces) == "```sh" else {
        i += 1
        continue
      }
      var j = i + 1
      var commands: [String] = []
      while j < lines.count, lines[j].trimmingCharacters(in: .whitespaces) != "```" {
        var line = lines[j].trimmingCharacters(in: .whitespaces)
        if line.hasPrefix("$ ") { line.removeFirst(2) }
        if line.hasPrefix("cccm ") { commands.append(line) }
        j += 1
      }
      guard !commands.isEmpty else {
        i = j + 1
        continue
      }
      var k = j + 1
      while k < lines.count, lines[k].trimmingCharacters(in: .whitespaces).isEmpty { k += 1 }
      var output: Range<Int>?
      if k < lines.count, lines[k].trimmingCharacters(in: .whitespaces) == "```text" {
        var e = k + 1
        while e < lines.count, lines[e].trimmingCharacters(in: .whitespaces) != "```" { e += 1 }
        output = (k + 1)..<e
      }
      result.append(Block(line: i, commands: commands, output: output, end: j))
      i = (output?.upperBound ?? j) + 1
    }
    return result
  }

  /// Runs one command line (split on spaces, with simple quotes) and returns what it printed.
  func execute(_ command: String) -> String {
    let arguments = Array(tokenize(command).dropFirst())
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    do {
      try process.run()
    } catch {
      return "[could not start \(executable): \(error.localizedDescription)]\n"
    }
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    var text = String(decoding: stdout, as: UTF8.self)
    if process.terminationStatus != 0 {
      text += String(decoding: stderr, as: UTF8.self) + "[exit status \(process.terminationStatus)]\n"
    }
    return text
  }

  func freshOutput(_ block: Block) -> [String] {
    var text = block.commands.map(execute).joined()
    while text.hasSuffix("\n") { text.removeLast() }
    return text.components(separatedBy: "\n")
  }

  /// The notebook with every output block replaced by a fresh run, and the number of commands run.
  func refresh(_ text: String) -> (String, Int) {
    var lines = text.components(separatedBy: "\n")
    var count = 0
    for block in blocks(lines).reversed() {
      let fresh = freshOutput(block)
      count += block.commands.count
      if let output = block.output {
        lines.replaceSubrange(output, with: fresh)
      } else {
        lines.insert(contentsOf: [""] + ["```text"] + fresh + ["```"], at: block.end + 1)
      }
    }
    return (lines.joined(separator: "\n"), count)
  }

  /// Blocks whose stored output differs from a fresh run (1-based line numbers).
  func check(_ text: String) -> [(line: Int, message: String)] {
    let lines = text.components(separatedBy: "\n")
    return blocks(lines).compactMap { block -> (line: Int, message: String)? in
      let command = block.commands.joined(separator: "; ")
      guard let output = block.output else { return (block.line + 1, "`\(command)` has no ```text output block; run `cccm notebook run`") }
      let stored = Array(lines[output])
      let fresh = freshOutput(block)
      guard stored != fresh else { return nil }
      let firstDifference = stored.indices.first { $0 >= fresh.count || stored[$0] != fresh[$0] } ?? stored.count
      return (block.line + 1, "the output of `\(command)` is stale (first difference at line \(output.lowerBound + firstDifference + 1)); run `cccm notebook run`")
    }
  }

  func tokenize(_ line: String) -> [String] {
    var tokens: [String] = []
    var current = ""
    var quote: Character?
    var started = false
    for ch in line {
      if let q = quote {
        if ch == q { quote = nil } else { current.append(ch) }
      } else if ch == "\"" || ch == "'" {
        quote = ch
        started = true
      } else if ch == " " {
        if started || !current.isEmpty { tokens.append(current) }
        current = ""
        started = false
      } else {
        current.append(ch)
      }
    }
    if started || !current.isEmpty { tokens.append(current) }
    return tokens
  }
}
