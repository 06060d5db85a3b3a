import KilnFormat

/// Spatial padding (reflection, replication or a constant), nn.ReflectionPad2d and friends.
/// Input x [N, C, H, W] (f32 or i8); attributes pads [top, left, bottom, right] (each >= 0), mode
/// "constant" (default), "reflect" or "edge", value (0; for i8 an integer in -128...127, the
/// quantized value of the padding). Output [N, C, H + top + bottom, W + left + right]:
/// y[n, c, oy, ox] = x[n, c, r(oy - top, H), r(ox - left, W)] where, for an index i outside 0..<D,
/// reflect takes -i or 2(D - 1) - i (pads below D), edge the nearest edge, constant the value.
struct Pad: Op {
    enum Mode: String, CaseIterable { case constant, reflect, edge }
    let planes, h, w, oh, ow: Int
    let value: Double
    /// For each output row and column, the input row or column it copies, or -1 for the value.
    let rows, cols: [Int]
    let outputs: [ValueInfo]
    var macsPerSample: Int { 0 }

    init(node: Node, inputs: [ValueInfo?]) throws {
        let x = try node.image(inputs)
        let p = try node.requiredInts("pads", count: 4, min: 0, "pads [top, left, bottom, right]")
        let name = node.attribute("mode")?.stringValue ?? "constant"
        guard let mode = Mode(rawValue: name) else {
            throw RuntimeError.badAttribute(node: node.name, key: "mode", message: "'\(name)' is not one of \(Mode.allCases.map(\.rawValue))")
        }
        value = try node.float("value", default: 0)
        if x.dtype == .i8, value != value.rounded() || abs(value + 0.5) > 128 {
            throw RuntimeError.badAttribute(node: node.name, key: "value", message: "an int8 Pad takes an integer value in -128...127, got \(value)")
        }
        (planes, h, w) = (x.shape[0] * x.shape[1], x.shape[2], x.shape[3])
        if mode == .reflect, p[0] >= h || p[2] >= h || p[1] >= w || p[3] >= w {
            throw node.shapeError("reflect padding needs pads smaller than the input (\(h)x\(w)), got \(p)")
        }
        (oh, ow) = (h + p[0] + p[2], w + p[1] + p[3])
        func sources(_ count: Int, _ before: Int, _ size: Int) -> [Int] {
            (0 ..< count).map { o in
                let i = o - before
                if i >= 0, i < size { return i }
                switch mode {
                case .constant: return -1
                case .edge: return i < 0 ? 0 : size - 1
                case .reflect: return i < 0 ? -i : 2 * (size - 1) - i
                }
            }
        }
        (rows, cols) = (sources(oh, p[0], h), sources(ow, p[1], w))
        let shape = [x.shape[0], x.shape[1], oh, ow]
        _ = try checkedCount(shape, what: "the output of node '\(node.name)'")
        outputs = [ValueInfo(dtype: x.dtype, shape: shape)]
    }

    func run(_ inputs: [UnsafeRawPointer?], _ outputs: [UnsafeMutableRawPointer], _ scratch: UnsafeMutableRawPointer) {
        if self.outputs[0].dtype == .i8 {
            pad(inputs[0]!.assumingMemoryBound(to: Int8.self), outputs[0].assumingMemoryBound(to: Int8.self), Int8(value))
        } else {
            pad(inputs[0]!.assumingMemoryBound(to: Float.self), outputs[0].assumingMemoryBound(to: Float.self), Float(value))
        }
    }

    private func pad<T>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ fill: T) {
        for p in 0 ..< planes {
            for oy in 0 ..< oh {
                let out = y + (p * oh + oy) * ow, iy = rows[oy]
                guard iy >= 0 else {
                    out.update(repeating: fill, count: ow)
                    continue
                }
                let row = x + (p * h + iy) * w
                for ox in 0 ..< ow { out[ox] = cols[ox] >= 0 ? row[cols[ox]] : fill }
            }
        }
    }
}
