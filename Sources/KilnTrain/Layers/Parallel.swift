import Foundation

/// Calls `body` on up to `threads` contiguous ranges that cover 0 ..< count, concurrently when
/// there is more than one; each index is in exactly one range, so work that writes only its own
/// indices gives the same values for every thread count.
private func forEachImageRange(_ count: Int, threads: Int, _ body: @Sendable (Range<Int>) -> Void) {
    let parts = max(1, min(threads, count))
    if parts == 1 { return body(0 ..< count) }
    DispatchQueue.concurrentPerform(iterations: parts) { p in body(count * p / parts ..< count * (p + 1) / parts) }
}

/// Resizes `array` to `count` elements without initializing new ones (every caller overwrites
/// them all); keeps the storage when the count is already right.
func resizeUninitialized<T: TrainScalar>(_ array: inout [T], to count: Int) {
    if array.count == count { return }
    array = [T](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
}

/// Calls body(i, source, destination) for every image i in 0 ..< n, up to `threads` threads each
/// taking a contiguous range of images; body must write only image i's part of the destination.
/// (No `@_specialize` here: Swift 6.0.3's EagerSpecializer crashes on it in release builds.)
func forEachImage<T: TrainScalar>(_ n: Int, threads: Int, reading source: [T], writing destination: inout [T],
                                  _ body: @Sendable (Int, UnsafePointer<T>, UnsafeMutablePointer<T>) -> Void) {
    source.withUnsafeBufferPointer { src in
        destination.withUnsafeMutableBufferPointer { dst in
            let (src, dst) = (SendablePointer(src.baseAddress!), SendableMutablePointer(dst.baseAddress!))
            forEachImageRange(n, threads: threads) { images in
                for i in images { body(i, src.base, dst.base) }
            }
        }
    }
}

/// Pointers handed to the threads of `forEachImage`, each of which touches its own part.
private struct SendablePointer<T>: @unchecked Sendable {
    let base: UnsafePointer<T>
    init(_ base: UnsafePointer<T>) { self.base = base }
}

private struct SendableMutablePointer<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
    init(_ base: UnsafeMutablePointer<T>) { self.base = base }
}
