import KilnFormat

extension Pix2PixTrainer {
    /// The generator as a Kiln model (call `recalibrate()` first), with its metadata: input
    /// "sketch" [C, 32, 32] in [-1, 1] (dark strokes on light), output the image in [-1, 1].
    public func exportModel(name: String, description: String, elapsedSeconds: Double) -> KilnModel {
        var b = GraphBuilder()
        var flat = false
        var skips: [String] = []
        var x = "sketch"
        for block in g.down {
            x = b.append(block, input: x, flat: &flat)
            skips.append(x)
        }
        for (k, block) in g.up.enumerated() {
            x = b.append(block, input: x, flat: &flat)
            if let j = g.skip(ofUp: k) { x = b.node("Concat", [x, skips[j]], [("axis", .int(1))]) }
        }
        let shape = config.imageShape.map(Int64.init)
        let metadata: [(String, MetadataValue)] = [
            ("general.name", .string(name)),
            ("general.description", .string(description)),
            ("general.architecture", .string(config.architecture)),
            ("translate.input", .string("sketch")),
            ("translate.input_range", .floats([-1, 1])),
            ("translate.input_polarity", .string("dark-on-light")),
            ("output.shape", .ints(shape)),
            ("output.range", .floats([-1, 1])),
            ("provenance.dataset", .string(config.dataset)),
            ("provenance.epochs", .float(Double(step) / Double(stepsPerEpoch))),
            ("provenance.steps", .int(Int64(step))),
            ("provenance.train_seconds", .float(elapsedSeconds.rounded())),
            ("provenance.tool", .string("kiln train (pix2pix recipe: Adam \(config.learningRateG)/\(config.learningRateD), beta1 \(config.beta1), batch \(config.batchSize), L1 x \(config.l1Weight))")),
        ]
        return KilnModel(metadata: metadata, tensors: b.tensors,
                         graph: Graph(inputs: [GraphInput(name: "sketch", dtype: .f32, shape: shape)], nodes: b.nodes, outputs: [x]))
    }
}
