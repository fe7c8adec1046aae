import Foundation

/// Rows of estimates with intervals on one horizontal axis: a forest plot of paired differences
/// (points and whiskers) or a tornado (bars from the reference to the estimate, with whiskers).
/// Each row has a label on the left and its value written on the right.
public struct IntervalChart: Chart {
  public enum Style: Sendable { case points, bars }

  public struct Row: Sendable {
    public var label: String
    public var estimate: Double
    public var low: Double
    public var high: Double
    /// The interval excludes the reference (drawn solid; others hollow or pale).
    public var marked: Bool
    public var colour: String
    /// The value as people read it, on the right (e.g. "+1.20M [+0.8M, +1.6M]").
    public var valueLabel: String
    /// A heading row (a metric's name) with no interval.
    public var isHeading: Bool

    public init(label: String, estimate: Double, low: Double, high: Double, marked: Bool, colour: String, valueLabel: String) {
      self.label = label
      self.estimate = estimate
      self.low = low
      self.high = high
      self.marked = marked
      self.colour = colour
      self.valueLabel = valueLabel
      isHeading = false
    }

    public static func heading(_ label: String) -> Row {
      var row = Row(label: label, estimate: .nan, low: .nan, high: .nan, marked: false, colour: Palette.text, valueLabel: "")
      row.isHeading = true
      return row
    }
  }

  public var id: String
  public var title: String
  public var description: String
  public var axis: Axis
  public var rows: [Row]
  public var style: Style
  /// The value differences are measured from (drawn as a vertical line), usually 0.
  public var reference: Double
  public var legend: [LegendEntry]
  public var width: Double
  /// A range of the axis shaded behind the rows (an indifference zone), with its colour.
  public var zone: ClosedRange<Double>?
  public var zoneColour: String = Palette.bluishGreen

  public init(
    id: String, title: String, description: String, axis: Axis, rows: [Row], style: Style, reference: Double = 0, legend: [LegendEntry] = [],
    width: Double = 760, zone: ClosedRange<Double>? = nil
  ) {
    self.id = id
    self.title = title
    self.description = description
    self.axis = axis
    self.rows = rows
    self.style = style
    self.reference = reference
    self.legend = legend
    self.width = width
    self.zone = zone
  }

  static let rowHeight = 26.0

