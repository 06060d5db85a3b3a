import CKilnKernels

/// A fixed set of threads a plan uses to split independent output work (rows, pixels, output
/// channels); no sum is ever split, so every thread count gives the same bytes.
final class ThreadPool {
    let pool: OpaquePointer
    let count: Int

    init(threads: Int) throws {
        guard threads >= 1, threads <= 256 else { throw RuntimeError.badThreads(threads) }
        guard let p = kiln_pool_create(threads) else { throw RuntimeError.badThreads(threads) }
        (pool, count) = (p, threads)
    }

    deinit { kiln_pool_destroy(pool) }

    /// Runs `task(context, t, count)` for every thread t and waits for all.
    func run(_ task: @convention(c) (UnsafeMutableRawPointer?, Int, Int) -> Void, _ context: UnsafeMutableRawPointer) {
        kiln_pool_run(pool, task, context)
    }

    /// Calls `body(context, lo, hi)` on every thread for its contiguous share [count * t / T,
    /// count * (t + 1) / T) of 0 ..< count (empty shares skipped) and waits. A C function and a
    /// context pointer rather than a Swift closure, so that nothing is allocated per call.
    func parallelFor(_ count: Int, _ context: UnsafeMutableRawPointer,
                     _ body: @convention(c) (UnsafeMutableRawPointer?, Int, Int) -> Void) {
        guard self.count > 1, count > 1 else {
            if count > 0 { body(context, 0, count) }
            return
        }
        var job = RangeJob(count: count, context: context, body: body)
        withUnsafeMutablePointer(to: &job) { kiln_pool_run(pool, rangeTrampoline, UnsafeMutableRawPointer($0)) }
    }
}

private struct RangeJob {
    let count: Int
    let context: UnsafeMutableRawPointer
    let body: @convention(c) (UnsafeMutableRawPointer?, Int, Int) -> Void
}

private let rangeTrampoline: @convention(c) (UnsafeMutableRawPointer?, Int, Int) -> Void = { job, thread, threads in
    let j = job!.assumingMemoryBound(to: RangeJob.self).pointee
    let lo = j.count * thread / threads, hi = j.count * (thread + 1) / threads
    if lo < hi { j.body(j.context, lo, hi) }
}
