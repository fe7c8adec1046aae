import CCCMSupport
import CoverageModel
import Foundation
import Simulation

extension SavedResults {
  /// A results file read a block of replications at a time, so that `compare --from` beyond
  /// the exact bound holds a block of each file, not every row. The header is decoded and
  /// checked as `decode` checks it, each block's values as they are read (the same rules and
  /// messages). `open` gives nil for a file not laid out as `run --save` writes it (its values
  /// the last array, compact): such a file is read whole (`decode`).
  public final class StreamReader: @unchecked Sendable {
    /// The file without its values (`values` empty, `replications` as the file says).
    public let header: SavedResults
    let file: InputFile.Reader
    /// The next byte of the values not yet read, and the values' closing bracket.
    var offset: Int
    let end: Int
    var pending: [UInt8] = []
    var replicationsRead = 0

    init(header: SavedResults, file: InputFile.Reader, start: Int, end: Int) {
      self.header = header
      self.file = file
      offset = start
      self.end = end
    }

    static let marker = Array("\"values\":[".utf8)
    static let chunk = 1 << 20

    /// Opens `path` and reads its header; nil when the file is not as `run --save` writes it
    /// (read it whole then, which says what is wrong).
    public static func open(_ path: String) throws(InputFileError) -> StreamReader? {
      let file = try InputFile.Reader(path)
      var head: [UInt8] = []
      var start: Int?
      // The header before the values holds names only: a few megabytes at most.
      while start == nil, head.count < 1 << 26, head.count < file.size {
        head += try file.bytes(at: head.count, count: chunk)
        start = firstIndex(of: marker, in: head).map { $0 + marker.count }
      }
      guard let start else { return nil }
      let tailStart = max(start, file.size - (1 << 16))
      let tail = try file.bytes(at: tailStart, count: file.size - tailStart)
      guard let close = tail.lastIndex(of: UInt8(ascii: "]")) else { return nil }
      let text = head[0..<(start - marker.count)] + Array("\"values\":[]".utf8) + tail[(close + 1)...]
      let decoder = JSONDecoder()
      decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
      guard let header = try? decoder.decode(SavedResults.self, from: Data(text)), (1...Scenario.maximumReplications).contains(header.replications) else { return nil }
      // Every field but the values checked as `decode` checks them (0 is in every metric's domain).
      var probe = header
      (probe.replications, probe.values) = (1, Array(repeating: 0, count: header.layout.count))
      guard (try? probe.check()) != nil else { return nil }
      return StreamReader(header: header, file: file, start: start, end: tailStart + close)
    }

    static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
      guard haystack.count >= needle.count else { return nil }
      return (0...(haystack.count - needle.count)).first { i in needle.indices.allSatisfy { haystack[i + $0] == needle[$0] } }
    }

    /// The values of the next `count` replications (row-major), checked as `decode` checks them.
    public func next(_ count: Int) throws(SavedResultsError) -> [Double] {
      let width = header.layout.count
      var values: [Double] = []
      values.reserveCapacity(count * width)
      while values.count < count * width {
        guard let value = try nextValue() else {
          let seen = replicationsRead * width + values.count
          throw .damaged(
            "values: \(seen) values for \(header.replications) replications of \(width) metrics; the file is truncated or damaged")
        }
        values.append(value)
      }
      var block = header
      (block.values, block.replications, block.firstReplication) = (values, count, header.firstReplication + replicationsRead)
      try block.check()
      replicationsRead += count
      return values
    }

    /// Refuses values beyond the replications the header gives.
    public func finish() throws(SavedResultsError) {
      if try nextValue() != nil {
        throw .damaged(
          "values: more than \(header.replications * header.layout.count) values for \(header.replications) replications of \(header.layout.count) metrics; the file is truncated or damaged")
      }
    }

    /// The next value, nil at the closing bracket.
    func nextValue() throws(SavedResultsError) -> Double? {
      var token: [UInt8] = []
      while true {
        if pending.isEmpty {
          guard offset < end else { break }
          do {
            pending = try file.bytes(at: offset, count: min(Self.chunk, end - offset))
          } catch {
            throw .notResults("cannot read it: \(error.reason)")
          }
          guard !pending.isEmpty else { throw .damaged("values: the file changed while it was read") }
          offset += pending.count
          pending.reverse()
        }
        let byte = pending.removeLast()
        switch byte {
        case UInt8(ascii: ","):
          guard !token.isEmpty else { throw .notResults("values: an empty value") }
          return try Self.number(token)
        case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): continue
        default: token.append(byte)
        }
      }
      return token.isEmpty ? nil : try Self.number(token)
    }

    static func number(_ token: [UInt8]) throws(SavedResultsError) -> Double {
      let text = String(decoding: token, as: UTF8.self)
      switch text {
      case "\"nan\"": return .nan
      case "\"inf\"": return .infinity
      case "\"-inf\"": return -.infinity
      default:
        guard let value = Double(text), text.first != "+", !text.hasPrefix("\"") else {
          throw .notResults("values: \(Excerpt.quoted(String(text.prefix(40)))) is not a number")
        }
        return value
      }
    }
  }
}

