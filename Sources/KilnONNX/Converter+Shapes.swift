import KilnFormat

/// Constants, aliases, and the shape arithmetic exporters write around Reshape: folded at
/// conversion time where the inputs are known; Reshape, Flatten, Squeeze, Unsqueeze and Concat of
/// activations become Kiln ops.
extension Converter {
    /// Replaces node `n` by the constant `make` computes.
    func fold(_ n: Onnx_NodeProto, _ make: (Onnx_NodeProto) throws -> Constant) throws {
        values[n.output[0]] = .constant(try make(n))
        folded += 1
    }

    func constantNode(_ n: Onnx_NodeProto) throws {
        try fold(n) { n in
            if let t = attribute(n, "value") { return try Constant(t.t, external: external) }
            if let a = attribute(n, "value_float") { return Constant(shape: [], floats: [a.f]) }
            if let a = attribute(n, "value_floats") { return Constant(shape: [a.floats.count], floats: a.floats) }
            if let a = attribute(n, "value_int") { return Constant(shape: [], ints: [a.i]) }
            if let a = attribute(n, "value_ints") { return Constant(shape: [a.ints.count], ints: a.ints) }
            throw fail(n, "only tensor, float(s) and int(s) values are supported")
        }
    }

    /// Shape of an activation: [batch, dims...] with the batch symbolic; start / end (opset 15).
    func shape(_ n: Onnx_NodeProto) throws {
        let full: [Int64]
        switch try value(n, 0) {
        case let .constant(c): full = c.shape.map(Int64.init)
        case let .dynamic(_, _, shape): full = [Constant.batch] + shape.map(Int64.init)
        }
        let r = Int64(full.count)
        func clamp(_ v: Int64) -> Int { Int(max(0, min(r, v < 0 ? v + r : v))) }
        let start = clamp(int(n, "start", 0)), end = clamp(int(n, "end", r))
        try fold(n) { _ in Constant(shape: [max(0, end - start)], ints: start < end ? Array(full[start ..< end]) : []) }
    }

    /// Gather of a constant table by activation indices: an Embedding (nn.Embedding's export).
    /// (Gathers of constants are folded.)
    func gather(_ n: Onnx_NodeProto) throws {
        let axis = Int(int(n, "axis", 0))
        let table = try constant(n, 0), labels = try dynamic(n, 1)
        guard axis == 0, table.shape.count == 2, labels.shape.count <= 1, labels.shape.reduce(1, *) == 1 else {
            throw fail(n, "only an embedding lookup (a constant table [classes, dim] indexed by one label per sample) is supported")
        }
        try emit("Embedding", n, inputs: [labels.name, addTensor(table, name: n.input[0])], output: n.output[0])
    }

    /// Axes from the attribute (opset < 13) or the second input.
    func axes(_ n: Onnx_NodeProto) throws -> [Int64]? {
        if hasInput(n, 1) { return try constant(n, 1).integers() }
        return ints(n, "axes")
    }

    func unsqueeze(_ n: Onnx_NodeProto) throws {
        guard let ax = try axes(n) else { throw fail(n, "needs axes") }
        func insert(_ shape: [Int]) throws -> [Int] {
            let rank = shape.count + ax.count
            let positions = Set(ax.map { Int($0 < 0 ? $0 + Int64(rank) : $0) })
            var out = [Int](), it = shape.makeIterator()
            for d in 0 ..< rank { out.append(positions.contains(d) ? 1 : it.next() ?? 1) }
            return out
        }
        switch try value(n, 0) {
        case var .constant(c):
            c.shape = try insert(c.shape)
            try fold(n) { _ in c }
        case let .dynamic(name, _, shape):
            let full = try insert([1] + shape)
            guard !ax.contains(where: { $0 == 0 || $0 == -Int64(full.count) }) else { throw fail(n, "unsqueezing the batch axis is not supported") }
            try reshapeTo(n, name, Array(full.dropFirst()))
        }
    }

