import CKilnKernels
import KilnFormat

/// ConvTranspose2d by GEMM + col2im, per sample: cols = W^T [M*KH*KW, C] x x[n] [C, H*W], then
/// y[n] = b plus every tap landing on each output pixel (kiln_f32_col2im_rows, row by row) and the
/// fused epilogue. When that computes at least 10% fewer columns, one GEMM per kernel row ky
/// instead, over only the input rows that tap row lands inside the output (W_ky^T [M*KW, C] x
/// x[n] [C, rows*W]); a kernel row that lands nowhere (a 1x1 input with padding) is skipped with its
/// weights. Same semantics as `ConvTranspose2d` (the reference); f32 sums, in the GEMM's order then
/// the taps' order; the skipped products are ones col2im never reads, so the bytes are the same.
struct ConvTranspose2dGEMM: EpilogueFusing {
    let g: ConvGeometry
    let gather: kiln_f32_col2im
    var outputs: [ValueInfo] { [g.output] }
    var macsPerSample: Int { g.c * g.h * g.w * g.m * g.kh * g.kw }
    var scratchBytes: Int { GEMM.workspaceBytes(threads: pool.count) + colsBytes + pool.count * col2imBytes }
    /// The GEMMs' output [KH][M*KW][H*W], rounded up to 64 so that the col2im tables after it are aligned.
    let colsBytes: Int
    /// Per thread: kiln_f32_col2im_scratch_bytes, rounded up to 64.
    let col2imBytes: Int

    let pool: ThreadPool
    /// The GEMMs: rows of op(A) (packed at plan time for its column count), the input rows
    /// first ..< last (the columns), and where its output starts in cols (floats).
    let gemms: [(m: Int, first: Int, last: Int, offset: Int, weights: PackedA)]
    /// Applied to each output channel's plane as soon as col2im has made it.
    var epilogue = Epilogue()

    init(node: Node, inputs: [ValueInfo?], context: PlanContext) throws {
        pool = context.pool
        let g = try ConvGeometry(node: node, inputs: inputs, transposed: true)
        self.g = g
        let w = try context.floats(node, 1)  // [C, M, KH, KW]
        let plane = g.h * g.w, block = g.m * g.kw
        // Input rows ky lands inside the output: oy = iy*sh - padTop + ky*dh in [0, oh).
        let landing: [Range<Int>] = (0 ..< g.kh).map { ky in
            let offset = ky * g.dh - g.padTop
            guard offset <= g.oh - 1 else { return 0 ..< 0 }
            let first = max(0, (-offset + g.sh - 1) / g.sh), last = min(g.h, (g.oh - 1 - offset) / g.sh + 1)
            return first < last ? first ..< last : 0 ..< 0
        }
        let split = context.splitTransposedConvs && landing.map { $0.isEmpty ? 0 : GEMM.columnsComputed($0.count * g.w) }.reduce(0, +) * 10 <= 9 * g.kh * GEMM.columnsComputed(plane)
        if split {
            var slice = [Float](repeating: 0, count: g.c * block)  // W_ky as [C, M*KW]: row m*KW + kx of W_ky^T is tap (m, ky, kx)
            gemms = try landing.enumerated().filter { !$0.element.isEmpty }.map { ky, rows in
                for c in 0 ..< g.c {
                    for m in 0 ..< g.m {
                        for kx in 0 ..< g.kw { slice[c * block + m * g.kw + kx] = w[((c * g.m + m) * g.kh + ky) * g.kw + kx] }
                    }
                }
                let packed = try GEMM.pack(slice, transpose: true, m: block, k: g.c, columns: rows.count * g.w, for: node, context: context)
                return (block, rows.lowerBound, rows.upperBound, ky * block * plane + rows.lowerBound * g.w, packed)
            }
        } else {
            gemms = [(g.m * g.kh * g.kw, 0, g.h, 0, try GEMM.pack(w, transpose: true, m: g.m * g.kh * g.kw, k: g.c, columns: plane, for: node, context: context))]
        }
        // cols rows: (m*KH + ky)*KW + kx for one GEMM, (ky*M + m)*KW + kx for one per kernel row
        gather = kiln_f32_col2im(m: g.m, oh: g.oh, ow: g.ow, h: g.h, w: g.w, kh: g.kh, kw: g.kw, sh: g.sh, sw: g.sw, dh: g.dh, dw: g.dw,
                                 pad_top: g.padTop, pad_left: g.padLeft, row_stride: plane, channel_stride: (split ? 1 : g.kh) * g.kw * plane,
                                 ky_stride: (split ? block : g.kw) * plane)
        colsBytes = (g.kh * block * plane * 4 + 63) / 64 * 64
        col2imBytes = (withUnsafePointer(to: gather) { kiln_f32_col2im_scratch_bytes($0) } + 63) / 64 * 64
    }

    func run(_ inputs: [UnsafeRawPointer?], _ outputs: [UnsafeMutableRawPointer], _ scratch: UnsafeMutableRawPointer) {
        let x = inputs[0]!.assumingMemoryBound(to: Float.self)
        let b = g.hasBias ? inputs[2]!.assumingMemoryBound(to: Float.self) : nil
        let y = outputs[0].assumingMemoryBound(to: Float.self)
        let plane = g.h * g.w, outPlane = g.oh * g.ow, cols = GEMM.data(scratch, pool: pool)
        let rowScratch = UnsafeMutableRawPointer(cols) + colsBytes  // col2imBytes per thread, 64-byte aligned
        for n in 0 ..< g.n {
            let xn = x + n * g.c * plane
            for e in gemms {
                GEMM.run(scratch, pool: pool, packedA: e.weights, m: e.m, n: (e.last - e.first) * g.w, k: g.c, b: xn + e.first * g.w, ldb: plane,
                         c: cols + e.offset, ldc: plane, accumulate: false)
            }
            // Output channels split between threads; each channel's pixels are the same sums either way.
            withUnsafePointer(to: epilogue.parameters) { e in
                var job = kiln_f32_col2im_job(g: gather, cols: cols, bias: b, epilogue: epilogue.isEmpty ? nil : e, y: y + n * g.m * outPlane,
                                              scratch: rowScratch, scratch_stride: col2imBytes)
                withUnsafeMutablePointer(to: &job) { pool.run(kiln_f32_col2im_task, UnsafeMutableRawPointer($0)) }
            }
        }
    }
}
