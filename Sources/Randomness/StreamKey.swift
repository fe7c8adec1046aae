/// Keys of random streams (docs/model.md): every stream is named by what it is for, never by when it
/// is used, so a run's draws do not depend on thread count, run order or the organisation design.
public enum StreamKey {
  /// SplitMix64's finaliser (Steele, Lea and Flood, "Fast splittable pseudorandom number
  /// generators", OOPSLA 2014): a bijective 64-bit mix with full avalanche.
  @inlinable
  public static func mix(_ value: UInt64) -> UInt64 {
    var z = value &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Combines a key with one more component. Order matters: the key is rotated and the component
  /// offset before mixing, so (a, b) and (b, a) name different streams.
  @inlinable
  public static func combine(_ key: UInt64, _ component: UInt64) -> UInt64 {
    mix(((key << 23) | (key >> 41)) ^ mix(component &+ 0xD6E8_FEB8_6659_FD93))
  }

  /// A stable 64-bit hash of a name (FNV-1a), so streams follow names, not list positions.
  public static func name(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for byte in text.utf8 {
      hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }
    return hash
  }

  /// The key of replication `replication` under `seed`.
  @inlinable
  public static func replication(seed: UInt64, replication: Int) -> UInt64 {
    combine(mix(seed), UInt64(replication))
  }

  /// The key of one opportunity: (replication key, segment, the opportunity's index in its segment).
  @inlinable
  public static func opportunity(replicationKey: UInt64, segment: UInt64, index: Int) -> UInt64 {
    opportunity(segmentKey: StreamKey.segment(replicationKey: replicationKey, segment: segment), index: index)
  }

  /// The part of an opportunity's key shared by a segment's opportunities in one replication.
  @inlinable
  public static func segment(replicationKey: UInt64, segment: UInt64) -> UInt64 {
    combine(replicationKey, segment)
  }

  /// The key of one opportunity from its segment's key (`segment(replicationKey:segment:)`).
  @inlinable
  public static func opportunity(segmentKey: UInt64, index: Int) -> UInt64 {
    combine(segmentKey, UInt64(index))
  }

  /// The key of a segment's arrival stream in a replication.
  @inlinable
  public static func arrivals(replicationKey: UInt64, segment: UInt64) -> UInt64 {
    combine(combine(replicationKey, 0xA441_1AB5), segment)
  }

  /// The key of a seat of a team whose reps are people: its occupants' leaving times, backfill
  /// delays and initial tenure, and its hand-overs. Keyed by team name and seat number, so a
  /// variant that leaves a team's people alone gives it the same leavers.
  @inlinable
  public static func seat(replicationKey: UInt64, team: UInt64, seat: Int) -> UInt64 {
    combine(combine(combine(replicationKey, 0x5EA7_5EA7), team), UInt64(seat))
  }
}
