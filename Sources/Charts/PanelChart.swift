import Foundation

/// Rows of estimates with intervals in panels stacked one above the other, each panel on an axis of
/// its own (a metric in its own unit): a forest plot where a large change on a small base does not
/// squeeze the others into dots at zero. Labels and values line up across panels.
public struct PanelChart: Chart {
  public struct Panel: Sendable {
    public var title: String
    public var axis: Axis
    public var rows: [IntervalChart.Row]
    /// The value the rows are measured from (a vertical line), usually 0.
    public var reference: Double
    public init(title: String, axis: Axis, rows: [IntervalChart.Row], reference: Double = 0) {
      self.title = title
      self.axis = axis
      self.rows = rows
      self.reference = reference
    }
  }

  public var id: String
  public var title: String
  public var description: String
  public var caption: String
  public var panels: [Panel]
  public var legend: [LegendEntry]
  public var width: Double

  public init(id: String, title: String, caption: String, description: String, panels: [Panel], legend: [LegendEntry], width: Double = 760) {
    self.id = id
    self.title = title
    self.caption = caption
    self.description = description
    self.panels = panels
    self.legend = legend
    self.width = width
  }

  static let rowHeight = 24.0
  static let panelTitleHeight = 24.0
  static let axisHeight = 46.0

  public func svg(standalone: Bool) -> String {
    let rows = panels.flatMap(\.rows)
    let labelWidth = min(360, (rows.map { SVGCanvas.textWidth($0.label, size: Frame.labelSize) }.max() ?? 0) + 8)
    let valueWidth = min(300, (rows.map { SVGCanvas.textWidth($0.valueLabel, size: Frame.tickSize) }.max() ?? 0) + 8)
    let width = max(self.width, 12 + labelWidth + 8 + 300 + 8 + valueWidth + 12)
    var probe = SVGCanvas(width: width, height: 100)
    let headerBottom = Frame.header(&probe, title: title, legend: legend)
    let panelHeights = panels.map { Self.panelTitleHeight + Double($0.rows.count) * Self.rowHeight + Self.axisHeight }
    let height = headerBottom + 10 + panelHeights.reduce(0, +) + 8
    var canvas = SVGCanvas(width: width, height: height)
    var top = Frame.header(&canvas, title: title, legend: legend) + 10
    let left = 12 + labelWidth + 8
    let right = width - 12 - valueWidth - 8
    for panel in panels {
      canvas.text(SVGCanvas.fitted(panel.title, width: width - 24, size: Frame.labelSize), x: 12, y: top + 16, size: Frame.labelSize, bold: true)
      let rowsTop = top + Self.panelTitleHeight
      let bottom = rowsTop + Double(panel.rows.count) * Self.rowHeight
      let values = panel.rows.filter { !$0.isHeading }.flatMap { [$0.low, $0.high, $0.estimate] } + [panel.reference]
      let ticks = Frame.ticks(values, includeZero: panel.axis.includeZero, count: 6)
      let x = LinearScale(domain: ticks.low...ticks.high, range: (left, right))
      Frame.bottomAxis(&canvas, scale: x, ticks: ticks, axis: panel.axis, top: rowsTop, bottom: bottom)
      canvas.line(x1: x(panel.reference), y1: rowsTop, x2: x(panel.reference), y2: bottom, stroke: Palette.axis, width: 1.5)
      for (i, row) in panel.rows.enumerated() {
        let cy = rowsTop + (Double(i) + 0.5) * Self.rowHeight
        canvas.text(SVGCanvas.fitted(row.label, width: labelWidth, size: Frame.labelSize), x: left - 8, y: cy + 4, anchor: .end, size: Frame.labelSize)
        canvas.text(SVGCanvas.fitted(row.valueLabel, width: valueWidth, size: Frame.tickSize), x: width - 12, y: cy + 4, anchor: .end, size: Frame.tickSize, fill: Palette.muted)
        guard row.estimate.isFinite else { continue }
        if row.low.isFinite, row.high.isFinite {
          canvas.line(x1: x.clamped(row.low), y1: cy, x2: x.clamped(row.high), y2: cy, stroke: row.colour, width: 1.5)
          for end in [row.low, row.high] { canvas.line(x1: x.clamped(end), y1: cy - 5, x2: x.clamped(end), y2: cy + 5, stroke: row.colour, width: 1.5) }
        }
        if row.marked { canvas.diamond(x: x.clamped(row.estimate), y: cy, radius: 6, fill: row.colour) } else {
          canvas.circle(x: x.clamped(row.estimate), y: cy, radius: 4.5, fill: "#FFFFFF", stroke: row.colour)
        }
      }
      top = bottom + Self.axisHeight
    }
    return canvas.render(id: id, title: title, description: description, standalone: standalone)
  }
}
