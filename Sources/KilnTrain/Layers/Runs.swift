/// Runs of `length` values, run i starting at index first + i * stride: one channel of [N, C, P]
/// (first c P, count N, stride C P), or one row of a matrix (count 1).
struct Runs {
    let first, count, length, stride: Int

    /// The sum of term(j) over the runs' indices j, in a fixed order: 8 partial sums, lane l
    /// taking the values at offsets 8q + l of every run (q < length / 8), added lane 0 first; then
    /// the rest of each run, run by run, in a ninth sum added last. `lanes(j)` is term(j ..< j + 8).
    @inline(__always)
    func sum<T: TrainScalar>(_ lanes: (Int) -> SIMD8<T>, _ term: (Int) -> T) -> T {
        var partial = SIMD8<T>(), rest: T = 0
        let whole = length / 8 * 8
        for i in 0 ..< count {
            let base = first + i * stride
            var j = base
            while j < base + whole { partial += lanes(j); j += 8 }
            while j < base + length { rest += term(j); j += 1 }
        }
        var total: T = 0
        for l in 0 ..< 8 { total += partial[l] }
        return total + rest
    }
}

/// into[ch] += the sum of channel ch of x [N, C, P] (Runs order), up to `threads` threads each
/// taking whole channels.
@_specialize(where T == Float)
func addChannelSums<T: TrainScalar>(_ x: [T], n: Int, channels: Int, plane: Int, into: inout [T], threads: Int) {
    precondition(x.count == n * channels * plane && into.count == channels)
    forEachRange(channels, threads: threads, reading: x, writing: &into) { range, x, sums in
        for ch in range {
            sums[ch] += Runs(first: ch * plane, count: n, length: plane, stride: channels * plane).sum({ x.load8($0) }, { x[$0] })
        }
    }
}
