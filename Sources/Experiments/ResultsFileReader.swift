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
