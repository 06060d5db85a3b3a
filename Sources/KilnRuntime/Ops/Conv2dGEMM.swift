import CKilnKernels
import KilnFormat

/// Conv2d by im2col + GEMM, per sample: cols = im2col(x[n]) [C*KH*KW, OH*OW];
/// y[n] = W [M, C*KH*KW] x cols, then + b and the fused epilogue. A 1x1 kernel with stride 1 and no padding reads x directly.
/// Same semantics as `Conv2d` (the reference); the sums are f32 in the GEMM's blocked order.
struct Conv2dGEMM: EpilogueFusing {
    let g: ConvGeometry
    /// The input as columns (kiln_f32_im2col).
    let map: kiln_f32_im2col
    var rows: Int { g.c * g.kh * g.kw }
    var outputs: [ValueInfo] { [g.output] }
    var macsPerSample: Int { g.m * g.oh * g.ow * g.c * g.kh * g.kw }
    var pointwise: Bool { g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.padTop == 0 && g.padLeft == 0 && g.oh == g.h && g.ow == g.w }
    var scratchBytes: Int { GEMM.workspaceBytes(threads: pool.count) + (pointwise ? 0 : rows * g.oh * g.ow * 4) }

    let pool: ThreadPool
    /// W [M, C*KH*KW], packed at plan time.
    let weights: PackedA
    /// Applied with the bias, output channels split between threads, after each sample's GEMM.
    var epilogue = Epilogue()

    init(node: Node, inputs: [ValueInfo?], context: PlanContext) throws {
        pool = context.pool
        let g = try ConvGeometry(node: node, inputs: inputs, transposed: false)
        self.g = g
        map = kiln_f32_im2col(h: g.h, w: g.w, kh: g.kh, kw: g.kw, sh: g.sh, sw: g.sw, dh: g.dh, dw: g.dw, pad_top: g.padTop, pad_left: g.padLeft,
                              oh: g.oh, ow: g.ow)
        weights = GEMM.pack(try context.floats(node, 1), transpose: false, m: g.m, k: g.c * g.kh * g.kw, columns: g.oh * g.ow, buffers: context.buffers)
    }

    func run(_ inputs: [UnsafeRawPointer?], _ outputs: [UnsafeMutableRawPointer], _ scratch: UnsafeMutableRawPointer) {
        let x = inputs[0]!.assumingMemoryBound(to: Float.self)
        let b = g.hasBias ? inputs[2]!.assumingMemoryBound(to: Float.self) : nil
        let y = outputs[0].assumingMemoryBound(to: Float.self)
        let plane = g.oh * g.ow, cols = GEMM.data(scratch, pool: pool)
        for n in 0 ..< g.n {
            let xn = x + n * g.c * g.h * g.w, yn = y + n * g.m * plane
            if !pointwise {  // input channels split between threads
                var work = Columns(map: map, image: xn, cols: cols, plane: plane)
                pool.parallelFor(g.c, &work) { w, lo, hi in
                    let c = w!.assumingMemoryBound(to: Columns.self)
                    withUnsafePointer(to: c.pointee.map) { kiln_f32_im2col($0, lo, hi, c.pointee.image, c.pointee.cols, c.pointee.plane) }
                }
            }
            GEMM.run(scratch, pool: pool, packedA: weights, m: g.m, n: plane, k: rows, b: pointwise ? xn : UnsafePointer(cols), ldb: plane,
                     c: yn, ldc: plane, accumulate: false)
            var work = Finish(epilogue: epilogue.adding(bias: b), y: yn, plane: plane)
            if !work.epilogue.isEmpty {
                pool.parallelFor(g.m, &work) { w, lo, hi in
                    let f = w!.assumingMemoryBound(to: Finish.self)
                    withUnsafePointer(to: f.pointee.epilogue.parameters) { kiln_f32_epilogue($0, lo, hi - lo, f.pointee.plane, f.pointee.y + lo * f.pointee.plane) }
                }
            }
        }
    }

    private struct Finish {
        let epilogue: Epilogue
        let y: UnsafeMutablePointer<Float>
        let plane: Int
    }

    private struct Columns {
        let map: kiln_f32_im2col
        let image: UnsafePointer<Float>
        let cols: UnsafeMutablePointer<Float>
        let plane: Int
    }
}
