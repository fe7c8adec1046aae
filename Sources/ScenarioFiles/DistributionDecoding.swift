import CCCMSupport
import CoverageModel
import Yams

/// Which values a distribution may produce where it is used.
enum Domain {
  /// Durations, sizes, counts: never negative.
  case nonNegative
  /// Shares such as relationship coverage: within [0, 1].
  case unit
}

extension NodeReader {
  /// The largest Poisson mean a scenario may give.
  static let maximumPoissonMean = 1e7

  static let distributionFamilies: [String: [String]] = [
    "exponential": ["mean"], "gamma": ["shape", "mean", "scale"], "lognormal": ["median", "sigma"],
    "normal": ["mean", "sd"], "uniform": ["min", "max"], "triangular": ["min", "mode", "max"],
    "pert": ["min", "mode", "max"], "beta": ["alpha", "beta"], "poisson": ["mean"],
    "empirical": ["values", "weights"], "constant": ["value"], "weibull": ["shape", "scale"], "loglogistic": ["shape", "scale"],
  ]

  /// A distribution: a number (a constant) or a one-key mapping such as `{gamma: {shape: 2, mean: 6}}`.
  func distribution(_ node: Node, _ path: String, domain: Domain = .nonNegative) -> Distribution? {
    if case .scalar = node {
      guard let value = number(node, path) else { return nil }
      return checked(.constant(value), node, path, domain)
    }
    let families = Self.distributionFamilies.keys.sorted()
    guard case .mapping(let familyMapping) = node, familyMapping.count == 1, let (familyNode, parameters) = familyMapping.first,
      case .scalar(let familyScalar) = familyNode
    else {
      error(node, path, "expected a number or a one-key mapping such as {gamma: {shape: 2, mean: 6}}; families: \(families.joined(separator: ", "))")
      return nil
    }
    let family = familyScalar.string
    guard let keys = Self.distributionFamilies[family] else {
      let hint = Suggestion.didYouMean(family, among: families) ?? "families: \(families.joined(separator: ", "))"
      error(familyNode, join(path, family), "unknown distribution \"\(family)\"; \(hint)")
      return nil
    }
    let familyPath = join(path, family)
    let required: [String] =
      switch family {
      case "gamma": ["shape"]
      case "empirical": ["values"]
      default: keys
      }
    guard let pairs = mapping(parameters, familyPath, allowed: keys, required: required) else { return nil }
    var values: [String: Double] = [:]
    var lists: [String: [Double]] = [:]
    var failed = false
    for (key, value) in pairs {
      if family == "empirical" {
        guard let items = sequence(value, join(familyPath, key)) else {
          failed = true
          continue
        }
        let numbers = items.enumerated().compactMap { number($1, "\(join(familyPath, key))[\($0)]") }
        if numbers.count != items.count { failed = true }
        lists[key] = numbers
      } else if let number = number(value, join(familyPath, key)) {
        values[key] = number
      } else {
        failed = true
      }
    }
    if failed || pairs.count < required.count { return nil }
    func positive(_ key: String) -> Bool {
      guard let v = values[key], v > 0 else {
        error(parameters, join(familyPath, key), "\(NumberText.shortest(values[key] ?? 0)) is out of range: expected a number greater than 0")
        return false
      }
      return true
    }
    let result: Distribution?
    switch family {
    case "constant": result = .constant(values["value"] ?? 0)
    case "exponential": result = positive("mean") ? .exponential(mean: values["mean"] ?? 1) : nil
    case "gamma":
      let shape = values["shape"] ?? 1
      if values["mean"] != nil && values["scale"] != nil || values["mean"] == nil && values["scale"] == nil {
        error(parameters, familyPath, "give exactly one of \"mean\" or \"scale\" with \"shape\"")
        result = nil
      } else if positive("shape"), positive(values["mean"] != nil ? "mean" : "scale") {
        result = .gamma(shape: shape, scale: values["scale"] ?? (values["mean"] ?? 0) / shape)
      } else {
        result = nil
      }
    case "lognormal":
      let sigma = values["sigma"] ?? 0
      if sigma < 0 {
        error(parameters, join(familyPath, "sigma"), "\(NumberText.shortest(sigma)) is out of range: expected a number of at least 0")
        result = nil
      } else {
        result = positive("median") ? .logNormal(median: values["median"] ?? 1, sigma: sigma) : nil
      }
    case "weibull":
      result = positive("shape") && positive("scale") ? .weibull(shape: values["shape"] ?? 1, scale: values["scale"] ?? 1) : nil
    case "loglogistic":
      if let shape = values["shape"], shape <= 1 {
        error(parameters, join(familyPath, "shape"), "\(NumberText.shortest(shape)) is out of range: expected a number greater than 1 (at 1 or below the log-logistic has no mean)")
        result = nil
      } else {
        result = positive("scale") ? .logLogistic(shape: values["shape"] ?? 2, scale: values["scale"] ?? 1) : nil
      }
    case "normal":
      let sd = values["sd"] ?? 0
      if sd < 0 {
        error(parameters, join(familyPath, "sd"), "\(NumberText.shortest(sd)) is out of range: expected a number of at least 0")
        result = nil
      } else if domain == .unit {
        error(node, path, "a normal distribution is not confined to [0, 1]; use beta, uniform, triangular or pert")
        result = nil
      } else {
        result = .normal(mean: values["mean"] ?? 0, sd: sd)
      }
    case "uniform":
      let (low, high) = (values["min"] ?? 0, values["max"] ?? 0)
      if low > high {
        error(parameters, familyPath, "min \(NumberText.shortest(low)) is greater than max \(NumberText.shortest(high)); swap them")
        result = nil
      } else {
        result = .uniform(min: low, max: high)
      }
    case "triangular", "pert":
      let (low, mode, high) = (values["min"] ?? 0, values["mode"] ?? 0, values["max"] ?? 0)
      if !(low <= mode && mode <= high && low < high) {
        error(parameters, familyPath, "expected min <= mode <= max with min < max, found \(NumberText.shortest(low)), \(NumberText.shortest(mode)), \(NumberText.shortest(high))")
        result = nil
      } else {
        result = family == "pert" ? .pert(min: low, mode: mode, max: high) : .triangular(min: low, mode: mode, max: high)
      }
    case "beta": result = positive("alpha") && positive("beta") ? .beta(alpha: values["alpha"] ?? 1, beta: values["beta"] ?? 1) : nil
    case "poisson":
      if positive("mean"), let mean = values["mean"], mean > Self.maximumPoissonMean {
        // GSL draws a Poisson in time that grows with its mean; beyond this a draw takes seconds.
        error(parameters, join(familyPath, "mean"), "a Poisson mean of \(NumberText.shortest(mean)) is beyond what cccm draws (at most \(NumberText.shortest(Self.maximumPoissonMean))); use a normal or gamma distribution for large counts")
        result = nil
      } else {
        result = positive("mean") ? .poisson(mean: values["mean"] ?? 1) : nil
      }
    case "empirical":
      let points = lists["values"] ?? []
      let weights = lists["weights"] ?? Array(repeating: 1, count: points.count)
      if points.isEmpty {
        error(parameters, join(familyPath, "values"), "give at least one value")
        result = nil
      } else if weights.count != points.count {
        error(parameters, join(familyPath, "weights"), "\(weights.count) weights for \(points.count) values; give one weight per value")
        result = nil
      } else if weights.contains(where: { $0 < 0 }) || weights.reduce(0, +) <= 0 {
        error(parameters, join(familyPath, "weights"), "weights must be at least 0 and add up to more than 0")
        result = nil
      } else {
        result = .empirical(values: points, weights: weights)
      }
    default: result = nil
    }
    return result.flatMap { checked($0, node, path, domain) }
  }

  /// Checks that every value the distribution can produce lies in the domain.
  private func checked(_ distribution: Distribution, _ node: Node, _ path: String, _ domain: Domain) -> Distribution? {
    let (low, high): (Double, Double) =
      switch distribution {
      case .constant(let c): (c, c)
      case .uniform(let a, let b), .triangular(let a, _, let b), .pert(let a, _, let b): (a, b)
      case .beta: (0, 1)
      case .empirical(let values, _): (values.min() ?? 0, values.max() ?? 0)
      case .normal: (0, .infinity)
      case .exponential, .gamma, .logNormal, .weibull, .logLogistic, .poisson: (0, .infinity)
      }
    switch domain {
    case .nonNegative where low < 0:
      error(node, path, "this distribution can give negative values (down to \(NumberText.shortest(low))); these must be at least 0")
      return nil
    case .unit where low < 0 || high > 1:
      error(node, path, "this distribution can give values outside [0, 1]; use a share between 0 and 1 (beta, uniform, triangular or pert)")
      return nil
    default:
      return distribution
    }
  }
}
