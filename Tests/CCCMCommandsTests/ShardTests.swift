import Experiments
import Foundation
import TestSupport
import Testing

/// `--shard I/N` and `cccm merge`: shards run as parallel processes print, merged, exactly what the
/// unsharded command prints; shards that do not make one command are refused with exit 6.
@Suite("Shards: --shard I/N merged byte for byte", .serialized)
struct ShardTests {
  static let base = repositoryRoot.appendingPathComponent("scenarios/bench/r1.yaml").path
  static let variant = repositoryRoot.appendingPathComponent("Tests/CCCMCommandsTests/Fixtures/r1-fewer-experts.yaml").path

  final class Scratch {
    let url: URL
    init() throws {
      url = try scratchFolder("shard-tests")
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
  }

  /// Runs `command` unsharded, then as N shards in parallel processes for each N, merges them, and
  /// expects the merge's standard output to be byte-identical to the unsharded output.
  func expectShardsMerge(_ command: [String], counts: [Int], mergeFormat: String? = nil, file: String = #fileID, line: Int = #line) throws {
    let scratch = try Scratch()
    var unshardedCommand = command
    if let mergeFormat { unshardedCommand += ["--format", mergeFormat] }
    let whole = try runCCCM(unshardedCommand)
    #expect(whole.status == 0, "\(whole.err)")
    #expect(!whole.out.isEmpty)
    for count in counts {
      let shards = (1...count).map { scratch.path("\(command[0])-\(count)-\($0).json") }
      let runs = try runCCCMConcurrently(shards.enumerated().map { i, path in command + ["--shard", "\(i + 1)/\(count)", "--save", path] })
      for run in runs {
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.isEmpty, "a shard prints nothing on standard output")
      }
      let merge = try runCCCM(["merge"] + shards.reversed() + (mergeFormat.map { ["--format", $0] } ?? []))
      #expect(merge.status == 0, "N = \(count): \(merge.err)")
      #expect(merge.out == whole.out, "N = \(count): the merged output differs from the unsharded output")
    }
  }

  @Test("a shard's rows go to its file as they finish: the file is the text its JSON encoding gives, for parts within and beyond the exact bound, and its replications merge to the unsharded run's")
  func savedAsTheyFinish() throws {
    let scratch = try Scratch()
    // Ten days of arrivals a replication: 10,001 replications (beyond the bound of 10,000) stay quick.
    let (small, busier) = (scratch.path("small.yaml"), scratch.path("busier.yaml"))
    for (path, busy) in [(small, 6), (busier, 7)] {
      try TwoTeams.yaml(busy: busy).replacingOccurrences(of: "horizon_days: 365", with: "horizon_days: 40").write(toFile: path, atomically: true, encoding: .utf8)
    }
    for (arguments, name) in [(["compare", small, busier, "-r", "40", "--shard", "2/3"], "compare.json"), (["run", small, "-r", "10001", "--shard", "1/1"], "run.json")] {
      let saved = try runCCCM(arguments + ["--save", scratch.path(name), "-q"])
      #expect(saved.status == 0, "\(saved.err)")
      let bytes = try Data(contentsOf: URL(fileURLWithPath: scratch.path(name)))
      let file = try ShardFile.decode(bytes)
      #expect(!file.parts.isEmpty)
      #expect(try file.json() == String(decoding: bytes, as: UTF8.self), "\(name)")
    }
    let merged = try runCCCM(["merge", scratch.path("run.json")])
    let whole = try runCCCM(["run", small, "-r", "10001", "-q"])
    #expect(merged.status == 0 && merged.out == whole.out, "\(merged.err)")
  }

