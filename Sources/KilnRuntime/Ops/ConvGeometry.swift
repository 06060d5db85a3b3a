import KilnFormat

/// Sizes of a 2-D convolution or transposed convolution, validated from a node's attributes.
struct ConvGeometry {
    let n, c, h, w: Int          // input
    let m, oh, ow: Int           // output channels and size
    let kh, kw: Int              // kernel
    let sh, sw, dh, dw: Int      // strides, dilations
    let padTop, padLeft: Int

    init(node: Node, x: [Int], kernel: [Int], outChannels: Int, transposed: Bool) throws {
        (n, c, h, w) = (x[0], x[1], x[2], x[3])
        (m, kh, kw) = (outChannels, kernel[0], kernel[1])
        guard kh >= 1, kw >= 1, m >= 1 else { throw node.shapeError("the kernel \(kernel) or output channel count \(m) is empty") }
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
            throw node.shapeError("input \(x) with kernel \(kernel), strides \(s), pads \(p), dilations \(d) gives an empty output")
        }
        _ = try checkedCount([n, m, oh, ow], what: "the output of node '\(node.name)'")
    }
}
