import Foundation

/// Chart ids made unique within a report: two names that give one id (`Variant A` and
/// `variant-a`, two Cyrillic names that both lose every letter) would otherwise write one file
/// over the other (`--charts`) and repeat an id in the page.
public enum ChartIDs {
  /// `charts` with every repeated id (compared ignoring case, as some file systems do) given the
  /// first free suffix `-2`, `-3`, ...; charts whose ids are already unique are returned as they are.
  public static func unique(_ charts: [any Chart]) -> [any Chart] {
    var taken = Set(charts.map { $0.id.lowercased() })
    guard taken.count < charts.count else { return charts }
    var seen: Set<String> = []
    return charts.map { chart in
      let key = chart.id.lowercased()
      guard seen.contains(key) else {
        seen.insert(key)
        return chart
      }
      var suffix = 2
      while taken.contains("\(key)-\(suffix)") { suffix += 1 }
      let id = "\(chart.id)-\(suffix)"
      taken.insert(id.lowercased())
      seen.insert(id.lowercased())
      return RenamedChart(chart: chart, id: id)
    }
  }
}

/// A chart under another id (see `ChartIDs.unique`).
struct RenamedChart: Chart {
  let chart: any Chart
  let id: String
  var title: String { chart.title }
  var description: String { chart.description }
  /// The chart's SVG with its title and description ids (`ID-title`, `ID-desc`) under the new id.
  func svg(standalone: Bool) -> String {
    chart.svg(standalone: standalone)
      .replacingOccurrences(of: "\"\(chart.id)-title\"", with: "\"\(id)-title\"")
      .replacingOccurrences(of: "\"\(chart.id)-desc\"", with: "\"\(id)-desc\"")
  }
}
