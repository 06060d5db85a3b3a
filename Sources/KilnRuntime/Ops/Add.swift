import KilnFormat

/// Element-wise sum of two f32 values of the same shape (residual and skip connections).
struct Add: Op {
    let count: Int
    let outputs: [ValueInfo]
    var macsPerSample: Int { 0 }

    init(node: Node, inputs: [ValueInfo?]) throws {
        try node.requireInputs(inputs, max: 2)
        let a = try node.input(inputs, 0), b = try node.input(inputs, 1)
        guard a.shape == b.shape else { throw node.shapeError("Add needs equal shapes, got \(a.shape) and \(b.shape)") }
        count = a.elementCount
        outputs = [ValueInfo(dtype: .f32, shape: a.shape)]
    }

    func run(_ inputs: [UnsafeRawPointer?], _ outputs: [UnsafeMutableRawPointer], _ scratch: UnsafeMutableRawPointer) {
        let a = inputs[0]!.assumingMemoryBound(to: Float.self)
        let b = inputs[1]!.assumingMemoryBound(to: Float.self)
        let y = outputs[0].assumingMemoryBound(to: Float.self)
        for i in 0 ..< count { y[i] = a[i] + b[i] }
    }
}