  @Test("beyond the exact bound, shards of compare, sweep and sensitivity merge into the paired statistics the unsharded command keeps, byte for byte; -o is the shard file 1/1 of every row; an edited value is refused (exit 2)")
  func streamedShards() throws {
    let scratch = try Scratch()
    // Ten days of arrivals a replication: 10,001 replications (beyond the bound of 10,000) stay quick.
    let (small, busier) = (scratch.path("small.yaml"), scratch.path("busier.yaml"))
    for (path, busy) in [(small, 6), (busier, 7)] {
      try TwoTeams.yaml(busy: busy).replacingOccurrences(of: "horizon_days: 365", with: "horizon_days: 40").write(toFile: path, atomically: true, encoding: .utf8)
    }
    let commands: [([String], Int)] = [
      (["compare", small, busier, "-r", "10001", "--by", "month", "--target", "wins>=150", "-q"], 3),
      (["sweep", small, "--vary", "teams.Busy.reps=6..7", "-r", "10001", "-q"], 2),
      (["sensitivity", small, "--vary", "teams.Busy.reps=5..7", "-r", "10001", "--format", "json", "-q"], 3),
    ]
    for (command, count) in commands {
      let whole = try runCCCM(command)
      #expect(whole.status == 0, "\(whole.err)")
      #expect(whole.out.contains("Beyond the exact bound of 10000 replications"), "\(command[0])")
      let shards = (1...count).map { scratch.path("\(command[0])-\($0).json") }
      for run in try runCCCMConcurrently(shards.enumerated().map { i, path in command + ["--shard", "\(i + 1)/\(count)", "--save", path] }) {
        #expect(run.status == 0, "\(run.err)")
      }
      let output = scratch.path("\(command[0])-merged.json")
      let merge = try runCCCM(["merge"] + shards.reversed() + ["-o", output])
      #expect(merge.status == 0, "\(merge.err)")
      #expect(merge.out == whole.out, "\(command[0]): the merged output differs from the unsharded output")
      // -o holds every row as one shard 1/1, which merges to the same report.
      let bytes = try Data(contentsOf: URL(fileURLWithPath: output))
      let file = try ShardFile.decode(bytes)
      #expect(file.shard == Shard(index: 1, count: 1) && file.parts.allSatisfy { $0.results.replications == 10001 })
      #expect(try file.json() == String(decoding: bytes, as: UTF8.self))
      #expect(try runCCCM(["merge", output]).out == whole.out)
    }

    let path = scratch.path("sweep-2.json")
    var text = try String(contentsOfFile: path, encoding: .utf8)
    let start = try #require(text.range(of: "\"values\":["))
    let first = try #require(text[start.upperBound...].firstIndex(of: ","))
    text.replaceSubrange(start.upperBound..<first, with: "-5")
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    let damaged = try runCCCM(["merge", scratch.path("sweep-1.json"), path])
    #expect(damaged.status == 2 && damaged.out.isEmpty)
    #expect(damaged.err.contains("sweep-2.json: error: the results file is damaged or was edited: values: replication 5000 gives arrivals -5"), "\(damaged.err)")
  }

  @Test("run: N = 1, 2, 3, 7 shards merge to the unsharded output (by month, a target), and merge --format csv to run --format csv")
  func runShards() throws {
    try expectShardsMerge(["run", Self.base, "-r", "7", "--by", "month", "--target", "bookings>=95M", "-q"], counts: [1, 2, 3, 7])
    try expectShardsMerge(["run", Self.base, "-r", "5", "--seed", "11", "-q"], counts: [3], mergeFormat: "csv")
  }

  @Test("compare: N = 1, 2, 3, 7 shards merge to the unsharded output (teams, objective, rows layout, by quarter, target); JSON too")
  func compareShards() throws {
    try expectShardsMerge(
      ["compare", Self.base, Self.variant, "-r", "6", "--teams", "--objective", "bookings", "--layout", "rows", "--by", "quarter", "--target", "wins>=1000", "-q"],
      counts: [1, 2, 3, 7])
    try expectShardsMerge(["compare", Self.base, Self.variant, Self.base, "-r", "4", "--metrics", "wins", "cost", "-q"], counts: [2], mergeFormat: "json")
  }

  @Test("sweep and sensitivity: points x replications in shards merge to the unsharded output")
  func sweepAndSensitivityShards() throws {
    try expectShardsMerge(["sweep", Self.base, "--vary", "presales.P.experts=10..12", "-r", "3", "-q"], counts: [2, 5])
    try expectShardsMerge(["sensitivity", Self.base, "--vary", "presales.P.experts=10..12", "--vary", "teams.Region-R01.reps=4..6", "-r", "3", "-q"], counts: [3], mergeFormat: "markdown")
  }

