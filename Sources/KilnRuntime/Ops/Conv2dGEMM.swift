import CKilnKernels
import KilnFormat

/// Conv2d by im2col + GEMM, per sample and strip of output rows (sized so that the strip's columns
/// stay in the L2 cache while the GEMM packs them), or directly: for at most 4 output channels
/// (kiln_f32_conv_direct), and with stride 1 by register tiles over a zero-padded copy of the input
/// where this CPU has such tiles (kiln_f32_conv_s1). cols = im2col(x[n], rows) [C*KH'*KW',
/// rows*OW]; y[n, :, rows] = W [M, C*KH'*KW'] x cols, then + b and the fused epilogue, over the kernel rows and
/// columns that read the input for some output pixel (kiln_conv_span; the others read only padding:
/// the U-Net's 2x2 -> 1x1 conv runs 4 of its 16 taps). A 1x1 kernel with stride 1 and no padding
/// reads x directly. Same semantics as `Conv2d` (the reference); the sums are f32 in the GEMM's
/// blocked order, without the terms that were exact zeros.
struct Conv2dGEMM: EpilogueFusing {
    let g: ConvGeometry
    /// The input as columns (kiln_f32_im2col), for the taps the layer runs.
    let map: kiln_f32_im2col
    var rows: Int { g.c * map.kh * map.kw }
    var outputs: [ValueInfo] { [g.output] }
    var macsPerSample: Int { g.m * g.oh * g.ow * g.c * g.kh * g.kw }
    /// A 1x1 kernel with stride 1 and no padding: the GEMM reads x directly.
    let pointwise: Bool
    var scratchBytes: Int {
        if let tiles { return withUnsafePointer(to: tiles.g) { kiln_f32_conv_s1_padded_size($0, tiles.uk.pointee.nr) } * 4 }
        return weights == nil ? 0 : GEMM.workspaceBytes(threads: pool.count) + (pointwise ? 0 : rows * stripRows * g.ow * 4)
    }
    /// For at most `directChannels` output channels: the kept weights [M, C, KH', KW'] of the
    /// direct convolution (kiln_f32_conv_direct), which needs no columns.
    let direct: UnsafePointer<Float>?
    static let directChannels = 4
    /// Output rows per im2col strip: about `stripBytes` of columns, at least one row.
    var stripRows: Int { min(g.oh, max(1, Self.stripBytes / 4 / max(rows * g.ow, 1))) }
    static let stripBytes = 1 << 20

    /// Stride 1 on this CPU's tiles: the micro-kernel, its geometry and the packed weights.
    private(set) var tiles: Tiles?
    /// With tiles, the input may be a channel concatenation that the plan does not materialize: the
    /// channel counts of its parts, which are then the first inputs (x alone: [C]). The padded copy
    /// reads them in place.
    var parts: [Int]
    struct Tiles {
        let uk: UnsafePointer<kiln_f32_conv_s1_ukernel>
        var g: kiln_f32_conv_s1
        let weights: UnsafePointer<Float>
    }

    let pool: ThreadPool
    /// W [M, C*KH*KW], packed at plan time.
    let weights: PackedA?
    /// Applied with the bias, output channels split between threads, after each sample's GEMM.
    var epilogue = Epilogue()

