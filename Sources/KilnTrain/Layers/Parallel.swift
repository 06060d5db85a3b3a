import Foundation

/// Calls `body` on up to `threads` contiguous ranges that cover 0 ..< count, concurrently when
/// there is more than one, each range at least `grain` indices long (one range when count <
/// 2 grain); each index is in exactly one range, so work that writes only its own indices gives
/// the same values for every thread count.
func forEachRange(_ count: Int, threads: Int, grain: Int = 1, _ body: @Sendable (Range<Int>) -> Void) {
    let parts = max(1, min(threads, count / max(grain, 1)))
    if parts == 1 { return body(0 ..< count) }
    DispatchQueue.concurrentPerform(iterations: parts) { p in body(count * p / parts ..< count * (p + 1) / parts) }
}

/// Values per thread below which element-wise work (activations, Adam, the EMA) stays on one
/// thread: smaller ranges cost more to hand over than to compute.
let elementwiseGrain = 1 << 14

/// Resizes `array` to `count` elements without initializing new ones (every caller overwrites
/// them all); keeps the storage when the count is already right.
func resizeUninitialized<T: TrainScalar>(_ array: inout [T], to count: Int) {
    if array.count == count { return }
    array = [T](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
}

/// Calls body(range, source, destination) on the ranges of `forEachRange`; body must write only
/// its range's part of the destination.
/// (No `@_specialize` here: Swift 6.0.3's EagerSpecializer crashes on it in release builds.)
func forEachRange<T: TrainScalar>(_ count: Int, threads: Int, grain: Int = 1, reading source: [T], writing destination: inout [T],
                                  _ body: @Sendable (Range<Int>, UnsafePointer<T>, UnsafeMutablePointer<T>) -> Void) {
    source.withUnsafeBufferPointer { src in
        destination.withUnsafeMutableBufferPointer { dst in
            let (src, dst) = (SendablePointer(src.baseAddress!), SendableMutablePointer(dst.baseAddress!))
            forEachRange(count, threads: threads, grain: grain) { range in body(range, src.base, dst.base) }
        }
    }
}

/// Calls body(i, source, destination) for every image i in 0 ..< n, up to `threads` threads each
/// taking a contiguous range of images; body must write only image i's part of the destination.
func forEachImage<T: TrainScalar>(_ n: Int, threads: Int, reading source: [T], writing destination: inout [T],
                                  _ body: @Sendable (Int, UnsafePointer<T>, UnsafeMutablePointer<T>) -> Void) {
    forEachRange(n, threads: threads, reading: source, writing: &destination) { images, src, dst in
        for i in images { body(i, src, dst) }
    }
}

/// Runs body with pointers to the elements of `source`, `first` and `second`; with `alias`, the
/// third pointer is the second's (for a `second` left empty, whose elements the caller then writes
/// into `first` before their final values).
func withPointers<T>(_ source: [T], _ first: inout [T], _ second: inout [T], alias: Bool,
                     _ body: (SendablePointer<T>, SendableMutablePointer<T>, SendableMutablePointer<T>) -> Void) {
    source.withUnsafeBufferPointer { s in
        first.withUnsafeMutableBufferPointer { f in
            let (src, dst) = (SendablePointer(s.baseAddress!), SendableMutablePointer(f.baseAddress!))
            if alias { return body(src, dst, dst) }
            second.withUnsafeMutableBufferPointer { body(src, dst, SendableMutablePointer($0.baseAddress!)) }
        }
    }
}

/// Pointers handed to the threads of `forEachRange`, each of which touches its own part.
struct SendablePointer<T>: @unchecked Sendable {
    let base: UnsafePointer<T>
    init(_ base: UnsafePointer<T>) { self.base = base }
}

struct SendableMutablePointer<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
    init(_ base: UnsafeMutablePointer<T>) { self.base = base }
}
