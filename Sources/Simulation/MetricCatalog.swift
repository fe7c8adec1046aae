/// Every metric cccm reports, defined once: its name, where it lives, its unit, which way is
/// better, how a replication forms it, and what it means. Reports, rankings, units and
/// `docs/metrics.md` read this table.
public struct MetricDescriptor: Hashable, Sendable {
  public enum Unit: String, Hashable, Sendable { case count, money, rate, days, weeks, hours, ratio }
  public enum Direction: String, Hashable, Sendable {
    case higherIsBetter = "higher"
    case lowerIsBetter = "lower"
    case neither
  }
  public var name: String
  public var group: MetricGroup
  public var unit: Unit
  public var direction: Direction
  /// How one replication forms it: a count, a sum, a ratio of two tallies, a time average, a percentile.
  public var formation: String
  public var meaning: String

  /// Whether periods add up to the total (counts and sums, and differences of sums), so a
  /// cumulative value over months means something.
  public var isAdditive: Bool { formation == "count" || formation.hasPrefix("sum") || formation == "gross_profit - cost" }
}

extension MetricDescriptor {
  private static func d(_ name: String, _ group: MetricGroup, _ unit: Unit, _ direction: Direction, _ formation: String, _ meaning: String) -> MetricDescriptor {
    MetricDescriptor(name: name, group: group, unit: unit, direction: direction, formation: formation, meaning: meaning)
  }

