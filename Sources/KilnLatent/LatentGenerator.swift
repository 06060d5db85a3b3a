import CKilnKernels
import KilnFormat
import KilnRuntime

/// A generator model planned once, run on given latent vectors (and class labels or class
/// embeddings): what every latent-space command drives. Images come back as floats in the model's
/// declared output range, CHW per image. With an int8 model the bytes are the same for every
/// thread count and batch size.
public final class LatentGenerator {
    /// The model as given (its metadata: name, quantization, provenance).
    public let model: KilnModel
    public let spec: GeneratorSpec
    /// Channels, height, width of one image.
    public let imageShape: [Int]
    public var imageSize: Int { imageShape.reduce(1, *) }
    public var dimension: Int { spec.sampler.dimension }
    private let plan: Plan
    /// The latent input's index in the planned model.
    private let latentIndex: Int
    /// Set when the class embedding is fed directly (`blendingClasses`): its input and table.
    private let embedding: ClassEmbedding?

    /// Plans `model` for `batch` images per run on `threads` threads. With `blendingClasses`, a
    /// conditional model's Embedding lookup is replaced by an input, so images can be made from
    /// mixtures of class embeddings (`images(latents:classMixtures:)`).
    public init(model: KilnModel, batch: Int, threads: Int = 1, blendingClasses: Bool = false, maxMemory: Int = Plan.defaultMaxMemory) throws {
        self.model = model
        spec = try GeneratorSpec(model: model)
        if blendingClasses {
            let e = try ClassEmbedding(model: model, spec: spec)
            plan = try Plan(model: e.model, batch: batch, threads: threads, maxMemory: maxMemory)
            (embedding, latentIndex) = (e, e.latentIndex)
        } else {
            plan = try Plan(model: model, batch: batch, threads: threads, maxMemory: maxMemory)
            (embedding, latentIndex) = (nil, spec.latentInput)
        }
        let shape = Array(plan.outputs[0].shape.dropFirst())
        guard shape.count == 3, shape[0] == 1 || shape[0] == 3 else {
            throw LatentError("output 0 has per-sample shape \(shape); a picture needs [1 or 3, H, W]. Use `kiln run` for other models")
        }
        imageShape = shape
    }

    /// Images of `latents` (each `dimension` floats); a conditional model gets `labels` (class
    /// indices, one per image), or class i mod classes for image i when nil.
    public func images(latents: [[Float]], labels: [Int]? = nil) throws -> [Float] {
        precondition(embedding == nil, "a class-blending generator takes class mixtures")
        precondition(labels == nil || labels!.count == latents.count)
        return try run(count: latents.count) { slot, sample in
            fill(plan.inputBuffer(latentIndex).bindMemory(to: Float.self).baseAddress! + slot * dimension, latents[sample])
            if let li = spec.labelInput {
                plan.inputBuffer(li).bindMemory(to: Int32.self)[slot] = Int32(labels?[sample] ?? sample % spec.classNames.count)
            }
        }
    }

    /// Images of `latents` with class embeddings mixed from the model's table: mixture i is a list
    /// of (class, weight) whose weights sum to 1 (generator made with `blendingClasses`).
    public func images(latents: [[Float]], classMixtures: [[(classIndex: Int, weight: Double)]]) throws -> [Float] {
        guard let embedding else { preconditionFailure("make the generator with blendingClasses: true") }
        precondition(classMixtures.count == latents.count)
        return try run(count: latents.count) { slot, sample in
            fill(plan.inputBuffer(latentIndex).bindMemory(to: Float.self).baseAddress! + slot * dimension, latents[sample])
            embedding.write(classMixtures[sample], into: plan.inputBuffer(embedding.inputIndex), sample: slot)
        }
    }

    private func fill(_ dst: UnsafeMutablePointer<Float>, _ z: [Float]) {
        precondition(z.count == dimension, "latent vectors have \(dimension) elements")
        z.withUnsafeBufferPointer { dst.update(from: $0.baseAddress!, count: dimension) }
    }

