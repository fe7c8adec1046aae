import Foundation

/// A bridge (waterfall) drawn across: a bar for the starting total (from the axis's start, which
/// need not be 0), a floating bar per step from
/// the running total before it to the one after it (with the step's interval as a whisker at its
/// end), and a bar for the final total. Each row has its label on the left and its value on the right.
public struct WaterfallChart: Chart {
  public struct Step: Sendable {
    public var label: String
    public var value: Double
    /// The step's interval (NaN: none drawn).
    public var low: Double
    public var high: Double
    /// The interval excludes 0 (drawn solid; others pale).
    public var marked: Bool
    public var valueLabel: String
    public init(label: String, value: Double, low: Double, high: Double, marked: Bool, valueLabel: String) {
      self.label = label
      self.value = value
      self.low = low
      self.high = high
      self.marked = marked
      self.valueLabel = valueLabel
    }
  }

  public var id: String
  public var title: String
  public var description: String
  public var axis: Axis
  /// The starting and final totals, with their labels and value labels.
  public var start: (label: String, value: Double, valueLabel: String)
  public var end: (label: String, value: Double, valueLabel: String)
  public var steps: [Step]
  public var width: Double

  public init(
    id: String, title: String, description: String, axis: Axis, start: (label: String, value: Double, valueLabel: String), steps: [Step],
    end: (label: String, value: Double, valueLabel: String), width: Double = 760
  ) {
    self.id = id
    self.title = title
    self.description = description
    self.axis = axis
    self.start = start
    self.steps = steps
    self.end = end
    self.width = width
  }

  static let rowHeight = 24.0
  static let increase = Palette.bluishGreen
  static let decrease = Palette.vermillion
  static let total = Palette.blue

  public func svg(standalone: Bool) -> String {
    let size = Frame.labelSize
    let labels = [start.label] + steps.map(\.label) + [end.label]
    let values = [start.valueLabel] + steps.map(\.valueLabel) + [end.valueLabel]
    let labelWidth = min(320, (labels.map { SVGCanvas.textWidth($0, size: size) }.max() ?? 0) + 8)
    let valueWidth = min(300, (values.map { SVGCanvas.textWidth($0, size: Frame.tickSize) }.max() ?? 0) + 8)
    let width = max(self.width, 12 + labelWidth + 8 + 320 + 8 + valueWidth + 12)
    let legend = [
      LegendEntry("total", colour: Self.total, mark: .band, opacity: 1), LegendEntry("increase", colour: Self.increase, mark: .band, opacity: 0.85),
      LegendEntry("decrease", colour: Self.decrease, mark: .band, opacity: 0.85),
      LegendEntry("step's 95% interval (pale: it includes 0)", colour: Palette.text, mark: .line),
    ]
    var probe = SVGCanvas(width: width, height: 100)
    let headerBottom = Frame.header(&probe, title: title, legend: legend)
    let rows = Double(labels.count)
    let height = headerBottom + 12 + rows * Self.rowHeight + 52
    var canvas = SVGCanvas(width: width, height: height)
    let top = Frame.header(&canvas, title: title, legend: legend) + 12
    let left = 12 + labelWidth + 8
    let right = width - 12 - valueWidth - 8
    let bottom = top + rows * Self.rowHeight
    // Running totals: before step i is running[i], after it running[i + 1].
    var running = [start.value]
    for step in steps { running.append(running[running.count - 1] + step.value) }
    // The axis spans the running totals, not 0 (unless asked): the steps are what the chart is for.
    var extent = running + [end.value]
    for (i, step) in steps.enumerated() where step.low.isFinite && step.high.isFinite {
      extent += [running[i] + step.low, running[i] + step.high]
    }
    let ticks = Frame.ticks(extent.filter(\.isFinite), includeZero: axis.includeZero, count: 7)
    let x = LinearScale(domain: ticks.low...ticks.high, range: (left, right))
    Frame.bottomAxis(&canvas, scale: x, ticks: ticks, axis: axis, top: top, bottom: bottom)
    func row(_ i: Int, label: String, valueLabel: String, bold: Bool = false) -> Double {
      let cy = top + (Double(i) + 0.5) * Self.rowHeight
      canvas.text(SVGCanvas.fitted(label, width: labelWidth, size: size), x: left - 8, y: cy + 4, anchor: .end, size: size, bold: bold)
      canvas.text(SVGCanvas.fitted(valueLabel, width: valueWidth, size: Frame.tickSize), x: width - 12, y: cy + 4, anchor: .end, size: Frame.tickSize, fill: Palette.muted)
      return cy
    }
    func bar(_ from: Double, _ to: Double, cy: Double, colour: String, opacity: Double) {
      guard from.isFinite, to.isFinite else { return }
      let (a, b) = (x.clamped(min(from, to)), x.clamped(max(from, to)))
      canvas.rect(x: a, y: cy - 8, width: max(1, b - a), height: 16, fill: colour, opacity: opacity < 1 ? opacity : nil)
    }
    var cy = row(0, label: start.label, valueLabel: start.valueLabel, bold: true)
    bar(ticks.low, start.value, cy: cy, colour: Self.total, opacity: 1)
    for (i, step) in steps.enumerated() {
      cy = row(i + 1, label: step.label, valueLabel: step.valueLabel)
      bar(running[i], running[i + 1], cy: cy, colour: step.value >= 0 ? Self.increase : Self.decrease, opacity: step.marked ? 0.85 : 0.35)
      if step.low.isFinite, step.high.isFinite {
        let (a, b) = (x.clamped(running[i] + step.low), x.clamped(running[i] + step.high))
        canvas.line(x1: a, y1: cy, x2: b, y2: cy, stroke: Palette.text, width: 1.2)
        for end in [a, b] { canvas.line(x1: end, y1: cy - 4, x2: end, y2: cy + 4, stroke: Palette.text, width: 1.2) }
      }
      // A connector from this step's end to the next row.
      let next = x.clamped(running[i + 1])
      canvas.line(x1: next, y1: cy + 8, x2: next, y2: cy + Self.rowHeight - 8, stroke: Palette.grid, width: 1)
    }
    cy = row(steps.count + 1, label: end.label, valueLabel: end.valueLabel, bold: true)
    bar(ticks.low, end.value, cy: cy, colour: Self.total, opacity: 1)
    return canvas.render(id: id, title: title, description: description, standalone: standalone)
  }
}
