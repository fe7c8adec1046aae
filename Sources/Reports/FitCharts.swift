import Calibration
import Charts
import Foundation

/// `cccm fit`'s diagnostics as charts: for each fitted cycle time and deal size, the nonparametric
/// CDF (censored where deals are still open) against the fitted CDFs of the chosen family and the
/// runner-up, and a P-P plot of the chosen family; arrivals by month against the fitted rate and
/// seasons.
extension ReportCharts {
  /// Every fit chart: arrivals by month first, then per segment its win cycle, loss cycle and
  /// deal sizes (CDF, then P-P).
  public static func fit(_ fit: FitResult) -> [any Chart] {
    var charts: [any Chart] = []
    if let arrivals = monthlyArrivals(fit.monthlyArrivals) { charts.append(arrivals) }
    for segment in fit.segments {
      for (what, fitted) in [("win cycle", segment.winCycle), ("loss cycle", segment.lossCycle), ("deal size", segment.dealSize)] {
        guard let fitted, let cdf = fitCDF(fitted, segment: segment.name, what: what) else { continue }
        charts.append(cdf)
        if let pp = fitPP(fitted, segment: segment.name, what: what) { charts.append(pp) }
      }
    }
    return charts
  }

  /// The family a fit's charts show first: the one written, or (when the empirical distribution
  /// is written) the best ranked; and the next ranked after it.
  static func shownFamilies(_ fitted: DistributionFit) -> (chosen: FamilyFit, runnerUp: FamilyFit?)? {
    guard let chosen = fitted.writtenFamily ?? fitted.ranked.first else { return nil }
    return (chosen, fitted.ranked.first { $0.family != chosen.family })
  }

  /// How a fitted family reads: "gamma (shape 0.87, mean 45.05)".
  static func familyLabel(_ f: FamilyFit) -> String {
    f.family.rawValue + " (" + zip(f.family.parameterNames, f.parameters).map { "\($0) \(FitReport.show($1))" }.joined(separator: ", ") + ")"
  }

  /// The unit of a fit's values on an axis: days for cycle times, money for deal sizes.
  static func fitAxis(_ what: String, values: [Double]) -> Axis {
    what == "deal size" ? axis("bookings", values: values, title: "deal size") : Axis(title: "\(what) (days)")
  }

  /// At most `limit` steps of a step function, evenly spread over its probabilities (the last kept).
  static func thinned(_ x: [Double], _ p: [Double], limit: Int) -> [(x: Double, p: Double)] {
    let n = min(x.count, p.count)
    guard n > limit else { return (0..<n).map { (x[$0], p[$0]) } }
    var kept: [(x: Double, p: Double)] = []
    var next = 0.0
    for i in 0..<n where p[i] >= next || i == n - 1 {
      kept.append((x[i], p[i]))
      next = p[i] + 1 / Double(limit)
    }
    return kept
  }

  /// A fitted CDF on a grid of 120 points from 0 to the largest value (GSL's CDFs through
  /// `LifetimeFamily.cdf`).
  static func curve(_ f: FamilyFit, upTo high: Double) -> [(x: Double, p: Double)] {
    (0...120).map { i in
      let x = high * Double(i) / 120
      return (x, f.family.cdf(x, f.parameters))
    }
  }

  /// The nonparametric CDF against the chosen and runner-up families' CDFs.
  public static func fitCDF(_ fitted: DistributionFit, segment: String, what: String) -> XYChart? {
    guard let (chosen, runnerUp) = shownFamilies(fitted), let high = fitted.empiricalX.last, high > 0 else { return nil }
    let censored = fitted.censoredWeight > 0
    let steps = thinned(fitted.empiricalX, fitted.empiricalP, limit: 400)
    let written = fitted.writtenFamily == nil ? "the empirical distribution is written" : "\(chosen.family.rawValue) is written"
    var curves = [(label: familyLabel(chosen) + (fitted.writtenFamily == nil ? ", best" : ", written"), curve: curve(chosen, upTo: high), colour: Palette.vermillion)]
    if let runnerUp { curves.append((label: familyLabel(runnerUp) + ", next", curve: curve(runnerUp, upTo: high), colour: Palette.reddishPurple)) }
    let estimator = what == "deal size" ? "empirical CDF" : censored ? "Aalen-Johansen CDF (open deals censored)" : "empirical CDF (nothing censored)"
    let median = fitted.empiricalX[fitted.empiricalP.firstIndex { $0 >= 0.5 } ?? 0]
    let fittedMedian = quantile(chosen, 0.5, upTo: high * 4)
    var sentence = "\(segment), \(what): the \(estimator) of \(fitted.events) \(what == "deal size" ? "won deals" : "deals")"
    sentence += censored ? " and \(FitReport.show(fitted.censoredWeight)) weighted open deals" : ""
    sentence += " against the fitted \(familyLabel(chosen))" + (runnerUp.map { " and \(familyLabel($0))" } ?? "") + ". "
    sentence += "Observed median \(FitReport.show(median)), \(chosen.family.rawValue)'s \(FitReport.show(fittedMedian)); "
    sentence += "the largest gap between the curves is \(FitReport.show(fitted.distance))"
    sentence += fitted.ranking == .aic ? " (bound \(FitReport.show(fitted.threshold))); " : "; "
    sentence += written + "."
    return XYChart.empiricalCDF(
      id: slug("fit", segment, what, "cdf"), title: "\(segment), \(what): observed against fitted CDF", description: sentence,
      axis: fitAxis(what, values: fitted.empiricalX), steps: steps, empiricalLabel: estimator, fitted: curves)
  }

