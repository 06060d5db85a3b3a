import Foundation
import KilnEval
import KilnFormat

/// A small CNN classifier for 28x28 images, trained with softmax cross-entropy and Adam; the
/// judge of `kiln eval` (class histogram, confidence, and the features of the Fréchet distance).
///
///   features: Conv(C -> 32, k3 p1) ReLU MaxPool2 -> Conv(32 -> 64, k3 p1) ReLU MaxPool2 ->
///             Dense(3136 -> 128) ReLU                      (the 128-d penultimate features)
///   head:     Dropout(0.3) -> Dense(128 -> classes) -> Softmax (at export)
public final class ClassifierTrainer {
    public let train: Dataset
    public let features: Sequential<Float>
    public let head: Sequential<Float>
    public let batchSize: Int
    public let seed: UInt64
    /// Threads the layers, Adam and the EMA may use.
    public let threads: Int
    var adam = Adam(learningRate: 1e-3, beta1: 0.9, beta2: 0.999)
    public private(set) var step = 0
    private var order: (epoch: Int, permutation: [Int]) = (-1, [])

    /// `threads`: what the layers, Adam and the EMA may use (the weights do not depend on it).
    public init(train: Dataset, batchSize: Int = 128, seed: UInt64 = 1, threads: Int = 1) throws {
        self.threads = threads
        guard !train.labels.isEmpty else { throw DatasetError("\(train.name) has no labels; a classifier needs them.") }
        guard train.height == 28, train.width == 28 else { throw DatasetError("the classifier takes 28x28 images, \(train.name) has \(train.width)x\(train.height).") }
        guard batchSize <= train.count else { throw DatasetError("the batch size \(batchSize) is larger than the dataset (\(train.count) images).") }
        self.train = train
        self.batchSize = batchSize
        self.seed = seed
        var rng = TrainRNG(seed: mix(seed, 0x434C_4153))  // "CLAS"
        // He-style init for ReLU layers: N(0, sqrt(2 / fan_in)) instead of the GAN's 0.02.
        func he<L: Layer<Float>>(_ l: L, fanIn: Int) -> L {
            let s = Float((2 / Double(fanIn)).squareRoot() / 0.02)
            for p in l.parameters where p.name.hasSuffix(".weight") { p.value = p.value.map { $0 * s } }
            return l
        }
        let c = train.channels
        features = Sequential([
            he(Conv2dLayer(name: "c.conv1", inChannels: c, outChannels: 32, kernel: 3, padding: 1, bias: true, threads: threads, rng: &rng), fanIn: 9 * c),
            ActivationLayer(.relu, threads: threads), MaxPool2dLayer(size: 2),
            he(Conv2dLayer(name: "c.conv2", inChannels: 32, outChannels: 64, kernel: 3, padding: 1, bias: true, threads: threads, rng: &rng), fanIn: 288),
            ActivationLayer(.relu, threads: threads), MaxPool2dLayer(size: 2),
            he(DenseLayer(name: "c.fc1", inFeatures: 64 * 7 * 7, outFeatures: 128, threads: threads, rng: &rng), fanIn: 3136),
            ActivationLayer(.relu, threads: threads),
        ])
        head = Sequential([
            DropoutLayer(p: 0.3, seed: mix(seed, 0x44524F50)),  // "DROP"
            he(DenseLayer(name: "c.fc2", inFeatures: 128, outFeatures: train.classNames.count, threads: threads, rng: &rng), fanIn: 64),
        ])
    }

    public var stepsPerEpoch: Int { train.count / batchSize }
    var parameters: [Parameter<Float>] { features.parameters + head.parameters }

    /// One Adam step on the next batch; returns the batch's mean loss and accuracy.
    public func trainStep() -> (loss: Double, accuracy: Double) {
        let e = step / stepsPerEpoch
        if order.epoch != e {
            var rng = TrainRNG(seed: mix(seed, 0x4550_4F43_4800_0000 | UInt64(e)))
            order = (e, rng.permutation(train.count))
        }
        let start = (step % stepsPerEpoch) * batchSize
        let indices = order.permutation[start ..< start + batchSize]
        let labels = indices.map { train.labels[$0] }
        for p in parameters { p.zeroGrad() }
        let logits = head.forward(features.forward(train.batch(indices), training: true), training: true)
        let (loss, grad) = Loss.softmaxCrossEntropy(logits, labels: labels)
        features.backwardParameters(head.backward(grad))
        adam.update(parameters, threads: threads)
        step += 1
        return (loss, Self.accuracy(logits, labels))
    }

    /// Accuracy on `data` in inference mode.
    public func accuracy(on data: Dataset) -> Double {
        var correct = 0.0
        for start in stride(from: 0, to: data.count, by: 500) {
            let idx = Array(start ..< min(start + 500, data.count))[...]
            let logits: Tensor<Float> = head.forward(features.forward(data.batch(idx), training: false), training: false)
            correct += Self.accuracy(logits, idx.map { data.labels[$0] }) * Double(idx.count)
        }
        return correct / Double(data.count)
    }

    static func accuracy(_ logits: Tensor<Float>, _ labels: [Int]) -> Double {
        let k = logits.perSample
        let hits = labels.enumerated().filter { i, l in Judge.argmax(logits.values[i * k ..< (i + 1) * k]) == l }.count
        return Double(hits) / Double(labels.count)
    }

    /// The classifier as a Kiln model with two outputs: class probabilities (Softmax) and the
    /// penultimate features, named by the metadata keys classifier.probabilities and classifier.features.
    public func exportModel(name: String, testAccuracy: Double, epochs: Double) -> KilnModel {
        var b = GraphBuilder()
        var flat = false
        let feats = b.append(features, input: "image", flat: &flat)
        let probs = b.node("Softmax", [b.append(head, input: feats, flat: &flat)])
        let metadata: [(String, MetadataValue)] = [
            ("general.name", .string(name)),
            ("general.description", .string("CNN classifier of \(train.name), the judge of kiln eval")),
            ("general.architecture", .string("classifier28")),
            ("classes.names", .strings(train.classNames)),
            ("classifier.probabilities", .string(probs)),
            ("classifier.features", .string(feats)),
            ("classifier.input_range", .floats([-1, 1])),
            ("provenance.dataset", .string(train.name)),
            ("provenance.epochs", .float(epochs)),
            ("provenance.test_accuracy", .float((testAccuracy * 10000).rounded() / 10000)),
            ("provenance.tool", .string("kiln train-classifier (Adam 1e-3, batch \(batchSize))")),
        ]
        return KilnModel(metadata: metadata, tensors: b.tensors,
                         graph: Graph(inputs: [GraphInput(name: "image", dtype: .f32, shape: [Int64(train.channels), 28, 28])],
                                      nodes: b.nodes, outputs: [probs, feats]))
    }
}
