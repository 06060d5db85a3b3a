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

    /// Calls `body(lo, hi, t)` on every thread t for its contiguous share [count * t / T,
    /// count * (t + 1) / T) of 0 ..< count (empty shares skipped) and waits. Allocates nothing: the
    /// closure and its context stay on the caller's stack.
    func parallelFor(_ count: Int, _ body: (Int, Int, Int) -> Void) {
        guard self.count > 1, count > 1 else {
            if count > 0 { body(0, count, 0) }
            return
        }
        withoutActuallyEscaping(body) { body in
            var job = ParallelJob(body: body, count: count)
            withUnsafeMutablePointer(to: &job) { kiln_pool_run(pool, parallelTrampoline, UnsafeMutableRawPointer($0)) }
        }
    }
}

private struct ParallelJob {
    let body: (Int, Int, Int) -> Void
    let count: Int
}

private let parallelTrampoline: @convention(c) (UnsafeMutableRawPointer?, Int, Int) -> Void = { context, thread, threads in
    let job = context!.assumingMemoryBound(to: ParallelJob.self)
    let lo = job.pointee.count * thread / threads, hi = job.pointee.count * (thread + 1) / threads
    if lo < hi { job.pointee.body(lo, hi, thread) }
}
