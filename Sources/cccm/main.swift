import CCCMCommands

#if canImport(Glibc)
  import Glibc

  // Allocations of 1 MB or more are mapped and given back when freed. glibc would otherwise raise
  // its mmap threshold to the size of the first such block freed (a block of rows beyond the exact
  // bound, megabytes), serve later blocks from the heap and keep the heap fragmented by them: 14 MB
  // of the peak of a compare of Northwind by month (docs/performance.md). mallopt is looked up
  // because Glibc's module does not import malloc.h; -3 is its M_MMAP_THRESHOLD.
  if let symbol = dlsym(nil, "mallopt") {
    let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
    _ = mallopt(-3, 1 << 20)
  }
#endif

CCCM.mainCheckingOutput()
