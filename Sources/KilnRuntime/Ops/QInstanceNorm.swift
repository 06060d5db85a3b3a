import KilnFormat

/// QInstanceNorm (1.3): instance normalization of i8 values with integer statistics. Inputs x i8
/// [N, C, H, W] (H·W <= 2^22), scale f32 [C] and bias f32 [C] (constants, already divided by the
/// output scale); attributes `epsilon` (f32 > 0, in squared input levels) and `y_zero_point`. Per
/// plane of P = H·W values q, exactly in 64-bit integers: S1 = Σq, S2 = Σq², V = P·S2 − S1²; then in
/// binary64, in this order: A = scale[c] / sqrt(f64(V) + epsilon·(P·P)); per element
/// t = f64(q·P − S1)·A + bias[c] (no fused multiply-add), y = clamp8(⌊t + ½⌋ + zy).
struct QInstanceNorm: Op {
    let planes, channels, inner: Int
    let epsilon: Double
    let zy: Double
    let pool: ThreadPool
    let outputs: [ValueInfo]
    var macsPerSample: Int { 0 }

    init(node: Node, inputs: [ValueInfo?], context: PlanContext) throws {
        try node.requireInputs(inputs, max: 3)
        let x = try node.image(inputs.count > 0 ? [inputs[0]] : [])
        guard x.dtype == .i8 else { throw RuntimeError.dtypeMismatch(node: node.name, input: node.inputs[0], expected: .i8, found: x.dtype) }
        for i in 1 ... 2 {
            let p = try node.input(inputs, i)
            guard p.shape == [x.shape[1]], (try? context.constant(node, i)) != nil else {
                throw node.shapeError("parameter #\(i) must be a constant of shape [\(x.shape[1])], got \(p.shape)")
            }
        }
        (planes, channels, inner) = (x.shape[0] * x.shape[1], x.shape[1], x.shape[2] * x.shape[3])
        guard inner <= 1 << 22 else { throw node.shapeError("QInstanceNorm takes planes of at most 2^22 values, got \(x.shape[2])x\(x.shape[3])") }
        epsilon = Double(Float(try node.float("epsilon", default: 0)))
        guard epsilon > 0 else { throw RuntimeError.badQuantization(node: node.name, message: "QInstanceNorm needs epsilon > 0") }
        zy = Double(try node.int("y_zero_point", default: 0, range: -128 ... 127))
        pool = context.pool
        outputs = [x]
    }

    private struct Work {
        let x: UnsafePointer<Int8>, y: UnsafeMutablePointer<Int8>, scale, bias: UnsafePointer<Float>
        let channels, inner: Int
        let epsilon, zy: Double
    }

    func run(_ inputs: [UnsafeRawPointer?], _ outputs: [UnsafeMutableRawPointer], _ scratch: UnsafeMutableRawPointer) {
        var w = Work(x: inputs[0]!.assumingMemoryBound(to: Int8.self), y: outputs[0].assumingMemoryBound(to: Int8.self),
                     scale: inputs[1]!.assumingMemoryBound(to: Float.self), bias: inputs[2]!.assumingMemoryBound(to: Float.self),
                     channels: channels, inner: inner, epsilon: epsilon, zy: zy)
        pool.parallelFor(planes, &w) { p, lo, hi in
            let w = p!.assumingMemoryBound(to: Work.self).pointee
            for plane in lo ..< hi {
                let x = w.x + plane * w.inner, y = w.y + plane * w.inner, c = plane % w.channels
                var s1: Int64 = 0, s2: Int64 = 0
                for i in 0 ..< w.inner { let q = Int64(x[i]); s1 += q; s2 += q * q }
                let n = Int64(w.inner), count = Double(w.inner)
                let a = Double(w.scale[c]) / (Double(n * s2 - s1 * s1) + w.epsilon * (count * count)).squareRoot()
                let b = Double(w.bias[c])
                for i in 0 ..< w.inner {
                    let t = Double(Int64(x[i]) * n - s1) * a + b
                    let v = (t + 0.5).rounded(.down) + w.zy
                    y[i] = v <= -128 ? -128 : v >= 127 ? 127 : Int8(v)
                }
            }
        }
    }
}
