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
        g.referenceSums(inputs, outputs[0], transposed: true)
    }
}
