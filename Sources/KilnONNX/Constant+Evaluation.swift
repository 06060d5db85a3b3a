/// Tensor arithmetic on constants, for folding the subgraphs exporters write whose inputs are all
/// known at conversion time (pad amounts, shapes, index lists). Data movement (Transpose, Slice,
/// Gather, Expand, broadcasting) is expressed as the list of source elements each output reads.
extension Constant {
    /// Row-major strides of `shape`.
    static func strides(_ shape: [Int]) -> [Int] {
        var s = [Int](repeating: 1, count: shape.count)
        for i in shape.indices.dropLast().reversed() { s[i] = s[i + 1] * shape[i + 1] }
        return s
    }

    /// The constant of `shape` whose element k is element `source[k]` of this one.
    func picking(_ source: [Int], shape: [Int]) -> Constant {
        isFloat ? Constant(shape: shape, floats: source.map { floats[$0] }) : Constant(shape: shape, ints: source.map { ints[$0] })
    }

    /// Visits every coordinate of `shape` in row-major order.
    static func forEachIndex(_ shape: [Int], _ body: ([Int]) -> Void) {
        guard !shape.contains(0) else { return }
        var index = [Int](repeating: 0, count: shape.count)
        while true {
            body(index)
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < shape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
            if axis < 0 { return }
        }
    }

    /// numpy broadcasting of two shapes, or nil when they do not broadcast.
    static func broadcast(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = max(a.count, b.count)
        let pa = [Int](repeating: 1, count: rank - a.count) + a, pb = [Int](repeating: 1, count: rank - b.count) + b
        var out = [Int]()
        for (x, y) in zip(pa, pb) {
            guard x == y || x == 1 || y == 1 else { return nil }
            out.append(x == 1 ? y : x)
        }
        return out
    }

    /// This constant broadcast to `shape` (which `broadcast` produced from this shape).
    func expanded(to shape: [Int]) -> Constant {
        let pad = shape.count - self.shape.count
        let own = [Int](repeating: 1, count: pad) + self.shape, strides = Self.strides(own)
        var source = [Int]()
        source.reserveCapacity(shape.reduce(1, *))
        Self.forEachIndex(shape) { index in
            var k = 0
            for axis in index.indices where own[axis] != 1 { k += index[axis] * strides[axis] }
            source.append(k)
        }
        return picking(source, shape: shape)
    }

    /// Axes permuted: output axis i is input axis perm[i].
    func transposed(_ perm: [Int]) -> Constant {
        let strides = Self.strides(shape), out = perm.map { shape[$0] }
        var source = [Int]()
        Self.forEachIndex(out) { index in source.append(zip(index, perm).reduce(0) { $0 + $1.0 * strides[$1.1] }) }
        return picking(source, shape: out)
    }

    /// Elements start, start + step, ... before end on each listed axis (ends clamped as ONNX does).
    func sliced(starts: [Int64], ends: [Int64], axes: [Int], steps: [Int64]) -> Constant {
        var first = [Int](repeating: 0, count: shape.count), step = [Int](repeating: 1, count: shape.count), out = shape
        for (i, axis) in axes.enumerated() {
            let dim = Int64(shape[axis]), s = steps[i]
            func norm(_ v: Int64) -> Int64 { v < 0 ? v + dim : v }
            let lo: Int64, hi: Int64
            if s > 0 {
                lo = min(max(norm(starts[i]), 0), dim)
                hi = min(max(norm(ends[i]), 0), dim)
                out[axis] = Int(max(0, (hi - lo + s - 1) / s))
            } else {
                lo = min(max(norm(starts[i]), -1), dim - 1)
                hi = min(max(norm(ends[i]), -1), dim - 1)
                out[axis] = Int(max(0, (lo - hi - s - 1) / -s))
            }
            (first[axis], step[axis]) = (Int(lo), Int(s))
        }
        let strides = Self.strides(shape)
        var source = [Int]()
        Self.forEachIndex(out) { index in
            source.append(index.indices.reduce(0) { $0 + (first[$1] + index[$1] * step[$1]) * strides[$1] })
        }
        return picking(source, shape: out)
    }

    /// Gather along `axis` by `indices` (already non-negative and in range).
    func gathered(axis: Int, indices: [Int], indexShape: [Int]) -> Constant {
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *), dim = shape[axis]
        var source = [Int]()
        for o in 0 ..< outer { for i in indices { for k in 0 ..< inner { source.append((o * dim + i) * inner + k) } } }
        return picking(source, shape: Array(shape[..<axis]) + indexShape + Array(shape[(axis + 1)...]))
    }

    /// Constants joined along `axis` (equal shapes elsewhere, checked by the caller): floats if all
    /// are floats, else integers (so a float that is no integer is an error, as in Cast).
    static func concatenated(_ parts: [Constant], axis: Int) throws -> Constant {
        let outer = parts[0].shape[..<axis].reduce(1, *)
        var shape = parts[0].shape
        shape[axis] = parts.map { $0.shape[axis] }.reduce(0, +)
        let floating = parts.allSatisfy(\.isFloat)
        let values = try parts.map { p -> (floats: [Float], ints: [Int64]) in floating ? (p.floats, []) : ([], try p.integers()) }
        var f = [Float](), i = [Int64]()
        for o in 0 ..< outer {
            for (p, v) in zip(parts, values) {
                let chunk = p.shape[axis...].reduce(1, *)
                if floating { f += v.floats[o * chunk ..< (o + 1) * chunk] } else { i += v.ints[o * chunk ..< (o + 1) * chunk] }
            }
        }
        return floating ? Constant(shape: shape, floats: f) : Constant(shape: shape, ints: i)
    }
}
