/// The metrics of one group as the engine writes them, by name. A case's raw value is its place in
/// the group's part of a replication's row (`MetricLayout`), and its name in snake case (`winRate`:
/// `win_rate`) is the catalogue's name of the metric at that place. `MetricLayout.slotMismatches`
/// checks that the two agree, in debug builds whenever a simulator is made and in a test; release
/// builds read the places as constants.
protocol MetricSlot: RawRepresentable<Int>, CaseIterable {
  static var group: MetricGroup { get }
}

extension MetricSlot {
  /// The catalogue's name of the metric: the case's name in snake case.
  var name: String {
    String(describing: self).reduce(into: "") { name, character in
      name += character.isUppercase ? "_" + character.lowercased() : String(character)
    }
  }
}

/// The organisation's metrics, of the whole horizon and of each period.
enum ScenarioMetric: Int, MetricSlot {
  case arrivals, uncovered, blocked, accepted, wins, losses, winRate, bookings, creditedBookings, cycleDaysWon
  case presalesRequests, presalesWaitMean, presalesWaitP90, presalesGaveUp, cost, efficiency, grossProfit, contribution
  case dealsLostAtSwitch, valueLostAtSwitch, specialistUnsupportedShare
  static var group: MetricGroup { .scenario }
}

/// Each team's metrics.
enum TeamMetric: Int, MetricSlot {
  case creditedBookings, wins, blocked, utilization, cycleDaysWon
  static var group: MetricGroup { .team }
}

/// Each segment's metrics.
enum SegmentMetric: Int, MetricSlot {
  case arrivals, coverage, winRate, presalesWaitMean, bookings, cycleDaysWon
  static var group: MetricGroup { .segment }
}

/// Each presales pool's metrics.
enum PoolMetric: Int, MetricSlot {
  case utilization, waitMean
  static var group: MetricGroup { .pool }
}

/// The metrics of each team whose reps are people.
enum PeopleMetric: Int, MetricSlot {
  case headcount, vacantShare, capacityShare, leavers, hires, handoverLosses, quotaAttainment, atQuotaShare
  static var group: MetricGroup { .people }
}

/// The metrics of each team whose reps have time (docs/model.md, "Effort").
enum EffortMetric: Int, MetricSlot {
  case sellingHours, dealHours, travelHours, coverageHours, coverageHoursPerAccountYear, lateStages, weeksLateMean
  static var group: MetricGroup { .effort }
}

/// The metrics of each segment whose demand responds to coverage.
enum ResponseMetric: Int, MetricSlot {
  case responseFactor
  static var group: MetricGroup { .response }
}

/// One entity's metrics of one group in a replication's row (the organisation's, a team's, ...,
/// of the whole horizon or of a period), written by name.
struct MetricBlock<Metric: MetricSlot> {
  let row: UnsafeMutableBufferPointer<Double>
  /// Where the block starts in the row.
  let start: Int
  let layout: MetricLayout

  subscript(metric: Metric) -> Double {
    get { row[start + metric.rawValue] }
    nonmutating set { row[start + metric.rawValue] = newValue }
  }

  /// Writes the ratio metric `metric` as a / b (NaN unless b > 0) and its denominator b (0 unless
  /// b > 0) where the row keeps it, so that summaries can form the ratio of sums.
  func setRatio(_ metric: Metric, _ a: Double, _ b: Double) {
    row[start + metric.rawValue] = b > 0 ? a / b : .nan
    if let index = layout.denominatorIndex(of: start + metric.rawValue) { row[index] = b > 0 ? b : 0 }
  }
}

extension MetricLayout {
  /// Where each writer's names and the catalogue's differ, group by group and place by place (none:
  /// every slot written is named as the catalogue names its place, and every catalogue name is written).
  static var slotMismatches: [String] {
    func mismatches<Metric: MetricSlot>(_: Metric.Type) -> [String] {
      let written = Metric.allCases.map { "\($0.rawValue) \($0.name)" }
      let catalogue = names(Metric.group).enumerated().map { "\($0) \($1)" }
      return written == catalogue ? [] : ["\(Metric.group) metrics: the engine writes \(written), the catalogue has \(catalogue)"]
    }
    return mismatches(ScenarioMetric.self) + mismatches(TeamMetric.self) + mismatches(SegmentMetric.self) + mismatches(PoolMetric.self)
      + mismatches(PeopleMetric.self) + mismatches(EffortMetric.self) + mismatches(ResponseMetric.self)
  }

  /// The organisation's metrics in `row`, of the totals (`offset` 0) or of the period starting at `offset`.
  func scenario(in row: UnsafeMutableBufferPointer<Double>, offset: Int) -> MetricBlock<ScenarioMetric> {
    MetricBlock(row: row, start: offset, layout: self)
  }
  func team(_ team: Int, in row: UnsafeMutableBufferPointer<Double>, offset: Int) -> MetricBlock<TeamMetric> {
    MetricBlock(row: row, start: offset + teamIndex(team, 0), layout: self)
  }
  func segment(_ segment: Int, in row: UnsafeMutableBufferPointer<Double>, offset: Int) -> MetricBlock<SegmentMetric> {
    MetricBlock(row: row, start: offset + segmentIndex(segment, 0), layout: self)
  }
  func pool(_ pool: Int, in row: UnsafeMutableBufferPointer<Double>, offset: Int) -> MetricBlock<PoolMetric> {
    MetricBlock(row: row, start: offset + poolIndex(pool, 0), layout: self)
  }
  func people(_ team: Int, in row: UnsafeMutableBufferPointer<Double>, offset: Int) -> MetricBlock<PeopleMetric> {
    MetricBlock(row: row, start: offset + peopleIndex(team, 0), layout: self)
  }
  /// A team's with time, by its place among them (`EffortPlan.timedTeams`).
  func effort(_ team: Int, in row: UnsafeMutableBufferPointer<Double>, offset: Int) -> MetricBlock<EffortMetric> {
    MetricBlock(row: row, start: offset + effortIndex(team, 0), layout: self)
  }
  /// A responding segment's, by its place among them (`EffortPlan.responses`).
  func response(_ segment: Int, in row: UnsafeMutableBufferPointer<Double>, offset: Int) -> MetricBlock<ResponseMetric> {
    MetricBlock(row: row, start: offset + responseIndex(segment, 0), layout: self)
  }

  #if DEBUG
    /// A value no writer produces (a NaN with a payload of its own): debug builds set every slot of
    /// a row to it before a replication writes, and check that none holds it afterwards.
    static let unwritten = Double(bitPattern: 0x7FFC_C0DE_C0DE_C0DE)

    /// The names of the slots of `row` still `unwritten`.
    func unwrittenSlots(_ row: UnsafeMutableBufferPointer<Double>) -> [String] {
      let entries = self.entries
      return row.indices.filter { row[$0].bitPattern == Self.unwritten.bitPattern }.map { index in
        let period = index / periodBase
        let entry = entries[index % periodBase]
        return "\(entry.group) \(entry.entity) \(entry.metric)" + (period == 0 ? "" : " of period \(period)")
      }
    }
  #endif
}
