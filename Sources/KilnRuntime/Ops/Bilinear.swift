import KilnFormat

/// Bilinear resizing (nn.Upsample(mode="bilinear"), F.interpolate, ONNX Resize mode linear).
/// Input x [N, C, H, W]; attributes size [OH, OW] (required, each >= 1), scales [sh, sw] (floats
/// > 0; default OH / H and OW / W), coordinates "half_pixel" (default), "pytorch_half_pixel",
/// "align_corners" or "asymmetric". Output [N, C, OH, OW]. For each axis, output index o maps to
/// the input coordinate u (half_pixel: (o + 0.5) / s − 0.5; pytorch_half_pixel: the same, or 0 when
/// the output has length 1; align_corners: o·(D − 1) / (O − 1), or 0 when O = 1; asymmetric: o / s),
/// clamped to [0, D − 1]; with i = ⌊u⌋, j = min(i + 1, D − 1), t = u − i, the output is
/// (1 − t_y)·((1 − t_x)·x[i_y, i_x] + t_x·x[i_y, j_x]) + t_y·((1 − t_x)·x[j_y, i_x] + t_x·x[j_y, j_x]),
/// all in binary64, rounded once to f32. On i8 (1.3, the output keeps the input's quantization)
/// the weights are integers: T = roundHalfEven(t·2^11), and
/// y = ⌊((2^11 − T_y)·((2^11 − T_x)·x[i_y, i_x] + T_x·x[i_y, j_x]) + T_y·(…j_y…) + 2^21) / 2^22⌋.
struct Bilinear: Op {
    enum Coordinates: String, CaseIterable { case half_pixel, pytorch_half_pixel, align_corners, asymmetric }
    /// Per output row / column: the two input indices and the weight of the second.
    struct Tap {
        let i, j: Int
        let t: Double
        /// t in 2^-11 units, for i8.
        let fixed: Int32
    }
    let planes, h, w: Int
    let rows, cols: [Tap]
    let outputs: [ValueInfo]
    var macsPerSample: Int { 0 }

    init(node: Node, inputs: [ValueInfo?]) throws {
        let x = try node.image(inputs)
        let size = try node.requiredInts("size", count: 2, min: 1, "the output size [OH, OW]")
        let name = node.attribute("coordinates")?.stringValue ?? "half_pixel"
        guard let mode = Coordinates(rawValue: name) else {
            throw RuntimeError.badAttribute(node: node.name, key: "coordinates", message: "'\(name)' is not one of \(Coordinates.allCases.map(\.rawValue))")
        }
        (planes, h, w) = (x.shape[0] * x.shape[1], x.shape[2], x.shape[3])
        var scales = [Double(size[0]) / Double(h), Double(size[1]) / Double(w)]
        if let s = node.attribute("scales") {
            guard let v = s.floatsValue, v.count == 2, v.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                throw RuntimeError.badAttribute(node: node.name, key: "scales", message: "expected two positive scales, got \(s)")
            }
            scales = v
        }
        func taps(_ count: Int, _ length: Int, _ s: Double) -> [Tap] {
            (0 ..< count).map { o in
                var u: Double
                switch mode {
                case .half_pixel: u = (Double(o) + 0.5) / s - 0.5
                case .pytorch_half_pixel: u = count > 1 ? (Double(o) + 0.5) / s - 0.5 : 0
                case .align_corners: u = count > 1 ? Double(o) * Double(length - 1) / Double(count - 1) : 0
                case .asymmetric: u = Double(o) / s
                }
                u = min(max(u, 0), Double(length - 1))
                let i = Int(u.rounded(.down))
                let t = u - Double(i)
                return Tap(i: i, j: min(i + 1, length - 1), t: t, fixed: Int32((t * 2048).rounded(.toNearestOrEven)))
            }
        }
        (rows, cols) = (taps(size[0], h, scales[0]), taps(size[1], w, scales[1]))
        let shape = [x.shape[0], x.shape[1], size[0], size[1]]
        _ = try checkedCount(shape, what: "the output of node '\(node.name)'")
        outputs = [ValueInfo(dtype: x.dtype, shape: shape)]
    }

    func run(_ inputs: [UnsafeRawPointer?], _ outputs: [UnsafeMutableRawPointer], _ scratch: UnsafeMutableRawPointer) {
        if self.outputs[0].dtype == .i8 { return runInt8(inputs[0]!.assumingMemoryBound(to: Int8.self), outputs[0].assumingMemoryBound(to: Int8.self)) }
        let x = inputs[0]!.assumingMemoryBound(to: Float.self), y = outputs[0].assumingMemoryBound(to: Float.self)
        let oh = rows.count, ow = cols.count
        for p in 0 ..< planes {
            let plane = x + p * h * w
            for (oy, r) in rows.enumerated() {
                let top = plane + r.i * w, bottom = plane + r.j * w, out = y + (p * oh + oy) * ow
                for (ox, c) in cols.enumerated() {
                    let upper = (1 - c.t) * Double(top[c.i]) + c.t * Double(top[c.j])
                    let lower = (1 - c.t) * Double(bottom[c.i]) + c.t * Double(bottom[c.j])
                    out[ox] = Float((1 - r.t) * upper + r.t * lower)
                }
            }
        }
    }

    private func runInt8(_ x: UnsafePointer<Int8>, _ y: UnsafeMutablePointer<Int8>) {
        let oh = rows.count, ow = cols.count
        for p in 0 ..< planes {
            let plane = x + p * h * w
            for (oy, r) in rows.enumerated() {
                let top = plane + r.i * w, bottom = plane + r.j * w, out = y + (p * oh + oy) * ow
                for (ox, c) in cols.enumerated() {
                    let tx = c.fixed, ty = r.fixed
                    let upper = (2048 - tx) * Int32(top[c.i]) + tx * Int32(top[c.j])
                    let lower = (2048 - tx) * Int32(bottom[c.i]) + tx * Int32(bottom[c.j])
                    out[ox] = Int8(((2048 - ty) * upper + ty * lower + (1 << 21)) >> 22)
                }
            }
        }
    }
}
