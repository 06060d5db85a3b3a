#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import KilnFormat
import KilnRuntime

/// How an activation's range is chosen from what the float model produced on calibration inputs.
public enum CalibrationMethod: String, Sendable, CaseIterable {
    /// The smallest and largest value seen.
    case minmax
    /// The range that minimises the expected squared error of quantization over a 2,048-bin
    /// histogram of the values: clipping a few outliers buys a finer step for all the others.
    case mse
}

/// Where calibration inputs come from.
public enum CalibrationSource: Sendable {
    /// The generator's own latent samples (seeds seed ..< seed + samples, classes cycled).
    case latent(samples: Int, seed: UInt64)
    /// Explicit inputs for a one-input model: `values` holds `samples` inputs one after another.
    case inputs(values: [Float], samples: Int)
}

/// Ranges of every value of a float model, measured on calibration inputs.
struct Calibration {
    /// Per value name: the chosen range, and the raw min and max.
    var ranges: [String: (lo: Double, hi: Double)] = [:]
    var extremes: [String: (lo: Double, hi: Double)] = [:]
    /// Per value name: its per-sample shape (batch excluded).
    var shapes: [String: [Int]] = [:]
    let samples: Int

    static let bins = 8192

    init(model: KilnModel, source: CalibrationSource, method: CalibrationMethod) throws {
        // A copy of the model whose outputs are every value, so one run shows them all.
        var probe = model
        var names = model.graph.inputs.filter { $0.dtype == .f32 }.map(\.name)
        for n in model.graph.nodes { names += n.outputs }
        probe.graph.outputs = names
        let total: Int
        switch source {
        case let .latent(s, _): total = s
        case let .inputs(_, s): total = s
        }
        samples = total
        guard total >= 1 else { throw QuantizeError("calibration needs at least one sample.") }
        let batch = min(64, total)
        let plan = try Plan(model: probe, batch: batch)
        for (i, name) in names.enumerated() { shapes[name] = Array(plan.outputs[i].shape.dropFirst()) }
        if case let .inputs(values, _) = source {
            try Self.checkInputs(values, samples: total, plan: plan)
        }
        let spec = try? GeneratorSpec(model: model)
        let outputs = names.indices.filter { plan.outputs[$0].dtype == .f32 }

        func forEachBatch(_ body: (Int) -> Void) throws {
            var done = 0
            while done < total {
                switch source {
                case let .latent(_, seed):
                    guard let spec else { throw QuantizeError("the model is not a generator (no latent metadata); give calibration inputs (--calibration-data).") }
                    spec.fillInputs(of: plan, seed: seed, first: done)
                case let .inputs(values, _):
                    let x = plan.inputBuffer(0).bindMemory(to: Float.self)
                    let per = x.count / batch
                    for i in 0 ..< batch { for j in 0 ..< per { x[i * per + j] = values[((done + i) % total) * per + j] } }
                }
                try plan.run()
                body(min(batch, total - done))
                done += batch
            }
        }
        func values(_ k: Int, _ n: Int) -> UnsafeBufferPointer<Float> {
            let b = plan.outputBuffer(k).bindMemory(to: Float.self)
            return UnsafeBufferPointer(rebasing: b[0 ..< b.count / batch * n])
        }

        var lo = [Double](repeating: .infinity, count: names.count), hi = [Double](repeating: -.infinity, count: names.count)
        try forEachBatch { n in
            for k in outputs {
                for v in values(k, n) where v.isFinite { lo[k] = min(lo[k], Double(v)); hi[k] = max(hi[k], Double(v)) }
            }
        }
        for k in outputs {
            guard lo[k] <= hi[k] else { throw QuantizeError("value '\(names[k])' was NaN or infinite on every calibration sample; the float model is broken. Check it with `kiln run`.") }
            extremes[names[k]] = (lo[k], hi[k])
        }
        guard method == .mse else { ranges = extremes; return }

        // Second pass: histograms over each value's [min, max] including 0.
        var hist = [[Double]](repeating: [Double](repeating: 0, count: Self.bins), count: names.count)
        try forEachBatch { n in
            for k in outputs {
                let (a, b) = (min(lo[k], 0), max(hi[k], 0))
                guard b > a else { continue }
                let w = Double(Self.bins) / (b - a)
                for v in values(k, n) where v.isFinite { hist[k][min(Self.bins - 1, Int((Double(v) - a) * w))] += 1 }
            }
        }
        // A value read only by Tanh or Sigmoid is judged by the error after that function: its
        // saturated tails need no resolution.
        var squash: [String: Through] = [:]
        var readers: [String: [Node]] = [:]
        for n in model.graph.nodes { for i in n.inputs { readers[i, default: []].append(n) } }
        for (v, r) in readers where r.count == 1 && !model.graph.outputs.contains(v) {
            if r[0].op == "Tanh" { squash[v] = .hyperbolicTangent }
            if r[0].op == "Sigmoid" { squash[v] = .logistic }
        }
        // The inputs, embeddings, and their reshapes and concatenations keep their whole range:
        // their distribution is the model's own, and clipping one latent component bends that
        // whole sample (measured on fashion-dcgan: worst-sample PSNR 26.3 dB clipped, 29.5 dB not).
        var whole = Set(model.graph.inputs.map(\.name))
        for n in model.graph.nodes {
            if n.op == "Embedding" || (["Reshape", "Flatten", "Concat"].contains(n.op) && n.inputs.allSatisfy(whole.contains)) { whole.formUnion(n.outputs) }
        }
        for k in outputs {
            if whole.contains(names[k]) { ranges[names[k]] = extremes[names[k]]; continue }
            ranges[names[k]] = Self.bestRange(hist[k], lo: min(lo[k], 0), hi: max(hi[k], 0), through: squash[names[k]] ?? .identity)
        }
    }

