import KilnFormat

/// Concatenation along `axis` (attribute, default 1 = channels; the batch axis 0 is not allowed).
/// All inputs have the same element type and rank and agree on every other dimension.
struct Concat: Op {
    let outer: Int
    /// Bytes per outer index, per input.
    let blocks: [Int]
    let outputs: [ValueInfo]
    var macsPerSample: Int { 0 }

    init(node: Node, inputs: [ValueInfo?]) throws {
        let xs = try inputs.indices.map { i -> ValueInfo in
            guard let x = inputs[i] else { throw RuntimeError.inputCount(node: node.name, message: "Concat input #\(i) is missing") }
            return x
        }
        guard let first = xs.first else { throw RuntimeError.inputCount(node: node.name, message: "Concat needs at least one input") }
        let axisAttr = node.attribute("axis")?.intValue ?? 1
        guard axisAttr >= 1, axisAttr < first.shape.count else {
            throw RuntimeError.badAttribute(node: node.name, key: "axis", message: "\(axisAttr) must be 1 to \(first.shape.count - 1) for inputs of rank \(first.shape.count)")
        }
        let axis = Int(axisAttr)
        for (i, x) in xs.enumerated() {
            guard x.dtype == first.dtype else {
                throw RuntimeError.dtypeMismatch(node: node.name, input: node.inputs[i], expected: first.dtype, found: x.dtype)
            }
            var a = x.shape, b = first.shape
            guard a.count == b.count else { throw node.shapeError("input shapes \(first.shape) and \(x.shape) differ in rank") }
            a[axis] = 0; b[axis] = 0
            guard a == b else { throw node.shapeError("input shapes \(first.shape) and \(x.shape) differ outside axis \(axis)") }
        }
        var shape = first.shape
        shape[axis] = xs.map { $0.shape[axis] }.reduce(0, +)
        outer = first.shape[..<axis].reduce(1, *)
        blocks = xs.map { $0.shape[axis...].reduce(1, *) * first.dtype.size }
        outputs = [ValueInfo(dtype: first.dtype, shape: shape)]
    }

    func run(_ inputs: [UnsafeRawPointer?], _ outputs: [UnsafeMutableRawPointer], _ scratch: UnsafeMutableRawPointer) {
        var dst = outputs[0]
        for o in 0 ..< outer {
            for (i, size) in blocks.enumerated() {
                dst.copyMemory(from: inputs[i]! + o * size, byteCount: size)
                dst += size
            }
        }
    }
}
