import KilnFormat

/// Element-wise math, reductions, Transpose and Expand on activations (normalizations such as
/// StyleGAN's `F.normalize` and pixel norm, tf2onnx's NHWC layout changes). On constants these
/// ops are folded instead (Converter+Folding).
extension Converter {
    /// Sqrt, Reciprocal.
    func unaryMath(_ n: Onnx_NodeProto) throws {
        try emit(n.opType, n, inputs: [try dynamic(n, 0).name], output: n.output[0])
    }

    /// Pow of an activation by a constant scalar exponent (1: nothing).
    func pow(_ n: Onnx_NodeProto) throws {
        let x = try dynamic(n, 0)
        guard case let .constant(e) = try value(n, 1), e.count == 1 else { throw fail(n, "only a constant scalar exponent is supported") }
        let exponent = e.asFloats[0]
        guard exponent.isFinite else { throw fail(n, "the exponent \(exponent) is not finite") }
        if exponent == 1 { return alias(n.output[0], to: try value(n, 0)) }
        try emit("Pow", n, inputs: [x.name], output: n.output[0], attributes: [("exponent", .float(Double(exponent)))])
    }

    /// Clip with constant bounds (inputs from opset 11, attributes before), and Min / Max of an
    /// activation and a constant scalar (`clamp_min`, `clamp_max`).
    func clip(_ n: Onnx_NodeProto) throws {
        var lo: Float = -.infinity, hi: Float = .infinity, x: String
        func scalar(_ i: Int) throws -> Float {
            guard case let .constant(c) = try value(n, i), c.count == 1 else { throw fail(n, "only constant scalar bounds are supported") }
            return c.asFloats[0]
        }
        switch n.opType {
        case "Clip":
            x = try dynamic(n, 0).name
            if opset < 11 {
                (lo, hi) = (float(n, "min", -.infinity), float(n, "max", .infinity))
            } else {
                if hasInput(n, 1) { lo = try scalar(1) }
                if hasInput(n, 2) { hi = try scalar(2) }
            }
        default:  // Min, Max
            guard n.input.count == 2 else { throw fail(n, "only \(n.opType) of an activation and one constant scalar is supported, got \(n.input.count) inputs") }
            var i = 1
            if case .dynamic = try value(n, 0) { i = 0 }
            x = try dynamic(n, i).name
            let bound = try scalar(1 - i)
            if n.opType == "Max" { lo = bound } else { hi = bound }
        }
        guard !lo.isNaN, !hi.isNaN, lo <= hi else { throw fail(n, "the bounds [\(lo), \(hi)] are empty or not numbers") }
        var attributes: [(String, MetadataValue)] = []
        if lo.isFinite { attributes.append(("min", .float(Double(lo)))) }
        if hi.isFinite { attributes.append(("max", .float(Double(hi)))) }
        if attributes.isEmpty { return alias(n.output[0], to: try value(n, 0)) }
        try emit("Clip", n, inputs: [x], output: n.output[0], attributes: attributes)
    }

    /// ReduceMean and ReduceL2 over per-sample axes (attribute before opset 18, input after).
    func reduce(_ n: Onnx_NodeProto) throws {
        let x = try dynamic(n, 0), rank = x.shape.count + 1
        let given = opset >= 18 ? (hasInput(n, 1) ? try constant(n, 1).integers() : nil) : ints(n, "axes")
        guard let given, !given.isEmpty else {
            if int(n, "noop_with_empty_axes", 0) == 1 { return alias(n.output[0], to: try value(n, 0)) }
            throw fail(n, "it reduces every axis, the batch too; kiln reduces within each sample (give axes)")
        }
        let axes = try given.map { try normalized($0, rank: rank, n) }
        guard !axes.contains(0) else { throw fail(n, "axes \(given) include the batch axis; kiln reduces within each sample") }
        try emit(n.opType, n, inputs: [x.name], output: n.output[0],
                 attributes: [("axes", .ints(axes.map(Int64.init))), ("keepdims", .int(int(n, "keepdims", 1)))])
    }

    /// Transpose of an activation that keeps the batch axis first (perm[0] = 0).
    func transpose(_ n: Onnx_NodeProto) throws {
        let x = try dynamic(n, 0), rank = x.shape.count + 1
        let perm = try (ints(n, "perm") ?? (0 ..< Int64(rank)).reversed()).map { try normalized($0, rank: rank, n) }
        guard perm.sorted() == Array(0 ..< rank) else { throw fail(n, "perm \(perm) is not a permutation of \(rank) axes") }
        guard perm[0] == 0 else { throw fail(n, "perm \(perm) moves the batch axis; kiln keeps the batch first") }
        if perm == Array(0 ..< rank) { return alias(n.output[0], to: try value(n, 0)) }
        try emit("Transpose", n, inputs: [x.name], output: n.output[0], attributes: [("perm", .ints(perm.map(Int64.init)))])
    }

    /// Expand of an activation to a constant shape (`expand_as`): the batch axis must stay.
    func expand(_ n: Onnx_NodeProto) throws {
        let x = try dynamic(n, 0)
        var target = try constant(n, 1).integers()
        let full = [Constant.batch] + x.shape.map(Int64.init)
        guard target.count <= full.count else { throw fail(n, "shape \(target) has more axes than the input [N, \(x.shape)]; the batch axis would move") }
        target = [Int64](repeating: 1, count: full.count - target.count) + target
        guard target[0] == 1 || target[0] == Constant.batch else { throw fail(n, "shape \(target) changes the batch dimension") }
        var out = x.shape
        for (i, t) in target.dropFirst().enumerated() {
            guard t == 1 || t == Int64(out[i]) || out[i] == 1, 1 ... 1 << 31 ~= t else {
                throw fail(n, "the input [N, \(x.shape.map(String.init).joined(separator: ", "))] does not broadcast to \(target)")
            }
            out[i] = max(out[i], Int(t))
        }
        if out == x.shape { return alias(n.output[0], to: try value(n, 0)) }
        try emit("Expand", n, inputs: [x.name], output: n.output[0], attributes: [("shape", .ints(out.map(Int64.init)))])
    }
}
