import KilnFormat

/// Transpose (1.3): permutes the axes of x (f32 or i8, rank 2 to 4 with the batch), as between
/// NHWC and NCHW in tf2onnx exports. Attribute `perm` (required): a permutation of 0 ..< rank with
/// perm[0] = 0 (the batch stays first). Output shape[i] = x.shape[perm[i]]:
/// y[i0, i1, ...] = x[j] with j[perm[a]] = i_a.
struct Transpose: ElementMover {
    /// The output dims padded to rank 4, and the input's element stride along each of them.
    let dims: [Int], strides: [Int]
    let outputs: [ValueInfo]
    var macsPerSample: Int { 0 }

    init(node: Node, inputs: [ValueInfo?]) throws {
        try node.requireInputs(inputs, max: 1)
        let x = try node.input(inputs, 0, inputs.first??.dtype == .i8 ? .i8 : .f32)
        let rank = x.shape.count
        guard 2 ... 4 ~= rank else { throw node.shapeError("Transpose takes x of rank 2 to 4 (batch included), got \(x.shape)") }
        guard let p = node.attribute("perm")?.intsValue.map({ $0.map { Int($0) } }), p.sorted() == Array(0 ..< rank), p[0] == 0 else {
            throw RuntimeError.badAttribute(node: node.name, key: "perm", message: "Transpose needs perm, a permutation of 0..<\(rank) that keeps the batch axis 0 first")
        }
        var inStride = [Int](repeating: 1, count: rank)
        for i in (0 ..< rank - 1).reversed() { inStride[i] = inStride[i + 1] * x.shape[i + 1] }
        let shape = p.map { x.shape[$0] }
        dims = [Int](repeating: 1, count: 4 - rank) + shape
        strides = [Int](repeating: 0, count: 4 - rank) + p.map { inStride[$0] }
        outputs = [ValueInfo(dtype: x.dtype, shape: shape)]
    }

    func move<T>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>) {
        var k = 0
        for i0 in 0 ..< dims[0] {
            for i1 in 0 ..< dims[1] {
                for i2 in 0 ..< dims[2] {
                    let r = i0 * strides[0] + i1 * strides[1] + i2 * strides[2]
                    for i3 in 0 ..< dims[3] {
                        y[k] = x[r + i3 * strides[3]]
                        k += 1
                    }
                }
            }
        }
    }
}
