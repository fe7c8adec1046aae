import Foundation

/// A coordinate or length for SVG: at most two decimals, no trailing zeros, no "-0", never
/// exponent notation; non-finite values as 0. Fixed, locale-free formatting keeps output byte-stable.
public func svgNumber(_ value: Double) -> String {
  guard value.isFinite else { return "0" }
  var text = String(format: "%.2f", value)
  if text.contains(".") {
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
  }
  if text == "-0" { text = "0" }
  return text
}

/// Text made safe for XML character data and attribute values.
public func xmlEscaped(_ text: String) -> String {
  var out = ""
  out.reserveCapacity(text.count)
  for scalar in text.unicodeScalars {
    switch scalar {
    case "&": out += "&amp;"
    case "<": out += "&lt;"
    case ">": out += "&gt;"
    case "\"": out += "&quot;"
    case "'": out += "&#39;"
    default:
      // Control characters (but tab and newline) are not allowed in XML 1.0: a space instead.
      if scalar.value < 0x20, scalar != "\t", scalar != "\n" { out += " " } else if (0x7F...0x9F).contains(scalar.value) { out += " " } else {
        out.unicodeScalars.append(scalar)
      }
    }
  }
  return out
}

/// The Okabe-Ito palette (Okabe and Ito, 2008): eight colours told apart with any common colour
/// vision deficiency.
public enum Palette {
  public static let black = "#000000"
  public static let orange = "#E69F00"
  public static let skyBlue = "#56B4E9"
  public static let bluishGreen = "#009E73"
  public static let yellow = "#F0E442"
  public static let blue = "#0072B2"
  public static let vermillion = "#D55E00"
  public static let reddishPurple = "#CC79A7"
  /// Series colours in order (black and yellow left out: black is for marks, yellow too light on white).
  public static let series = [blue, orange, bluishGreen, vermillion, reddishPurple, skyBlue]
  public static func series(_ index: Int) -> String { series[((index % series.count) + series.count) % series.count] }
  /// Axis, grid and text greys.
  public static let axis = "#444444"
  public static let grid = "#DDDDDD"
  public static let text = "#222222"
  public static let muted = "#666666"
}

/// Text anchoring for `SVGCanvas.text`.
public enum TextAnchor: String, Sendable { case start, middle, end }

/// A small SVG writer: elements appended in order, every number through `svgNumber`, every text
/// through `xmlEscaped`. The same calls always give the same bytes.
public struct SVGCanvas: Sendable {
  public let width: Double
  public let height: Double
  private(set) var elements: [String] = []

  public init(width: Double, height: Double) {
    self.width = width
    self.height = height
  }

  /// Approximate width of a text in the sans-serif faces charts use (0.6 em a character, a little
  /// generous so layout leaves room rather than overlapping).
  public static func textWidth(_ text: String, size: Double) -> Double { Double(text.count) * size * 0.6 }

  /// A text cut to fit `width` (with an ellipsis), for labels that would run into their neighbours.
  public static func fitted(_ text: String, width: Double, size: Double) -> String {
    let fits = Int(width / (size * 0.6))
    guard text.count > fits, fits > 1 else { return text }
    return String(text.prefix(fits - 1)) + "\u{2026}"
  }

  public mutating func raw(_ element: String) { elements.append(element) }

  public mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, opacity: Double? = nil, stroke: String? = nil) {
    var e = "<rect x=\"\(svgNumber(x))\" y=\"\(svgNumber(y))\" width=\"\(svgNumber(max(0, width)))\" height=\"\(svgNumber(max(0, height)))\" fill=\"\(fill)\""
    if let opacity { e += " fill-opacity=\"\(svgNumber(opacity))\"" }
    if let stroke { e += " stroke=\"\(stroke)\"" }
    elements.append(e + "/>")
  }

  public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1, dashed: Bool = false) {
    var e = "<line x1=\"\(svgNumber(x1))\" y1=\"\(svgNumber(y1))\" x2=\"\(svgNumber(x2))\" y2=\"\(svgNumber(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(svgNumber(width))\""
    if dashed { e += " stroke-dasharray=\"4 3\"" }
    elements.append(e + "/>")
  }

  public mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double = 1.5, dashed: Bool = false) {
    guard points.count > 1 else { return }
    var e = "<polyline points=\"\(Self.points(points))\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(svgNumber(width))\" stroke-linejoin=\"round\""
    if dashed { e += " stroke-dasharray=\"5 3\"" }
    elements.append(e + "/>")
  }

  public mutating func polygon(_ points: [(Double, Double)], fill: String, opacity: Double) {
    guard points.count > 2 else { return }
    elements.append("<polygon points=\"\(Self.points(points))\" fill=\"\(fill)\" fill-opacity=\"\(svgNumber(opacity))\" stroke=\"none\"/>")
  }

  public mutating func circle(x: Double, y: Double, radius: Double, fill: String, stroke: String? = nil) {
    var e = "<circle cx=\"\(svgNumber(x))\" cy=\"\(svgNumber(y))\" r=\"\(svgNumber(radius))\" fill=\"\(fill)\""
    if let stroke { e += " stroke=\"\(stroke)\" stroke-width=\"1.5\"" }
    elements.append(e + "/>")
  }

  /// A diamond (significance mark, break-even).
  public mutating func diamond(x: Double, y: Double, radius: Double, fill: String) {
    polygon([(x, y - radius), (x + radius, y), (x, y + radius), (x - radius, y)], fill: fill, opacity: 1)
  }

  public mutating func text(
    _ text: String, x: Double, y: Double, anchor: TextAnchor = .start, size: Double = 12, fill: String = Palette.text, bold: Bool = false,
    rotate: Double? = nil
  ) {
    var e = "<text x=\"\(svgNumber(x))\" y=\"\(svgNumber(y))\" font-size=\"\(svgNumber(size))\" fill=\"\(fill)\""
    if anchor != .start { e += " text-anchor=\"\(anchor.rawValue)\"" }
    if bold { e += " font-weight=\"bold\"" }
    if let rotate { e += " transform=\"rotate(\(svgNumber(rotate)) \(svgNumber(x)) \(svgNumber(y)))\"" }
    elements.append(e + ">\(xmlEscaped(text))</text>")
  }

  static func points(_ points: [(Double, Double)]) -> String { points.map { "\(svgNumber($0.0)),\(svgNumber($0.1))" }.joined(separator: " ") }

  /// The picture: `standalone` adds the XML namespace a file needs (inline SVG in HTML does without,
  /// so a page has no reference to anything outside it). `id` prefixes the title and description
  /// ids so several charts can share a page.
  public func render(id: String, title: String, description: String, standalone: Bool) -> String {
    let ns = standalone ? " xmlns=\"http://www.w3.org/2000/svg\"" : ""
    var out = "<svg\(ns) viewBox=\"0 0 \(svgNumber(width)) \(svgNumber(height))\" width=\"\(svgNumber(width))\" height=\"\(svgNumber(height))\""
    out += " role=\"img\" aria-label=\"\(xmlEscaped(title))\" aria-describedby=\"\(id)-desc\" font-family=\"DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif\">\n"
    out += "<title id=\"\(id)-title\">\(xmlEscaped(title))</title>\n<desc id=\"\(id)-desc\">\(xmlEscaped(description))</desc>\n"
    out += "<rect x=\"0\" y=\"0\" width=\"\(svgNumber(width))\" height=\"\(svgNumber(height))\" fill=\"#FFFFFF\"/>\n"
    for element in elements { out += element + "\n" }
    return out + "</svg>\n"
  }
}
