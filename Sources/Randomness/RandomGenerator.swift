import CGSL

/// Which GSL generator draws the numbers.
public enum GeneratorKind: Hashable, Sendable, CustomStringConvertible {
  /// Philox2x64-10, a counter-based generator registered with GSL by cccm (the default): a new
  /// stream costs three stores, and a stream's draws depend only on its key.
  case philox
  /// One of GSL's own generators by name (`mt19937`, `taus2`, `ranlxd2`, ...): a new stream reseeds it
  /// from a hash of the key, which costs what that generator's seeding costs.
  case gsl(String)

  /// Parses `philox` or the name of a GSL generator that cccm can use safely; nil for an unknown
  /// name or one of `unsafeNames`.
  public init?(name: String) {
    if name == "philox" {
      self = .philox
    } else if !Self.unsafeNames.contains(name), name.withCString({ cccm_rng_type_named($0) }) != nil {
      self = .gsl(name)
    } else {
      return nil
    }
  }

  /// GSL generators that cccm refuses: for some seeds in the range cccm seeds them with
  /// (`gslSeed`), their stream is stuck at one value or at 0, which can make a rejection sampler
  /// (gamma, normal) or `uniformPositive` loop for ever. Found by seeding every GSL generator with
  /// powers of two and their neighbours (see RandomnessTests' "every accepted generator" test).
  public static let unsafeNames: Set<String> = [
    "borosh13", "gfsr4", "mt19937_1998", "r250", "randu", "transputer", "tt800", "waterman14",
  ]

  /// The largest seed handed to a GSL generator. Many of GSL's generators take 31-bit seeds: a
  /// 64-bit seed makes `ran1` and `ran2` index out of their tables (a crash) and `zuf` loop for
  /// ever, and 0, 2^31 - 1 and 2^31 give stuck streams in `minstd`, `ran1`, `fishman20` and `ranlxs*`.
  /// So every seed is in 1...2^31 - 2, a range every accepted generator takes.
  public static let largestGSLSeed: UInt64 = 2_147_483_646

  /// The seed in 1...`largestGSLSeed` for a 64-bit stream key (already mixed).
  @inlinable
  public static func gslSeed(_ key: UInt64) -> UInt {
    UInt(1 + key % largestGSLSeed)
  }

  public var description: String {
    switch self {
    case .philox: "philox"
    case .gsl(let name): name
    }
  }

  /// Every name `init(name:)` accepts.
  public static var availableNames: [String] {
    var names = ["philox"]
    var cursor = gsl_rng_types_setup()
    while let type = cursor?.pointee {
      let name = String(cString: type.pointee.name)
      if !unsafeNames.contains(name) { names.append(name) }
      cursor = cursor?.advanced(by: 1)
    }
    return names
  }

  /// Why `name` is not accepted, with the accepted names, for messages: `unknown generator "x";
  /// did you mean "y"? ...` (the suggestion is the caller's, see `suggestion`).
  public static func refusal(_ name: String) -> String {
    let accepted = availableNames.joined(separator: ", ")
    if unsafeNames.contains(name) {
      return "generator \"\(name)\" cannot be used safely (some seeds give a stream stuck at one value); accepted: \(accepted)"
    }
    return "unknown generator \"\(name)\"; accepted: \(accepted)"
  }
}

/// A GSL random number generator that can be pointed at keyed streams.
///
/// Owns its `gsl_rng` and frees it on deinit (the one good reason for a class here). Not thread-safe:
/// give every thread its own. Every draw in cccm goes through one of these.
public final class RandomGenerator {
  @usableFromInline let rng: UnsafeMutablePointer<gsl_rng>
  @usableFromInline let isPhilox: Bool
  public let kind: GeneratorKind

  public init(kind: GeneratorKind = .philox) {
    cccm_gsl_quiet()
    let type: UnsafePointer<gsl_rng_type>
    switch kind {
    case .philox: type = cccm_philox_type()
    case .gsl(let name):
      // Kinds made with `GeneratorKind(name:)` always have a type; a `.gsl` made in code with a
      // wrong name is a programming error, not a silent switch to Philox.
      guard !GeneratorKind.unsafeNames.contains(name), let named = name.withCString({ cccm_rng_type_named($0) }) else {
        preconditionFailure("RandomGenerator: \(GeneratorKind.refusal(name)); make kinds with GeneratorKind(name:)")
      }
      type = named
    }
    guard let rng = gsl_rng_alloc(type) else {
      preconditionFailure("gsl_rng_alloc failed for generator \(kind): out of memory")
    }
    self.rng = rng
    self.kind = kind
    self.isPhilox = (kind == .philox)
  }

  deinit { gsl_rng_free(rng) }

  /// Seeds the GSL generator directly (tests: the seeds `select` can produce).
  func setGSLSeed(_ seed: UInt) { gsl_rng_set(rng, seed) }

