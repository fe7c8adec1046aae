import Foundation

/// A chart of layers over an x and a y axis: bands, lines, steps, points, error bars, bars, rules
/// and markers. Fan charts, sweep response curves, cumulative differences, empirical CDFs against a
/// fitted curve, P-P plots and predicted bands against actuals are all made of these layers.
public struct XYChart: Chart {
  public enum Layer: Sendable {
    /// A shaded band between `low` and `high` (an interval band, a fan's 50% or 90% band).
    case band(x: [Double], low: [Double], high: [Double], colour: String, opacity: Double)
    /// A line through the points (a median, a mean, a fitted curve).
    case line(x: [Double], y: [Double], colour: String, dashed: Bool)
    /// A right-continuous step function (an empirical CDF): flat from each x to the next.
    case step(x: [Double], y: [Double], colour: String)
    /// Points (filled, or hollow for the ones to read as weaker).
    case points(x: [Double], y: [Double], colour: String, filled: Bool)
    /// Vertical error bars from `low` to `high` at each x.
    case errorBars(x: [Double], low: [Double], high: [Double], colour: String)
    /// Bars from 0 up to each height, between x0 and x1 (a histogram).
    case bars(x0: [Double], x1: [Double], height: [Double], colour: String, opacity: Double)
    /// A horizontal line across the plot (zero, a target), with an optional label.
    case horizontalRule(y: Double, label: String?, colour: String, dashed: Bool)
    /// A vertical marker at x (a break-even month) with an optional shaded interval and a label.
    case verticalMarker(x: Double, label: String, interval: ClosedRange<Double>?, colour: String)
    /// Points each with a short label beside it (factors on a Morris plot).
    case labelledPoints(x: [Double], y: [Double], labels: [String], colour: String)
  }

  public var id: String
  public var title: String
  public var description: String
  public var xAxis: Axis
  public var yAxis: Axis
  public var layers: [Layer]
  public var legend: [LegendEntry]
  public var width: Double
  public var height: Double
  /// Values the y axis must reach besides the data's (charts meant to be read side by side share
  /// one range this way).
  public var yInclude: [Double] = []

  /// The lowest and highest finite y value the layers hold.
  public var yDataRange: ClosedRange<Double>? {
    let finite = yValues.filter(\.isFinite)
    guard let low = finite.min(), let high = finite.max() else { return nil }
    return low...high
  }

  public init(
    id: String, title: String, description: String, xAxis: Axis, yAxis: Axis, layers: [Layer], legend: [LegendEntry] = [], width: Double = 760,
    height: Double = 380
  ) {
    self.id = id
    self.title = title
    self.description = description
    self.xAxis = xAxis
    self.yAxis = yAxis
    self.layers = layers
    self.legend = legend
    self.width = width
    self.height = height
  }

  var xValues: [Double] {
    layers.flatMap { layer -> [Double] in
      switch layer {
      case .band(let x, _, _, _, _), .line(let x, _, _, _), .step(let x, _, _), .points(let x, _, _, _), .errorBars(let x, _, _, _), .labelledPoints(let x, _, _, _): x
      case .bars(let x0, let x1, _, _, _): x0 + x1
      case .horizontalRule: []
      case .verticalMarker(let x, _, let interval, _): [x] + (interval.map { [$0.lowerBound, $0.upperBound] } ?? [])
      }
    }
  }

  var yValues: [Double] {
    layers.flatMap { layer -> [Double] in
      switch layer {
      case .band(_, let low, let high, _, _), .errorBars(_, let low, let high, _): low + high
      case .line(_, let y, _, _), .step(_, let y, _), .points(_, let y, _, _), .labelledPoints(_, let y, _, _): y
      case .bars(_, _, let h, _, _): h + [0]
      case .horizontalRule(let y, _, _, _): [y]
      case .verticalMarker: []
      }
    }
  }

