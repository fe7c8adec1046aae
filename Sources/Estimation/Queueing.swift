/// Queueing formulas the engine is checked against (docs/validation.md).
public enum Queueing {
  /// Erlang B blocking probability for `servers` servers at offered load `load` (erlangs), by the
  /// stable recurrence B(0) = 1, B(k) = a·B(k-1) / (k + a·B(k-1)).
  public static func erlangB(servers: Int, load: Double) -> Double {
    var b = 1.0
    if servers > 0 {
      for k in 1...servers { b = load * b / (Double(k) + load * b) }
    }
    return b
  }

  /// Erlang C: probability an arrival waits in M/M/c, from Erlang B: C = c·B / (c - a(1 - B)).
  public static func erlangC(servers: Int, load: Double) -> Double {
    let b = erlangB(servers: servers, load: load)
    let c = Double(servers)
    return c * b / (c - load * (1 - b))
  }

  /// Mean wait in queue of M/M/c: C(c, a) · meanService / (c - a), a = λ · meanService < c.
  public static func mmcMeanWait(servers: Int, arrivalRate: Double, meanService: Double) -> Double {
    let load = arrivalRate * meanService
    return erlangC(servers: servers, load: load) * meanService / (Double(servers) - load)
  }
}
