import Foundation

/// Constant folding: a node whose inputs are all known at conversion time (initializers,
/// Constant nodes, Shape of fixed sizes, and what is computed from them) is evaluated here, so
/// that only the ops that touch activations reach the Kiln model. This is how the pad amounts,
/// index lists and target shapes that exporters compute in the graph disappear.
extension Converter {
    /// Ops evaluated on constants. Those not also in `ONNXImporter.supportedOps` exist only here.
    static let foldable: Set<String> = [
        "Add", "Sub", "Mul", "Div", "Pow", "Min", "Max", "Equal", "Less", "Greater", "Where", "Not",
        "Neg", "Abs", "Sqrt", "Reciprocal", "Floor", "Ceil", "Cast", "Concat", "ConstantOfShape", "Expand",
        "Gather", "Identity", "Range", "Slice", "Transpose",
    ]

    /// Evaluates `n` if it is foldable and every input it has is a constant; whether it did.
    func foldIfConstant(_ n: Onnx_NodeProto) throws -> Bool {
        guard Self.foldable.contains(n.opType) else { return false }
        var ins: [Constant?] = []
        for (i, name) in n.input.enumerated() {
            if name.isEmpty { ins.append(nil); continue }
            guard case let .constant(c) = try value(n, i) else { return false }
            ins.append(c)
        }
        guard let first = ins.first ?? nil else { return false }
        try fold(n) { n in try self.evaluate(n, first, ins) }
        return true
    }

