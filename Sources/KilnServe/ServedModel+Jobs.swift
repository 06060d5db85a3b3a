import KilnFormat
import KilnImage
import KilnLatent
import KilnRuntime

extension ServedModel {
    /// A PNG grid of `count` images from seeds seed, seed + 1, ... (one image without a border).
    func generate(_ r: GenerateRequest) async throws -> [UInt8] {
        let (spec, pool) = try generatorParts()
        let count = try checkedCount(r.count ?? 1)
        let seed = r.seed ?? 0
        let labels = try self.labels(r.class, count: count, spec: spec)
        let latents = (0 ..< count).map { spec.sampler.sample(seed: seed &+ UInt64($0)) }
        let images = try await with(pool) { try $0.value.images(latents: latents, labels: labels) }
        return try picture(images, count: count, r)
    }

    /// A PNG row of `steps` images along the path from seed's latent vector to `to`'s.
    func interpolate(_ r: GenerateRequest) async throws -> [UInt8] {
        let (spec, pool) = try generatorParts()
        let steps = try checkedCount(r.steps ?? 8)
        guard steps >= 2 else { throw ServeError.bad("steps must be at least 2 (the two ends)") }
        guard let path = LatentPath(rawValue: r.path ?? "slerp") else {
            throw ServeError.bad("path must be one of \(LatentPath.allCases.map(\.rawValue).joined(separator: ", ")), not '\(r.path ?? "")'")
        }
        let a = spec.sampler.sample(seed: r.seed ?? 0), b = spec.sampler.sample(seed: r.to ?? 1)
        let latents = Latent.steps(steps).map { Latent.interpolate(a, b, t: $0, path: path) }
        let labels = try self.labels(r.class, count: steps, spec: spec)
        let images = try await with(pool) { try $0.value.images(latents: latents, labels: labels) }
        var row = r
        row.columns = r.columns ?? steps
        return try picture(images, count: steps, row)
    }

    /// The model's outputs (output 0) for an .npy of inputs (input 0; batch first).
    func run(npy: [UInt8]) async throws -> [UInt8] {
        let array: NPYArray
        do { array = try NPYArray.decode(npy) } catch { throw ServeError.bad("the body is not a readable .npy: \(error)") }
        guard model.graph.inputs.count == 1 else {
            throw ServeError.bad("/run takes models with one input; \(name) has \(model.graph.inputs.count)")
        }
        guard let batch = array.shape.first, batch >= 1 else { throw ServeError.bad("the .npy needs a batch dimension of at least 1") }
        _ = try checkedCount(batch)
        let expected = [batch] + model.graph.inputs[0].shape.map { Int($0) }
        guard array.shape == expected else { throw ServeError.bad("the .npy has shape \(array.shape); \(name) takes \(expected)") }
        return try await with(runners) { _ in
            let plan = try Plan(model: model, batch: batch, threads: threads)
            switch (array.data, plan.inputs[0].dtype) {
            case let (.float32(x), .f32): x.withUnsafeBytes { plan.inputBuffer(0).copyMemory(from: $0) }
            case let (.int32(x), .i32): x.withUnsafeBytes { plan.inputBuffer(0).copyMemory(from: $0) }
            default: throw ServeError.bad("the .npy's element type does not match the model's input (\(plan.inputs[0].dtype))")
            }
            do { try plan.run() } catch { throw ServeError.bad("\(error)") }
            let y = plan.outputBuffer(0)
            switch plan.outputs[0].dtype {
            case .f32: return NPYArray(shape: plan.outputs[0].shape, data: .float32(Array(y.bindMemory(to: Float.self)))).encode()
            case .i32: return NPYArray(shape: plan.outputs[0].shape, data: .int32(Array(y.bindMemory(to: Int32.self)))).encode()
            default: throw ServeError.bad("the model's output is \(plan.outputs[0].dtype), which .npy output does not take")
            }
        }
    }

    /// The translation of a PNG sketch, as a PNG.
    func translate(png: [UInt8], zoom: Int) async throws -> [UInt8] {
        guard let pool = translators else { throw ServeError.bad("\(name) is not an image-to-image model; /translate needs one") }
        guard (1 ... limits.maxZoom).contains(zoom) else { throw ServeError.bad("zoom must be 1 to \(limits.maxZoom)") }
        let sketch: Image
        do { sketch = try Image.readPNG(bytes: png, channels: 1, source: "the request body") } catch { throw ServeError.bad("\(error)") }
        return try await with(pool) { box in
            let t = box.value
            let (values, _) = Sketch.prepare(sketch, width: t.inputShape[2], height: t.inputShape[1])
            let out = try t.translate(values, count: 1)
            let s = t.outputShape
            let image = out.withUnsafeBufferPointer {
                Grid.image(samples: $0, count: 1, channels: s[0], height: s[1], width: s[2], lo: t.outputRange.lo, hi: t.outputRange.hi, gap: 0)
            }
            return try image.resized(width: image.width * zoom, height: image.height * zoom).pngData()
        }
    }

    private func generatorParts() throws -> (GeneratorSpec, WorkerPool<Box<GeneratorPlans>>) {
        guard let spec, let generators else {
            throw ServeError.bad("\(name) is not a generator (\(kind.rawValue)); use /run\(kind == .translator ? " or /translate" : "")")
        }
        return (spec, generators)
    }

    private func checkedCount(_ n: Int) throws -> Int {
        guard (1 ... limits.maxCount).contains(n) else { throw ServeError.bad("count must be 1 to \(limits.maxCount), not \(n)") }
        return n
    }

    /// Class labels for `count` images: the one asked for, or k mod classes; nil for an unconditional model.
    private func labels(_ c: ClassValue?, count: Int, spec: GeneratorSpec) throws -> [Int]? {
        guard spec.labelInput != nil else {
            guard c == nil else { throw ServeError.bad("\(name) is not conditional; drop class") }
            return nil
        }
        let names = spec.classNames
        switch c {
        case nil: return (0 ..< count).map { $0 % names.count }
        case let .index(i):
            guard (0 ..< names.count).contains(i) else { throw ServeError.bad("class \(i) does not exist; \(name) has \(names.count) classes, 0 to \(names.count - 1)") }
            return Array(repeating: i, count: count)
        case let .name(n):
            guard let i = names.firstIndex(of: n) else { throw ServeError.bad("unknown class '\(n)'; \(name)'s classes are \(names.joined(separator: ", "))") }
            return Array(repeating: i, count: count)
        }
    }

    private func picture(_ images: [Float], count: Int, _ r: GenerateRequest) throws -> [UInt8] {
        let zoom = r.zoom ?? 1
        guard (1 ... limits.maxZoom).contains(zoom) else { throw ServeError.bad("zoom must be 1 to \(limits.maxZoom), not \(zoom)") }
        guard (r.columns ?? 1) >= 1 else { throw ServeError.bad("columns must be at least 1") }
        let shape = imageShape
        let grid = images.withUnsafeBufferPointer {
            Grid.image(samples: $0, count: count, channels: shape[0], height: shape[1], width: shape[2], lo: spec!.outputRange.lo,
                       hi: spec!.outputRange.hi, columns: r.columns, gap: count == 1 ? 0 : 2)
        }
        let big = zoom == 1 ? grid : grid.resized(width: grid.width * zoom, height: grid.height * zoom)
        return try big.pngData()
    }
}