  public func svg(standalone: Bool) -> String {
    var canvas = SVGCanvas(width: width, height: height)
    let top = Frame.header(&canvas, title: title, legend: legend) + 6
    let yTicks = Frame.ticks(yValues + yInclude, includeZero: yAxis.includeZero, count: 6)
    let yLabels = Frame.labels(yTicks, yAxis.format)
    let labelWidth = yLabels.map { SVGCanvas.textWidth($0, size: Frame.tickSize) }.max() ?? 0
    let left = 12 + 18 + labelWidth + 8
    let right = width - 20
    let bottom = height - 48
    let y = LinearScale(domain: yTicks.low...yTicks.high, range: (bottom, top))
    // The x scale: categories sit at 0, 1, 2... with half a step of room either side.
    let x: LinearScale
    var xTicks: NiceTicks?
    if let categories = xAxis.categories {
      x = LinearScale(domain: -0.5...(Double(max(categories.count, 1)) - 0.5), range: (left, right))
    } else {
      let ticks = Frame.ticks(xValues, includeZero: xAxis.includeZero, count: 8)
      xTicks = ticks
      x = LinearScale(domain: ticks.low...ticks.high, range: (left, right))
    }
    // Horizontal grid and y tick labels; the y axis title rotated along the left edge.
    for (value, label) in zip(yTicks.values, yLabels) {
      let py = y(value)
      let zero = value == 0 && yAxis.includeZero
      canvas.line(x1: left, y1: py, x2: right, y2: py, stroke: zero ? Palette.axis : Palette.grid, width: zero ? 1.2 : 1)
      canvas.text(label, x: left - 6, y: py + 4, anchor: .end, size: Frame.tickSize, fill: Palette.muted)
    }
    canvas.text(SVGCanvas.fitted(yAxis.title, width: bottom - top, size: Frame.labelSize), x: 20, y: (top + bottom) / 2, anchor: .middle, size: Frame.labelSize, rotate: -90)
    if let categories = xAxis.categories {
      let spacing = (right - left) / Double(max(categories.count, 1))
      let widest = categories.map { SVGCanvas.textWidth($0, size: Frame.tickSize) }.max() ?? 0
      let every = max(1, Int(ceil((widest + 6) / spacing)))
      for (i, label) in categories.enumerated() {
        let px = x(Double(i))
        canvas.line(x1: px, y1: bottom, x2: px, y2: bottom + 4, stroke: Palette.axis)
        if i % every == 0 { canvas.text(label, x: px, y: bottom + 16, anchor: .middle, size: Frame.tickSize, fill: Palette.muted) }
      }
      canvas.line(x1: left, y1: bottom, x2: right, y2: bottom, stroke: Palette.axis)
      canvas.text(SVGCanvas.fitted(xAxis.title, width: right - left, size: Frame.labelSize), x: (left + right) / 2, y: bottom + 36, anchor: .middle, size: Frame.labelSize)
    } else if let xTicks {
      Frame.bottomAxis(&canvas, scale: x, ticks: xTicks, axis: xAxis, top: top, bottom: bottom)
    }
    canvas.line(x1: left, y1: top, x2: left, y2: bottom, stroke: Palette.axis)
    for layer in layers {
      switch layer {
      case .band(let xs, let low, let high, let colour, let opacity):
        let n = min(xs.count, low.count, high.count)
        guard n > 0 else { continue }
        let upper = (0..<n).map { (x(xs[$0]), y.clamped(high[$0])) }
        let lower = (0..<n).reversed().map { (x(xs[$0]), y.clamped(low[$0])) }
        canvas.polygon(upper + lower, fill: colour, opacity: opacity)
      case .line(let xs, let ys, let colour, let dashed):
        canvas.polyline(zip(xs, ys).filter { $0.1.isFinite }.map { (x($0.0), y.clamped($0.1)) }, stroke: colour, width: 2, dashed: dashed)
      case .step(let xs, let ys, let colour):
        var points: [(Double, Double)] = []
        for (i, (px, py)) in zip(xs, ys).enumerated() {
          if i > 0, let previous = points.last { points.append((x(px), previous.1)) }
          points.append((x(px), y.clamped(py)))
        }
        canvas.polyline(points, stroke: colour, width: 2)
      case .points(let xs, let ys, let colour, let filled):
        for (px, py) in zip(xs, ys) where py.isFinite {
          canvas.circle(x: x(px), y: y.clamped(py), radius: 3.5, fill: filled ? colour : "#FFFFFF", stroke: filled ? nil : colour)
        }
      case .errorBars(let xs, let low, let high, let colour):
        for (px, (a, b)) in zip(xs, zip(low, high)) where a.isFinite && b.isFinite {
          canvas.line(x1: x(px), y1: y.clamped(a), x2: x(px), y2: y.clamped(b), stroke: colour, width: 1.5)
          for end in [a, b] { canvas.line(x1: x(px) - 4, y1: y.clamped(end), x2: x(px) + 4, y2: y.clamped(end), stroke: colour, width: 1.5) }
        }
      case .bars(let x0, let x1, let heights, let colour, let opacity):
        for ((a, b), h) in zip(zip(x0, x1), heights) where h.isFinite {
          canvas.rect(x: x(a), y: y.clamped(max(h, 0)), width: x(b) - x(a), height: abs(y.clamped(h) - y.clamped(0)), fill: colour, opacity: opacity)
        }
      case .horizontalRule(let value, let label, let colour, let dashed):
        canvas.line(x1: left, y1: y.clamped(value), x2: right, y2: y.clamped(value), stroke: colour, width: 1.2, dashed: dashed)
        if let label { canvas.text(label, x: right - 4, y: y.clamped(value) - 5, anchor: .end, size: Frame.tickSize, fill: colour) }
      case .verticalMarker(let value, let label, let interval, let colour):
        if let interval {
          canvas.rect(x: x(interval.lowerBound), y: top, width: x(interval.upperBound) - x(interval.lowerBound), height: bottom - top, fill: colour, opacity: 0.12)
        }
        canvas.line(x1: x(value), y1: top, x2: x(value), y2: bottom, stroke: colour, width: 1.5, dashed: true)
        // The label on the side with more room.
        let onRight = x(value) < (left + right) / 2
        canvas.text(label, x: x(value) + (onRight ? 6 : -6), y: top + 14, anchor: onRight ? .start : .end, size: Frame.tickSize, fill: colour, bold: true)
      case .labelledPoints(let xs, let ys, let labels, let colour):
        // Each label on the side of its point with more room, cut to what fits there; labels
        // that would overlap one drawn before move down a line.
        var placed: [(x: Double, y: Double, width: Double)] = []
        for (i, (px, py)) in zip(xs, ys).enumerated() where px.isFinite && py.isFinite {
          let (cx, cy) = (x.clamped(px), y.clamped(py))
          canvas.diamond(x: cx, y: cy, radius: 5, fill: colour)
          guard i < labels.count else { continue }
          let onRight = cx < (left + right) / 2
          let room = onRight ? right - cx - 10 : cx - left - 10
          let text = SVGCanvas.fitted(labels[i], width: max(room, 40), size: Frame.tickSize)
          let width = SVGCanvas.textWidth(text, size: Frame.tickSize)
          let tx = onRight ? cx + 8 : cx - 8 - width
          var ty = cy + 4
          while placed.contains(where: { abs($0.y - ty) < 12 && $0.x < tx + width && tx < $0.x + $0.width }) { ty += 13 }
          placed.append((tx, ty, width))
          canvas.text(text, x: tx, y: ty, size: Frame.tickSize, fill: Palette.text)
        }
      }
    }
    return canvas.render(id: id, title: title, description: description, standalone: standalone)
  }
}

