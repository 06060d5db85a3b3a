import KilnFormat

/// Add, Sub, Mul and Div of two f32 values with numpy broadcasting (a per-channel scale [C, 1, 1],
/// a bias row, a scalar): shapes aligned at the right, each axis equal or 1 in one of them, rank at
/// most 4 (batch included). Output: the broadcast shape; y = a ∘ b in f32 (one rounding, as IEEE
/// 754 binary32 arithmetic gives). Equal shapes take one plain loop.
struct Broadcast: Op {
    enum Kind: String { case add = "Add", sub = "Sub", mul = "Mul", div = "Div" }
    let kind: Kind
    /// The output's shape padded to rank 4, and each input's element strides on it (0 where the
    /// input is broadcast).
    let dims: [Int], strideA: [Int], strideB: [Int]
    let count: Int
    let outputs: [ValueInfo]
    var macsPerSample: Int { 0 }

    init(node: Node, inputs: [ValueInfo?], kind: Kind) throws {
        try node.requireInputs(inputs, max: 2)
        let a = try node.input(inputs, 0), b = try node.input(inputs, 1)
        let rank = max(a.shape.count, b.shape.count)
        guard rank <= 4 else { throw node.shapeError("\(kind.rawValue) broadcasts values of rank at most 4, got \(a.shape) and \(b.shape)") }
        func padded(_ s: [Int]) -> [Int] { [Int](repeating: 1, count: 4 - s.count) + s }
        let (pa, pb) = (padded(a.shape), padded(b.shape))
        var out = [Int]()
        for (x, y) in zip(pa, pb) {
            guard x == y || x == 1 || y == 1 else { throw node.shapeError("\(kind.rawValue) cannot broadcast \(a.shape) with \(b.shape)") }
            out.append(max(x, y))
        }
        func strides(_ s: [Int]) -> [Int] {
            var st = [0, 0, 0, 0], k = 1
            for i in (0 ..< 4).reversed() {
                st[i] = s[i] == 1 ? 0 : k
                k *= s[i]
            }
            return st
        }
        (self.kind, dims, strideA, strideB) = (kind, out, strides(pa), strides(pb))
        let shape = Array(out.suffix(rank))
        count = try checkedCount(shape, what: "the output of node '\(node.name)'")
        outputs = [ValueInfo(dtype: .f32, shape: shape)]
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
        if strideA[3] == 1, strideB[3] == 1, strideA == strideB {  // equal shapes
            for i in 0 ..< count { y[i] = f(a[i], b[i]) }
            return
        }
        var k = 0
        for i0 in 0 ..< dims[0] {
            for i1 in 0 ..< dims[1] {
                for i2 in 0 ..< dims[2] {
                    let ra = i0 * strideA[0] + i1 * strideA[1] + i2 * strideA[2], rb = i0 * strideB[0] + i1 * strideB[1] + i2 * strideB[2]
                    for i3 in 0 ..< dims[3] {
                        y[k] = f(a[ra + i3 * strideA[3]], b[rb + i3 * strideB[3]])
                        k += 1
                    }
                }
            }
        }
    }
}
