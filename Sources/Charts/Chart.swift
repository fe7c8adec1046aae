import Foundation

/// An axis: its title (with the unit, e.g. "contribution (millions)"), how ticks are written, and
/// whether the scale must include zero (differences, counts).
public struct Axis: Sendable {
  public var title: String
  public var format: TickFormat
  public var includeZero: Bool
  /// Category labels (months, points): the axis places value i at the i-th label.
  public var categories: [String]?

  public init(title: String, format: TickFormat = TickFormat(), includeZero: Bool = false, categories: [String]? = nil) {
    self.title = title
    self.format = format
    self.includeZero = includeZero
    self.categories = categories
  }
}

/// An entry of a chart's legend.
public struct LegendEntry: Sendable {
  public enum Mark: Sendable { case line, dashedLine, band, point, hollowPoint, diamond }
  public var label: String
  public var colour: String
  public var mark: Mark
  public var opacity: Double
  public init(_ label: String, colour: String, mark: Mark, opacity: Double = 0.3) {
    self.label = label
    self.colour = colour
    self.mark = mark
    self.opacity = opacity
  }
}

/// Any chart: a name for its file, a title, a text alternative, and its SVG.
public protocol Chart: Sendable {
  /// A file-name-safe identifier, unique within a report (`forest`, `fan-contribution-baseline`).
  var id: String { get }
  var title: String { get }
  /// The text alternative: what the chart shows, in words and numbers.
  var description: String { get }
  /// The chart as SVG: `standalone` for a file of its own (with the XML namespace), else for
  /// inlining in HTML.
  func svg(standalone: Bool) -> String
  /// One sentence under the chart on a page (the long text alternative stays with the chart for
  /// screen readers, and is shown on request).
  var caption: String { get }
}

extension Chart {
  /// The text alternative's lead: its first sentence, cut before the list of numbers that follows
  /// a colon or semicolon (`Firstly what it shows: a 1.2M; b 1.3M.` gives `Firstly what it shows.`).
  public var caption: String { Self.firstSentence(description) }

  /// The text up to the first full stop that ends a sentence (followed by a space, not in "e.g.",
  /// or the end of the text), or up to a colon or semicolon outside brackets after at
  /// least 30 characters, ending with a full stop; all of it when there is neither.
  public static func firstSentence(_ text: String) -> String {
    let characters = Array(text)
    var depth = 0
    for i in characters.indices {
      let c = characters[i]
      if c == "(" || c == "[" { depth += 1 }
      if c == ")" || c == "]" { depth = max(0, depth - 1) }
      let next: Character = i + 1 < characters.count ? characters[i + 1] : " "
      let abbreviation = i >= 3 && ["e.g", "i.e"].contains(String(characters[(i - 3)..<i]))
      if c == ".", i + 1 == characters.count || (next == " " && !abbreviation) {
        return String(characters[...i])
      }
      if depth == 0, c == ":" || c == ";", next == " ", i >= 30 {
        return String(characters[..<i]) + "."
      }
    }
    return text
  }
}

/// The frame every chart shares: a title line, an optional legend line under it, then the plot.
struct Frame {
  static let titleSize = 15.0
  static let labelSize = 12.0
  static let tickSize = 11.0

  /// Draws the title and the legend; returns the y where the plot area may start.
  static func header(_ canvas: inout SVGCanvas, title: String, legend: [LegendEntry]) -> Double {
    canvas.text(SVGCanvas.fitted(title, width: canvas.width - 24, size: titleSize), x: 12, y: 22, size: titleSize, bold: true)
    guard !legend.isEmpty else { return 40 }
    // Entries flow left to right and wrap onto a second line when they do not fit.
    var x = 12.0
    var y = 44.0
    for entry in legend {
      let label = SVGCanvas.fitted(entry.label, width: canvas.width - 60, size: labelSize)
      let width = 26 + SVGCanvas.textWidth(label, size: labelSize) + 16
      if x + width > canvas.width - 12, x > 12 {
        x = 12
        y += 18
      }
      switch entry.mark {
      case .line: canvas.line(x1: x, y1: y - 4, x2: x + 20, y2: y - 4, stroke: entry.colour, width: 2)
      case .dashedLine: canvas.line(x1: x, y1: y - 4, x2: x + 20, y2: y - 4, stroke: entry.colour, width: 2, dashed: true)
      case .band: canvas.rect(x: x, y: y - 10, width: 20, height: 12, fill: entry.colour, opacity: entry.opacity)
      case .point: canvas.circle(x: x + 10, y: y - 4, radius: 4, fill: entry.colour)
      case .hollowPoint: canvas.circle(x: x + 10, y: y - 4, radius: 4, fill: "#FFFFFF", stroke: entry.colour)
      case .diamond: canvas.diamond(x: x + 10, y: y - 4, radius: 5, fill: entry.colour)
      }
      canvas.text(label, x: x + 26, y: y, size: labelSize)
      x += width
    }
    return y + 14
  }

  /// Tick labels of a value axis.
  static func labels(_ ticks: NiceTicks, _ format: TickFormat) -> [String] { ticks.values.map { format.label($0, ticks: ticks) } }

  /// Ticks for values (and zero when asked), about `count` of them.
  static func ticks(_ values: [Double], includeZero: Bool, count: Int) -> NiceTicks {
    let finite = values.filter(\.isFinite) + (includeZero ? [0] : [])
    return NiceTicks(low: finite.min() ?? 0, high: finite.max() ?? 1, count: count)
  }

  /// A horizontal value axis along the bottom of a plot: grid lines, tick labels and the title.
  static func bottomAxis(_ canvas: inout SVGCanvas, scale: LinearScale, ticks: NiceTicks, axis: Axis, top: Double, bottom: Double) {
    let labels = Self.labels(ticks, axis.format)
    // Fewer labels when they would touch: every second (or fifth...) one.
    let spacing = abs(scale(ticks.step) - scale(0))
    let widest = labels.map { SVGCanvas.textWidth($0, size: tickSize) }.max() ?? 0
    let every = max(1, Int(ceil((widest + 8) / max(spacing, 1))))
    for (i, (value, label)) in zip(ticks.values, labels).enumerated() {
      let x = scale(value)
      canvas.line(x1: x, y1: top, x2: x, y2: bottom, stroke: value == 0 && axis.includeZero ? Palette.axis : Palette.grid, width: value == 0 && axis.includeZero ? 1.2 : 1)
      if (i - 0) % every == 0 { canvas.text(label, x: x, y: bottom + 16, anchor: .middle, size: tickSize, fill: Palette.muted) }
    }
    canvas.line(x1: scale.range.0, y1: bottom, x2: scale.range.1, y2: bottom, stroke: Palette.axis)
    canvas.text(SVGCanvas.fitted(axis.title, width: scale.range.1 - scale.range.0, size: labelSize), x: (scale.range.0 + scale.range.1) / 2, y: bottom + 36, anchor: .middle, size: labelSize)
  }
}