  /// Points the generator at draw 0 of stream (key, attribute). O(1) for Philox.
  @inlinable @inline(__always)
  public func select(key: UInt64, attribute: UInt64) {
    if isPhilox {
      cccm_philox_select(rng, key, attribute)
    } else {
      gsl_rng_set(rng, GeneratorKind.gslSeed(StreamKey.mix(key ^ StreamKey.mix(attribute &+ 0x632B_E59B_D9B4_E019))))
    }
  }

  /// Points the generator at draw 0 of stream (key, attribute), as `select` does, and returns the
  /// first uniform draw of stream (key, `once`), a stream the caller draws only that once. With
  /// Philox the first blocks of the two streams are computed side by side, in about the time of
  /// one; the numbers are those of selecting `once`, drawing, then selecting `attribute`.
  @inlinable @inline(__always)
  public func select(key: UInt64, attribute: UInt64, drawingOnce once: UInt64) -> Double {
    if isPhilox { return cccm_philox_select_drawing(rng, key, attribute, once) }
    select(key: key, attribute: once)
    let u = gsl_rng_uniform(rng)
    select(key: key, attribute: attribute)
    return u
  }

  /// A uniform draw in [0, 1) (`gsl_rng_uniform`; Philox's drawn inline, the same numbers).
  @inlinable @inline(__always)
  public func uniform() -> Double { isPhilox ? cccm_philox_uniform(rng) : gsl_rng_uniform(rng) }

  /// A uniform draw in (0, 1) (`gsl_rng_uniform_pos`).
  @inlinable
  public func uniformPositive() -> Double { gsl_rng_uniform_pos(rng) }

  /// An exponential draw with this mean (`gsl_ran_exponential`; with Philox its formula inline,
  /// the same numbers).
  @inlinable @inline(__always)
  public func exponential(mean: Double) -> Double { isPhilox ? cccm_philox_exponential(rng, mean) : gsl_ran_exponential(rng, mean) }

  /// A standard normal draw (`gsl_ran_ugaussian`).
  public func gaussian() -> Double { gsl_ran_ugaussian(rng) }

  /// A chi-squared draw with `degreesOfFreedom` (`gsl_ran_chisq`).
  public func chiSquared(degreesOfFreedom: Double) -> Double { gsl_ran_chisq(rng, degreesOfFreedom) }

  /// A binomial draw: successes in `trials` trials of probability `p` (`gsl_ran_binomial`).
  @inlinable
  public func binomial(p: Double, trials: Int) -> Int {
    Int(gsl_ran_binomial(rng, p, UInt32(clamping: trials)))
  }

  /// A draw from a sampler compiled by `tables`. Inlined at each call site, where the form is
  /// usually always the same, so the branch on it is predicted.
  @inlinable @inline(__always)
  public func sample(_ sampler: Sampler, from tables: SamplerTables) -> Double {
    switch sampler.form {
    case .constant: return sampler.a
    case .exponential: return exponential(mean: sampler.a)
    case .gamma: return gsl_ran_gamma(rng, sampler.a, sampler.b)
    case .logNormal: return gsl_ran_lognormal(rng, sampler.a, sampler.b)
    case .weibull: return gsl_ran_weibull(rng, sampler.a, sampler.b)
    case .logLogistic:
      // Inverse CDF: scale x (u / (1 - u))^(1 / shape).
      let u = gsl_rng_uniform_pos(rng)
      return sampler.a * pow(u / (1 - u), sampler.b)
    case .normal:
      // Truncated at 0 by redrawing; after 100 tries (a mean far below 0) the draw is 0.
      for _ in 0..<100 {
        let x = sampler.a + gsl_ran_gaussian(rng, sampler.b)
        if x >= 0 { return x }
      }
      return 0
    case .uniform: return gsl_ran_flat(rng, sampler.a, sampler.b)
    case .triangular:
      // Inverse CDF of the triangular distribution on [a, b] with mode c.
      let u = uniform()
      let (a, b, c) = (sampler.a, sampler.b, sampler.c)
      let split = (c - a) / (b - a)
      return u < split ? a + ((b - a) * (c - a) * u).squareRoot() : b - ((b - a) * (b - c) * (1 - u)).squareRoot()
    case .scaledBeta: return sampler.c + sampler.d * gsl_ran_beta(rng, sampler.a, sampler.b)
    case .poisson: return Double(gsl_ran_poisson(rng, sampler.a))
    case .empirical:
      // Values at [start, start + n), cumulative probabilities after them; the first cumulative above u.
      let u = uniform()
      let (start, n) = (sampler.tableStart, sampler.tableCount)
      let table = tables.storage
      var low = 0
      var high = n - 1
      while low < high {
        let mid = (low + high) / 2
        if u < table[start + n + mid] { high = mid } else { low = mid + 1 }
      }
      return table[start + low]
    }
  }
}