    /// Explicit inputs must be `samples` whole samples of the plan's only input.
    static func checkInputs(_ values: [Float], samples: Int, plan: Plan) throws {
        guard plan.inputs.count == 1, plan.inputs[0].dtype == .f32 else {
            throw QuantizeError("explicit inputs need a model with one f32 input; this one has \(plan.inputs.count) inputs.")
        }
        let per = plan.inputs[0].elementCount / plan.batch
        guard values.count % per == 0, values.count / per >= samples else {
            throw QuantizeError("the inputs hold \(values.count) values, not \(samples) samples of \(plan.inputs[0].shape.dropFirst().map { $0 }) (\(per) values each); save them as [samples, \(plan.inputs[0].shape.dropFirst().map(String.init).joined(separator: ", "))].")
        }
    }

    /// The function a value feeds, for judging its error: identity, Tanh or Sigmoid, with its derivative.
    struct Through: Sendable {
        let f: @Sendable (Double) -> Double
        let slope: @Sendable (Double) -> Double
        static let identity = Through(f: { $0 }, slope: { _ in 1 })
        static let hyperbolicTangent = Through(f: { tanh($0) }, slope: { 1 - tanh($0) * tanh($0) })
        static let logistic = Through(f: { 1 / (1 + exp(-$0)) }, slope: { let s = 1 / (1 + exp(-$0)); return s * (1 - s) })
    }

    /// The clipping range [lo * a, hi * b] (a, b = 0.9^k, k = 0 ... 60) with the least expected
    /// squared error of f(x), f the function the value feeds: values outside are clipped (error
    /// f(x) - f(clip x)), values inside are rounded (error f'(x)^2 step^2 / 12, step = range / 255).
    /// Prefix sums over the histogram make each candidate O(log bins).
    static func bestRange(_ h: [Double], lo: Double, hi: Double, through t: Through) -> (lo: Double, hi: Double) {
        guard hi > lo else { return (lo, hi) }
        let width = (hi - lo) / Double(h.count)
        // Prefix sums of n, n f(c), n f(c)^2 and n f'(c)^2 over bins 0 ..< i.
        var n = [0.0], nf = [0.0], nff = [0.0], nd = [0.0]
        for (i, count) in h.enumerated() {
            let c = lo + (Double(i) + 0.5) * width, fc = t.f(c), d = t.slope(c)
            n.append(n.last! + count); nf.append(nf.last! + count * fc)
            nff.append(nff.last! + count * fc * fc); nd.append(nd.last! + count * d * d)
        }
        func bin(_ x: Double) -> Int { max(0, min(h.count, Int(((x - lo) / width).rounded()))) }
        var best = (err: Double.infinity, lo: lo, hi: hi)
        let fractions = (0 ... 60).map { pow(0.9, Double($0)) }
        for a in lo < 0 ? fractions : [1.0] {
            for b in hi > 0 ? fractions : [1.0] {
                let (l, u) = (lo * a, hi * b)
                let (i, j) = (bin(l), bin(u))  // bins below i are clipped to l, bins from j on to u
                let step = (u - l) / 255, (fl, fu) = (t.f(l), t.f(u))
                let below = (nff[i] - 2 * fl * nf[i] + fl * fl * n[i])
                let above = (nff[h.count] - nff[j]) - 2 * fu * (nf[h.count] - nf[j]) + fu * fu * (n[h.count] - n[j])
                let inside = max(0, nd[j] - nd[i]) * step * step / 12
                let err = below + above + inside
                if err < best.err { best = (err, l, u) }
            }
        }
        return (best.lo, best.hi)
    }
}