    /// Runs ceil(count / batch) times; `fillInputs(slot, sample)` puts sample `sample`'s inputs in
    /// batch slot `slot`. Slots past the last sample repeat it (the arena may have reused input
    /// memory, so leftovers could be invalid labels); their outputs are dropped.
    private func run(count: Int, _ fillInputs: (Int, Int) -> Void) throws -> [Float] {
        var out = [Float](repeating: 0, count: count * imageSize)
        var first = 0
        while first < count {
            let n = min(plan.batch, count - first)
            for slot in 0 ..< plan.batch { fillInputs(slot, min(first + slot, count - 1)) }
            try plan.run()
            let y = plan.outputBuffer(0).bindMemory(to: Float.self)
            out.withUnsafeMutableBufferPointer { (dst: inout UnsafeMutableBufferPointer<Float>) in
                (dst.baseAddress! + first * imageSize).update(from: y.baseAddress!, count: n * imageSize)
            }
            first += n
        }
        return out
    }
}

/// A conditional model rewritten so that its class embedding is a graph input instead of a table
/// lookup: the Embedding node whose labels are the class-label input is removed and its output
/// becomes an input of the table's type (f32, or i8 in the table's own quantization; an f16 table is
/// widened to f32).
struct ClassEmbedding {
    let model: KilnModel
    let inputIndex, latentIndex: Int
    let dimension: Int
    /// Rows of the table, widened to Double (i8 tables keep their integer values).
    let rows: [[Double]]
    let isInt8: Bool

    init(model original: KilnModel, spec: GeneratorSpec) throws {
        guard let li = spec.labelInput else {
            throw LatentError("the model is not class-conditional (it has no class-label input), so there are no classes to blend")
        }
        let labelName = original.graph.inputs[li].name
        guard let node = original.graph.nodes.first(where: { $0.op == "Embedding" && $0.inputs.first == labelName }),
              node.inputs.count == 2, let table = original.tensor(named: node.inputs[1]), table.shape.count == 2 else {
            throw LatentError("the class label does not go straight into an Embedding lookup, so classes cannot be blended")
        }
        let (classes, dim) = (Int(table.shape[0]), Int(table.shape[1]))
        var values = [Double](repeating: 0, count: classes * dim)
        switch table.dtype {
        case .f32: for i in values.indices { values[i] = Double(table.floats![i]) }
        case .i8: for i in values.indices { values[i] = Double(table.bytes.load(fromByteOffset: i, as: Int8.self)) }
        case .f16:
            var wide = [Float](repeating: 0, count: classes * dim)
            table.bytes.withMemoryRebound(to: UInt16.self) { kiln_f16_to_f32($0.baseAddress, &wide, wide.count) }
            for i in values.indices { values[i] = Double(wide[i]) }
        default: throw LatentError("the class embedding table has type \(table.dtype); f32, f16 or i8 can be blended")
        }
        rows = (0 ..< classes).map { Array(values[$0 * dim ..< ($0 + 1) * dim]) }
        (dimension, isInt8) = (dim, table.dtype == .i8)
        var m = original
        m.graph.nodes.removeAll { $0 == node }
        m.graph.inputs.remove(at: li)
        m.graph.inputs.append(GraphInput(name: node.outputs[0], dtype: isInt8 ? .i8 : .f32, shape: [Int64(dim)]))
        inputIndex = m.graph.inputs.count - 1
        latentIndex = m.graph.inputs.firstIndex { $0.name == original.graph.inputs[spec.latentInput].name }!
        model = m
    }

    /// Writes sum of weight * row(class) for sample `sample`: f32 rounded from Double; i8 rounded
    /// half to even and clamped to [-128, 127].
    func write(_ mixture: [(classIndex: Int, weight: Double)], into buffer: UnsafeMutableRawBufferPointer, sample: Int) {
        for j in 0 ..< dimension {
            var v = 0.0
            for (c, w) in mixture { v += w * rows[c][j] }
            if isInt8 {
                buffer.storeBytes(of: Int8(max(-128, min(127, v.rounded(.toNearestOrEven)))), toByteOffset: sample * dimension + j, as: Int8.self)
            } else {
                buffer.storeBytes(of: Float(v), toByteOffset: (sample * dimension + j) * 4, as: Float.self)
            }
        }
    }
}
