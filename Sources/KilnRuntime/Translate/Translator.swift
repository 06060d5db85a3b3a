import KilnFormat

/// Why a model cannot translate images.
public struct TranslatorError: Error, CustomStringConvertible {
    public let description: String
}

/// An image-to-image model (metadata `translate.input`, Formats/SPEC.md) planned for batches of
/// up to `batch` images: source images in the input range, translated images in the output range.
public final class Translator {
    public let model: KilnModel
    /// Per-image shape [C, H, W] of the source and of the translation.
    public let inputShape, outputShape: [Int]
    public let inputRange, outputRange: (lo: Double, hi: Double)
    /// Whether sources are dark strokes on a light background (`translate.input_polarity`).
    public let darkOnLight: Bool
    public let batch: Int
    private let plan: Plan

    /// `int8Kernels`: the int8 kernel path (default: `KILN_KERNELS`, else the best for this CPU).
    public init(model: KilnModel, batch: Int, threads: Int = 1, int8Kernels: Int8Kernels? = nil, maxMemory: Int = Plan.defaultMaxMemory) throws {
        guard let inputName = model[metadata: "translate.input"]?.stringValue else {
            let kind = model[metadata: "latent.dim"] != nil ? "a generator (noise -> image); use `kiln generate`"
                : model[metadata: "classifier.probabilities"] != nil ? "a classifier; use `kiln eval --classifier`"
                : "not an image-to-image model (it declares no translate.input)"
            throw TranslatorError(description: "the model is \(kind). `kiln translate` needs an image-to-image model such as one made by `kiln train --arch pix2pix32`")
        }
        let inputs = model.graph.inputs
        guard inputs.count == 1, inputs[0].name == inputName, inputs[0].dtype == .f32, inputs[0].shape.count == 3 else {
            throw TranslatorError(description: "translate.input names '\(inputName)', but an image-to-image model needs exactly one f32 graph input of that name with shape [C, H, W]")
        }
        func range(_ key: String) throws -> (Double, Double) {
            let r = model[metadata: key]?.floatsValue ?? [-1, 1]
            guard r.count == 2, r[0].isFinite, r[1].isFinite, r[0] < r[1] else { throw TranslatorError(description: "\(key) must be two finite numbers [lo, hi] with lo < hi, got \(r)") }
            return (r[0], r[1])
        }
        inputRange = try range("translate.input_range")
        outputRange = try range("output.range")
        darkOnLight = model[metadata: "translate.input_polarity"]?.stringValue == "dark-on-light"
        inputShape = inputs[0].shape.map { Int($0) }
        plan = try Plan(model: model, batch: batch, int8Kernels: int8Kernels, threads: threads, maxMemory: maxMemory)
        outputShape = Array(plan.outputs[0].shape.dropFirst())
        (self.model, self.batch) = (model, batch)
    }

    /// Translates `count` source images (CHW, `inputShape`, row after row); returns `count`
    /// translations (CHW, `outputShape`).
    public func translate(_ images: [Float], count: Int) throws -> [Float] {
        let per = inputShape.reduce(1, *), outPer = outputShape.reduce(1, *)
        precondition(images.count == count * per, "source images do not match the input shape")
        var out = [Float](repeating: 0, count: count * outPer)
        var done = 0
        while done < count {
            let n = min(batch, count - done)
            let input = plan.inputBuffer(0).bindMemory(to: Float.self)
            for j in 0 ..< n * per { input[j] = images[done * per + j] }
            for j in n * per ..< batch * per { input[j] = Float(inputRange.hi) }  // unused slots: blank sketches
            try plan.run()
            let y = plan.outputBuffer(0).bindMemory(to: Float.self)
            for j in 0 ..< n * outPer { out[done * outPer + j] = y[j] }
            done += n
        }
        return out
    }
}
