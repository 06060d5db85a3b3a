#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CKilnKernels
import KilnFormat

/// Instance normalization: per sample and channel, y = (x - mean) / sqrt(var + epsilon) * scale[c]
/// + bias[c], with the mean and the biased variance over H x W. Inputs: x [N, C, H, W], scale [C],
/// bias [C]. Attribute: epsilon (default 1e-5). Computed in Double (two passes); in GEMM plans by
/// kiln_f32_instance_norm (the sums in 8 interleaved parts, so they vectorize), planes split between
/// threads.
struct InstanceNorm2d: Op {
    let n, c, inner: Int
    let epsilon: Double
    let outputs: [ValueInfo]
    var macsPerSample: Int { 0 }
    /// Splits (sample, channel) planes between threads in GEMM plans.
    private(set) var pool: ThreadPool?

    init(node: Node, inputs: [ValueInfo?], context: PlanContext) throws {
        try self.init(node: node, inputs: inputs)
        pool = context.pool
    }

    init(node: Node, inputs: [ValueInfo?]) throws {
        try node.requireInputs(inputs, max: 3)
        let x = try node.input(inputs, 0)
        guard x.shape.count == 4 else { throw node.shapeError("InstanceNorm2d needs x [N, C, H, W], got \(x.shape)") }
        for i in 1 ... 2 {
            let p = try node.input(inputs, i)
            guard p.shape == [x.shape[1]] else { throw node.shapeError("parameter #\(i) has shape \(p.shape), not [\(x.shape[1])]") }
        }
        epsilon = try node.float("epsilon", default: 1e-5)
        guard epsilon >= 0 else { throw RuntimeError.badAttribute(node: node.name, key: "epsilon", message: "must not be negative") }
        (n, c, inner) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
        outputs = [x]
    }

    func run(_ inputs: [UnsafeRawPointer?], _ outputs: [UnsafeMutableRawPointer], _ scratch: UnsafeMutableRawPointer) {
        let x = inputs[0]!.assumingMemoryBound(to: Float.self)
        let scale = inputs[1]!.assumingMemoryBound(to: Float.self)
        let bias = inputs[2]!.assumingMemoryBound(to: Float.self)
        let y = outputs[0].assumingMemoryBound(to: Float.self)
        if let pool {
            var work = Work(x: x, y: y, scale: scale, bias: bias, c: c, inner: inner, epsilon: epsilon)
            pool.parallelFor(n * c, &work) { w, lo, hi in
                let w = w!.assumingMemoryBound(to: Work.self).pointee
                for p in lo ..< hi {
                    kiln_f32_instance_norm(w.x + p * w.inner, w.inner, w.epsilon, w.scale[p % w.c], w.bias[p % w.c], w.y + p * w.inner)
                }
            }
            return
        }
        for i in 0 ..< n * c {
            let base = i * inner, ch = i % c
            var sum = 0.0
            for j in 0 ..< inner { sum += Double(x[base + j]) }
            let mean = sum / Double(inner)
            var sq = 0.0
            for j in 0 ..< inner { let d = Double(x[base + j]) - mean; sq += d * d }
            let inv = 1 / sqrt(sq / Double(inner) + epsilon)
            for j in 0 ..< inner {
                y[base + j] = Float((Double(x[base + j]) - mean) * inv * Double(scale[ch]) + Double(bias[ch]))
            }
        }
    }

    private struct Work {
        let x: UnsafePointer<Float>
        let y: UnsafeMutablePointer<Float>
        let scale, bias: UnsafePointer<Float>
        let c, inner: Int
        let epsilon: Double
    }
}