  /// The catalogue, in the order of a replication's results (`MetricLayout`); the engine writes
  /// each metric under its name (`MetricSlot`).
  public static let all: [MetricDescriptor] = [
    d("arrivals", .scenario, .count, .neither, "count", "opportunities that arose in the measured year"),
    d("uncovered", .scenario, .count, .lowerIsBetter, "count", "opportunities of accounts no team owns"),
    d("blocked", .scenario, .count, .lowerIsBetter, "count", "opportunities lost because the owner (and its overflow team) had no free slot"),
    d("accepted", .scenario, .count, .neither, "count", "opportunities a team took on"),
    d("wins", .scenario, .count, .higherIsBetter, "count", "opportunities won"),
    d("losses", .scenario, .count, .lowerIsBetter, "count", "opportunities lost at a stage"),
    d("win_rate", .scenario, .rate, .higherIsBetter, "ratio: wins / (wins + losses)", "share of closed opportunities that were won"),
    d("bookings", .scenario, .money, .higherIsBetter, "sum of won deal values", "what customers signed for, each deal counted once"),
    d("credited_bookings", .scenario, .money, .neither, "sum of credits", "bookings as the teams are credited: a deal worked by an overlay specialist counts twice"),
    d("cycle_days_won", .scenario, .days, .lowerIsBetter, "ratio: days from arrival to win / wins", "mean sales cycle of won deals"),
    d("presales_requests", .scenario, .count, .neither, "count", "requests for a presales expert"),
    d("presales_wait_mean", .scenario, .days, .lowerIsBetter, "ratio: waiting days / requests made", "mean time from a presales request to the start of its service (or to giving up), a wait still running at the horizon counted so far"),
    d("presales_wait_p90", .scenario, .days, .lowerIsBetter, "percentile (nearest rank) of the waits of requests made", "90% of presales requests waited at most this long (a wait still running at the horizon as it stands)"),
    d("presales_gave_up", .scenario, .count, .lowerIsBetter, "count", "requests that went on without presales after the pool's patience ran out"),
    d("cost", .scenario, .money, .lowerIsBetter, "sum: people, specialists, experts and overheads pro rata, partner margins, commissions", "what the organisation cost in the measured year"),
    d("efficiency", .scenario, .ratio, .higherIsBetter, "ratio: bookings / cost", "bookings per unit of cost (a ratio: it rewards cuts; rank by contribution)"),
    d("gross_profit", .scenario, .money, .higherIsBetter, "sum of won deal value x gross margin", "gross profit of the won deals (the solution's gross margin, else the scenario's)"),
    d("contribution", .scenario, .money, .higherIsBetter, "gross_profit - cost", "what the organisation adds after paying for itself: the default objective"),
    d("deals_lost_at_switch", .scenario, .count, .lowerIsBetter, "count", "open deals lost at a transition's switch: moved accounts' deals lost with its handover_loss (part of losses)"),
    d("value_lost_at_switch", .scenario, .money, .lowerIsBetter, "sum of lost deals' values", "what the deals lost at the switch were worth had they been won (0 without a transition)"),
    d("specialist_unsupported_share", .scenario, .rate, .lowerIsBetter, "ratio: opportunities that found no specialist / opportunities that looked for one", "share of the opportunities needing a solution that found no free embedded or overlay specialist when they looked (and went on with the solution's unsupported_win_factor): the blocking of a loss system, Erlang B for one group (docs/metrics.md, \"Specialists\")"),
    d("credited_bookings", .team, .money, .neither, "sum of credits", "bookings credited to the team (owner or overlay specialist)"),
    d("wins", .team, .count, .higherIsBetter, "count", "deals won that the team is credited with"),
    d("blocked", .team, .count, .lowerIsBetter, "count", "arrivals blocked because the team was full"),
    d("utilization", .team, .rate, .neither, "time average: busy slots / slots", "share of the team's slots in use over the year"),
    d("cycle_days_won", .team, .days, .lowerIsBetter, "ratio: days from arrival to win / wins", "mean sales cycle of the deals won that the team is credited with"),
    d("arrivals", .segment, .count, .neither, "count", "opportunities of the segment"),
    d("coverage", .segment, .rate, .higherIsBetter, "ratio: accepted / arrivals", "share of the segment's opportunities a team took on"),
    d("win_rate", .segment, .rate, .higherIsBetter, "ratio: wins / (wins + losses)", "share of the segment's closed opportunities that were won"),
    d("presales_wait_mean", .segment, .days, .lowerIsBetter, "ratio: waiting days / requests made", "mean presales wait of the segment's requests"),
    d("bookings", .segment, .money, .higherIsBetter, "sum of won deal values", "bookings from the segment's customers"),
    d("cycle_days_won", .segment, .days, .lowerIsBetter, "ratio: days from arrival to win / wins", "mean sales cycle of the segment's won deals"),
    d("utilization", .pool, .rate, .neither, "time average: busy experts / experts", "share of the pool's experts busy over the year"),
    d("wait_mean", .pool, .days, .lowerIsBetter, "ratio: waiting days / requests made", "mean wait of the pool's requests"),
    d("headcount", .people, .count, .neither, "time average: reps employed", "reps in post on an average day (vacant seats and hires not yet started count 0)"),
    d("vacant_share", .people, .rate, .lowerIsBetter, "ratio: vacant seat-days / seat-days", "share of the seats' time spent empty between a leaver and the new hire"),
    d("capacity_share", .people, .rate, .higherIsBetter, "ratio: slot-days available / slot-days of full seats", "share of the seats' full slots the team could use: vacancies and ramp-up take the rest"),
    d("leavers", .people, .count, .lowerIsBetter, "count", "reps who left"),
    d("hires", .people, .count, .neither, "count", "new reps who started: backfills and planned hires"),
    d("handover_losses", .people, .count, .lowerIsBetter, "count", "open opportunities lost when they passed from a leaver to another rep (part of losses)"),
    d("quota_attainment", .people, .rate, .higherIsBetter, "ratio: credited bookings / quota pro rata for days employed", "the team's bookings against its reps' quotas"),
    d("selling_hours", .effort, .hours, .neither, "sum of reps' selling hours", "hours the team's reps had for selling (hours a week x selling share x weeks, accruing evenly)"),
    d("deal_hours", .effort, .hours, .neither, "sum of hours worked on deals", "selling hours spent on the work of open deals (travel to their visits excluded)"),
    d("travel_hours", .effort, .hours, .lowerIsBetter, "sum of hours travelled", "selling hours spent travelling to visits: deals' and coverage visits'"),
    d("coverage_hours", .effort, .hours, .neither, "sum of selling hours without deal work", "selling hours left for covering accounts (their visits' travel included)"),
    d("coverage_hours_per_account_year", .effort, .hours, .higherIsBetter, "ratio: customer-facing coverage hours / account-years", "how much coverage an account got, travel excluded: what a segment's response reads"),
    d("late_stages", .effort, .count, .lowerIsBetter, "count", "stages whose rep's work ended after the customer's days"),
    d("weeks_late_mean", .effort, .weeks, .lowerIsBetter, "ratio: weeks late / late stages", "how late a late stage's work was"),
    d("response_factor", .response, .ratio, .neither, "time average of the factor on the opportunity rate", "the segment's opportunity rate over its base: (coverage hours / reference)^elasticity, capped"),
    d("at_quota_share", .people, .rate, .higherIsBetter, "ratio: rep-years at or above quota / rep-years (whole horizon only)", "share of rep-years whose rep reached quota pro rata"),
  ]