extension StreamedComparison {
  /// A saved results file that could not be read into the comparison: which (its index) and why.
  public struct ReadError: Error, Sendable {
    public let file: Int
    public let error: SavedResultsError
  }

  /// Saved results of every scenario (the baseline first, all paired) read a block at a time
  /// into paired statistics, as a simulated comparison keeps them beyond the exact bound.
  public static func reading(
    _ readers: [SavedResults.StreamReader], objective: Objective, targets: [Target]
  ) throws(ReadError) -> (results: [SimulationResults], streamed: StreamedComparison) {
    let header = readers[0].header
    var streamed = StreamedComparison(layouts: readers.map(\.header.layout), objective: objective, targets: targets, first: header.firstReplication)
    for range in ReplicationBlocks.ranges(header.firstReplication..<(header.firstReplication + header.replications)) {
      var rows: [[Double]] = []
      for (index, reader) in readers.enumerated() {
        do throws(SavedResultsError) { rows.append(try reader.next(range.count)) } catch { throw ReadError(file: index, error: error) }
      }
      streamed.addBlock(count: range.count) { rows[$0] }
    }
    for (index, reader) in readers.enumerated() {
      do throws(SavedResultsError) { try reader.finish() } catch { throw ReadError(file: index, error: error) }
    }
    return (streamed.results(scenarios: readers.map(\.header.scenario), seed: header.seed), streamed)
  }
}

extension SavedResults.StreamReader {
  /// Forgets the bytes read ahead (they are read again when needed), so a reader waiting for its
  /// next block holds no buffer.
  func release() {
    offset -= pending.count
    pending = []
  }

  /// Replications not read yet.
  var replicationsLeft: Int { header.replications - replicationsRead }
}

extension ShardFile {
  /// A shard file read without its values: its header (parts without values, checked as
  /// `decode` checks them) and where each part's values are, to be read a block at a time
  /// (`values(part:)`), so that `merge` beyond the exact bound never holds a whole file.
  public final class StreamReader: @unchecked Sendable {
    /// The file without its values (each part's `replications` as the file says).
    public let header: ShardFile
    let path: String
    /// Each part's values: from the byte after `"values":[` to its closing bracket.
    let spans: [Range<Int>]

    init(header: ShardFile, path: String, spans: [Range<Int>]) {
      self.header = header
      self.path = path
      self.spans = spans
    }

    static let marker = Array("\"values\":[".utf8)

    /// Opens `path` and reads its header, skipping the values; nil when the file is not as
    /// `--shard I/N --save` writes it or its header does not check (read it whole then, which
    /// says what is wrong).
    public static func open(_ path: String) throws(InputFileError) -> StreamReader? {
      let file = try InputFile.Reader(path)
      var head: [UInt8] = []
      var spans: [Range<Int>] = []
      var searchFrom = 0
      var valuesStart: Int?
      var offset = 0
      while offset < file.size {
        let chunk = try file.bytes(at: offset, count: min(SavedResults.StreamReader.chunk, file.size - offset))
        guard !chunk.isEmpty else { return nil }
        var i = 0
        while i < chunk.count {
          if let start = valuesStart {
            // Values are numbers and the strings "nan", "inf" and "-inf": the first bracket closes them.
            guard let close = chunk[i...].firstIndex(of: UInt8(ascii: "]")) else { break }
            spans.append(start..<(offset + close))
            head.append(UInt8(ascii: "]"))
            searchFrom = head.count
            valuesStart = nil
            i = close + 1
          } else {
            let before = head.count
            head += chunk[i...]
            guard let found = firstIndex(of: marker, in: head, from: searchFrom) else {
              searchFrom = max(searchFrom, head.count - marker.count + 1)
              break
            }
            let used = found + marker.count - before
            head.removeSubrange((found + marker.count)...)
            valuesStart = offset + i + used
            i += used
          }
          // The header holds names only: a few megabytes at most.
          guard head.count < 1 << 26 else { return nil }
        }
        offset += chunk.count
      }
      guard valuesStart == nil else { return nil }
      let decoder = JSONDecoder()
      decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
      guard let header = try? decoder.decode(ShardFile.self, from: Data(head)), header.parts.count == spans.count,
        header.parts.allSatisfy({ $0.results.values.isEmpty }), (try? header.check(withValues: false)) != nil
      else { return nil }
      return StreamReader(header: header, path: path, spans: spans)
    }

    static func firstIndex(of needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
      guard haystack.count >= needle.count, from <= haystack.count - needle.count else { return nil }
      var i = from
      while i <= haystack.count - needle.count {
        guard let first = haystack[i...(haystack.count - needle.count)].firstIndex(of: needle[0]) else { return nil }
        if needle.indices.allSatisfy({ haystack[first + $0] == needle[$0] }) { return first }
        i = first + 1
      }
      return nil
    }

    /// Part `part`'s values, to be read a block at a time and checked as `decode` checks them.
    public func values(part: Int) throws(InputFileError) -> SavedResults.StreamReader {
      SavedResults.StreamReader(header: header.parts[part].results, file: try InputFile.Reader(path), start: spans[part].lowerBound, end: spans[part].upperBound)
    }
  }
}
