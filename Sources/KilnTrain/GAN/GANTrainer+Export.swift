import Foundation
import KilnFormat
import KilnRuntime

extension GANTrainer {
    /// The EMA generator as a Kiln model (call `recalibrateEMA()` first), with its metadata.
    public func exportModel(name: String, description: String, elapsedSeconds: Double) -> KilnModel {
        var b = GraphBuilder()
        var inputs = [GraphInput(name: "z", dtype: .f32, shape: [Int64(config.latentDim)])]
        var x = "z"
        if let e = ema.embedding {
            inputs.append(GraphInput(name: "label", dtype: .i32, shape: []))
            x = b.node("Concat", ["z", b.node("Embedding", ["label", b.constant(e.table)])], [("axis", .int(1))])
        }
        var flat = true
        let out = b.append(ema.body, input: x, flat: &flat)
        var metadata: [(String, MetadataValue)] = [
            ("general.name", .string(name)),
            ("general.description", .string(description)),
            ("general.architecture", .string(config.architecture + (config.conditional ? "-conditional" : ""))),
            ("latent.dim", .int(Int64(config.latentDim))),
            ("latent.distribution", .string("normal")),
            ("latent.sampler", .int(LatentSampler.version)),
            ("latent.input", .string("z")),
            ("output.shape", .ints(config.imageShape.map(Int64.init))),
            ("output.range", .floats([-1, 1])),
            ("provenance.dataset", .string(config.dataset)),
            ("provenance.epochs", .float(Double(step) / Double(stepsPerEpoch))),
            ("provenance.steps", .int(Int64(step))),
            ("provenance.train_seconds", .float(elapsedSeconds.rounded())),
            ("provenance.tool", .string("kiln train (dcgan recipe: Adam \(config.learningRateG)/\(config.learningRateD), beta1 \(config.beta1), batch \(config.batchSize), EMA \(config.emaDecay))")),
        ]
        if !config.classNames.isEmpty { metadata.append(("classes.names", .strings(config.classNames))) }
        if config.conditional { metadata.append(("classes.input", .string("label"))) }
        return KilnModel(metadata: metadata, tensors: b.tensors,
                         graph: Graph(inputs: inputs, nodes: b.nodes, outputs: [out]))
    }
}