    init(node: Node, inputs: [ValueInfo?], context: PlanContext) throws {
        pool = context.pool
        let g = try ConvGeometry(node: node, inputs: inputs, transposed: false)
        (self.g, parts) = (g, [g.c])
        // Taps that read only padding are left out where the padding covers them (a first kept tap
        // past the padding would need a negative one).
        var sy = kiln_conv_span(g.kh, g.oh, g.h, g.sh, g.dh, g.padTop), sx = kiln_conv_span(g.kw, g.ow, g.w, g.sw, g.dw, g.padLeft)
        if sy.first * g.dh > g.padTop { sy = kiln_span(first: 0, count: g.kh) }
        if sx.first * g.dw > g.padLeft { sx = kiln_span(first: 0, count: g.kw) }
        map = kiln_f32_im2col(h: g.h, w: g.w, kh: sy.count, kw: sx.count, sh: g.sh, sw: g.sw, dh: g.dh, dw: g.dw,
                              pad_top: g.padTop - sy.first * g.dh, pad_left: g.padLeft - sx.first * g.dw, oh: g.oh, ow: g.ow, row0: 0)
        let w = try context.floats(node, 1), k = g.c * sy.count * sx.count
        var kept = [Float]()  // W [M, C, KH', KW'] from [M, C, KH, KW]
        kept.reserveCapacity(g.m * k)
        for mc in 0 ..< g.m * g.c {
            for ky in sy.first ..< sy.first + sy.count {
                for kx in sx.first ..< sx.first + sx.count { kept.append(w[(mc * g.kh + ky) * g.kw + kx]) }
            }
        }
        pointwise = g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.padTop == 0 && g.padLeft == 0 && g.oh == g.h && g.ow == g.w
        let uk = kiln_f32_conv_s1_ukernel_for(g.m)
        if let uk, g.sh == 1, g.sw == 1, !pointwise {
            var s = kiln_f32_conv_s1(channels_in: g.c, channels_out: g.m, kh: map.kh, kw: map.kw, dh: g.dh, dw: g.dw, oh: g.oh, ow: g.ow,
                                     h: g.h, w: g.w, pad_top: map.pad_top, pad_left: map.pad_left, up_h: 1, up_w: 1)
            let count = kiln_f32_conv_s1_packed_size(&s, uk.pointee.mr)
            let p = try context.allocate(count * 4, for: node).assumingMemoryBound(to: Float.self)
            kiln_f32_conv_s1_pack(&s, uk.pointee.mr, kept, p)
            (direct, weights, tiles) = (nil, nil, Tiles(uk: uk, g: s, weights: UnsafePointer(p)))
        } else if g.m <= Self.directChannels && !pointwise {  // the kept weights as they are; no GEMM packing
            let d = try context.allocate(kept.count * 4, for: node).assumingMemoryBound(to: Float.self)
            d.initialize(from: kept, count: kept.count)
            (direct, weights, tiles) = (UnsafePointer(d), nil, nil)
        } else {
            (direct, tiles) = (nil, nil)
            weights = try kept.withUnsafeBufferPointer { try GEMM.pack($0.baseAddress!, transpose: false, m: g.m, k: k, columns: g.oh * g.ow, for: node, context: context) }
        }
    }

    /// With tiles: reads its input as the nearest-neighbour upsampling by (sh, sw) of the input it
    /// is then given (an Upsample the plan does not materialize).
    mutating func readUpsampled(_ sh: Int, _ sw: Int) {
        tiles?.g.up_h = sh
        tiles?.g.up_w = sw
    }

