#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import KilnFormat

/// ReduceMean and ReduceL2 (1.3), as in the normalizations of StyleGAN's mapping network
/// (`F.normalize`, pixel norm). Input x f32 (rank 2 to 4 with the batch); attributes `axes`
/// (required: distinct axes 1 ..< rank, never the batch) and `keepdims` (1). Output: x's shape with
/// the reduced axes of size 1 (keepdims 1) or removed (0). Over the elements e of each reduced
/// group, summed in binary64 in index order and rounded once to f32:
/// ReduceMean y = Σe / count; ReduceL2 y = sqrt(Σe²).
struct Reduce: Op {
    enum Kind: String { case mean = "ReduceMean", l2 = "ReduceL2" }
    let kind: Kind
    /// Over x's dims padded to rank 4: the element strides, the output's extent (1 where reduced)
    /// and the reduced extent (1 where kept).
    let stride, outer, inner: [Int]
    let outputs: [ValueInfo]
    var macsPerSample: Int { 0 }

    init(node: Node, inputs: [ValueInfo?], kind: Kind) throws {
        try node.requireInputs(inputs, max: 1)
        let x = try node.input(inputs, 0)
        let rank = x.shape.count
        guard 2 ... 4 ~= rank else { throw node.shapeError("\(kind.rawValue) takes x of rank 2 to 4 (batch included), got \(x.shape)") }
        guard let axes = node.attribute("axes")?.intsValue.map({ $0.map { Int($0) } }), !axes.isEmpty, Set(axes).count == axes.count,
              axes.allSatisfy({ 1 ..< rank ~= $0 }) else {
            throw RuntimeError.badAttribute(node: node.name, key: "axes", message: "\(kind.rawValue) needs axes: distinct values in 1..<\(rank) (the batch axis 0 is never reduced)")
        }
        let keep = node.attribute("keepdims")?.intValue ?? 1
        guard keep == 0 || keep == 1 else { throw RuntimeError.badAttribute(node: node.name, key: "keepdims", message: "expected 0 or 1, got \(keep)") }
        self.kind = kind
        let dims = [Int](repeating: 1, count: 4 - rank) + x.shape
        let reduced = [Bool](repeating: false, count: 4 - rank) + (0 ..< rank).map { axes.contains($0) }
        var stride = [0, 0, 0, 1]
        for i in (0 ..< 3).reversed() { stride[i] = stride[i + 1] * dims[i + 1] }
        self.stride = stride
        outer = (0 ..< 4).map { reduced[$0] ? 1 : dims[$0] }
        inner = (0 ..< 4).map { reduced[$0] ? dims[$0] : 1 }
        let shape = (0 ..< rank).compactMap { i -> Int? in axes.contains(i) ? (keep == 1 ? 1 : nil) : x.shape[i] }
        outputs = [ValueInfo(dtype: .f32, shape: shape)]
    }

    func run(_ inputs: [UnsafeRawPointer?], _ outputs: [UnsafeMutableRawPointer], _ scratch: UnsafeMutableRawPointer) {
        let x = inputs[0]!.assumingMemoryBound(to: Float.self), y = outputs[0].assumingMemoryBound(to: Float.self)
        let count = Double(inner.reduce(1, *))
        var k = 0
        for o0 in 0 ..< outer[0] { for o1 in 0 ..< outer[1] { for o2 in 0 ..< outer[2] { for o3 in 0 ..< outer[3] {
            var sum = 0.0
            for r0 in 0 ..< inner[0] { for r1 in 0 ..< inner[1] { for r2 in 0 ..< inner[2] { for r3 in 0 ..< inner[3] {
                let e = Double(x[(o0 + r0) * stride[0] + (o1 + r1) * stride[1] + (o2 + r2) * stride[2] + o3 + r3])
                sum += kind == .mean ? e : e * e
            } } } }
            y[k] = Float(kind == .mean ? sum / count : sqrt(sum))
            k += 1
        } } } }
    }
}
