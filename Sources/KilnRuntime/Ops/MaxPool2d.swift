import KilnFormat

/// Max pooling, no padding: y[n, c, oy, ox] = max over the kh x kw window at (oy*sh, ox*sw).
/// Input [N, C, H, W]; attributes kernel [kh, kw] (required), strides [sh, sw] (default: kernel).
/// Output [N, C, (H - kh) / sh + 1, (W - kw) / sw + 1]. NaN compares false (the first value wins).
struct MaxPool2d: Op {
    let planes, h, w, kh, kw, sh, sw, oh, ow: Int
    let outputs: [ValueInfo]
    var macsPerSample: Int { 0 }

    init(node: Node, inputs: [ValueInfo?]) throws {
        try node.requireInputs(inputs, max: 1)
        let x = try node.input(inputs, 0)
        guard x.shape.count == 4 else { throw node.shapeError("MaxPool2d needs x [N, C, H, W], got \(x.shape)") }
        guard node.attribute("kernel") != nil else {
            throw RuntimeError.badAttribute(node: node.name, key: "kernel", message: "MaxPool2d needs the window size [kh, kw]")
        }
        let k = try node.ints("kernel", default: [1, 1], count: 2, min: 1)
        let s = try node.ints("strides", default: k, count: 2, min: 1)
        (planes, h, w, kh, kw, sh, sw) = (x.shape[0] * x.shape[1], x.shape[2], x.shape[3], k[0], k[1], s[0], s[1])
        guard kh <= h, kw <= w else { throw node.shapeError("the window \(k) is larger than the input \(x.shape)") }
        (oh, ow) = ((h - kh) / sh + 1, (w - kw) / sw + 1)
        outputs = [ValueInfo(dtype: .f32, shape: [x.shape[0], x.shape[1], oh, ow])]
    }

    func run(_ inputs: [UnsafeRawPointer?], _ outputs: [UnsafeMutableRawPointer], _ scratch: UnsafeMutableRawPointer) {
        let x = inputs[0]!.assumingMemoryBound(to: Float.self)
        let y = outputs[0].assumingMemoryBound(to: Float.self)
        for p in 0 ..< planes {
            for oy in 0 ..< oh {
                for ox in 0 ..< ow {
                    var best = x[(p * h + oy * sh) * w + ox * sw]
                    for ky in 0 ..< kh {
                        for kx in 0 ..< kw {
                            let v = x[(p * h + oy * sh + ky) * w + ox * sw + kx]
                            if v > best { best = v }
                        }
                    }
                    y[(p * oh + oy) * ow + ox] = best
                }
            }
        }
    }
}
