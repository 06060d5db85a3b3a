import KilnFormat

/// ConvTranspose2d by GEMM + col2im, per sample: cols = W^T [M*KH*KW, C] x x[n] [C, H*W];
/// y[n] = b, then col2im(cols) adds every tap into the output pixel it lands on. Same semantics
/// as `ConvTranspose2d` (the reference); f32 sums, in the GEMM's order then the taps' order.
struct ConvTranspose2dGEMM: Op {
    let g: ConvGeometry
    let map: Im2col
    var outputs: [ValueInfo] { [g.output] }
    var macsPerSample: Int { g.c * g.h * g.w * g.m * g.kh * g.kw }
    var scratchBytes: Int { GEMM.workspaceBytes(threads: pool.count) + map.rows * g.h * g.w * 4 }

    let pool: ThreadPool
    /// W^T [M*KH*KW, C], packed at plan time.
    let weights: PackedA

    init(node: Node, inputs: [ValueInfo?], context: PlanContext) throws {
        pool = context.pool
        let g = try ConvGeometry(node: node, inputs: inputs, transposed: true)
        self.g = g
        weights = GEMM.pack(try context.floats(node, 1), transpose: true, m: g.m * g.kh * g.kw, k: g.c, columns: g.h * g.w, buffers: context.buffers)
        // The output is the "image" and the input grid the "positions" of a convolution.
        map = Im2col(channels: g.m, h: g.oh, w: g.ow, kh: g.kh, kw: g.kw, sh: g.sh, sw: g.sw, dh: g.dh, dw: g.dw,
                     padTop: g.padTop, padLeft: g.padLeft, oh: g.h, ow: g.w)
    }

    func run(_ inputs: [UnsafeRawPointer?], _ outputs: [UnsafeMutableRawPointer], _ scratch: UnsafeMutableRawPointer) {
        let x = inputs[0]!.assumingMemoryBound(to: Float.self)
        let b = g.hasBias ? inputs[2]!.assumingMemoryBound(to: Float.self) : nil
        let y = outputs[0].assumingMemoryBound(to: Float.self)
        let plane = g.h * g.w, outPlane = g.oh * g.ow, cols = GEMM.data(scratch, pool: pool)
        for n in 0 ..< g.n {
            GEMM.run(scratch, pool: pool, packedA: weights, m: map.rows, n: plane, k: g.c,
                     b: x + n * g.c * plane, ldb: plane, c: cols, ldc: plane, accumulate: false)
            let yn = y + n * g.m * outPlane
            for m in 0 ..< g.m { (yn + m * outPlane).update(repeating: b?[m] ?? 0, count: outPlane) }
            map.col2im(cols, yn, rowStride: plane)
        }
    }
}