extension XYChart {
  /// An empirical CDF (a step function of sorted observations) against a fitted CDF evaluated at
  /// `curve` points: the fit diagnostic `cccm fit` can draw.
  public static func empiricalCDF(
    id: String, title: String, description: String, axis: Axis, observations: [Double], fitted curve: [(x: Double, p: Double)], fittedLabel: String
  ) -> XYChart {
    let sorted = observations.filter(\.isFinite).sorted()
    let n = Double(max(sorted.count, 1))
    let ys = sorted.indices.map { Double($0 + 1) / n }
    return XYChart(
      id: id, title: title, description: description, xAxis: axis, yAxis: Axis(title: "cumulative probability", format: TickFormat()),
      layers: [.step(x: sorted, y: ys, colour: Palette.blue), .line(x: curve.map(\.x), y: curve.map(\.p), colour: Palette.vermillion, dashed: true)],
      legend: [LegendEntry("empirical CDF", colour: Palette.blue, mark: .line), LegendEntry(fittedLabel, colour: Palette.vermillion, mark: .dashedLine)])
  }

  /// A nonparametric CDF given as steps (a censored empirical CDF from a Kaplan-Meier or
  /// Aalen-Johansen estimate: at each x the estimated probability of a value at or below it)
  /// against fitted CDFs, each a curve with its label and colour (the first solid, others dashed).
  public static func empiricalCDF(
    id: String, title: String, description: String, axis: Axis, steps: [(x: Double, p: Double)], empiricalLabel: String,
    fitted curves: [(label: String, curve: [(x: Double, p: Double)], colour: String)]
  ) -> XYChart {
    var layers: [Layer] = [.step(x: steps.map(\.x), y: steps.map(\.p), colour: Palette.blue)]
    var legend = [LegendEntry(empiricalLabel, colour: Palette.blue, mark: .line)]
    for (i, c) in curves.enumerated() {
      layers.append(.line(x: c.curve.map(\.x), y: c.curve.map(\.p), colour: c.colour, dashed: i > 0))
      legend.append(LegendEntry(c.label, colour: c.colour, mark: i > 0 ? .dashedLine : .line))
    }
    return XYChart(
      id: id, title: title, description: description, xAxis: axis, yAxis: Axis(title: "cumulative probability", format: TickFormat()), layers: layers, legend: legend)
  }

