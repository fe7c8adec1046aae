/// A growable array of plain values for the event loop's state: no copy-on-write (so no uniqueness
/// check on every write) and no reference counting. Noncopyable: one owner, freed with it.
///
/// Indices come from the engine, never from input: they are checked by `assert`, so in debug
/// builds (the tests) as in `Array`, and not in release builds, as in `UnsafeBufferPointer`.
struct PlainArray<Element: BitwiseCopyable>: ~Copyable {
  private var base: UnsafeMutablePointer<Element>
  private(set) var count: Int
  private var capacity: Int

  init(capacity: Int = 16) {
    self.capacity = max(capacity, 1)
    base = .allocate(capacity: self.capacity)
    count = 0
  }

  init(repeating value: Element, count: Int) {
    self.init(capacity: count)
    base.initialize(repeating: value, count: count)
    self.count = count
  }

  deinit { base.deallocate() }

  var isEmpty: Bool { count == 0 }
  var indices: Range<Int> { 0..<count }

  subscript(index: Int) -> Element {
    @inline(__always) unsafeAddress {
      assert(index >= 0 && index < count, "PlainArray index out of range")
      return UnsafePointer(base + index)
    }
    @inline(__always) unsafeMutableAddress {
      assert(index >= 0 && index < count, "PlainArray index out of range")
      return base + index
    }
  }

  @inline(__always)
  mutating func append(_ value: Element) {
    if count == capacity { grow() }
    base[count] = value
    count += 1
  }

  @inline(__always)
  mutating func popLast() -> Element? {
    guard count > 0 else { return nil }
    count -= 1
    return base[count]
  }

  /// Keeps the storage.
  mutating func removeAll() { count = 0 }

  /// Sets every element to `value`.
  mutating func fill(with value: Element) {
    for i in 0..<count { base[i] = value }
  }

  /// The elements as a buffer, for loops that index heavily (heap sifts).
  @inline(__always)
  mutating func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Element>) -> R) -> R {
    body(UnsafeMutableBufferPointer(start: base, count: count))
  }

  /// A copy as an `Array`, for code off the hot path.
  var array: [Element] { Array(UnsafeBufferPointer(start: base, count: count)) }

  private mutating func grow() {
    let larger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
    larger.moveInitialize(from: base, count: count)
    base.deallocate()
    base = larger
    capacity *= 2
  }
}
