import KilnFormat

/// Pixels to channels, the inverse of DepthToSpace in DCR mode. Input x [N, C, H·b, W·b] (f32 or
/// i8); attribute blocksize b (>= 1, required). Output [N, C·b², H, W]:
/// y[n, (i·b + j)·C + c, h, w] = x[n, c, h·b + i, w·b + j].
struct SpaceToDepth: ElementMover {
    let batch, channels, h, w, b: Int
    let outputs: [ValueInfo]
    var macsPerSample: Int { 0 }

    init(node: Node, inputs: [ValueInfo?]) throws {
        let x = try node.image(inputs)
        b = try node.requiredInts("blocksize", count: 1, min: 1, "a blocksize")[0]
        guard x.shape[2] % b == 0, x.shape[3] % b == 0 else {
            throw node.shapeError("SpaceToDepth with blocksize \(b) needs H and W divisible by it, got \(x.shape[2])x\(x.shape[3])")
        }
        (batch, channels, h, w) = (x.shape[0], x.shape[1], x.shape[2] / b, x.shape[3] / b)
        outputs = [ValueInfo(dtype: x.dtype, shape: [batch, channels * b * b, h, w])]
    }


    func move<T>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>) {
        let iw = w * b, outPlanes = channels * b * b
        for n in 0 ..< batch {
            for c in 0 ..< channels {
                let src = x + (n * channels + c) * h * b * iw
                for i in 0 ..< b {
                    for j in 0 ..< b {
                        let dst = y + (n * outPlanes + (i * b + j) * channels + c) * h * w
                        for yy in 0 ..< h { for xx in 0 ..< w { dst[yy * w + xx] = src[(yy * b + i) * iw + xx * b + j] } }
                    }
                }
            }
        }
    }
}