  /// A P-P plot: each observation's fitted probability against its empirical one, with the diagonal
  /// a perfect fit would follow.
  public static func probabilityPlot(id: String, title: String, description: String, empirical: [Double], fitted: [Double]) -> XYChart {
    XYChart(
      id: id, title: title, description: description, xAxis: Axis(title: "empirical probability"), yAxis: Axis(title: "fitted probability"),
      layers: [.line(x: [0, 1], y: [0, 1], colour: Palette.muted, dashed: true), .points(x: empirical, y: fitted, colour: Palette.blue, filled: true)],
      legend: [LegendEntry("observations", colour: Palette.blue, mark: .point), LegendEntry("perfect fit", colour: Palette.muted, mark: .dashedLine)],
      width: 480, height: 440)
  }

  /// A fan by period: the median as a line, 50% and 90% bands, and (for a back-test) actual values
  /// as points. `periods` label the x axis.
  public static func fan(
    id: String, title: String, description: String, periods: [String], periodTitle: String = "month", axis: Axis, p05: [Double], p25: [Double], p50: [Double], p75: [Double],
    p95: [Double], actual: [Double]? = nil, colour: String = Palette.blue
  ) -> XYChart {
    let xs = periods.indices.map(Double.init)
    var layers: [Layer] = [
      .band(x: xs, low: p05, high: p95, colour: colour, opacity: 0.18), .band(x: xs, low: p25, high: p75, colour: colour, opacity: 0.35),
      .line(x: xs, y: p50, colour: colour, dashed: false),
    ]
    var legend = [
      LegendEntry("median", colour: colour, mark: .line), LegendEntry("50% band", colour: colour, mark: .band, opacity: 0.5),
      LegendEntry("90% band", colour: colour, mark: .band, opacity: 0.18),
    ]
    if let actual {
      layers.append(.points(x: xs, y: actual, colour: Palette.vermillion, filled: true))
      legend.append(LegendEntry("actual", colour: Palette.vermillion, mark: .point))
    }
    return XYChart(
      id: id, title: title, description: description, xAxis: Axis(title: periodTitle, categories: periods), yAxis: axis, layers: layers, legend: legend)
  }
}
