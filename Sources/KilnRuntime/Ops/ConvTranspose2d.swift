import KilnFormat

/// 2-D transposed convolution, groups 1.
/// Inputs: x [N, C, H, W], weight [C, M, KH, KW] (PyTorch / ONNX layout), optional bias [M].
/// Output [N, M, OH, OW] with OH = (H - 1) * strideH - padTop - padBottom + dilationH * (KH - 1)
/// + outputPaddingH + 1 (likewise OW). Attributes: strides, pads [top, left, bottom, right],
/// dilations, output_padding [h, w] (each < its stride or dilation).
///
/// Computed as a gather: output pixel (oy, ox) takes input (iy, ix) through tap (ky, kx) when
/// oy + padTop - ky * dh == iy * sh. Each output is one Double sum over (ky, kx, c) in order.
struct ConvTranspose2d: Op {
    let g: ConvGeometry
    var outputs: [ValueInfo] { [g.output] }
    var macsPerSample: Int { g.c * g.h * g.w * g.m * g.kh * g.kw }

    init(node: Node, inputs: [ValueInfo?]) throws {
        g = try ConvGeometry(node: node, inputs: inputs, transposed: true)
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
                            let ty = oy + g.padTop - ky * g.dh
                            guard ty >= 0, ty % g.sh == 0, ty / g.sh < g.h else { continue }
                            for kx in 0 ..< g.kw {
                                let tx = ox + g.padLeft - kx * g.dw
                                guard tx >= 0, tx % g.sw == 0, tx / g.sw < g.w else { continue }
                                for c in 0 ..< g.c {
                                    acc += Double(x[((n * g.c + c) * g.h + ty / g.sh) * g.w + tx / g.sw])
                                        * Double(w[((c * g.m + m) * g.kh + ky) * g.kw + kx])
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
