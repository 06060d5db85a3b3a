import KilnFormat

/// What a generator model declares about itself in its metadata (`Formats/SPEC.md`, "Metadata"):
/// which input takes the latent vector, how to sample it, what the output means.
public struct GeneratorSpec: Sendable {
    /// Index of the graph input that takes z (f32, `latentDim` elements per sample).
    public let latentInput: Int
    public let sampler: LatentSampler
    /// Index of the graph input that takes class labels (i32, one per sample), if conditional.
    public let labelInput: Int?
    public let classNames: [String]
    /// The declared value range of output 0, mapped to 0...255 in pictures.
    public let outputRange: (lo: Double, hi: Double)

    public init(model: KilnModel) throws {
        func fail(_ m: String) -> GeneratorSpecError { GeneratorSpecError(message: m) }
        guard let dim = model[metadata: "latent.dim"]?.intValue else {
            if model[metadata: "translate.input"] != nil {
                throw fail("the model is an image-to-image translator (it takes an image, not a latent vector); use `kiln translate` with a sketch")
            }
            throw fail("the model declares no latent.dim (a positive integer), so it is not a generator; use `kiln run` with an .npy input instead")
        }
        guard dim >= 1, dim <= 1 << 20 else { throw fail("latent.dim is \(dim); a generator's latent vector has 1 to 2^20 values") }
        let distName = model[metadata: "latent.distribution"]?.stringValue ?? "normal"
        guard let dist = LatentSampler.Distribution(rawValue: distName) else {
            throw fail("latent.distribution is '\(distName)'; this kiln knows 'normal' and 'uniform'")
        }
        let samplerVersion = model[metadata: "latent.sampler"]?.intValue ?? LatentSampler.version
        guard samplerVersion == LatentSampler.version else {
            throw fail("latent.sampler is version \(samplerVersion); this kiln implements version \(LatentSampler.version). Upgrade kiln")
        }
        let inputs = model.graph.inputs
        let latentName = model[metadata: "latent.input"]?.stringValue ?? inputs.first { $0.dtype == .f32 }?.name ?? ""
        guard let li = inputs.firstIndex(where: { $0.name == latentName }), inputs[li].dtype == .f32,
              inputs[li].shape.checkedProduct() == Int(dim) else {
            throw fail("no f32 graph input '\(latentName)' with \(dim) elements per sample takes the latent vector (set latent.input)")
        }
        classNames = model[metadata: "classes.names"]?.stringsValue ?? []
        let labelName = model[metadata: "classes.input"]?.stringValue ?? inputs.first { $0.dtype == .i32 }?.name
        if let labelName {
            guard let i = inputs.firstIndex(where: { $0.name == labelName }), inputs[i].dtype == .i32,
                  inputs[i].shape.checkedProduct() == 1 else {
                throw fail("the class-label input '\(labelName)' must be an i32 graph input with one element per sample")
            }
            guard !classNames.isEmpty else { throw fail("the model takes class labels but declares no classes.names") }
            labelInput = i
        } else {
            labelInput = nil
        }
        guard inputs.count == 1 + (labelInput == nil ? 0 : 1) else {
            throw fail("the generator has \(inputs.count) inputs; only a latent input and a class-label input are understood")
        }
        let range = model[metadata: "output.range"]?.floatsValue ?? [-1, 1]
        guard range.count == 2, range[0].isFinite, range[1].isFinite, range[0] < range[1] else {
            throw fail("output.range must be two finite numbers [lo, hi] with lo < hi, got \(range)")
        }
        latentInput = li
        sampler = LatentSampler(dimension: Int(dim), distribution: dist)
        outputRange = (range[0], range[1])
    }
}

extension GeneratorSpec {
    /// Fills `plan`'s inputs for samples first ..< first + plan.batch: sample i gets the latent
    /// vector of seed `seed + i` (mod 2^64) and, for a conditional model, class label `classIndex`
    /// when given (0 ..< classes, checked by the caller), else i mod classes. This is how `kiln
    /// generate`, `eval`, `verify`, `kiln-run`, the C API and the training grids number their images.
    public func fillInputs(of plan: Plan, seed: UInt64, first: Int, classIndex: Int32? = nil) {
        let z = plan.inputBuffer(latentInput).bindMemory(to: Float.self)
        for i in 0 ..< plan.batch { sampler.sample(seed: seed &+ UInt64(first + i), into: z.baseAddress! + i * sampler.dimension) }
        if let li = labelInput {
            let labels = plan.inputBuffer(li).bindMemory(to: Int32.self)
            for i in 0 ..< plan.batch { labels[i] = classIndex ?? Int32((first + i) % classNames.count) }
        }
    }
}

/// A model's metadata does not describe a usable generator.
public struct GeneratorSpecError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
