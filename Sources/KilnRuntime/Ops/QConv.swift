import CKilnKernels
import KilnFormat

/// QConv2d and QConvTranspose2d: int8 convolutions (Formats/SPEC.md, "QConv2d").
/// Inputs: x i8 [N, C, H, W], weight i8 ([M, C, KH, KW], or [C, M, KH, KW] when transposed), bias
/// i32 [M], requant i32 [M, 3]; attributes as Conv2d / ConvTranspose2d plus x_zero_point and
/// y_zero_point. Output i8 [N, M, OH, OW]. Threads split output pixels (conv) or output rows of
/// each phase (transposed conv).
struct QConv: Op {
    let g: ConvGeometry
    let transposed: Bool
    let layer: kiln_qs8_layer
    let pool: ThreadPool
    var outputs: [ValueInfo] { [g.output] }
    /// The float layer's count, taps that fall outside the input included (the int8 kernels compute
    /// them against zero points, except kernel rows and columns that read only padding for every
    /// output pixel, which they leave out: in the U-Net's 2x2 -> 1x1 conv and 1x1 -> 2x2 transposed conv).
    var macsPerSample: Int { transposed ? g.c * g.h * g.w * g.m * g.kh * g.kw : g.m * g.oh * g.ow * g.c * g.kh * g.kw }
    let scratchBytes: Int

    init(node: Node, inputs: [ValueInfo?], context: PlanContext, transposed: Bool) throws {
        let g = try ConvGeometry(node: node, inputs: inputs, transposed: transposed, quantized: true)
        self.g = g
        self.transposed = transposed
        pool = context.pool
        let w = try context.constant(node, 1)
        try Requantization.checkWeights(w, node: node)
        let rq = try Requantization(node: node, context: context, channels: g.m)
        let weights = w.bytes.bindMemory(to: Int8.self)
        var l = kiln_qs8_layer()
        l.path = context.kernels.path
        (l.batch, l.c, l.h, l.w, l.m, l.oh, l.ow) = (g.n, g.c, g.h, g.w, g.m, g.oh, g.ow)
        (l.kh, l.kw, l.sh, l.sw, l.dh, l.dw) = (g.kh, g.kw, g.sh, g.sw, g.dh, g.dw)
        (l.pad_top, l.pad_left, l.x_zero, l.y_zero) = (g.padTop, g.padLeft, rq.xZero, rq.yZero)
        if !transposed {
            let k = g.c * g.kh * g.kw
            guard k <= Int(KILN_QS8_MAX_K) else { throw node.shapeError("C x KH x KW = \(k) exceeds the int8 limit \(KILN_QS8_MAX_K)") }
            // Weights packed [m][kh][kw][c] once (the taps that read the input for some output pixel),
            // to match patches gathered from the NHWC input; for the narrow kernel, from a [m][k] copy
            // in plan-time work memory.
            let packedBytes = withUnsafePointer(to: l) { kiln_qs8_conv2d_packed_size($0) }
            let packed = try context.allocate(packedBytes, for: node).assumingMemoryBound(to: Int8.self)
            let channels = try context.allocate(g.m * MemoryLayout<kiln_qs8_channel>.stride, for: node).bindMemory(to: kiln_qs8_channel.self, capacity: g.m)
            var work = [Int8](unsafeUninitializedCapacity: withUnsafePointer(to: l) { kiln_qs8_conv2d_pack_work_bytes($0) }) { $1 = $0.count }
            let status = withUnsafePointer(to: l) { l in
                work.withUnsafeMutableBufferPointer { kiln_qs8_conv2d_pack(l, weights.baseAddress!, rq.biasValues, rq.requantValues, packed, channels, $0.baseAddress) }
            }
            guard status == 0 else { throw Requantization.packError(status, node) }
            (l.weights, l.channels) = (UnsafePointer(packed), UnsafePointer(channels))
            scratchBytes = withUnsafePointer(to: l) { kiln_qs8_conv2d_scratch_bytes($0, context.pool.count) }
        } else {
            guard g.dh == 1, g.dw == 1 else { throw node.shapeError("int8 ConvTranspose2d supports dilation 1 only, got \([g.dh, g.dw])") }
            guard g.c * ((g.kh + g.sh - 1) / g.sh) * ((g.kw + g.sw - 1) / g.sw) <= Int(KILN_QS8_MAX_K) else {
                throw node.shapeError("C x taps per phase exceeds the int8 limit \(KILN_QS8_MAX_K)")
            }
            // Phase kernels, their channels, and the two pointer tables, all made here once.
            let phases = g.sh * g.sw
            let packed = try context.allocate(withUnsafePointer(to: l) { kiln_qs8_deconv2d_packed_size($0) }, for: node).assumingMemoryBound(to: Int8.self)
            let count = withUnsafePointer(to: l) { kiln_qs8_deconv2d_channel_count($0) }
            let channels = try context.allocate(count * MemoryLayout<kiln_qs8_channel>.stride, for: node).bindMemory(to: kiln_qs8_channel.self, capacity: count)
            let pw = try context.allocate(phases * 8, for: node).bindMemory(to: UnsafePointer<Int8>?.self, capacity: phases)
            let pc = try context.allocate(phases * 8, for: node).bindMemory(to: UnsafePointer<kiln_qs8_channel>?.self, capacity: phases)
            var work = [Int8](unsafeUninitializedCapacity: withUnsafePointer(to: l) { kiln_qs8_deconv2d_pack_work_bytes($0) }) { $1 = $0.count }
            let status = withUnsafePointer(to: l) { l in
                work.withUnsafeMutableBufferPointer { kiln_qs8_deconv2d_pack(l, weights.baseAddress!, rq.biasValues, rq.requantValues, packed, channels, pw, pc, $0.baseAddress) }
            }
            guard status == 0 else { throw Requantization.packError(status, node) }
            (l.phase_weights, l.phase_channels) = (UnsafePointer(pw), UnsafePointer(pc))
            scratchBytes = withUnsafePointer(to: l) { kiln_qs8_deconv2d_scratch_bytes($0, context.pool.count) }
        }
        layer = l
    }

    func run(_ inputs: [UnsafeRawPointer?], _ outputs: [UnsafeMutableRawPointer], _ scratch: UnsafeMutableRawPointer) {
        var l = layer
        l.x = inputs[0]!.assumingMemoryBound(to: Int8.self)
        l.y = outputs[0].assumingMemoryBound(to: Int8.self)
        l.scratch = scratch.assumingMemoryBound(to: Int8.self)
        withUnsafeMutablePointer(to: &l) {
            pool.run(kiln_qs8_to_nhwc_task, UnsafeMutableRawPointer($0))
            pool.run(transposed ? kiln_qs8_deconv2d_task : kiln_qs8_conv2d_task, UnsafeMutableRawPointer($0))
        }
    }
}
