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
        g.referenceSums(inputs, outputs[0], transposed: false)
    }
}
