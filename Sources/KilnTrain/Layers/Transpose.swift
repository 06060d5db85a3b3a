/// out[m][b][a] = x[m][a][b] for `count` matrices of rows x cols whose entries are runs of `run`
/// values: [N, C, H*W] -> [N, H*W, C] (channels last) is (count N, rows C, cols H*W, run 1);
/// [N, C, P] -> [C, N, P] (`channelMajor`) is (count 1, rows N, cols C, run P). In 8 x 8 blocks
/// of entries, so both sides touch few cache lines per block; up to `threads` threads, each on
/// whole 8-row blocks, so every thread count writes the same values.
@_specialize(where T == Float)
func transposed<T: TrainScalar>(_ x: [T], count: Int = 1, rows: Int, cols: Int, run: Int = 1, threads: Int) -> [T] {
    precondition(x.count == count * rows * cols * run, "transposed: \(x.count) values are not \(count) x \(rows) x \(cols) x \(run)")
    var out: [T] = []
    resizeUninitialized(&out, to: x.count)
    let blocks = (rows + 7) / 8, matrix = rows * cols * run
    forEachImage(count * blocks, threads: threads, reading: x, writing: &out) { unit, src, dst in
        let (s, d) = (src + unit / blocks * matrix, dst + unit / blocks * matrix)
        let a0 = unit % blocks * 8, a1 = min(a0 + 8, rows)
        for b0 in stride(from: 0, to: cols, by: 8) {
            let b1 = min(b0 + 8, cols)
            if run == 1 {
                for b in b0 ..< b1 { for a in a0 ..< a1 { d[b * rows + a] = s[a * cols + b] } }
            } else {
                for b in b0 ..< b1 { for a in a0 ..< a1 { (d + (b * rows + a) * run).update(from: s + (a * cols + b) * run, count: run) } }
            }
        }
    }
    return out
}

/// [N, C, P] -> [C, N * P]: the layout a batched GEMM wants.
@_specialize(where T == Float)
func channelMajor<T: TrainScalar>(_ x: [T], n: Int, c: Int, plane: Int, threads: Int) -> [T] {
    transposed(x, rows: n, cols: c, run: plane, threads: threads)
}

/// [C, N * P] -> [N, C, P]: a batched GEMM's output back in the batch's layout.
@_specialize(where T == Float)
func batchMajor<T: TrainScalar>(_ x: [T], n: Int, c: Int, plane: Int, threads: Int) -> [T] {
    transposed(x, rows: c, cols: n, run: plane, threads: threads)
}
