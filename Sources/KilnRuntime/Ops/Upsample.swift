import KilnFormat

/// Nearest-neighbour upsampling by integer factors: y[n, c, oy, ox] = x[n, c, oy / sh, ox / sw].
/// Input x [N, C, H, W] (f32 or i8); attribute scales [sh, sw] (integers >= 1). Output [N, C, H*sh, W*sw].
struct Upsample: Op {
    let planes, h, w, sh, sw, size: Int
    let outputs: [ValueInfo]
    var macsPerSample: Int { 0 }

    init(node: Node, inputs: [ValueInfo?]) throws {
        try node.requireInputs(inputs, max: 1)
        let x = try node.input(inputs, 0, inputs.first??.dtype == .i8 ? .i8 : .f32)
        guard x.shape.count == 4 else { throw node.shapeError("Upsample needs x [N, C, H, W], got \(x.shape)") }
        guard node.attribute("scales") != nil else {
            throw RuntimeError.badAttribute(node: node.name, key: "scales", message: "Upsample needs integer scales [sh, sw]")
        }
        let s = try node.ints("scales", default: [1, 1], count: 2, min: 1)
        (planes, h, w, sh, sw, size) = (x.shape[0] * x.shape[1], x.shape[2], x.shape[3], s[0], s[1], x.dtype.size)
        let shape = [x.shape[0], x.shape[1], h * sh, w * sw]
        _ = try checkedCount(shape, what: "the output of node '\(node.name)'")
        outputs = [ValueInfo(dtype: x.dtype, shape: shape)]
    }

    func run(_ inputs: [UnsafeRawPointer?], _ outputs: [UnsafeMutableRawPointer], _ scratch: UnsafeMutableRawPointer) {
        if size == 1 {
            upsample(inputs[0]!.assumingMemoryBound(to: Int8.self), outputs[0].assumingMemoryBound(to: Int8.self))
        } else {
            upsample(inputs[0]!.assumingMemoryBound(to: Float.self), outputs[0].assumingMemoryBound(to: Float.self))
        }
    }

    private func upsample<T>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>) {
        let oh = h * sh, ow = w * sw
        for p in 0 ..< planes {
            for oy in 0 ..< oh {
                for ox in 0 ..< ow { y[(p * oh + oy) * ow + ox] = x[(p * h + oy / sh) * w + ox / sw] }
            }
        }
    }
}
