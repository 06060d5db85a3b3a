import KilnFormat

/// Add, Sub, Mul and Div of two f32 values with numpy broadcasting (a per-channel scale [C, 1, 1],
/// a bias row, a scalar): shapes aligned at the right, each axis equal or 1 in one of them, rank at
/// most 4 (batch included). Output: the broadcast shape; y = a ∘ b in f32 (one rounding, as IEEE
/// 754 binary32 arithmetic gives). Equal shapes take one plain loop.
struct Broadcast: Op {
    enum Kind: String { case add = "Add", sub = "Sub", mul = "Mul", div = "Div" }
    let kind: Kind
    let layout: BroadcastLayout
    let count: Int
    let outputs: [ValueInfo]
    var macsPerSample: Int { 0 }

    init(node: Node, inputs: [ValueInfo?], kind: Kind) throws {
        try node.requireInputs(inputs, max: 2)
        let a = try node.input(inputs, 0), b = try node.input(inputs, 1)
        guard let layout = BroadcastLayout([a.shape, b.shape]) else {
            throw node.shapeError("\(kind.rawValue) cannot broadcast \(a.shape) with \(b.shape) (numpy rules, rank at most 4)")
        }
        (self.kind, self.layout) = (kind, layout)
        count = try checkedCount(layout.shape, what: "the output of node '\(node.name)'")
        outputs = [ValueInfo(dtype: .f32, shape: layout.shape)]
    }

    func run(_ inputs: [UnsafeRawPointer?], _ outputs: [UnsafeMutableRawPointer], _ scratch: UnsafeMutableRawPointer) {
        let a = inputs[0]!.assumingMemoryBound(to: Float.self), b = inputs[1]!.assumingMemoryBound(to: Float.self)
        let y = outputs[0].assumingMemoryBound(to: Float.self)
        switch kind {
        case .add: apply(a, b, y, +)
        case .sub: apply(a, b, y, -)
        case .mul: apply(a, b, y, *)
        case .div: apply(a, b, y, /)
        }
    }

    @inline(__always)
    private func apply(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ f: (Float, Float) -> Float) {
        if layout.strides[0][3] == 1, layout.strides[0] == layout.strides[1] {  // equal shapes
            for i in 0 ..< count { y[i] = f(a[i], b[i]) }
            return
        }
        layout.forEach2 { k, i, j in y[k] = f(a[i], b[j]) }
    }
}
