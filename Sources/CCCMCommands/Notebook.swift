import ArgumentParser
import CCCMSupport
import Foundation
import ScenarioFiles

struct Notebook: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run or check the cccm commands of Markdown notebooks.",
    discussion: """
      A command is a line starting with `cccm` (or `$ cccm`) in a ```sh block; other lines are never \
      run, and commands run without a shell (no pipes, redirections, variables or globs). Each runs \
      in the notebook's folder, so its paths are relative to the notebook, and an argument that \
      leads outside that folder is refused unless --allow-outside is given. `cccm notebook` itself \
      is refused in a notebook.

      Each block's output is stored right after it: in a ```text block (a longer fence if the \
      output holds backticks), or, for `--format markdown` commands, between <!-- cccm output --> \
      and <!-- end cccm output --> so it renders as Markdown.

      A command with `--charts DIR` draws its charts into a scratch folder: `notebook run` writes \
      them into DIR (relative to the notebook) when every command succeeded, and `notebook check` \
      reports a chart that is missing or differs as stale.

      `notebook check` writes nothing: it does not run blocks with a command that writes files \
      (`run --save`); it names them in a note and leaves their stored output unchecked.

      Exit status: 0 success, 2 unreadable or unwritable file, 3 stale output (check), 4 a notebook \
      command failed or was refused (run leaves the notebook unchanged), 5 a ```sh or output block \
      is never closed (run leaves the notebook unchanged), 64 bad command line. With several \
      problems, the highest status wins.
      """,
    subcommands: [NotebookRun.self, NotebookCheck.self])
}