  /// The P-P plot of the chosen family: at each observed value, the fitted CDF against the
  /// nonparametric one (at most 200 points, spread over the probabilities).
  public static func fitPP(_ fitted: DistributionFit, segment: String, what: String) -> XYChart? {
    guard let (chosen, _) = shownFamilies(fitted), !fitted.empiricalX.isEmpty else { return nil }
    let points = thinned(fitted.empiricalX, fitted.empiricalP, limit: 200)
    let model = points.map { chosen.family.cdf($0.x, chosen.parameters) }
    let gap = zip(points, model).map { abs($0.p - $1) }.max() ?? 0
    let worst = zip(points, model).max { abs($0.0.p - $0.1) < abs($1.0.p - $1.1) }
    var sentence = "\(segment), \(what): \(chosen.family.rawValue)'s CDF at each observed value against the observed one, \(points.count) points; a perfect fit lies on the diagonal. "
    if let worst {
      sentence += "Largest gap \(FitReport.show(gap)) at \(FitReport.show(worst.0.x)) \(what == "deal size" ? "" : "days ")(observed \(FitReport.show(worst.0.p)), fitted \(FitReport.show(worst.1)))."
    }
    return XYChart.probabilityPlot(
      id: slug("fit", segment, what, "pp"), title: "\(segment), \(what): P-P plot of \(chosen.family.rawValue)", description: sentence,
      empirical: points.map(\.p), fitted: model)
  }

  /// The fitted family's quantile by bisection on its CDF (for the caption's median).
  static func quantile(_ f: FamilyFit, _ p: Double, upTo high: Double) -> Double {
    var (low, up) = (0.0, max(high, 1))
    for _ in 0..<60 {
      let mid = (low + up) / 2
      if f.family.cdf(mid, f.parameters) < p { low = mid } else { up = mid }
    }
    return (low + up) / 2
  }

  /// Arrivals per month (bars) against the fitted rate under the seasonal profile (a line) with
  /// the central 90% of a Poisson count around it (a band).
  public static func monthlyArrivals(_ months: [MonthlyArrivals]) -> XYChart? {
    guard !months.isEmpty else { return nil }
    let xs = months.indices.map(Double.init)
    let outside = months.filter { Double($0.observed) < $0.low || Double($0.observed) > $0.high }
    let words = months.map { "\($0.month) \($0.observed) (expected \(FitReport.show($0.expected.rounded())))" }
    var sentence = "Opportunities engaged per month, every segment, against the fitted Poisson rate under the seasonal profile, with the central 90% of a Poisson count: "
    sentence += words.joined(separator: "; ") + ". "
    sentence += outside.isEmpty
      ? "Every month is inside its 90% range"
      : "\(outside.count) of \(months.count) months are outside their 90% range (\(outside.map(\.month).joined(separator: ", ")))"
    let calendar = Set(months.map { $0.month.suffix(2) })
    if calendar.count == months.count {
      sentence += "; each calendar month appears once in the window, so its seasonal factor is fitted from that month alone and the line passes through its bar."
    } else {
      sentence += "."
    }
    let flatOutside = months.filter { m in
      let low = Double(Arrivals.poissonQuantile(0.05, mean: m.flat))
      let high = Double(Arrivals.poissonQuantile(0.95, mean: m.flat))
      return Double(m.observed) < low || Double(m.observed) > high
    }
    sentence += " One rate all year (\(FitReport.show((months.map(\.flat).reduce(0, +) / Double(months.count)).rounded())) a month on average) would leave \(flatOutside.count) of \(months.count) months outside its 90% range: that is what the seasons explain."
    return XYChart(
      id: "fit-arrivals-by-month", title: "Arrivals per month against the fitted seasonal profile", description: sentence,
      xAxis: Axis(title: "month", categories: months.map(\.month)), yAxis: Axis(title: "opportunities engaged (count)", includeZero: true),
      layers: [
        .bars(x0: xs.map { $0 - 0.35 }, x1: xs.map { $0 + 0.35 }, height: months.map { Double($0.observed) }, colour: Palette.skyBlue, opacity: 0.8),
        .band(x: xs, low: months.map(\.low), high: months.map(\.high), colour: Palette.vermillion, opacity: 0.15),
        .line(x: xs, y: months.map(\.expected), colour: Palette.vermillion, dashed: false),
        .line(x: xs, y: months.map(\.flat), colour: Palette.muted, dashed: true),
      ],
      legend: [
        LegendEntry("observed", colour: Palette.skyBlue, mark: .band, opacity: 0.8), LegendEntry("fitted rate x seasonal factor", colour: Palette.vermillion, mark: .line),
        LegendEntry("90% of a Poisson count", colour: Palette.vermillion, mark: .band, opacity: 0.15),
        LegendEntry("one rate all year", colour: Palette.muted, mark: .dashedLine),
      ])
  }
}