  /// The descriptor of a metric of `group` (scenario-level by default).
  public static func named(_ name: String, group: MetricGroup = .scenario) -> MetricDescriptor? {
    all.first { $0.name == name && $0.group == group } ?? all.first { $0.name == name }
  }

  /// What a ratio metric's mean and interval estimate, stated wherever metrics are listed.
  public static let ratioEstimand =
    "A ratio metric (\"ratio: A / B\") is estimated over replications as sum A / sum B, the ratio of sums (not the mean of the replications' ratios), "
    + "with a delta-method 95% interval; its percentiles and sd are those of the replications' own ratios (docs/statistics.md, \"Ratio metrics\")."

  /// The catalogue as Markdown (`docs/metrics.md`, checked by a test).
  public static var markdown: String {
    var out = "# Metrics\n\nGenerated from `Sources/Simulation/MetricCatalog.swift` by `cccm metrics --markdown`; a test fails when this file is stale.\n\n"
    out += "Every metric is computed per replication over the measured period [0, horizon) and summarised over replications "
    out += "(mean, 95% interval, percentiles). \(ratioEstimand)\n"
    for group in [MetricGroup.scenario, .team, .segment, .pool, .people, .effort, .response] {
      let heading = switch group {
      case .scenario: "Whole organisation"
      case .people: "Per team whose reps are people (teams with people keys only)"
      case .effort: "Per team with reps' time (teams with `time` only)"
      case .response: "Per segment whose demand responds to coverage (segments with `response` only)"
      default: "Per \(group.rawValue)"
      }
      out += "\n## \(heading)\n\n| metric | unit | better | how a replication forms it | meaning |\n|---|---|---|---|---|\n"
      for m in all where m.group == group {
        out += "| `\(m.name)` | \(m.unit.rawValue) | \(m.direction.rawValue) | \(m.formation) | \(m.meaning) |\n"
      }
    }
    out += "\n## Waits\n\n\(waitEstimand)\n"
    out += "\n## Specialists\n\n\(specialistEstimand)\n"
    return out
  }

  /// What `specialist_unsupported_share` counts, and why it is the organisation's only.
  public static let specialistEstimand =
    "An opportunity needing a solution looks for a specialist once: when its motion's first `specialist` stage begins, or at acceptance "
    + "if its motion marks none (docs/model.md, \"Specialists\"). It takes a free slot of its team's embedded entry for the solution, else "
    + "of the first overlay group for the solution with a free slot that engages; if none does, it goes on unsupported, its win factor "
    + "multiplied by the solution's `unsupported_win_factor`, and does not look again. Nothing queues: specialists are a loss system, and "
    + "`specialist_unsupported_share` is its blocking, the opportunities that found no specialist over those that looked, each counted in "
    + "the period it looked in (a look in the warm-up counts nowhere). A product group that declines by its `engage_probability` leaves "
    + "an opportunity unsupported as a full one does. For one overlay group of c slots that the opportunities reach as a Poisson stream "
    + "of rate lambda and hold for h days on average, the share is Erlang B, B(c, lambda h), whatever the shape of the holding times "
    + "(docs/validation.md). It is kept for the organisation, not per owner team: every owner team meets the same overlay groups, so "
    + "their shares differ only through embedded entries, and a team's column would be empty for every team that never looks (the "
    + "specialist teams themselves). Compare designs by it beside `bookings`: an unsupported opportunity is not lost, only less likely won. "
    + "A solution with no specialists at all (as in a scenario fitted from a CRM export, whose products are solutions without specialist "
    + "teams) leaves every opportunity unsupported: the share is 100%, and with an `unsupported_win_factor` of 1 that costs nothing."

  /// What the mean presales waits estimate, and how waits that run past a period's end count.
  public static let waitEstimand =
    "A presales wait runs from the request to the start of its service (or to giving up, being lost or withdrawn at a switch). "
    + "The mean waits are waiting days in the period over requests made in it: every day a request waits counts in the period it falls in, "
    + "so a request waiting across a month's end gives each month its days, a request still waiting at the horizon counts its wait so far "
    + "(censored, not dropped), and a request made in the warm-up counts its days inside the window. By Little's law this is the mean wait "
    + "of a request in steady state (Erlang C for an M/M/c pool) however short the window; counting only the waits that end before the horizon "
    + "would leave out the longest. `presales_wait_p90` is over the requests made in the period, each wait as it stands at its end or at the horizon."
}
