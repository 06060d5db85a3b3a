import KilnFormat

/// Expand (1.3): repeats x along its axes of size 1 (numpy broadcasting), as `expand_as` does.
/// Input x (f32 or i8, rank at most 4 with the batch); attribute `shape` (required): the per-sample
/// target dims, as many as x has, each equal to x's or where x's is 1. Output [N, broadcast(x's per-sample dims, shape)]:
/// y[i] = x[i with the broadcast axes at 0].
struct Expand: ElementMover {
    let layout: BroadcastLayout
    let outputs: [ValueInfo]
    var macsPerSample: Int { 0 }

    init(node: Node, inputs: [ValueInfo?]) throws {
        try node.requireInputs(inputs, max: 1)
        let x = try node.input(inputs, 0, inputs.first??.dtype == .i8 ? .i8 : .f32)
        guard let target = node.attribute("shape")?.intsValue, target.count == x.shape.count - 1, target.allSatisfy({ 1 ... 1 << 31 ~= $0 }) else {
            throw RuntimeError.badAttribute(node: node.name, key: "shape", message: "Expand needs the per-sample shape: \(x.shape.count - 1) dimensions, each 1 to 2^31")
        }
        guard let layout = BroadcastLayout([x.shape, [x.shape[0]] + target.map { Int($0) }]) else {
            throw node.shapeError("Expand cannot broadcast \(x.shape) to [N, \(target.map(String.init).joined(separator: ", "))] (numpy rules, rank at most 4)")
        }
        self.layout = layout
        _ = try checkedCount(layout.shape, what: "the output of node '\(node.name)'")
        outputs = [ValueInfo(dtype: x.dtype, shape: layout.shape)]
    }

    func move<T>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>) {
        layout.forEach2 { k, i, _ in y[k] = x[i] }
    }
}
