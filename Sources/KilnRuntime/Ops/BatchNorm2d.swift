#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import KilnFormat

/// Batch normalization with stored statistics (inference):
/// y = (x - mean[c]) / sqrt(var[c] + epsilon) * scale[c] + bias[c], channel axis 1.
/// Inputs: x [N, C, ...] (rank >= 2, so it also serves BatchNorm1d after Dense), scale, bias,
/// mean, var, each [C]. Attribute: epsilon (default 1e-5). Computed in Double.
struct BatchNorm2d: Op {
    let n, c, inner: Int
    let epsilon: Double
    let outputs: [ValueInfo]
    var macsPerSample: Int { 0 }
    /// 1 / sqrt(var[c] + epsilon), computed at plan time when var is a constant (the same Double
    /// the run would compute; a BatchNorm1d over 12,544 features otherwise takes as many square roots
    /// per sample).
    private(set) var inverseDeviations: UnsafePointer<Double>?
    /// Splits (sample, channel) planes between threads in GEMM plans.
    private(set) var pool: ThreadPool?

    /// With the plan's constants: the per-channel square roots done once.
    init(node: Node, inputs: [ValueInfo?], context: PlanContext) throws {
        try self.init(node: node, inputs: inputs)
        pool = context.pool
        guard let variances = try? context.floats(node, 4) else { return }
        let inv = try context.allocate(c * MemoryLayout<Double>.stride, for: node).assumingMemoryBound(to: Double.self)
        for ch in 0 ..< c { inv[ch] = 1 / sqrt(Double(variances[ch]) + epsilon) }
        inverseDeviations = UnsafePointer(inv)
    }

    init(node: Node, inputs: [ValueInfo?]) throws {
        try node.requireInputs(inputs, max: 5)
        let x = try node.input(inputs, 0)
        guard x.shape.count >= 2 else { throw node.shapeError("BatchNorm2d needs an input of rank >= 2, got \(x.shape)") }
        for i in 1 ... 4 {
            let p = try node.input(inputs, i)
            guard p.shape == [x.shape[1]] else { throw node.shapeError("parameter #\(i) has shape \(p.shape), not [\(x.shape[1])]") }
        }
        epsilon = try node.float("epsilon", default: 1e-5)
        guard epsilon >= 0 else { throw RuntimeError.badAttribute(node: node.name, key: "epsilon", message: "must not be negative") }
        (n, c, inner) = (x.shape[0], x.shape[1], x.shape.dropFirst(2).reduce(1, *))
        outputs = [x]
    }

    func run(_ inputs: [UnsafeRawPointer?], _ outputs: [UnsafeMutableRawPointer], _ scratch: UnsafeMutableRawPointer) {
        let x = inputs[0]!.assumingMemoryBound(to: Float.self)
        let scales = inputs[1]!.assumingMemoryBound(to: Float.self)
        let biases = inputs[2]!.assumingMemoryBound(to: Float.self)
        let means = inputs[3]!.assumingMemoryBound(to: Float.self)
        let variances = inputs[4]!.assumingMemoryBound(to: Float.self)
        let y = outputs[0].assumingMemoryBound(to: Float.self)
        var work = Work(x: x, y: y, scales: scales, biases: biases, means: means, variances: variances, inverse: inverseDeviations,
                        c: c, inner: inner, epsilon: epsilon)
        guard let pool else { return Self.planes(work, 0, n * c) }
        pool.parallelFor(n * c, &work) { w, lo, hi in BatchNorm2d.planes(w!.assumingMemoryBound(to: Work.self).pointee, lo, hi) }
    }

    private struct Work {
        let x: UnsafePointer<Float>
        let y: UnsafeMutablePointer<Float>
        let scales, biases, means, variances: UnsafePointer<Float>
        let inverse: UnsafePointer<Double>?
        let c, inner: Int
        let epsilon: Double
    }

    /// Planes lo ..< hi, plane p = (sample p / c, channel p % c).
    private static func planes(_ w: Work, _ lo: Int, _ hi: Int) {
        for p in lo ..< hi {
            let ch = p % w.c, base = p * w.inner
            let inv = w.inverse?[ch] ?? 1 / sqrt(Double(w.variances[ch]) + w.epsilon)
            let scale = Double(w.scales[ch]), bias = Double(w.biases[ch]), mean = Double(w.means[ch])
            for j in 0 ..< w.inner { w.y[base + j] = Float((Double(w.x[base + j]) - mean) * inv * scale + bias) }
        }
    }
}
