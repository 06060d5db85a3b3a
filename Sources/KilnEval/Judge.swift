import KilnFormat
import KilnRuntime

/// A classifier model run by the runtime: class probabilities and penultimate features of images
/// (the outputs named by the metadata keys classifier.probabilities and classifier.features).
public final class Judge {
    public let classNames: [String]
    public let featureDim: Int
    public let inputShape: [Int]
    private let plan: Plan
    private let probabilitiesOutput, featuresOutput: Int
    static let batch = 250

    public init(model: KilnModel) throws {
        let outputs = model.graph.outputs
        guard let p = model[metadata: "classifier.probabilities"]?.stringValue, let pi = outputs.firstIndex(of: p),
              let f = model[metadata: "classifier.features"]?.stringValue, let fi = outputs.firstIndex(of: f),
              let names = model[metadata: "classes.names"]?.stringsValue, model.graph.inputs.count == 1 else {
            throw JudgeError("the model is not a classifier made by `kiln train-classifier` (it needs one input, the outputs named by classifier.probabilities and classifier.features, and classes.names).")
        }
        plan = try Plan(model: model, batch: Self.batch)
        (probabilitiesOutput, featuresOutput, classNames) = (pi, fi, names)
        featureDim = plan.outputs[fi].elementCount / Self.batch
        inputShape = Array(plan.inputs[0].shape.dropFirst())
        guard plan.outputs[pi].elementCount / Self.batch == names.count else {
            throw JudgeError("the classifier has \(plan.outputs[pi].elementCount / Self.batch) outputs but \(names.count) class names.")
        }
    }

    /// Probabilities [count, classes] and features [count, featureDim] of `count` images in [-1, 1].
    public func classify(_ images: UnsafeBufferPointer<Float>, count: Int) throws -> (probabilities: [Float], features: [Float]) {
        let per = inputShape.reduce(1, *), k = classNames.count
        precondition(images.count == count * per)
        var probabilities = [Float](repeating: 0, count: count * k), features = [Float](repeating: 0, count: count * featureDim)
        let input = plan.inputBuffer(0).bindMemory(to: Float.self)
        for start in stride(from: 0, to: count, by: Self.batch) {
            let n = min(Self.batch, count - start)
            input.baseAddress!.update(from: images.baseAddress! + start * per, count: n * per)
            try plan.run()
            let p = plan.outputBuffer(probabilitiesOutput).bindMemory(to: Float.self)
            let f = plan.outputBuffer(featuresOutput).bindMemory(to: Float.self)
            for j in 0 ..< n * k { probabilities[start * k + j] = p[j] }
            for j in 0 ..< n * featureDim { features[start * featureDim + j] = f[j] }
        }
        return (probabilities, features)
    }

    /// Share of the `labels.count` images in [-1, 1] whose most probable class is their label.
    public func accuracy(images: [Float], labels: [Int]) throws -> Double {
        let (p, _) = try images.withUnsafeBufferPointer { try classify($0, count: labels.count) }
        let k = classNames.count
        let hits = labels.indices.filter { i in Self.argmax(p[i * k ..< (i + 1) * k]) == labels[i] }.count
        return Double(hits) / Double(labels.count)
    }

    public static func argmax(_ row: ArraySlice<Float>) -> Int {
        var best = row.startIndex
        for i in row.indices where row[i] > row[best] { best = i }
        return best - row.startIndex
    }
}

/// A model that cannot serve as the judge, with what to use instead.
public struct JudgeError: Error, Equatable, CustomStringConvertible {
    public let description: String
    init(_ message: String) { description = message }
}
