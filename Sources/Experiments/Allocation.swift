import CoverageModel
import ScenarioFiles

/// Spending a headcount budget: where should B more reps or experts go? Greedy marginal analysis
/// on common random numbers (each unit to the team or pool where one more adds most to the
/// objective, given the units already placed), finished by a Kim-Nelson selection among the best
/// few allocations of the last step on fresh replications.
public struct Allocation: Sendable {
  /// A place a unit can go: a team's reps or a pool's experts, with today's count.
  public struct Slot: Sendable, Hashable {
    public var path: String
    public var base: Int
  }

  public let slots: [Slot]

  /// The slots `--over` names: `teams.*.reps`, `teams.NAME.reps`, `presales.*.experts`,
  /// `presales.NAME.experts`, comma-separated; nil with the reason for anything else.
  public static func slots(_ text: String, in scenario: Scenario) -> Result<[Slot], SweepError> {
    var slots: [Slot] = []
    for item in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
      let parts = item.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
      guard parts.count == 3, (parts[0] == "teams" && parts[2] == "reps") || (parts[0] == "presales" && parts[2] == "experts") else {
        return .failure(SweepError("--over \"\(item)\": give teams.NAME.reps or presales.NAME.experts (NAME may be *), e.g. teams.*.reps,presales.*.experts"))
      }
      let named: [(String, Int)] = parts[0] == "teams" ? scenario.teams.map { ($0.name, $0.reps) } : scenario.pools.map { ($0.name, $0.experts) }
      let chosen = parts[1] == "*" ? named : named.filter { $0.0 == parts[1] }
      guard !chosen.isEmpty else {
        let names = named.map(\.0)
        let hint = Suggestion.didYouMean(parts[1], among: names) ?? "names: \(names.joined(separator: ", "))"
        return .failure(SweepError("--over \"\(item)\": no \(parts[0] == "teams" ? "team" : "presales pool") \"\(parts[1])\"; \(hint)"))
      }
      for (name, count) in chosen where !slots.contains(where: { $0.path == "\(parts[0]).\(name).\(parts[2])" }) {
        slots.append(Slot(path: "\(parts[0]).\(name).\(parts[2])", base: count))
      }
    }
    return slots.isEmpty ? .failure(SweepError("--over names no team or pool")) : .success(slots)
  }

  public init(slots: [Slot]) { self.slots = slots }

  /// The scenario with `added[i]` more units on slot i, as a variant of `file`.
  public func scenario(added: [Int], base file: String) throws(ScenarioLoadError) -> Scenario {
    let sweep = Sweep(factors: slots.map { Sweep.Factor(path: $0.path, values: [Double($0.base)]) })
    return try sweep.scenario(at: zip(slots, added).map { Double($0.base + $1) }, base: file)
  }

  /// A name for an allocation: `+2 teams.West.reps, +1 presales.Presales.experts` (or `base`).
  public func label(_ added: [Int]) -> String {
    let parts = zip(slots, added).filter { $1 != 0 }.map { "+\($1) \($0.path)" }
    return parts.isEmpty ? "base" : parts.joined(separator: ", ")
  }
}