    func run(_ inputs: [UnsafeRawPointer?], _ outputs: [UnsafeMutableRawPointer], _ scratch: UnsafeMutableRawPointer) {
        let x = inputs[0]!.assumingMemoryBound(to: Float.self)
        let b = g.hasBias ? inputs[parts.count + 1]!.assumingMemoryBound(to: Float.self) : nil
        let y = outputs[0].assumingMemoryBound(to: Float.self)
        let plane = g.oh * g.ow, cols = GEMM.data(scratch, pool: pool)
        for n in 0 ..< g.n {
            let xn = x + n * g.c * g.h * g.w, yn = y + n * g.m * plane
            if pointwise, let weights {
                GEMM.run(scratch, pool: pool, packedA: weights, m: g.m, n: plane, k: rows, b: xn, ldb: plane, c: yn, ldc: plane, accumulate: false)
            }
            if let direct {  // output rows split between threads
                var work = Direct(map: map, channels: g.c, m: g.m, w: direct, x: xn, y: yn)
                pool.parallelFor(g.oh, &work) { w, lo, hi in
                    let d = w!.assumingMemoryBound(to: Direct.self)
                    withUnsafePointer(to: d.pointee.map) { kiln_f32_conv_direct($0, d.pointee.channels, d.pointee.m, d.pointee.w, d.pointee.x, d.pointee.y, lo, hi) }
                }
            }
            if let tiles {  // the epilogue in the tiles' pass
                inputs.withUnsafeBufferPointer { sources in
                    parts.withUnsafeBufferPointer { parts in
                        var work = Padded(tiles: tiles, sources: sources, parts: parts, sample: n, xp: scratch.assumingMemoryBound(to: Float.self))
                        pool.parallelFor(g.c, &work) { w, lo, hi in  // input channels split between threads
                            w!.assumingMemoryBound(to: Padded.self).pointee.pad(lo, hi)
                        }
                    }
                }
                var work = Tiled(tiles: tiles, xp: scratch.assumingMemoryBound(to: Float.self), y: yn, epilogue: epilogue.adding(bias: b))
                pool.parallelFor(g.oh, &work) { w, lo, hi in  // output rows split between threads
                    let p = w!.assumingMemoryBound(to: Tiled.self)
                    withUnsafePointer(to: p.pointee.tiles.g) { g in
                        withUnsafePointer(to: p.pointee.epilogue.parameters) { e in
                            kiln_f32_conv_s1_rows(p.pointee.tiles.uk, g, p.pointee.tiles.weights, p.pointee.xp, p.pointee.y, lo, hi,
                                                  p.pointee.epilogue.isEmpty ? nil : e)
                        }
                    }
                }
            }
            var oy = 0
            while !pointwise, let weights, oy < g.oh {
                let count = min(stripRows, g.oh - oy), width = count * g.ow
                var work = Columns(map: map, image: xn, cols: cols, plane: width)
                (work.map.row0, work.map.oh) = (oy, count)
                pool.parallelFor(g.c, &work) { w, lo, hi in  // input channels split between threads
                    let c = w!.assumingMemoryBound(to: Columns.self)
                    withUnsafePointer(to: c.pointee.map) { kiln_f32_im2col($0, lo, hi, c.pointee.image, c.pointee.cols, c.pointee.plane) }
                }
                GEMM.run(scratch, pool: pool, packedA: weights, m: g.m, n: width, k: rows, b: UnsafePointer(cols), ldb: width,
                         c: yn + oy * g.ow, ldc: plane, accumulate: false)
                oy += count
            }
            var work = Finish(epilogue: epilogue.adding(bias: b), y: yn, plane: plane)
            if tiles == nil, !work.epilogue.isEmpty {
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

    private struct Direct {
        let map: kiln_f32_im2col
        let channels, m: Int
        let w, x: UnsafePointer<Float>
        let y: UnsafeMutablePointer<Float>
    }

    private struct Tiled {
        let tiles: Tiles
        let xp, y: UnsafeMutablePointer<Float>
        let epilogue: Epilogue
    }

    private struct Padded {
        let tiles: Tiles
        let sources: UnsafeBufferPointer<UnsafeRawPointer?>
        let parts: UnsafeBufferPointer<Int>
        let sample: Int
        let xp: UnsafeMutablePointer<Float>

        /// The padded copy of channels lo ..< hi, each from the part that holds it.
        func pad(_ lo: Int, _ hi: Int) {
            let plane = tiles.g.h / tiles.g.up_h * (tiles.g.w / tiles.g.up_w)
            var first = 0
            for (k, count) in parts.enumerated() {
                let a = max(lo, first), b = min(hi, first + count)
                if a < b {
                    let x = sources[k]!.assumingMemoryBound(to: Float.self) + (sample * count + a - first) * plane
                    withUnsafePointer(to: tiles.g) { kiln_f32_conv_s1_pad($0, tiles.uk.pointee.nr, a, b, x, xp) }
                }
                first += count
            }
        }
    }

    private struct Columns {
        var map: kiln_f32_im2col
        let image: UnsafePointer<Float>
        let cols: UnsafeMutablePointer<Float>
        let plane: Int
    }
}
