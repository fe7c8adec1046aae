import CCCMSupport
import CoverageModel
import Foundation
import ScenarioFiles
import Yams

/// The folder a server serves: every path it reads is resolved (symbolic links, `.` and `..`)
/// and must lie inside it, so a request cannot reach another file of the machine.
public struct ServeFolder: Sendable {
  /// The folder, absolute with symbolic links resolved.
  public let root: String

  /// The folder at `path`; nil when it is not a directory.
  public init?(_ path: String) {
    let resolved = CommandFiles.resolvedPath(path)
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory), isDirectory.boolValue else { return nil }
    root = resolved
  }

  /// The root with a trailing slash: the prefix of every path inside.
  var prefix: String { root.hasSuffix("/") ? root : root + "/" }

  /// Whether the resolved absolute `path` is the folder or inside it.
  public func contains(resolved path: String) -> Bool { path == root || path.hasPrefix(prefix) }

  /// The absolute path of `relative` (a path inside the folder, as a page names it) when it and
  /// every symbolic link on its way resolve inside the folder; nil otherwise (absolute paths,
  /// `..` that climbs out, a link to elsewhere, a NUL byte).
  public func resolve(_ relative: String) -> String? {
    guard !relative.isEmpty, !relative.hasPrefix("/"), !relative.contains("\0"), relative.utf8.count <= 4096 else { return nil }
    let resolved = CommandFiles.resolvedPath(prefix + relative)
    return contains(resolved: resolved) && resolved != root ? resolved : nil
  }

  /// `relative` joined to the folder as written (links unresolved), for messages that name it as
  /// the planner wrote it; nil when `resolve` refuses it.
  func joined(_ relative: String) -> String? {
    resolve(relative) == nil ? nil : prefix + relative
  }

  /// The path of the absolute `path` relative to the folder (as it is when outside).
  func relative(_ path: String) -> String {
    path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
  }

  /// The most YAML files a folder page lists.
  static let fileLimit = 2000

  /// The YAML files under the folder (relative paths, sorted), skipping hidden folders and build
  /// folders; each one resolves inside the folder.
  func yamlFiles() -> [String] {
    guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
    var found: [String] = []
    while let next = enumerator.nextObject() as? String {
      let parts = next.split(separator: "/")
      if parts.contains(where: { $0.hasPrefix(".") }) {
        enumerator.skipDescendants()
        continue
      }
      guard next.hasSuffix(".yaml") || next.hasSuffix(".yml"), resolve(next) != nil else { continue }
      found.append(next)
      if found.count >= Self.fileLimit { break }
    }
    return found.sorted()
  }
}

/// One YAML file of the folder as the scenarios page shows it.
struct ScenarioRecord: Sendable {
  enum Status: Error, Sendable {
    /// Loaded and valid: `cccm validate`'s line.
    case valid(String)
    /// Invalid or unreadable: every message, `file:line:column` as `cccm validate` prints them.
    case invalid(String)
    /// Extends or reads a file outside the served folder: not loaded.
    case outside(String)
  }

  /// The path relative to the folder.
  var file: String
  /// The file it extends, relative to the folder (nil: a baseline, or a parent outside).
  var parent: String?
  var status: Status
  var scenario: Scenario?
  /// `cccm diff PARENT FILE`'s report (nil without a loaded parent).
  var diff: String?

  var isValid: Bool { if case .valid = status { true } else { false } }
}

/// A scan of the folder: its scenario files loaded and validated, and the signature of the files
/// (names, sizes, modification times) it was made from.
struct FolderScan: Sendable {
  var records: [ScenarioRecord]
  var signature: String

  func record(_ file: String) -> ScenarioRecord? { records.first { $0.file == file } }

  /// The files that extend nothing in the folder (baselines), each followed by the files that
  /// extend it, depth first: (record, depth).
  var tree: [(record: ScenarioRecord, depth: Int)] {
    var children: [String: [ScenarioRecord]] = [:]
    let files = Set(records.map(\.file))
    var roots: [ScenarioRecord] = []
    for record in records {
      if let parent = record.parent, files.contains(parent), parent != record.file {
        children[parent, default: []].append(record)
      } else {
        roots.append(record)
      }
    }
    var out: [(ScenarioRecord, Int)] = []
    var seen: Set<String> = []
    func visit(_ record: ScenarioRecord, _ depth: Int) {
      guard seen.insert(record.file).inserted else { return }
      out.append((record, depth))
      for child in children[record.file] ?? [] { visit(child, depth + 1) }
    }
    for root in roots { visit(root, 0) }
    // Files in an extends cycle have no root: listed at the top.
    for record in records where !seen.contains(record.file) { visit(record, 0) }
    return out
  }
}

