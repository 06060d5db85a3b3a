#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import KilnFormat
import KilnPixels
import KilnRuntime

/// Generates `count` images from seeds and writes them as one PNG grid.
func generate(_ model: KilnModel, _ o: Options) throws(RunError) {
    let spec: GeneratorSpec
    do { spec = try GeneratorSpec(model: model) } catch { throw RunError("\(o.model): \(error).") }
    if let c = o.classIndex {
        guard spec.labelInput != nil else { throw RunError("--class: \(o.model) is not a conditional generator; drop --class.") }
        guard c < spec.classNames.count else { throw RunError("--class \(c): the model has \(spec.classNames.count) classes, 0 to \(spec.classNames.count - 1).") }
    }
    let plan = try makePlan(model, batch: min(o.count, 64), o)
    let shape = plan.outputs[0].shape
    guard plan.outputs[0].dtype == .f32, shape.count == 4, shape[1] == 1 || shape[1] == 3 else {
        throw RunError("\(o.model)'s output is \(plan.outputs[0].dtype) \(shape), not f32 images [N, 1 or 3, H, W]; use --input and --output.")
    }
    let perImage = shape[1] * shape[2] * shape[3]
    var images = [Float](repeating: 0, count: o.count * perImage)
    var first = 0
    while first < o.count {
        spec.fillInputs(of: plan, seed: o.seed, first: first, classIndex: o.classIndex.map(Int32.init))
        do { try plan.run() } catch { throw RunError("\(o.model): \(error).") }
        let n = min(plan.batch, o.count - first)
        let y = plan.outputBuffer(0).bindMemory(to: Float.self)
        images.withUnsafeMutableBufferPointer { $0.baseAddress!.advanced(by: first * perImage).update(from: y.baseAddress!, count: n * perImage) }
        first += n
    }
    let grid = images.withUnsafeBufferPointer {
        Grid.image(samples: $0, count: o.count, channels: shape[1], height: shape[2], width: shape[3], lo: spec.outputRange.lo, hi: spec.outputRange.hi)
    }
    try writeFile(o.out, grid.storedPNG())
    print("wrote \(o.out): \(o.count) image\(o.count == 1 ? "" : "s") from seed\(o.count == 1 ? "" : "s") \(o.seed)\(o.count == 1 ? "" : " to \(o.seed &+ UInt64(o.count - 1))"), \(grid.width)x\(grid.height)")
}

/// Runs the graph on .npy inputs and writes .npy outputs.
func runArrays(_ model: KilnModel, _ o: Options) throws(RunError) {
    let graph = model.graph
    guard o.inputs.count == graph.inputs.count, o.outputs.count == graph.outputs.count else {
        throw RunError("\(o.model) has \(graph.inputs.count) input(s) (\(graph.inputs.map(\.name).joined(separator: ", "))) and \(graph.outputs.count) output(s); give one --input and one --output for each, in that order.")
    }
    var arrays: [NPYArray] = []
    for path in o.inputs {
        do { arrays.append(try NPYArray.decode(try readFile(path))) } catch let e as RunError { throw e } catch { throw RunError("\(path): \(error).") }
    }
    guard let batch = arrays.first?.shape.first, batch >= 1, arrays.allSatisfy({ $0.shape.first == batch }) else {
        throw RunError("every --input needs the same first dimension (the batch, at least 1).")
    }
    let plan = try makePlan(model, batch: batch, o)
    for (i, (a, v)) in zip(arrays, plan.inputs).enumerated() {
        guard a.shape == v.shape else { throw RunError("\(o.inputs[i]) has shape \(a.shape); input '\(graph.inputs[i].name)' takes \(v.shape).") }
        let buffer = plan.inputBuffer(i)
        switch (a.data, v.dtype) {
        case let (.float32(x), .f32): x.withUnsafeBytes { buffer.copyMemory(from: $0) }
        case let (.int32(x), .i32): x.withUnsafeBytes { buffer.copyMemory(from: $0) }
        default: throw RunError("\(o.inputs[i]) has the wrong element type: input '\(graph.inputs[i].name)' takes \(v.dtype).")
        }
    }
    do { try plan.run() } catch { throw RunError("\(o.model): \(error).") }
    for (j, v) in plan.outputs.enumerated() {
        let y = plan.outputBuffer(j)
        let data: NPYArray.Element
        switch v.dtype {
        case .f32: data = .float32(Array(y.bindMemory(to: Float.self)))
        case .i32: data = .int32(Array(y.bindMemory(to: Int32.self)))
        default: throw RunError("output '\(graph.outputs[j])' is \(v.dtype), which .npy output does not take here.")
        }
        try writeFile(o.outputs[j], NPYArray(shape: v.shape, data: data).encode())
        print("wrote \(o.outputs[j]): \(v.dtype) \(v.shape)")
    }
}

/// Times runs of one batch: latency percentiles and samples per second.
func bench(_ model: KilnModel, _ o: Options) throws(RunError) {
    let plan = try makePlan(model, batch: o.batch, o)
    if let spec = try? GeneratorSpec(model: model) { spec.fillInputs(of: plan, seed: 0, first: 0) }
    var times: [Double] = []
    times.reserveCapacity(o.runs)
    do {
        for _ in 0 ..< 10 { try plan.run() }
        for _ in 0 ..< o.runs {
            let t0 = now()
            try plan.run()
            times.append(now() - t0)
        }
    } catch { throw RunError("\(o.model): \(error).") }
    times.sort()
    func ms(_ q: Double) -> String { format(times[min(times.count - 1, Int(q * Double(times.count)))] * 1000, 3) }
    let total = times.reduce(0, +)
    print("\(o.model): batch \(o.batch), \(o.threads) thread\(o.threads == 1 ? "" : "s"), \(o.runs) runs; \(plan.precisionMix), arena \(plan.arenaBytes / 1024) KiB")
    print("latency per run  p50 \(ms(0.5)) ms  p90 \(ms(0.9)) ms  min \(ms(0)) ms")
    print("throughput       \(format(Double(o.batch * o.runs) / total, 1)) samples/s")
}

func makePlan(_ model: KilnModel, batch: Int, _ o: Options) throws(RunError) -> Plan {
    do { return try Plan(model: model, batch: batch, threads: o.threads) } catch { throw RunError("\(o.model): \(error).") }
}

/// Seconds on the monotonic clock.
func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// `v` with `digits` decimals (no Foundation `String(format:)`).
func format(_ v: Double, _ digits: Int) -> String {
    var scale = 1.0
    for _ in 0 ..< digits { scale *= 10 }
    let r = (v * scale).rounded()
    let whole = Int(r / scale), frac = Int(r - Double(whole) * scale)
    guard digits > 0 else { return "\(whole)" }
    let f = String(frac)
    return "\(whole)." + String(repeating: "0", count: digits - f.count) + f
}