  @Test("the partition: every (scenario, replication) in exactly one shard, shares differing by at most one")
  func partition() {
    for scenarios in [1, 2, 5] {
      for replications in [1, 3, 10] {
        for count in [1, 2, 3, 7, 40] {
          var seen = [[Int]](repeating: [Int](repeating: 0, count: replications), count: scenarios)
          var sizes: [Int] = []
          for index in 1...count {
            let ranges = Shard(index: index, count: count).ranges(scenarios: scenarios, replications: 0..<replications)
            sizes.append(ranges.reduce(0) { $0 + $1.count })
            for (s, range) in ranges.enumerated() { for r in range { seen[s][r] += 1 } }
          }
          #expect(seen.allSatisfy { $0.allSatisfy { $0 == 1 } }, "\(scenarios) x \(replications) in \(count)")
          #expect((sizes.max() ?? 0) - (sizes.min() ?? 0) <= 1)
        }
      }
    }
  }

  /// Runs the waves of a sharded `compare --precision` until merge stops asking for another; the
  /// waves run and the last merge.
  func runWaves(_ command: [String], shards: Int, in scratch: Scratch, name: String) throws -> (waves: Int, merge: (status: Int32, out: String, err: String)) {
    var files: [String] = []
    for wave in 1...20 {
      let paths = (1...shards).map { scratch.path("\(name)-w\(wave)-\($0).json") }
      let runs = try runCCCMConcurrently(paths.enumerated().map { i, path in command + ["--wave", "\(wave)", "--shard", "\(i + 1)/\(shards)", "--save", path] })
      for run in runs { #expect(run.status == 0, "\(run.err)") }
      files += paths
      let merge = try runCCCM(["merge"] + files)
      guard merge.status == 7 else { return (wave, merge) }
      #expect(merge.out.isEmpty)
      #expect(merge.err.contains("run wave") && merge.err.contains(" \(wave + 1)") && merge.err.contains("(replications \(wave * 4)..<"), "\(merge.err)")
    }
    Issue.record("no end of waves")
    return (0, (0, "", ""))
  }

  @Test("compare --precision in sharded waves: merge asks for waves (exit 7) until the one-machine run stops, then prints its output; extra waves are left out")
  func precisionWaves() throws {
    let scratch = try Scratch()
    for (precision, maximum) in [("3.5%", 40), ("0.3%", 12)] {
      let command = ["compare", Self.base, Self.variant, "-r", "4", "--precision", precision, "--max-replications", "\(maximum)", "-q"]
      let whole = try runCCCM(command)
      #expect(whole.status == 0, "\(whole.err)")
      let (waves, merge) = try runWaves(command, shards: 3, in: scratch, name: precision)
      #expect(waves >= 2, "the target takes more than one wave")
      #expect(merge.status == 0, "\(merge.err)")
      #expect(merge.out == whole.out)
      #expect(whole.out.contains("after \(waves * 4) replications") || whole.out.contains("stopped at --max-replications \(maximum)"))
      if precision == "3.5%" {
        // One wave more than needed: the same output, the extra wave left out with a note.
        let extra = (1...2).map { scratch.path("extra-\($0).json") }
        for (i, path) in extra.enumerated() {
          #expect(try runCCCM(command + ["--wave", "\(waves + 1)", "--shard", "\(i + 1)/2", "--save", path]).status == 0)
        }
        let files = (1...waves).flatMap { wave in (1...3).map { scratch.path("\(precision)-w\(wave)-\($0).json") } }
        let more = try runCCCM(["merge"] + files + extra)
        #expect(more.status == 0 && more.out == whole.out, "\(more.err)")
        #expect(more.err.contains("note: precision stopped after wave \(waves); waves from \(waves + 1) on were not needed"), "\(more.err)")
      }
    }
  }

  @Test("compare --precision beyond the exact bound keeps paired statistics for the total; its waves in shards, read a block at a time, print the same byte for byte, ask for the waves still to run, and leave an extra wave out")
  func precisionBeyondTheBound() throws {
    let scratch = try Scratch()
    let (small, busier) = (scratch.path("small.yaml"), scratch.path("busier.yaml"))
    for (path, busy) in [(small, 6), (busier, 7)] {
      let yaml = TwoTeams.yaml(busy: busy).replacingOccurrences(of: "horizon_days: 365", with: "horizon_days: 40")
      try yaml.replacingOccurrences(of: "accounts: 3650", with: "accounts: 1000").write(toFile: path, atomically: true, encoding: .utf8)
    }
    // A first stage of 2,500 asks for 12,500 replications (5 waves), beyond the bound of 10,000.
    let command = ["compare", small, busier, "-r", "2500", "--precision", "0.024%", "--max-replications", "15000", "--target", "wins>=95", "-q"]
    let whole = try runCCCM(command)
    #expect(whole.status == 0, "\(whole.err)")
    #expect(whole.out.contains("Precision reached: ") && whole.out.contains("after 12500 replications"), "\(whole.out)")
    #expect(whole.out.contains("Beyond the exact bound of 10000 replications"))
    // Waves 1 and 2 in two shards each, waves 3 to 6 whole; wave 6 is one more than the plan needs.
    let shards = (1...6).flatMap { wave in (1...(wave <= 2 ? 2 : 1)).map { (wave: wave, index: $0, count: wave <= 2 ? 2 : 1) } }
    let paths = shards.map { scratch.path("wave-\($0.wave)-\($0.index).json") }
    let runs = try runCCCMConcurrently(zip(shards, paths).map { shard, path in command + ["--wave", "\(shard.wave)", "--shard", "\(shard.index)/\(shard.count)", "--save", path] })
    for run in runs { #expect(run.status == 0, "\(run.err)") }
    let short = try runCCCM(["merge"] + paths.prefix(6))
    #expect(short.status == 7 && short.out.isEmpty)
    #expect(
      short.err.contains(
        "precision not reached after wave 4 (10000 replications): Stein's plan from the first stage (2500 replications) needs 12500 replications in all"
          + " for a 95% half-width on contribution within 0.024% of the baseline mean; run wave 5 (replications 10000..<12500)"), "\(short.err)")
    let merge = try runCCCM(["merge"] + paths.reversed())
    #expect(merge.status == 0, "\(merge.err)")
    #expect(merge.out == whole.out)
    #expect(merge.err.contains("note: precision stopped after wave 5; waves from 6 on were not needed and are left out"), "\(merge.err)")
  }

  @Test("missing, duplicated, overlapping and foreign shards and a missing wave are refused with exact messages and exit 6; nothing is printed or written")
  func refusals() throws {
    let scratch = try Scratch()
    let compare = ["compare", Self.base, Self.variant, "-r", "6", "-q"]
    func shard(_ name: String, _ shard: String, _ extra: [String] = []) throws -> String {
      let path = scratch.path(name)
      let result = try runCCCM(compare + extra + ["--shard", shard, "--save", path])
      #expect(result.status == 0, "\(result.err)")
      return path
    }
    let one = try shard("1of3.json", "1/3")
    let two = try shard("2of3.json", "2/3")
    let three = try shard("3of3.json", "3/3")
    let half = try shard("2of2.json", "2/2")
    let seed = try shard("seed.json", "3/3", ["--seed", "5"])
    let objective = try shard("objective.json", "3/3", ["--objective", "bookings"])
    let run = scratch.path("run.json")
    #expect(try runCCCM(["run", Self.base, "-r", "6", "-q", "--shard", "3/3", "--save", run]).status == 0)
    let saved = scratch.path("saved.json")
    #expect(try runCCCM(["run", Self.base, "-r", "6", "-q", "--save", saved]).status == 0)
    let precision = compare + ["--precision", "1%", "--max-replications", "30"]
    let waveTwo = scratch.path("wave2.json")
    #expect(try runCCCM(precision + ["--wave", "2", "--shard", "1/1", "--save", waveTwo]).status == 0)
    let cases: [([String], String)] = [
      ([one, three], "error: cannot merge: shard 2/3 is missing; run it (--shard 2/3) and merge all 3\n"),
      ([one], "error: cannot merge: shards 2/3, 3/3 are missing; run each (--shard I/3) and merge all 3\n"),
      ([one, two, three, two], "error: cannot merge: shard 2/3 is given twice (\(two) and \(two)); give each shard once\n"),
      ([one, two, half],
       "error: cannot merge: \(half) is shard 2/2 but \(one) is shard 1/3: shards of different splits overlap; merge the shards of one split (one N in --shard I/N)\n"),
      ([one, two, seed], "error: cannot merge: \(seed) is not a shard of the command \(one) is from: its seed is \"5\", not \"1\"; merge the shards of one command only\n"),
      ([one, two, objective], "error: cannot merge: \(objective) is not a shard of the command \(one) is from: its --objective is \"bookings\", not \"contribution\"; merge the shards of one command only\n"),
      ([one, two, run], "error: cannot merge: \(run) is not a shard of the command \(one) is from: its command is \"run\", not \"compare\"; merge the shards of one command only\n"),
      ([one, two, saved], "error: cannot merge: \(saved) is a results file (run --save), but \(one) is a shard (--shard I/N --save); merge either shards or results files of one run\n"),
      ([waveTwo], "error: cannot merge: wave 1 is missing: give the shards of every wave from 1 to 2\n"),
    ]
    for (files, message) in cases {
      let result = try runCCCM(["merge"] + files + ["-o", scratch.path("out.json")])
      #expect(result.status == 6, "\(files.map { URL(fileURLWithPath: $0).lastPathComponent })")
      #expect(result.err == message)
      #expect(result.out.isEmpty)
      #expect(!FileManager.default.fileExists(atPath: scratch.path("out.json")))
    }
  }

  @Test("a shard file edited to hold other replications, or a foreign JSON, is refused as damaged (exit 2)")
  func damagedShard() throws {
    let scratch = try Scratch()
    let path = scratch.path("s.json")
    #expect(try runCCCM(["run", Self.base, "-r", "4", "-q", "--shard", "1/2", "--save", path]).status == 0)
    var text = try String(contentsOfFile: path, encoding: .utf8)
    text = text.replacingOccurrences(of: "\"index\":1", with: "\"index\":2")
    try text.write(toFile: scratch.path("edited.json"), atomically: true, encoding: .utf8)
    let edited = try runCCCM(["merge", scratch.path("edited.json")])
    #expect(edited.status == 2)
    #expect(edited.err.contains("the results file is damaged or was edited: parts: scenario 1 holds replications 0..<2, but shard 2/2 runs 2..<4"), "\(edited.err)")
    try "{\"format\": \"cccm-shard/1\"}".write(toFile: scratch.path("other.json"), atomically: true, encoding: .utf8)
    let other = try runCCCM(["merge", scratch.path("other.json")])
    #expect(other.status == 2 && other.err.contains("not a cccm results file (missing \"version\")"), "\(other.err)")
  }

  @Test("--shard, --save and --wave are refused on the command line when malformed or alone (exit 64)")
  func optionRefusals() throws {
    for (arguments, message) in [
      (["run", Self.base, "--shard", "0/3", "--save", "/dev/null"], "--shard must be I/N with 1 <= I <= N <= 100000 (shards count from 1, as Slurm's --array=1-N does), got \"0/3\""),
      (["run", Self.base, "--shard", "4/3", "--save", "/dev/null"], "got \"4/3\""),
      (["sweep", Self.base, "--vary", "presales.P.experts=10..12", "--shard", "x", "--save", "/dev/null"], "got \"x\""),
      (["run", Self.base, "--shard", "1/3"], "--shard I/N writes its results to a file: give --save FILE"),
      (["compare", Self.base, Self.variant, "--save", "/dev/null"], "--save writes a shard's results: give --shard I/N (--shard 1/1 keeps the whole command in one file)"),
      (["run", Self.base, "--shard", "1/3", "--first", "3", "--save", "/dev/null"], "--first cannot be used with it"),
      (["compare", Self.base, Self.variant, "--wave", "2", "--shard", "1/2", "--save", "/dev/null"], "--wave K is a wave of --precision run in shards"),
      (["compare", Self.base, Self.variant, "-r", "4", "--precision", "1%", "--max-replications", "8", "--wave", "3", "--shard", "1/2", "--save", "/dev/null"],
       "--wave 3 starts at replication 8, beyond --max-replications 8"),
    ] {
      let result = try runCCCM(arguments)
      #expect(result.status == 64, "\(arguments)")
      #expect(result.err.contains(message), "\(result.err)")
    }
  }
}