extension ServeFolder {
  /// The signature of the YAML files: changes when a file is added, removed or written.
  func signature(of files: [String]) -> String {
    var text = ""
    for file in files {
      let attributes = try? FileManager.default.attributesOfItem(atPath: prefix + file)
      let size = (attributes?[.size] as? NSNumber)?.int64Value ?? -1
      let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
      text += "\(file)\u{1}\(size)\u{1}\(modified)\n"
    }
    return fnv1a(text)
  }

  /// The top-level `extends:` of a YAML file, if it has one; and whether it looks like a scenario
  /// (a mapping with `extends`, `segments` or `teams`).
  static func header(of path: String) -> (isScenario: Bool, extends: String?) {
    guard let data = FileManager.default.contents(atPath: path), data.count <= 8 << 20, let text = String(data: data, encoding: .utf8),
      let node = try? Yams.compose(yaml: text), let mapping = node.mapping
    else { return (true, nil) }
    let extends = mapping["extends"]?.string
    let keys = Set(mapping.keys.compactMap(\.string))
    return (!keys.isDisjoint(with: ["extends", "segments", "teams", "changes"]), extends)
  }

  /// The chain of files `file` extends (relative), refused with a message when a link of it
  /// leaves the folder.
  func extendsChain(_ file: String) -> Result<[String], ScenarioRecord.Status> {
    var chain: [String] = []
    var current = file
    while chain.count < ScenarioLoader.maximumExtendsDepth {
      guard let absolute = joined(current) else { return .failure(.outside("\(file): refused: \(current) lies outside the served folder")) }
      guard let parent = Self.header(of: absolute).extends else { return .success(chain) }
      let target = RelativePath.resolve(parent, in: PathText.directory(of: absolute))
      let resolved = CommandFiles.resolvedPath(target)
      guard contains(resolved: resolved) else {
        return .failure(.outside("\(file): refused: it extends \(Excerpt.sanitized(parent, limit: 200)), outside the served folder"))
      }
      let next = relative(resolved)
      if chain.contains(next) { return .success(chain) }
      chain.append(next)
      current = next
    }
    return .success(chain)
  }

  /// Loads and validates every scenario file of the folder.
  func scan() -> FolderScan {
    let files = yamlFiles()
    let signature = signature(of: files)
    var records: [ScenarioRecord] = []
    for file in files {
      guard let absolute = joined(file) else { continue }
      let header = Self.header(of: absolute)
      guard header.isScenario else { continue }
      var record = ScenarioRecord(file: file, parent: nil, status: .invalid(""), scenario: nil, diff: nil)
      switch extendsChain(file) {
      case .failure(let status): record.status = status
      case .success(let chain):
        record.parent = chain.first
        do {
          let (scenario, read) = try ScenarioLoader().loadRecordingFiles(path: absolute)
          if let outside = read.first(where: { !contains(resolved: CommandFiles.resolvedPath($0)) }) {
            record.status = .outside("\(file): refused: it reads \(Excerpt.sanitized(relative(outside), limit: 200)), outside the served folder")
          } else {
            record.scenario = scenario
            record.status = .valid(
              "\(Excerpt.sanitized(file, limit: Excerpt.pathLimit)): ok (\(Excerpt.sanitized(scenario.name, limit: 200)): \(scenario.segments.count) segments, \(scenario.teams.count) teams, \(scenario.pools.count) presales pools)"
            )
          }
        } catch {
          record.status = .invalid(error.description.replacingOccurrences(of: prefix, with: ""))
        }
      }
      records.append(record)
    }
    for index in records.indices {
      guard let parent = records[index].parent, let child = records[index].scenario,
        let base = records.first(where: { $0.file == parent })?.scenario
      else { continue }
      records[index].diff = ScenarioDiff(from: base, to: child).report
    }
    return FolderScan(records: records, signature: signature)
  }
}

/// FNV-1a of `text`'s UTF-8 bytes, in hexadecimal: a signature that changes with the text (not a
/// security hash: it only tells the page that files changed).
func fnv1a(_ text: String) -> String {
  var hash: UInt64 = 0xcbf2_9ce4_8422_2325
  for byte in text.utf8 {
    hash ^= UInt64(byte)
    hash = hash &* 0x0000_0100_0000_01B3
  }
  return String(hash, radix: 16)
}
