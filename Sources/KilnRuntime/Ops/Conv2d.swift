import KilnFormat

/// 2-D convolution (cross-correlation), groups 1.
/// Inputs: x [N, C, H, W], weight [M, C, KH, KW], optional bias [M]. Output [N, M, OH, OW] with
/// OH = (H + padTop + padBottom - dilationH * (KH - 1) - 1) / strideH + 1 (likewise OW).
/// Attributes: strides [sh, sw] (default [1, 1]), pads [top, left, bottom, right] (default 0),
/// dilations [dh, dw] (default [1, 1]). Accumulates in Double, taps in (c, ky, kx) order.
struct Conv2d: Op {
    let g: ConvGeometry
    let hasBias: Bool
    let outputs: [ValueInfo]
    var macsPerSample: Int { g.m * g.oh * g.ow * g.c * g.kh * g.kw }

    init(node: Node, inputs: [ValueInfo?]) throws {
        try node.requireInputs(inputs, max: 3)
        let x = try node.input(inputs, 0), w = try node.input(inputs, 1)
        let b = try node.optionalInput(inputs, 2)
        guard x.shape.count == 4, w.shape.count == 4, w.shape[1] == x.shape[1] else {
            throw node.shapeError("Conv2d needs x [N, C, H, W] and weight [M, C, KH, KW] with the same C, got \(x.shape) and \(w.shape)")
        }
        g = try ConvGeometry(node: node, x: x.shape, kernel: [w.shape[2], w.shape[3]], outChannels: w.shape[0], transposed: false)
        if let b, b.shape != [g.m] { throw node.shapeError("bias shape \(b.shape) is not [\(g.m)]") }
        hasBias = b != nil
        outputs = [ValueInfo(dtype: .f32, shape: [g.n, g.m, g.oh, g.ow])]
    }

    func run(_ inputs: [UnsafeRawPointer?], _ outputs: [UnsafeMutableRawPointer]) {
        let x = inputs[0]!.assumingMemoryBound(to: Float.self)
        let w = inputs[1]!.assumingMemoryBound(to: Float.self)
        let b = hasBias ? inputs[2]!.assumingMemoryBound(to: Float.self) : nil
        let y = outputs[0].assumingMemoryBound(to: Float.self)
        let g = g
        for n in 0 ..< g.n {
            for m in 0 ..< g.m {
                for oy in 0 ..< g.oh {
                    for ox in 0 ..< g.ow {
                        var acc = Double(b?[m] ?? 0)
                        for c in 0 ..< g.c {
                            for ky in 0 ..< g.kh {
                                let iy = oy * g.sh - g.padTop + ky * g.dh
                                guard iy >= 0, iy < g.h else { continue }
                                for kx in 0 ..< g.kw {
                                    let ix = ox * g.sw - g.padLeft + kx * g.dw
                                    guard ix >= 0, ix < g.w else { continue }
                                    acc += Double(x[((n * g.c + c) * g.h + iy) * g.w + ix])
                                        * Double(w[((m * g.c + c) * g.kh + ky) * g.kw + kx])
                                }
                            }
                        }
                        y[((n * g.m + m) * g.oh + oy) * g.ow + ox] = Float(acc)
                    }
                }
            }
        }
    }
}