    private func evaluate(_ n: Onnx_NodeProto, _ x: Constant, _ ins: [Constant?]) throws -> Constant {
        func input(_ i: Int) throws -> Constant {
            guard i < ins.count, let c = ins[i] else { throw fail(n, "input #\(i) is missing") }
            return c
        }
        switch n.opType {
        case "Identity": return x
        case "Cast": return try cast(x, to: int(n, "to", 1))
        case "Neg", "Abs", "Sqrt", "Reciprocal", "Floor", "Ceil", "Not": return try unary(n, x)
        case "Add", "Sub", "Mul", "Div", "Pow", "Equal", "Less", "Greater": return try binary(n, x, try input(1))
        case "Min", "Max": return try ins.dropFirst().reduce(x) { try binary(n, $0, try required($1, n)) }
        case "Where":
            let (t, f) = (try input(1), try input(2))
            guard let s1 = Constant.broadcast(x.shape, t.shape), let shape = Constant.broadcast(s1, f.shape) else {
                throw fail(n, "shapes \(x.shape), \(t.shape) and \(f.shape) do not broadcast")
            }
            let c = try x.expanded(to: shape).integers(), a = t.expanded(to: shape), b = f.expanded(to: shape)
            return a.isFloat || b.isFloat
                ? Constant(shape: shape, floats: c.indices.map { c[$0] != 0 ? a.asFloats[$0] : b.asFloats[$0] })
                : Constant(shape: shape, ints: c.indices.map { c[$0] != 0 ? a.ints[$0] : b.ints[$0] })
        case "Concat":
            let parts = try ins.map { try required($0, n) }
            let axis = try normalized(int(n, "axis", 0), rank: x.shape.count, n)
            guard parts.allSatisfy({ p in p.shape.count == x.shape.count && p.shape.indices.allSatisfy { i in i == axis || p.shape[i] == x.shape[i] } }) else {
                throw fail(n, "shapes \(parts.map(\.shape)) differ outside axis \(axis)")
            }
            return try Constant.concatenated(parts, axis: axis)
        case "ConstantOfShape":
            let dims = try sizes(x, n)
            let value = try attribute(n, "value").map { try Constant($0.t, external: external) } ?? Constant(shape: [1], floats: [0])
            guard value.count == 1 else { throw fail(n, "its value holds \(value.count) elements; ONNX allows one") }
            let count = try checkedCount(dims, n)
            return value.isFloat ? Constant(shape: dims, floats: .init(repeating: value.floats[0], count: count))
                : Constant(shape: dims, ints: .init(repeating: value.ints[0], count: count))
        case "Expand":
            let target = try sizes(try input(1), n)
            guard let shape = Constant.broadcast(x.shape, target) else { throw fail(n, "shape \(x.shape) does not broadcast to \(target)") }
            _ = try checkedCount(shape, n)
            return x.expanded(to: shape)
        case "Gather":
            let axis = try normalized(int(n, "axis", 0), rank: x.shape.count, n)
            let idx = try input(1), dim = Int64(x.shape[axis])
            let indices = try idx.integers().map { $0 < 0 ? $0 + dim : $0 }
            guard indices.allSatisfy({ $0 >= 0 && $0 < dim }) else { throw fail(n, "indices \(try idx.integers()) are out of range for axis \(axis) of size \(dim)") }
            return x.gathered(axis: axis, indices: indices.map { Int($0) }, indexShape: idx.shape)
        case "Range":
            let (limit, delta) = (try input(1), try input(2))
            guard x.count == 1, limit.count == 1, delta.count == 1 else { throw fail(n, "start, limit and delta must be scalars") }
            if x.isFloat || limit.isFloat || delta.isFloat {
                let (s, l, d) = (x.asFloats[0], limit.asFloats[0], delta.asFloats[0])
                guard d != 0, d.isFinite, s.isFinite, l.isFinite else { throw fail(n, "delta is 0 or a value is not finite") }
                let count = max(0, Int(((l - s) / d).rounded(.up)))
                guard count <= 1 << 24 else { throw fail(n, "it would make \(count) values") }
                return Constant(shape: [count], floats: (0 ..< count).map { s + Float($0) * d })
            }
            let (s, l, d) = (try x.integers()[0], try limit.integers()[0], try delta.integers()[0])
            guard d != 0, ![s, l, d].contains(Constant.batch) else { throw fail(n, "delta is 0 or the range depends on the batch size") }
            let span = Double(l) - Double(s), count = max(0, Int((span / Double(d)).rounded(.up)))
            guard count <= 1 << 24 else { throw fail(n, "it would make \(count) values") }
            return Constant(shape: [count], ints: (0 ..< count).map { s + Int64($0) * d })
        case "Slice":
            let rank = x.shape.count
            let starts = ins.count > 1 ? try input(1).integers() : ints(n, "starts") ?? []
            let ends = ins.count > 2 ? try input(2).integers() : ints(n, "ends") ?? []
            let axes = try (ins.count > 3 && ins[3] != nil ? try input(3).integers() : ints(n, "axes") ?? starts.indices.map(Int64.init))
                .map { try normalized($0, rank: rank, n) }
            let steps = ins.count > 4 && ins[4] != nil ? try input(4).integers() : [Int64](repeating: 1, count: starts.count)
            guard starts.count == ends.count, axes.count == starts.count, steps.count == starts.count, Set(axes).count == axes.count,
                  !steps.contains(0), !(starts + ends).contains(Constant.batch) else {
                throw fail(n, "starts \(starts), ends \(ends), axes \(axes) and steps \(steps) do not describe a slice")
            }
            return x.sliced(starts: starts, ends: ends, axes: axes, steps: steps)
        case "Transpose":
            let perm = try (ints(n, "perm") ?? (0 ..< Int64(x.shape.count)).reversed()).map { try normalized($0, rank: x.shape.count, n) }
            guard perm.sorted() == Array(0 ..< x.shape.count) else { throw fail(n, "perm \(perm) is not a permutation of \(x.shape.count) axes") }
            return x.transposed(perm)
        default:
            throw fail(n, "cannot be evaluated at conversion time")
        }
    }

    private func required(_ c: Constant?, _ n: Onnx_NodeProto) throws -> Constant {
        guard let c else { throw fail(n, "an input is missing") }
        return c
    }

    func normalized(_ axis: Int64, rank: Int, _ n: Onnx_NodeProto) throws -> Int {
        let a = axis < 0 ? axis + Int64(rank) : axis
        guard a >= 0, a < max(rank, 1) else { throw fail(n, "axis \(axis) is out of range for rank \(rank)") }
        return Int(a)
    }

    /// A 1-D constant of sizes (no batch symbol, none negative).
    private func sizes(_ c: Constant, _ n: Onnx_NodeProto) throws -> [Int] {
        let v = try c.integers()
        guard !v.contains(Constant.batch) else { throw fail(n, "its shape depends on the batch size; export with a fixed batch or do_constant_folding=True") }
        guard v.allSatisfy({ $0 >= 0 && $0 <= 1 << 31 }) else { throw fail(n, "shape \(v) has a negative or too large entry") }
        return v.map { Int($0) }
    }

