import KilnFormat

/// 2-D convolution (cross-correlation), groups 1.
/// Inputs: x [N, C, H, W], weight [M, C, KH, KW], optional bias [M]. Output [N, M, OH, OW] with
/// OH = (H + padTop + padBottom - dilationH * (KH - 1) - 1) / strideH + 1 (likewise OW).
/// Attributes: strides [sh, sw] (default [1, 1]), pads [top, left, bottom, right] (default 0),
/// dilations [dh, dw] (default [1, 1]). Accumulates in Double, taps in (ky, kx, c) order.
struct Conv2d: Op {
    let g: ConvGeometry
    var outputs: [ValueInfo] { [g.output] }
    var macsPerSample: Int { g.m * g.oh * g.ow * g.c * g.kh * g.kw }

    init(node: Node, inputs: [ValueInfo?]) throws {
        g = try ConvGeometry(node: node, inputs: inputs, transposed: false)
    }

    func run(_ inputs: [UnsafeRawPointer?], _ outputs: [UnsafeMutableRawPointer], _ scratch: UnsafeMutableRawPointer) {
        let x = inputs[0]!.assumingMemoryBound(to: Float.self)
        let w = inputs[1]!.assumingMemoryBound(to: Float.self)
        let b = g.hasBias ? inputs[2]!.assumingMemoryBound(to: Float.self) : nil
        let y = outputs[0].assumingMemoryBound(to: Float.self)
        let g = g
        for n in 0 ..< g.n {
            for m in 0 ..< g.m {
                for oy in 0 ..< g.oh {
                    for ox in 0 ..< g.ow {
                        var acc = Double(b?[m] ?? 0)
                        for ky in 0 ..< g.kh {
                            let iy = oy * g.sh - g.padTop + ky * g.dh
                            guard iy >= 0, iy < g.h else { continue }
                            for kx in 0 ..< g.kw {
                                let ix = ox * g.sw - g.padLeft + kx * g.dw
                                guard ix >= 0, ix < g.w else { continue }
                                for c in 0 ..< g.c {
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
