import KilnFormat

/// Sizes of a 2-D convolution or transposed convolution, validated from a node's inputs
/// (x [N, C, H, W]; weight [M, C, KH, KW], or [C, M, KH, KW] when transposed; optional bias [M])
/// and attributes.
struct ConvGeometry {
    let n, c, h, w: Int          // input
    let m, oh, ow: Int           // output channels and size
    let kh, kw: Int              // kernel
    let sh, sw, dh, dw: Int      // strides, dilations
    let padTop, padLeft: Int
    let hasBias: Bool
    let dtype: DType

    var output: ValueInfo { ValueInfo(dtype: dtype, shape: [n, m, oh, ow]) }

    /// `quantized`: the int8 form (x and weight i8, bias i32 required, requant as input 3).
    init(node: Node, inputs: [ValueInfo?], transposed: Bool, quantized: Bool = false) throws {
        try node.requireInputs(inputs, max: quantized ? 4 : 3)
        dtype = quantized ? .i8 : .f32
        let xv = try node.input(inputs, 0, dtype), wv = try node.input(inputs, 1, dtype)
        let b = quantized ? try node.input(inputs, 2, .i32) : try node.optionalInput(inputs, 2)
        let (x, k) = (xv.shape, wv.shape)
        let layout = transposed ? "[C, M, KH, KW]" : "[M, C, KH, KW]"
        guard x.count == 4, k.count == 4, k[transposed ? 0 : 1] == x[1] else {
            throw node.shapeError("\(node.op) needs x [N, C, H, W] and weight \(layout) with the same C, got \(x) and \(k)")
        }
        (n, c, h, w) = (x[0], x[1], x[2], x[3])
        (m, kh, kw) = (k[transposed ? 1 : 0], k[2], k[3])
        if let b, b.shape != [m] { throw node.shapeError("bias shape \(b.shape) is not [\(m)]") }
        hasBias = b != nil
        guard kh >= 1, kw >= 1, m >= 1 else { throw node.shapeError("the kernel \([kh, kw]) or output channel count \(m) is empty") }
        let s = try node.ints("strides", default: [1, 1], count: 2, min: 1)
        let d = try node.ints("dilations", default: [1, 1], count: 2, min: 1)
        let p = try node.ints("pads", default: [0, 0, 0, 0], count: 4, min: 0)
        (sh, sw, dh, dw, padTop, padLeft) = (s[0], s[1], d[0], d[1], p[0], p[1])
        let spanH = dh * (kh - 1) + 1, spanW = dw * (kw - 1) + 1
        if transposed {
            let op = try node.ints("output_padding", default: [0, 0], count: 2, min: 0)
            guard op[0] < max(sh, dh), op[1] < max(sw, dw) else {
                throw RuntimeError.badAttribute(node: node.name, key: "output_padding", message: "\(op) must be smaller than the stride or dilation")
            }
            oh = (h - 1) * sh - p[0] - p[2] + spanH + op[0]
            ow = (w - 1) * sw - p[1] - p[3] + spanW + op[1]
        } else {
            guard node.attribute("output_padding") == nil else {
                throw RuntimeError.badAttribute(node: node.name, key: "output_padding", message: "Conv2d has no output padding")
            }
            let hp = h + p[0] + p[2] - spanH, wp = w + p[1] + p[3] - spanW
            oh = hp < 0 ? 0 : hp / sh + 1
            ow = wp < 0 ? 0 : wp / sw + 1
        }
        guard oh >= 1, ow >= 1 else {
            throw node.shapeError("input \(x) with kernel \([kh, kw]), strides \(s), pads \(p), dilations \(d) gives an empty output")
        }
        _ = try checkedCount([n, m, oh, ow], what: "the output of node '\(node.name)'")
    }
}