  public func svg(standalone: Bool) -> String {
    // The height follows the rows; label and value columns take what their texts need, within limits.
    // Long labels widen the chart (up to 440 points of label) rather than being cut, so the plot
    // keeps at least 320 points.
    let size = Frame.labelSize
    let labelWidth = min(440, (rows.map { SVGCanvas.textWidth($0.label, size: size) }.max() ?? 0) + 8)
    let valueWidth = min(300, (rows.map { SVGCanvas.textWidth($0.valueLabel, size: Frame.tickSize) }.max() ?? 0) + 8)
    let width = max(self.width, 12 + labelWidth + 8 + 320 + 8 + valueWidth + 12)
    var probe = SVGCanvas(width: width, height: 100)
    let headerBottom = Frame.header(&probe, title: title, legend: legend)
    let height = headerBottom + 12 + Double(rows.count) * Self.rowHeight + 52
    var canvas = SVGCanvas(width: width, height: height)
    let top = Frame.header(&canvas, title: title, legend: legend) + 12
    let left = 12 + labelWidth + 8
    let right = width - 12 - valueWidth - 8
    let bottom = top + Double(rows.count) * Self.rowHeight
    let values = rows.filter { !$0.isHeading }.flatMap { [$0.low, $0.high, $0.estimate] } + [reference] + (zone.map { [$0.lowerBound, $0.upperBound] } ?? [])
    let ticks = Frame.ticks(values, includeZero: axis.includeZero, count: 7)
    let x = LinearScale(domain: ticks.low...ticks.high, range: (left, right))
    if let zone {
      canvas.rect(x: x.clamped(zone.lowerBound), y: top, width: max(1, x.clamped(zone.upperBound) - x.clamped(zone.lowerBound)), height: bottom - top, fill: zoneColour, opacity: 0.15)
    }
    Frame.bottomAxis(&canvas, scale: x, ticks: ticks, axis: axis, top: top, bottom: bottom)
    canvas.line(x1: x(reference), y1: top, x2: x(reference), y2: bottom, stroke: Palette.axis, width: 1.5)
    for (i, row) in rows.enumerated() {
      let cy = top + (Double(i) + 0.5) * Self.rowHeight
      let label = SVGCanvas.fitted(row.label, width: labelWidth, size: size)
      if row.isHeading {
        canvas.text(label, x: 12, y: cy + 4, size: size, bold: true)
        continue
      }
      canvas.text(label, x: left - 8, y: cy + 4, anchor: .end, size: size)
      canvas.text(SVGCanvas.fitted(row.valueLabel, width: valueWidth, size: Frame.tickSize), x: width - 12, y: cy + 4, anchor: .end, size: Frame.tickSize, fill: Palette.muted)
      guard row.estimate.isFinite else { continue }
      if style == .bars {
        let (a, b) = (x.clamped(min(reference, row.estimate)), x.clamped(max(reference, row.estimate)))
        canvas.rect(x: a, y: cy - 8, width: b - a, height: 16, fill: row.colour, opacity: row.marked ? 0.85 : 0.35)
      }
      if row.low.isFinite, row.high.isFinite {
        canvas.line(x1: x.clamped(row.low), y1: cy, x2: x.clamped(row.high), y2: cy, stroke: style == .bars ? Palette.text : row.colour, width: 1.5)
        for end in [row.low, row.high] {
          canvas.line(x1: x.clamped(end), y1: cy - 5, x2: x.clamped(end), y2: cy + 5, stroke: style == .bars ? Palette.text : row.colour, width: 1.5)
        }
      }
      if style == .points {
        if row.marked { canvas.diamond(x: x.clamped(row.estimate), y: cy, radius: 6, fill: row.colour) } else {
          canvas.circle(x: x.clamped(row.estimate), y: cy, radius: 4.5, fill: "#FFFFFF", stroke: row.colour)
        }
      }
    }
    return canvas.render(id: id, title: title, description: description, standalone: standalone)
  }
}

/// Distributions of one quantity, a row per series on a shared axis: a histogram of the values,
/// the middle 90% (5th to 95th percentile) as a whisker, and the mean with its 95% interval.
public struct DistributionChart: Chart {
  public struct Series: Sendable {
    public var name: String
    public var values: [Double]
    public var mean: Double
    public var low: Double
    public var high: Double
    public var p05: Double
    public var p95: Double
    /// The mean and interval as people read them, on the right.
    public var valueLabel: String
    public init(name: String, values: [Double], mean: Double, low: Double, high: Double, p05: Double, p95: Double, valueLabel: String) {
      self.name = name
      self.values = values
      self.mean = mean
      self.low = low
      self.high = high
      self.p05 = p05
      self.p95 = p95
      self.valueLabel = valueLabel
    }
  }

  public var id: String
  public var title: String
  public var description: String
  public var axis: Axis
  public var series: [Series]
  public var width: Double
  /// What the histogram counts, for the legend.
  public var counted: String

  public init(id: String, title: String, description: String, axis: Axis, series: [Series], width: Double = 760, counted: String = "replications (histogram)") {
    self.id = id
    self.title = title
    self.description = description
    self.axis = axis
    self.series = series
    self.width = width
    self.counted = counted
  }

  /// Rows are taller when there are few of them, so one scenario's histogram still reads.
  var rowHeight: Double { series.count <= 2 ? 120 : 78 }

  /// Histogram bins on the ticks' grid: the tick step split into 1, 2, 4, 5 or 10 so there are
  /// about 12 to 40 bins over the axis.
  static func bins(_ ticks: NiceTicks) -> (start: Double, width: Double, count: Int) {
    let span = ticks.high - ticks.low
    let perStep = [1.0, 2, 4, 5, 10].first { span / (ticks.step / $0) >= 12 } ?? 10
    let width = ticks.step / perStep
    return (ticks.low, width, max(1, Int((span / width).rounded())))
  }