    private func checkedCount(_ shape: [Int], _ n: Onnx_NodeProto) throws -> Int {
        guard let count = shape.checkedProduct(), count <= 1 << 26 else { throw fail(n, "a constant of shape \(shape) is larger than kiln folds (2^26 values)") }
        return count
    }

    private func cast(_ c: Constant, to type: Int64) throws -> Constant {
        switch type {
        case 1, 10, 11: return Constant(shape: c.shape, floats: c.asFloats)
        case 9: return Constant(shape: c.shape, ints: c.isFloat ? c.floats.map { $0 != 0 ? 1 : 0 } : c.ints.map { $0 != 0 ? 1 : 0 })
        default: return Constant(shape: c.shape, ints: try c.integers())
        }
    }

    private func unary(_ n: Onnx_NodeProto, _ x: Constant) throws -> Constant {
        if n.opType == "Not" { return Constant(shape: x.shape, ints: try x.integers().map { $0 == 0 ? 1 : 0 }) }
        if !x.isFloat, n.opType == "Neg" || n.opType == "Abs" {
            guard !x.ints.contains(Constant.batch) else { throw fail(n, "arithmetic on the dynamic batch size is not supported") }
            return Constant(shape: x.shape, ints: x.ints.map { n.opType == "Neg" ? -$0 : abs($0) })
        }
        let f: (Float) -> Float
        switch n.opType {
        case "Neg": f = { -$0 }
        case "Abs": f = { abs($0) }
        case "Sqrt": f = { $0.squareRoot() }
        case "Reciprocal": f = { 1 / $0 }
        case "Floor": f = { $0.rounded(.down) }
        default: f = { $0.rounded(.up) }
        }
        return Constant(shape: x.shape, floats: x.asFloats.map(f))
    }

    /// Add, Sub, Mul, Div, Pow, Min, Max and the comparisons, with numpy broadcasting.
    private func binary(_ n: Onnx_NodeProto, _ a: Constant, _ b: Constant) throws -> Constant {
        guard let shape = Constant.broadcast(a.shape, b.shape) else { throw fail(n, "shapes \(a.shape) and \(b.shape) do not broadcast") }
        _ = try checkedCount(shape, n)
        let (p, q) = (a.expanded(to: shape), b.expanded(to: shape))
        let compare = ["Equal", "Less", "Greater"].contains(n.opType)
        if a.isFloat || b.isFloat {
            let (x, y) = (p.asFloats, q.asFloats)
            if compare {
                return Constant(shape: shape, ints: zip(x, y).map { u, v in (n.opType == "Equal" ? u == v : n.opType == "Less" ? u < v : u > v) ? 1 : 0 })
            }
            return Constant(shape: shape, floats: zip(x, y).map { u, v in
                switch n.opType {
                case "Add": return u + v
                case "Sub": return u - v
                case "Mul": return u * v
                case "Div": return u / v
                case "Pow": return Float(Foundation.pow(Double(u), Double(v)))
                case "Min": return Swift.min(u, v)
                default: return Swift.max(u, v)
                }
            })
        }
        let (x, y) = (p.ints, q.ints)
        guard !x.contains(Constant.batch), !y.contains(Constant.batch) else { throw fail(n, "arithmetic on the dynamic batch size is not supported") }
        return Constant(shape: shape, ints: zip(x, y).map { u, v in
            switch n.opType {
            case "Add": return u &+ v
            case "Sub": return u &- v
            case "Mul": return u &* v
            case "Div": return v == 0 ? 0 : u / v  // integer division truncates, as ONNX Runtime's
            case "Pow": return Int64(clamping: Int(exactly: Foundation.pow(Double(u), Double(v)).rounded()) ?? Int.max)
            case "Min": return Swift.min(u, v)
            case "Max": return Swift.max(u, v)
            case "Equal": return u == v ? 1 : 0
            case "Less": return u < v ? 1 : 0
            default: return u > v ? 1 : 0
            }
        })
    }
}
