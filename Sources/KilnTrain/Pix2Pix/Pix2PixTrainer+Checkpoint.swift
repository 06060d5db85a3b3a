import Foundation
import KilnFormat

/// Checkpoints are .kiln files: the exported generator (so a checkpoint runs with `kiln
/// translate`) plus the training state ("train.g.*", "train.d.*" with Adam's moments) and metadata
/// ("train.config", "train.step", "train.seconds").
extension Pix2PixTrainer {
    public func checkpoint(elapsedSeconds: Double) throws -> KilnModel {
        recalibrate()
        let model = exportModel(name: "checkpoint", description: "kiln train checkpoint at step \(step)", elapsedSeconds: elapsedSeconds)
        return try trainingState.checkpoint(model, config: config, step: step, elapsedSeconds: elapsedSeconds)
    }

    private var trainingState: TrainingState {
        TrainingState(groups: [("train.g.", g.parameters, g.buffers), ("train.d.", d.parameters, d.buffers)])
    }

    /// The configuration stored in a pix2pix checkpoint, or nil if `model` is not one.
    public static func config(ofCheckpoint model: KilnModel) throws -> Pix2PixConfig? {
        guard TrainingState.architecture(ofCheckpoint: model) == Pix2PixConfig().architecture,
              let json = model[metadata: "train.config"]?.stringValue else { return nil }
        return try JSONDecoder().decode(Pix2PixConfig.self, from: Data(json.utf8))
    }

    /// Restores weights, Adam state and the step from a checkpoint made with the same config;
    /// returns the training seconds recorded in it.
    public func restore(from model: KilnModel) throws -> Double {
        try trainingState.restore(from: model)
        step = try TrainingState.step(of: model)
        adamG.step = step
        adamD.step = step
        return model[metadata: "train.seconds"]?.floatValue ?? 0
    }
}
