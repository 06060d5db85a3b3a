import KilnFormat

/// Nearest-neighbour upsampling by integer factors: y[n, c, oy, ox] = x[n, c, oy / sh, ox / sw].
/// Input x [N, C, H, W] (f32 or i8); attribute scales [sh, sw] (integers >= 1). Output [N, C, H*sh, W*sw].
struct Upsample: ElementMover {
    let planes, h, w, sh, sw: Int
    let outputs: [ValueInfo]
    var macsPerSample: Int { 0 }

    init(node: Node, inputs: [ValueInfo?]) throws {
        let x = try node.image(inputs)
        let s = try node.requiredInts("scales", count: 2, min: 1, "integer scales [sh, sw]")
        (planes, h, w, sh, sw) = (x.shape[0] * x.shape[1], x.shape[2], x.shape[3], s[0], s[1])
        let shape = [x.shape[0], x.shape[1], h * sh, w * sw]
        _ = try checkedCount(shape, what: "the output of node '\(node.name)'")
        outputs = [ValueInfo(dtype: x.dtype, shape: shape)]
    }


    /// Each output row once from its input row, then copied to the other sh - 1 rows.
    func move<T>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>) {
        let ow = w * sw
        for p in 0 ..< planes {
            for iy in 0 ..< h {
                let src = x + (p * h + iy) * w, dst = y + (p * h + iy) * sh * ow
                if sw == 1 {
                    dst.update(from: src, count: w)
                } else {
                    for ix in 0 ..< w {
                        for k in 0 ..< sw { dst[ix * sw + k] = src[ix] }
                    }
                }
                for r in 1 ..< sh { (dst + r * ow).update(from: dst, count: ow) }
            }
        }
    }
}
