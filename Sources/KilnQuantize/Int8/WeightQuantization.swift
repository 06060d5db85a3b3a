import KilnFormat

/// The int8 tensors of one Conv2d / ConvTranspose2d / Dense (BatchNorm already folded):
/// weights symmetric per output channel m, s_w[m] = max|w[m]| / 127, q = round(w / s_w) in
/// [-127, 127]; bias round(b / (s_x * s_w[m])) as i32; requant [M, 3] for the real multiplier
/// r = s_x * s_w[m] / s_y: (M, M * negativeSlope, shift), negativeSlope 1 without a fused
/// activation, 0 for ReLU, alpha for LeakyReLU.
struct WeightQuantization {
    let weights, bias, requant: Tensor

    init(node n: Node, constants: [String: Tensor], x: Affine, y: Affine, negativeSlope: Double?) throws {
        guard let w = constants[n.inputs[1]], let values = w.floats else {
            throw QuantizeError("node '\(n.name)': the weights must be a f32 constant to quantize.")
        }
        let axisOne = n.op == "ConvTranspose2d"
        let m = Int(w.shape[axisOne ? 1 : 0])
        let inner = w.shape.dropFirst(2).reduce(1) { $0 * Int($1) }
        let perRow = values.count / Int(w.shape[0])
        func channel(_ i: Int) -> Int { axisOne ? (i / inner) % m : i / perRow }
        var amax = [Double](repeating: 0, count: m)
        for i in values.indices { amax[channel(i)] = max(amax[channel(i)], abs(Double(values[i]))) }
        let sw = amax.map { $0 > 0 ? $0 / 127 : 1 }
        let q = values.indices.map { i in Int8(max(-127, min(127, (Double(values[i]) / sw[channel(i)]).rounded(.toNearestOrEven)))) }
        var sums = [Int](repeating: 0, count: m)
        for i in q.indices { sums[channel(i)] += Int(q[i]) }
        let b = n.inputs.count > 2 && !n.inputs[2].isEmpty ? constants[n.inputs[2]]?.floats.map { Array($0) } : nil
        var bq = [Int32](), rq = [Int32]()
        for c in 0 ..< m {
            let s = Double(x.scale) * sw[c]
            let real = (Double(b?[c] ?? 0) / s).rounded(.toNearestOrEven)
            guard abs(real - Double(x.zeroPoint) * Double(sums[c])) <= 0x1p30 else {
                throw QuantizeError("node '\(n.name)', channel \(c): the bias \(b?[c] ?? 0) is too large for its int8 scale (|bias / (input scale * weight scale)| > 2^30). Keep this layer in float with `--to mixed`.")
            }
            guard let f = FixedMultiplier(s / Double(y.scale)), let neg = f.companion(s / Double(y.scale) * (negativeSlope ?? 1)) else {
                throw QuantizeError("node '\(n.name)', channel \(c): the requantization multiplier \(s / Double(y.scale)) cannot be expressed; keep this layer in float with `--to mixed`.")
            }
            bq.append(Int32(real))
            rq += [f.multiplier, neg, f.shift]
        }
        weights = q.withUnsafeBytes { Tensor(name: n.name + ".weight.q8", dtype: .i8, shape: w.shape, data: $0) }
        bias = Tensor(name: n.name + ".bias.i32", shape: [Int64(m)], ints: bq)
        requant = Tensor(name: n.name + ".requant", shape: [Int64(m), 3], ints: rq)
    }
}