struct NotebookRun: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run", abstract: "Run every `cccm` command of ```sh blocks and rewrite the output block after each block.")
  @Argument(help: "Notebook files (Markdown).") var files: [String]
  @Flag(name: .long, help: "Let commands name files outside the notebook's folder.") var allowOutside = false

  func run() throws {
    var status = ExitStatus.success
    for file in files {
      // Each notebook is a command of its own: its inputs and outputs are its own.
      CommandFiles.reset()
      let notebook = NotebookText(try readNotebook(file))
      let runner = NotebookRunner(executable: NotebookRunner.currentExecutable, notebook: file, allowOutside: allowOutside)
      let blocks: [CommandBlock]
      do {
        blocks = try commandBlocks(notebook.lines)
      } catch {
        printError("\(file):\(error.line + 1): error: \(error.message); the notebook was left unchanged")
        status = max(status, .malformedNotebook)
        continue
      }
      // Commands run in notebook order (a later one may read what an earlier one saved); the
      // notebook is written only when every command succeeded.
      var outputs: [[String]] = []
      var charts: [(path: String, data: Data)] = []
      var failure: String?
      blocks: for block in blocks {
        var text = ""
        var markdown = true
        for command in block.commands {
          switch runner.run(command) {
          case .success(let output):
            text += output.text
            markdown = markdown && output.markdown
            charts += output.charts
          case .failure(let refusal):
            failure = "\(file):\(command.line + 1): error: `\(excerpt(command.text, limit: 120))` \(refusal.message)"
            break blocks
          }
        }
        outputs.append(NotebookOutput.block(text, markdown: markdown))
      }
      if let failure {
        printError(failure + "; the notebook was left unchanged")
        status = max(status, .notebookCommandFailed)
        continue
      }
      var updated = notebook
      for (block, output) in zip(blocks, outputs).reversed() {
        if let range = block.output {
          updated.replace(range, with: output)
        } else {
          updated.replace((block.closingLine + 1)..<(block.closingLine + 1), with: [""] + output)
        }
      }
      if updated != notebook { try writeAtomically(updated.text, to: file, as: "the notebook", rules: .inPlace) }
      // The charts of `--charts` commands, each written only when it changed.
      for chart in charts where FileManager.default.contents(atPath: runner.absolute(chart.path)) != chart.data {
        let path = runner.absolute(chart.path)
        do {
          try FileManager.default.createDirectory(atPath: PathText.directory(of: path), withIntermediateDirectories: true)
        } catch {
          printError("\(Excerpt.sanitized(path, limit: Excerpt.pathLimit)): error: cannot create its directory: \(error.localizedDescription)")
          throw ExitCode(.fileError)
        }
        try writeAtomically(String(decoding: chart.data, as: UTF8.self), to: path, as: "the chart \(PathText.lastComponent(of: path))", rules: .inFolder)
      }
      // The notebook and its charts are put in place together, notebook by notebook.
      try commitOutputs()
      let count = blocks.map(\.commands.count).reduce(0, +)
      print("\(file): ran \(count) command\(count == 1 ? "" : "s")")
    }
    if status != .success { throw ExitCode(status) }
  }
}

struct NotebookCheck: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check", abstract: "Exit non-zero, naming the block, when a stored output differs from a fresh run or a command fails.")
  @Argument(help: "Notebook files (Markdown).") var files: [String]
  @Flag(name: .long, help: "Let commands name files outside the notebook's folder.") var allowOutside = false

  func run() throws {
    var status = ExitStatus.success
    for file in files {
      let notebook = NotebookText(try readNotebook(file))
      let runner = NotebookRunner(executable: NotebookRunner.currentExecutable, notebook: file, allowOutside: allowOutside)
      let problems: [NotebookProblem]
      do {
        problems = try runner.check(notebook.lines, file: file)
      } catch {
        printError("\(file):\(error.line + 1): error: \(error.message)")
        status = max(status, .malformedNotebook)
        continue
      }
      for problem in problems {
        printError("\(file):\(problem.line + 1): \(problem.kind == .skipped ? "note" : "error"): \(problem.message)")
        status = max(status, problem.kind.status)
      }
      if !problems.contains(where: { $0.kind != .skipped }) { print("\(file): up to date") }
    }
    if status != .success { throw ExitCode(status) }
  }
}

/// Something `notebook check` reports about a block.
struct NotebookProblem: Equatable {
  enum Kind: Equatable {
    /// The stored output differs from a fresh run, or there is none.
    case stale
    /// A command failed or was refused.
    case failed
    /// Not run, because it writes files.
    case skipped

    var status: ExitStatus {
      switch self {
      case .stale: .staleNotebook
      case .failed: .notebookCommandFailed
      case .skipped: .success
      }
    }
  }

  /// Line index (0-based).
  let line: Int
  let kind: Kind
  let message: String
}

extension NotebookRunner {
  /// What one notebook command produced: its output, whether it is Markdown, and the charts it
  /// wrote (`--charts DIR`), each as its path relative to the notebook's folder and its bytes.
  struct CommandOutput {
    var text: String
    var markdown: Bool
    var charts: [(path: String, data: Data)]
  }

  /// Runs one command of a notebook, or says why it failed. A `--charts DIR` command writes its
  /// charts into a scratch folder instead, so nothing on disk changes until the caller decides
  /// (`notebook run` writes them when every command succeeded, `notebook check` compares them).
  func run(_ command: CommandBlock.Command) -> Result<CommandOutput, CommandRefusal> {
    var arguments: [String]
    switch self.arguments(of: command.text) {
    case .success(let a): arguments = a
    case .failure(let refusal): return .failure(refusal)
    }
    var chartsDirectory: String?
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cccm-notebook-charts-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: scratch) }
    if case .success(let parsed) = Self.parse(arguments), let directory = parsed.value(of: "charts") {
      // Every `--charts` spelling is pointed at the scratch folder, and the result parsed again:
      // the command runs only if the parser then reads the scratch folder and nothing else.
      chartsDirectory = directory
      arguments = Self.redirectingCharts(arguments, to: scratch.path)
      guard case .success(let again) = Self.parse(arguments), again.values.filter({ $0.option == "charts" }).map(\.value) == [scratch.path] else {
        return .failure(CommandRefusal("refused: give --charts once, as `--charts DIR`"))
      }
    }
    switch execute(arguments) {
    case .output(let text):
      var charts: [(path: String, data: Data)] = []
      if let chartsDirectory {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: scratch.path)) ?? []).filter { $0.hasSuffix(".svg") }.sorted()
        for name in names {
          guard let data = FileManager.default.contents(atPath: scratch.appendingPathComponent(name).path) else { continue }
          charts.append(((chartsDirectory as NSString).appendingPathComponent(name), data))
        }
      }
      return .success(CommandOutput(text: text, markdown: NotebookOutput.isMarkdown(arguments), charts: charts))
    case .failed(let message): return .failure(CommandRefusal(message))
    }
  }

  /// `arguments` with the value of every `--charts DIR` and `--charts=DIR` replaced by `scratch`.
  static func redirectingCharts(_ arguments: [String], to scratch: String) -> [String] {
    var result = arguments
    var index = 0
    while index < result.count {
      if result[index] == "--" { break }
      if result[index].hasPrefix("--charts=") {
        result[index] = "--charts=\(scratch)"
      } else if result[index] == "--charts", index + 1 < result.count {
        result[index + 1] = scratch
        index += 1
      }
      index += 1
    }
    return result
  }

  /// A chart's path (relative to the notebook's folder, or absolute) as an absolute path.
  func absolute(_ path: String) -> String { RelativePath.resolve(path, in: directory) }

  /// What is wrong with a notebook's stored outputs, block by block. Writes nothing.
  func check(_ lines: [String], file: String) throws(MalformedNotebook) -> [NotebookProblem] {
    var problems: [NotebookProblem] = []
    blocks: for block in try commandBlocks(lines) {
      let writing = block.commands.first { command in
        (try? arguments(of: command.text).get()).map(Self.writesFiles) == true
      }
      if let writing {
        problems.append(
          NotebookProblem(
            line: writing.line, kind: .skipped,
            message: "`\(excerpt(writing.text, limit: 120))` writes files, so check does not run its block; its output is not checked"))
        continue
      }
      var text = ""
      var markdown = true
      for command in block.commands {
        switch run(command) {
        case .success(let output):
          text += output.text
          markdown = markdown && output.markdown
          // A chart is stale like a table: missing, or not what the command draws now.
          for chart in output.charts where FileManager.default.contents(atPath: absolute(chart.path)) != chart.data {
            let missing = !FileManager.default.fileExists(atPath: absolute(chart.path))
            problems.append(
              NotebookProblem(
                line: command.line, kind: .stale,
                message: "the chart \(excerpt(chart.path, limit: 120)) of `\(excerpt(command.text, limit: 120))` is \(missing ? "missing" : "stale"); run `cccm notebook run`"))
          }
        case .failure(let refusal):
          problems.append(NotebookProblem(line: command.line, kind: .failed, message: "`\(excerpt(command.text, limit: 120))` \(refusal.message)"))
          continue blocks
        }
      }
      let command = excerpt(block.commands.map(\.text).joined(separator: "; "), limit: 120)
      guard let output = block.output else {
        problems.append(NotebookProblem(line: block.line, kind: .stale, message: "`\(command)` has no output block; run `cccm notebook run`"))
        continue
      }
      let stored = Array(lines[output])
      let fresh = NotebookOutput.block(text, markdown: markdown)
      guard stored != fresh else { continue }
      let firstDifference = stored.indices.first { $0 >= fresh.count || stored[$0] != fresh[$0] } ?? stored.count
      problems.append(
        NotebookProblem(
          line: block.line, kind: .stale,
          message: "the output of `\(command)` is stale (first difference at line \(output.lowerBound + firstDifference + 1)); run `cccm notebook run`"))
    }
    return problems
  }
}

func readNotebook(_ path: String) throws -> String {
  do {
    return try InputFile.text(path, limit: InputFile.textLimit, what: "a notebook", advice: "split it into several notebooks")
  } catch {
    printError("\(path): error: cannot read the file: \(error.reason)")
    throw ExitCode(.fileError)
  }
}