  public func svg(standalone: Bool) -> String {
    let legend = [
      LegendEntry(counted, colour: Palette.series(0), mark: .band, opacity: 0.55), LegendEntry("mean and its 95% interval", colour: Palette.text, mark: .diamond),
      LegendEntry("5th to 95th percentile", colour: Palette.muted, mark: .line),
    ]
    var probe = SVGCanvas(width: width, height: 100)
    let headerBottom = Frame.header(&probe, title: title, legend: legend)
    let height = headerBottom + 10 + Double(series.count) * rowHeight + 52
    var canvas = SVGCanvas(width: width, height: height)
    let top = Frame.header(&canvas, title: title, legend: legend) + 10
    let nameWidth = min(width * 0.28, (series.map { SVGCanvas.textWidth($0.name, size: Frame.labelSize) }.max() ?? 0) + 8)
    let valueWidth = min(width * 0.3, (series.map { SVGCanvas.textWidth($0.valueLabel, size: Frame.tickSize) }.max() ?? 0) + 8)
    let left = 12 + nameWidth + 8
    let right = width - 12 - valueWidth - 8
    let bottom = top + Double(series.count) * rowHeight
    let ticks = Frame.ticks(series.flatMap { $0.values + [$0.low, $0.high] }, includeZero: axis.includeZero, count: 7)
    let x = LinearScale(domain: ticks.low...ticks.high, range: (left, right))
    Frame.bottomAxis(&canvas, scale: x, ticks: ticks, axis: axis, top: top, bottom: bottom)
    let bins = Self.bins(ticks)
    for (i, s) in series.enumerated() {
      let rowTop = top + Double(i) * rowHeight
      let base = rowTop + rowHeight - 24
      var counts = [Int](repeating: 0, count: bins.count)
      for value in s.values where value.isFinite {
        let bin = min(bins.count - 1, max(0, Int(floor((value - bins.start) / bins.width))))
        counts[bin] += 1
      }
      let tallest = Double(counts.max() ?? 1)
      for (b, count) in counts.enumerated() where count > 0 {
        let h = Double(count) / max(tallest, 1) * (rowHeight - 34)
        let x0 = x(bins.start + Double(b) * bins.width)
        let x1 = x(bins.start + Double(b + 1) * bins.width)
        canvas.rect(x: x0 + 0.5, y: base - h, width: x1 - x0 - 1, height: h, fill: Palette.series(i), opacity: 0.55)
      }
      canvas.line(x1: left, y1: base, x2: right, y2: base, stroke: Palette.grid)
      // Below the histogram: the 5%-95% whisker, the mean's interval as a thick bar, the mean as a diamond.
      let markY = base + 10
      if s.p05.isFinite, s.p95.isFinite { canvas.line(x1: x.clamped(s.p05), y1: markY, x2: x.clamped(s.p95), y2: markY, stroke: Palette.muted, width: 1.5) }
      if s.low.isFinite, s.high.isFinite {
        canvas.rect(x: x.clamped(s.low), y: markY - 3, width: max(2, x.clamped(s.high) - x.clamped(s.low)), height: 6, fill: Palette.text)
      }
      if s.mean.isFinite {
        canvas.line(x1: x.clamped(s.mean), y1: rowTop + 6, x2: x.clamped(s.mean), y2: base, stroke: Palette.text, width: 1.5, dashed: true)
        canvas.diamond(x: x.clamped(s.mean), y: markY, radius: 5, fill: Palette.text)
      }
      canvas.text(SVGCanvas.fitted(s.name, width: nameWidth, size: Frame.labelSize), x: left - 8, y: base - 4, anchor: .end, size: Frame.labelSize, bold: true)
      canvas.text(SVGCanvas.fitted(s.valueLabel, width: valueWidth, size: Frame.tickSize), x: width - 12, y: base - 4, anchor: .end, size: Frame.tickSize, fill: Palette.muted)
    }
    return canvas.render(id: id, title: title, description: description, standalone: standalone)
  }
}
