import KilnFormat

/// Dense (fully connected): y[n, m] = b[m] + sum_k x[n, k] * w[m, k].
/// Inputs: x [N, K], weight [M, K] (PyTorch Linear layout), optional bias [M]. Output [N, M].
/// Accumulates in Double: this is the reference the fast paths are measured against.
struct Dense: Op {
    let n, k, m: Int
    let hasBias: Bool
    let outputs: [ValueInfo]
    var macsPerSample: Int { k * m }

    init(node: Node, inputs: [ValueInfo?]) throws {
        try node.requireInputs(inputs, max: 3)
        let x = try node.input(inputs, 0), w = try node.input(inputs, 1)
        let b = try node.optionalInput(inputs, 2)
        guard x.shape.count == 2 else {
            throw node.shapeError("Dense needs a [batch, features] input, got \(x.shape); insert a Flatten before it")
        }
        guard w.shape.count == 2, w.shape[1] == x.shape[1] else {
            throw node.shapeError("weight shape \(w.shape) does not match [out, \(x.shape[1])]")
        }
        if let b, b.shape != [w.shape[0]] { throw node.shapeError("bias shape \(b.shape) is not [\(w.shape[0])]") }
        (n, k, m, hasBias) = (x.shape[0], x.shape[1], w.shape[0], b != nil)
        outputs = [ValueInfo(dtype: .f32, shape: [n, m])]
    }

    func run(_ inputs: [UnsafeRawPointer?], _ outputs: [UnsafeMutableRawPointer], _ scratch: UnsafeMutableRawPointer) {
        let x = inputs[0]!.assumingMemoryBound(to: Float.self)
        let w = inputs[1]!.assumingMemoryBound(to: Float.self)
        let b = hasBias ? inputs[2]!.assumingMemoryBound(to: Float.self) : nil
        let y = outputs[0].assumingMemoryBound(to: Float.self)
        for i in 0 ..< n {
            for o in 0 ..< m {
                var acc = Double(b?[o] ?? 0)
                for j in 0 ..< k { acc += Double(x[i * k + j]) * Double(w[o * k + j]) }
                y[i * m + o] = Float(acc)
            }
        }
    }
}
