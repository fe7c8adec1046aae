import Foundation

/// A PNG decoded to pixels (8-bit RGB or RGBA, not interlaced: what Chromium's screenshots are),
/// for tests that look at a rendered page. Inflate after RFC 1951, filters after the PNG spec.
public struct PNGImage {
  public let width: Int
  public let height: Int
  /// RGBA, 4 bytes a pixel, row by row.
  public let pixels: [UInt8]

  public struct DecodeError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
  }

  public init(data: Data) throws {
    let bytes = [UInt8](data)
    guard bytes.count > 8, bytes[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else { throw DecodeError("not a PNG") }
    var offset = 8
    var (width, height, depth, colourType, interlace) = (0, 0, 0, 0, 0)
    var compressed: [UInt8] = []
    func be32(_ i: Int) -> Int { Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3]) }
    while offset + 8 <= bytes.count {
      let length = be32(offset)
      let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
      let start = offset + 8
      guard start + length + 4 <= bytes.count else { throw DecodeError("truncated chunk \(type)") }
      switch type {
      case "IHDR":
        (width, height) = (be32(start), be32(start + 4))
        (depth, colourType, interlace) = (Int(bytes[start + 8]), Int(bytes[start + 9]), Int(bytes[start + 12]))
      case "IDAT": compressed += bytes[start..<(start + length)]
      default: break
      }
      offset = start + length + 4
      if type == "IEND" { break }
    }
    guard depth == 8, colourType == 2 || colourType == 6, interlace == 0, width > 0, height > 0 else {
      throw DecodeError("unsupported PNG: depth \(depth), colour type \(colourType), interlace \(interlace)")
    }
    guard compressed.count > 2 else { throw DecodeError("no image data") }
    var inflater = Inflater(Array(compressed.dropFirst(2)))
    let raw = try inflater.inflate()
    let channels = colourType == 6 ? 4 : 3
    let stride = width * channels
    guard raw.count >= height * (stride + 1) else { throw DecodeError("image data too short: \(raw.count) bytes") }
    var previous = [UInt8](repeating: 0, count: stride)
    var pixels = [UInt8]()
    pixels.reserveCapacity(width * height * 4)
    for row in 0..<height {
      let base = row * (stride + 1)
      let filter = raw[base]
      var line = Array(raw[(base + 1)...(base + stride)])
      for i in 0..<stride {
        let a = i >= channels ? Int(line[i - channels]) : 0
        let b = Int(previous[i])
        let c = i >= channels ? Int(previous[i - channels]) : 0
        let predictor: Int
        switch filter {
        case 0: predictor = 0
        case 1: predictor = a
        case 2: predictor = b
        case 3: predictor = (a + b) / 2
        case 4:
          let p = a + b - c
          let (pa, pb, pc) = (abs(p - a), abs(p - b), abs(p - c))
          predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
        default: throw DecodeError("bad filter \(filter) on row \(row)")
        }
        line[i] = UInt8(truncatingIfNeeded: Int(line[i]) + predictor)
      }
      for x in 0..<width {
        pixels += line[(x * channels)..<(x * channels + 3)]
        pixels.append(channels == 4 ? line[x * channels + 3] : 255)
      }
      previous = line
    }
    self.width = width
    self.height = height
    self.pixels = pixels
  }

  /// How many distinct colours the image holds (alpha included).
  public var distinctColours: Int {
    var seen = Set<UInt32>()
    for i in Swift.stride(from: 0, to: pixels.count, by: 4) {
      seen.insert(UInt32(pixels[i]) << 24 | UInt32(pixels[i + 1]) << 16 | UInt32(pixels[i + 2]) << 8 | UInt32(pixels[i + 3]))
    }
    return seen.count
  }

  /// The share of pixels that are not (nearly) white.
  public var inkShare: Double {
    var ink = 0
    for i in Swift.stride(from: 0, to: pixels.count, by: 4) where Int(pixels[i]) + Int(pixels[i + 1]) + Int(pixels[i + 2]) < 3 * 240 { ink += 1 }
    return Double(ink) / Double(max(width * height, 1))
  }
}

/// A DEFLATE decoder (stored, fixed and dynamic Huffman blocks).
struct Inflater {
  private let input: [UInt8]
  private var position = 0
  private var bitBuffer = 0
  private var bitCount = 0
  private var output: [UInt8] = []

  init(_ input: [UInt8]) { self.input = input }

