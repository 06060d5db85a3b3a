import KilnFormat

/// Parametric ReLU: y = x >= 0 ? x : slope[c] * x, channel axis 1. Inputs: x [N, C, ...] and
/// slope with C elements (any shape, e.g. [C] or ONNX's [C, 1, 1]) or 1 element (shared).
struct PReLU: Op {
    let n, c, inner: Int
    let shared: Bool
    let outputs: [ValueInfo]
    var macsPerSample: Int { 0 }

    init(node: Node, inputs: [ValueInfo?]) throws {
        try node.requireInputs(inputs, max: 2)
        let x = try node.input(inputs, 0), slope = try node.input(inputs, 1)
        guard x.shape.count >= 2 else { throw node.shapeError("PReLU needs an input of rank >= 2, got \(x.shape)") }
        guard slope.elementCount == x.shape[1] || slope.elementCount == 1 else {
            throw node.shapeError("slope has \(slope.elementCount) elements; expected 1 or the channel count \(x.shape[1])")
        }
        (n, c, inner, shared) = (x.shape[0], x.shape[1], x.shape.dropFirst(2).reduce(1, *), slope.elementCount == 1)
        outputs = [x]
    }

    func run(_ inputs: [UnsafeRawPointer?], _ outputs: [UnsafeMutableRawPointer], _ scratch: UnsafeMutableRawPointer) {
        let x = inputs[0]!.assumingMemoryBound(to: Float.self)
        let s = inputs[1]!.assumingMemoryBound(to: Float.self)
        let y = outputs[0].assumingMemoryBound(to: Float.self)
        for i in 0 ..< n * c {
            let a = s[shared ? 0 : i % c]
            for j in i * inner ..< (i + 1) * inner { y[j] = x[j] >= 0 ? x[j] : a * x[j] }
        }
    }
}
