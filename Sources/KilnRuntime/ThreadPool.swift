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
}
