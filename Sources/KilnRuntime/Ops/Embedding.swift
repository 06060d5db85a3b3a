import KilnFormat

/// Embedding lookup for class-conditional models: y[n, :] = table[label[n], :].
/// Inputs: labels i32 [N] or [N, 1], table f32 or i8 [classes, dim]. Output [N, dim], the table's type. A label outside
/// 0 ..< classes is an error at run time (`RuntimeError.labelOutOfRange`).
struct Embedding: Op {
    let n, classes, dim, size: Int
    let name: String
    let outputs: [ValueInfo]
    var macsPerSample: Int { 0 }

    init(node: Node, inputs: [ValueInfo?]) throws {
        try node.requireInputs(inputs, max: 2)
        let labels = try node.input(inputs, 0, .i32), table = try node.input(inputs, 1, inputs.count > 1 && inputs[1]?.dtype == .i8 ? .i8 : .f32)
        guard labels.elementCount == labels.shape[0] else {
            throw node.shapeError("Embedding needs one label per sample ([N] or [N, 1]), got \(labels.shape)")
        }
        guard table.shape.count == 2, table.shape[0] >= 1 else {
            throw node.shapeError("Embedding table must be [classes, dim], got \(table.shape)")
        }
        (n, classes, dim, name, size) = (labels.shape[0], table.shape[0], table.shape[1], node.name, table.dtype.size)
        outputs = [ValueInfo(dtype: table.dtype, shape: [n, dim])]
    }

    func run(_ inputs: [UnsafeRawPointer?], _ outputs: [UnsafeMutableRawPointer], _ scratch: UnsafeMutableRawPointer) throws {
        let labels = inputs[0]!.assumingMemoryBound(to: Int32.self)
        let table = inputs[1]!
        for i in 0 ..< n {
            let label = labels[i]
            guard label >= 0, Int(label) < classes else {
                throw RuntimeError.labelOutOfRange(node: name, label: label, classes: classes)
            }
            (outputs[0] + i * dim * size).copyMemory(from: table + Int(label) * dim * size, byteCount: dim * size)
        }
    }
}
