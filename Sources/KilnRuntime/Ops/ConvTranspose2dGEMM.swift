import CKilnKernels
import KilnFormat

/// ConvTranspose2d by GEMM + col2im, per sample: cols = W^T [M*KH*KW, C] x x[n] [C, H*W];
/// y[n] = b plus every tap landing on each output pixel (kiln_f32_col2im_rows, row by row), then
/// the fused epilogue. Same semantics as `ConvTranspose2d` (the reference); f32 sums, in the GEMM's
/// order then the taps' order.
struct ConvTranspose2dGEMM: EpilogueFusing {
    let g: ConvGeometry
    let gather: kiln_f32_col2im
    var outputs: [ValueInfo] { [g.output] }
    var macsPerSample: Int { g.c * g.h * g.w * g.m * g.kh * g.kw }
    var scratchBytes: Int { GEMM.workspaceBytes(threads: pool.count) + colsBytes + pool.count * col2imBytes }
    /// The GEMM's output, rounded up to 64 so that the col2im tables after it are aligned.
    let colsBytes: Int
    /// Per thread: kiln_f32_col2im_scratch_bytes, rounded up to 64.
    let col2imBytes: Int

    let pool: ThreadPool
    /// W^T [M*KH*KW, C], packed at plan time.
    let weights: PackedA
    /// Applied to each output channel's plane as soon as col2im has made it.
    var epilogue = Epilogue()

    init(node: Node, inputs: [ValueInfo?], context: PlanContext) throws {
        pool = context.pool
        let g = try ConvGeometry(node: node, inputs: inputs, transposed: true)
        self.g = g
        weights = GEMM.pack(try context.floats(node, 1), transpose: true, m: g.m * g.kh * g.kw, k: g.c, columns: g.h * g.w, buffers: context.buffers)
        gather = kiln_f32_col2im(m: g.m, oh: g.oh, ow: g.ow, h: g.h, w: g.w, kh: g.kh, kw: g.kw, sh: g.sh, sw: g.sw, dh: g.dh, dw: g.dw,
                                 pad_top: g.padTop, pad_left: g.padLeft, row_stride: g.h * g.w)
        colsBytes = (g.m * g.kh * g.kw * g.h * g.w * 4 + 63) / 64 * 64
        col2imBytes = (withUnsafePointer(to: gather) { kiln_f32_col2im_scratch_bytes($0) } + 63) / 64 * 64
    }

    func run(_ inputs: [UnsafeRawPointer?], _ outputs: [UnsafeMutableRawPointer], _ scratch: UnsafeMutableRawPointer) {
        let x = inputs[0]!.assumingMemoryBound(to: Float.self)
        let b = g.hasBias ? inputs[2]!.assumingMemoryBound(to: Float.self) : nil
        let y = outputs[0].assumingMemoryBound(to: Float.self)
        let plane = g.h * g.w, outPlane = g.oh * g.ow, cols = GEMM.data(scratch, pool: pool)
        let rowScratch = UnsafeMutableRawPointer(cols) + colsBytes  // col2imBytes per thread, 64-byte aligned
        for n in 0 ..< g.n {
            GEMM.run(scratch, pool: pool, packedA: weights, m: g.m * g.kh * g.kw, n: plane, k: g.c,
                     b: x + n * g.c * plane, ldb: plane, c: cols, ldc: plane, accumulate: false)
            // Output channels split between threads; each channel's pixels are the same sums either way.
            withUnsafePointer(to: epilogue.parameters) { e in
                var job = kiln_f32_col2im_job(g: gather, cols: cols, bias: b, epilogue: epilogue.isEmpty ? nil : e, y: y + n * g.m * outPlane,
                                              scratch: rowScratch, scratch_stride: col2imBytes)
                withUnsafeMutablePointer(to: &job) { pool.run(kiln_f32_col2im_task, UnsafeMutableRawPointer($0)) }
            }
        }
    }
}
