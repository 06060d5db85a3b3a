import KilnFormat

/// Reshape and Flatten: the same elements in the same order under a new shape.
///   Reshape: attribute shape = per-sample dims (batch excluded), each >= 1 or one -1 (inferred).
///   Flatten: [N, d1, d2, ...] -> [N, d1 * d2 * ...].
struct Reshape: Op {
    /// Bytes to copy.
    let byteCount: Int
    let outputs: [ValueInfo]
    var macsPerSample: Int { 0 }

    init(node: Node, inputs: [ValueInfo?]) throws {
        try node.requireInputs(inputs, max: 1)
        let x = try Self.anyInput(node, inputs)
        guard let target = node.attribute("shape")?.intsValue, !target.isEmpty else {
            throw RuntimeError.badAttribute(node: node.name, key: "shape", message: "Reshape needs the per-sample shape as a list of integers")
        }
        let perSample = x.elementCount / max(x.shape[0], 1)
        let known = target.filter { $0 != -1 }
        guard known.allSatisfy({ $0 >= 1 }), target.count - known.count <= 1 else {
            throw RuntimeError.badAttribute(node: node.name, key: "shape", message: "\(target): dims must be >= 1, with at most one -1")
        }
        let product = try checkedCount(known.map { Int($0) }, what: "the shape of node '\(node.name)'")
        let inferred = product > 0 ? perSample / product : 0
        let dims = target.map { $0 == -1 ? inferred : Int($0) }
        guard dims.reduce(1, *) == perSample else {
            throw node.shapeError("cannot reshape \(perSample) elements per sample (input \(x.shape)) to \(target)")
        }
        byteCount = x.elementCount * x.dtype.size
        outputs = [ValueInfo(dtype: x.dtype, shape: [x.shape[0]] + dims)]
    }

    private init(flattening x: ValueInfo) {
        byteCount = x.elementCount * x.dtype.size
        outputs = [ValueInfo(dtype: x.dtype, shape: [x.shape[0], x.elementCount / max(x.shape[0], 1)])]
    }

    static func flatten(node: Node, inputs: [ValueInfo?]) throws -> Op {
        try node.requireInputs(inputs, max: 1)
        return Reshape(flattening: try anyInput(node, inputs))
    }

    private static func anyInput(_ node: Node, _ inputs: [ValueInfo?]) throws -> ValueInfo {
        guard let x = inputs.first ?? nil else { throw RuntimeError.inputCount(node: node.name, message: "\(node.op) needs an input") }
        guard x.shape.count >= 1 else { throw node.shapeError("\(node.op) needs a batched input") }
        return x
    }

    func run(_ inputs: [UnsafeRawPointer?], _ outputs: [UnsafeMutableRawPointer], _ scratch: UnsafeMutableRawPointer) {
        outputs[0].copyMemory(from: inputs[0]!, byteCount: byteCount)
    }
}