  private mutating func bits(_ n: Int) throws -> Int {
    while bitCount < n {
      guard position < input.count else { throw PNGImage.DecodeError("deflate stream ends early") }
      bitBuffer |= Int(input[position]) << bitCount
      position += 1
      bitCount += 8
    }
    let value = bitBuffer & ((1 << n) - 1)
    bitBuffer >>= n
    bitCount -= n
    return value
  }

  /// A canonical Huffman code: counts per length and symbols in code order.
  struct Huffman {
    var counts = [Int](repeating: 0, count: 16)
    var symbols: [Int] = []
    init(lengths: [Int]) {
      for length in lengths { counts[length] += 1 }
      counts[0] = 0
      var offsets = [Int](repeating: 0, count: 16)
      for i in 1..<16 { offsets[i] = offsets[i - 1] + counts[i - 1] }
      symbols = [Int](repeating: 0, count: lengths.count)
      for (symbol, length) in lengths.enumerated() where length != 0 {
        symbols[offsets[length]] = symbol
        offsets[length] += 1
      }
    }
  }

  private mutating func decode(_ h: Huffman) throws -> Int {
    var (code, first, index) = (0, 0, 0)
    for length in 1..<16 {
      code |= try bits(1)
      let count = h.counts[length]
      if code - count < first { return h.symbols[index + (code - first)] }
      index += count
      first += count
      first <<= 1
      code <<= 1
    }
    throw PNGImage.DecodeError("bad Huffman code")
  }

  static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
  static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
  static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
  static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

  mutating func inflate() throws -> [UInt8] {
    var last = 0
    while last == 0 {
      last = try bits(1)
      switch try bits(2) {
      case 0:
        (bitBuffer, bitCount) = (0, 0)
        guard position + 4 <= input.count else { throw PNGImage.DecodeError("stored block ends early") }
        let length = Int(input[position]) | Int(input[position + 1]) << 8
        position += 4
        guard position + length <= input.count else { throw PNGImage.DecodeError("stored block ends early") }
        output += input[position..<(position + length)]
        position += length
      case 1:
        let lengths = [Int](repeating: 8, count: 144) + [Int](repeating: 9, count: 112) + [Int](repeating: 7, count: 24) + [Int](repeating: 8, count: 8)
        try block(Huffman(lengths: lengths), Huffman(lengths: [Int](repeating: 5, count: 30)))
      case 2:
        let literals = try bits(5) + 257
        let distances = try bits(5) + 1
        let codes = try bits(4) + 4
        let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
        var codeLengths = [Int](repeating: 0, count: 19)
        for i in 0..<codes { codeLengths[order[i]] = try bits(3) }
        let codeHuffman = Huffman(lengths: codeLengths)
        var lengths: [Int] = []
        while lengths.count < literals + distances {
          let symbol = try decode(codeHuffman)
          switch symbol {
          case 0..<16: lengths.append(symbol)
          case 16:
            guard let previous = lengths.last else { throw PNGImage.DecodeError("repeat with no previous length") }
            lengths += [Int](repeating: previous, count: 3 + (try bits(2)))
          case 17: lengths += [Int](repeating: 0, count: 3 + (try bits(3)))
          default: lengths += [Int](repeating: 0, count: 11 + (try bits(7)))
          }
        }
        try block(Huffman(lengths: Array(lengths[0..<literals])), Huffman(lengths: Array(lengths[literals..<(literals + distances)])))
      default: throw PNGImage.DecodeError("bad block type")
      }
    }
    return output
  }

  private mutating func block(_ literal: Huffman, _ distance: Huffman) throws {
    while true {
      let symbol = try decode(literal)
      if symbol < 256 {
        output.append(UInt8(symbol))
      } else if symbol == 256 {
        return
      } else {
        let l = symbol - 257
        guard l < 29 else { throw PNGImage.DecodeError("bad length symbol") }
        let length = Self.lengthBase[l] + (try bits(Self.lengthExtra[l]))
        let d = try decode(distance)
        guard d < 30 else { throw PNGImage.DecodeError("bad distance symbol") }
        let back = Self.distanceBase[d] + (try bits(Self.distanceExtra[d]))
        guard back <= output.count else { throw PNGImage.DecodeError("distance too far back") }
        let start = output.count - back
        for i in 0..<length { output.append(output[start + i]) }
      }
    }
  }
}