    func squeeze(_ n: Onnx_NodeProto) throws {
        let ax = try axes(n)
        func remove(_ shape: [Int]) -> [Int] {
            let positions = ax.map { Set($0.map { Int($0 < 0 ? $0 + Int64(shape.count) : $0) }) }
            return shape.enumerated().filter { i, d in positions.map { !$0.contains(i) } ?? (d != 1) }.map(\.element)
        }
        switch try value(n, 0) {
        case var .constant(c):
            c.shape = remove(c.shape)
            try fold(n) { _ in c }
        case let .dynamic(name, _, shape):
            guard let ax, !ax.contains(where: { $0 == 0 || $0 == -Int64(shape.count + 1) }) else {
                throw fail(n, "squeeze needs explicit axes that leave the batch axis alone")
            }
            try reshapeTo(n, name, Array(remove([1] + shape).dropFirst()))
        }
    }

    func reshapeTo(_ n: Onnx_NodeProto, _ input: String, _ perSample: [Int]) throws {
        try emit("Reshape", n, inputs: [input], output: n.output[0], attributes: [("shape", .ints(perSample.map(Int64.init)))])
    }

    /// Reshape of an activation by a constant shape: the first entry must keep the batch (the
    /// batch symbol, 0, or -1 with the rest fixing the sample size).
    func reshape(_ n: Onnx_NodeProto) throws {
        let target = try constant(n, 1).integers()
        if case var .constant(c) = try value(n, 0) {
            var dims = target.map { Int($0) }
            if let i = dims.firstIndex(of: -1), let known = dims.filter({ $0 != -1 }).checkedProduct() { dims[i] = c.count / max(1, known) }
            guard dims.checkedProduct() == c.count else { throw fail(n, "cannot reshape a constant of \(c.count) values to \(target)") }
            c.shape = dims
            return try fold(n) { _ in c }
        }
        let x = try dynamic(n, 0)
        guard let first = target.first else { throw fail(n, "empty target shape") }
        let allowZero = int(n, "allowzero", 0) == 1
        var rest = target.dropFirst().enumerated().map { i, d -> Int64 in d == 0 && !allowZero && i < x.shape.count ? Int64(x.shape[i]) : d }
        let perSample = x.shape.reduce(1, *)
        if first == Constant.batch || (first == 0 && !allowZero) {
            // keeps the batch
        } else if first == -1 {
            guard !rest.contains(-1) else { throw fail(n, "shape \(target) leaves both the batch and another dimension to infer") }
        } else {
            guard let known = rest.filter({ $0 != -1 }).checkedProduct() else { throw fail(n, "shape \(target) has entries that are negative or too large") }
            guard rest.contains(-1) || perSample == known else {
                throw fail(n, "shape \(target) changes the batch dimension; reshape per sample (x.view(x.size(0), ...))")
            }
            rest = rest.map { $0 == -1 ? Int64(perSample / max(1, known)) : $0 }
            guard first == 1 || rest.checkedProduct() == perSample else { throw fail(n, "shape \(target) mixes samples of the batch") }
        }
        guard rest.allSatisfy({ $0 >= 1 || $0 == -1 }) else { throw fail(n, "shape \(target) has an unsupported entry") }
        try emit("Reshape", n, inputs: [x.name], output: n.output[0], attributes: [("shape", .ints(Array(rest)))])
    }

    func flatten(_ n: Onnx_NodeProto) throws {
        let x = try dynamic(n, 0)
        guard int(n, "axis", 1) == 1 else { throw fail(n, "axis \(int(n, "axis", 1)): only Flatten(axis=1) keeps the batch") }
        try emit("Flatten", n, inputs: [x.name], output: n.output[0])
    }

    func concat(_ n: Onnx_NodeProto) throws {
        var axis = int(n, "axis", 0)
        let xs = try n.input.indices.map { try dynamic(n, $0) }
        if axis < 0 { axis += Int64(xs[0].shape.count + 1) }
        guard axis >= 1 else { throw fail(n, "concatenating along the batch axis is not supported") }
        try emit("Concat", n, inputs: xs.map(\.name), output: n.output[0], attributes: [("axis", .int(axis))])
    }

    /// Cast of an activation to its own type (casts of constants are folded).
    func cast(_ n: Onnx_NodeProto) throws {
        let to = int(n, "to", 1), x = try dynamic(n, 0)
        guard (x.dtype == .f32 && [1, 10, 11].contains(to)) || (x.dtype == .i32 && [6, 7].contains(to)) else {
            throw fail(n, "casting an activation of \(x.dtype) to type \(to) is not supported")
        }
        alias(n.output[0], to: try value(n, 0))
    }
}
