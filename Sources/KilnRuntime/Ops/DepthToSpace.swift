import KilnFormat

/// Channels to pixels (nn.PixelShuffle, sub-pixel convolution). Input x [N, C·b², H, W] (f32 or
/// i8); attributes blocksize b (>= 1, required) and mode "DCR" (default) or "CRD". Output
/// [N, C, H·b, W·b]: y[n, c, h·b + i, w·b + j] = x[n, k, h, w] with k = (i·b + j)·C + c (DCR) or
/// c·b² + i·b + j (CRD, what PyTorch's PixelShuffle exports).
struct DepthToSpace: ElementMover {
    let batch, channels, h, w, b: Int
    let crd: Bool
    let outputs: [ValueInfo]
    var macsPerSample: Int { 0 }

    init(node: Node, inputs: [ValueInfo?]) throws {
        let x = try node.image(inputs)
        b = try node.requiredInts("blocksize", count: 1, min: 1, "a blocksize")[0]
        let mode = node.attribute("mode")?.stringValue ?? "DCR"
        guard mode == "DCR" || mode == "CRD" else {
            throw RuntimeError.badAttribute(node: node.name, key: "mode", message: "'\(mode)' is not DCR or CRD")
        }
        crd = mode == "CRD"
        guard x.shape[1] % (b * b) == 0 else { throw node.shapeError("DepthToSpace with blocksize \(b) needs channels divisible by \(b * b), got \(x.shape[1])") }
        (batch, channels, h, w) = (x.shape[0], x.shape[1] / (b * b), x.shape[2], x.shape[3])
        let shape = [batch, channels, h * b, w * b]
        _ = try checkedCount(shape, what: "the output of node '\(node.name)'")
        outputs = [ValueInfo(dtype: x.dtype, shape: shape)]
    }


    func move<T>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>) {
        let inPlanes = channels * b * b, ow = w * b
        for n in 0 ..< batch {
            for c in 0 ..< channels {
                for i in 0 ..< b {
                    for j in 0 ..< b {
                        let k = crd ? c * b * b + i * b + j : (i * b + j) * channels + c
                        let src = x + (n * inPlanes + k) * h * w, dst = y + (n * channels + c) * h * b * ow
                        for yy in 0 ..< h { for xx in 0 ..< w { dst[(yy * b + i) * ow + xx * b + j] = src[yy * w + xx] } }
                    }
                }
            }
        }
    }
}
