#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import KilnFormat

/// Softmax over the features of [N, K]: y[n, k] = exp(x[n, k] - m) / sum_j exp(x[n, j] - m) with
/// m = max_j x[n, j]; computed in Double.
struct Softmax: Op {
    let n, k: Int
    let outputs: [ValueInfo]
    var macsPerSample: Int { 0 }

    init(node: Node, inputs: [ValueInfo?]) throws {
        try node.requireInputs(inputs, max: 1)
        let x = try node.input(inputs, 0)
        guard x.shape.count == 2 else { throw node.shapeError("Softmax needs [batch, classes], got \(x.shape); insert a Flatten before it") }
        (n, k) = (x.shape[0], x.shape[1])
        outputs = [x]
    }

    func run(_ inputs: [UnsafeRawPointer?], _ outputs: [UnsafeMutableRawPointer], _ scratch: UnsafeMutableRawPointer) {
        let x = inputs[0]!.assumingMemoryBound(to: Float.self)
        let y = outputs[0].assumingMemoryBound(to: Float.self)
        for i in 0 ..< n {
            var m = x[i * k]
            for j in 1 ..< max(k, 1) where x[i * k + j] > m { m = x[i * k + j] }
            var sum = 0.0
            for j in 0 ..< k { sum += exp(Double(x[i * k + j]) - Double(m)) }
            for j in 0 ..< k { y[i * k + j] = Float(exp(Double(x[i * k + j]) - Double(m)) / sum) }
        }
    }
}
