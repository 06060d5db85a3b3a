import Foundation
import KilnFormat
import KilnImage
import KilnRuntime
import KilnTrain

/// One kind of adversarial training as `kiln train` drives it: steps, checkpoints, sample grids
/// and the exported model.
protocol TrainingSession: AnyObject {
    var step: Int { get }
    var stepsPerEpoch: Int { get }
    var epochs: Int { get }
    var batchSize: Int { get }
    /// What the run trains, for its first line.
    var summary: String { get }
    /// The values `trainStep` returns, as logged; the first two are D's and G's losses.
    var columns: [LossLog.Column] { get }
    /// One training step; the values of `columns`.
    func trainStep() -> [Double]
    /// The progress bar's status from the epoch's mean values.
    func status(_ means: [Double]) -> String
    /// Sets the statistics the exported model uses (BatchNorm recalibration).
    func recalibrate()
    /// The checkpoint (recalibrates first).
    func checkpoint(elapsed: Double) throws -> KilnModel
    /// Restores a checkpoint after checking it belongs to this run; returns its training seconds.
    func resume(from model: KilnModel, path: String) throws -> Double
    /// The model as exported (call `recalibrate()` first).
    func exported(name: String?, elapsed: Double) -> KilnModel
    /// The sample grid of the exported model, made through the runtime.
    func samples(_ model: KilnModel) throws -> Image
}

/// `kiln train --arch dcgan28`.
final class DCGANSession: TrainingSession {
    let trainer: GANTrainer

    init(_ trainer: GANTrainer) { self.trainer = trainer }

    var step: Int { trainer.step }
    var stepsPerEpoch: Int { trainer.stepsPerEpoch }
    var epochs: Int { trainer.config.epochs }
    var batchSize: Int { trainer.config.batchSize }
    var summary: String {
        "\(trainer.config.architecture)\(trainer.config.conditional ? " (conditional)" : "") on \(trainer.config.dataset): \(trainer.dataset.count) images"
    }
    var columns: [LossLog.Column] {
        [.init(csv: "loss_d", legend: "loss D", color: (200, 40, 40)), .init(csv: "loss_g", legend: "loss G", color: (40, 80, 200)),
         .init(csv: "d_real", legend: "D(x)", color: (40, 160, 60)), .init(csv: "d_fake", legend: "D(G(z))", color: (230, 150, 20))]
    }

    func trainStep() -> [Double] {
        let s = trainer.trainStep()
        return [s.lossD, s.lossG, s.dReal, s.dFake]
    }

    func status(_ m: [Double]) -> String { String(format: "D(x) %.2f D(G(z)) %.2f loss D %.3f G %.3f", m[2], m[3], m[0], m[1]) }
    func recalibrate() { trainer.recalibrateEMA() }
    func checkpoint(elapsed: Double) throws -> KilnModel { try trainer.checkpoint(elapsedSeconds: elapsed) }

    func resume(from model: KilnModel, path: String) throws -> Double {
        guard let saved = try? GANTrainer.config(ofCheckpoint: model) else {
            throw CLIError("\(path) is not a kiln train checkpoint of a DCGAN (\(TrainingState.architecture(ofCheckpoint: model) ?? "a model")). Resume with the same --arch, or use another --out-dir.")
        }
        guard saved.compatible(with: trainer.config) else {
            throw CLIError("\(path) was trained with other settings (\(differences(saved, trainer.config))). Resume with the same flags as the original run, or use another --out-dir.")
        }
        return try trainer.restore(from: model)
    }

    func exported(name: String?, elapsed: Double) -> KilnModel {
        let c = trainer.config
        let modelName = name ?? "\(c.dataset.split(separator: " ").first ?? "")-\(c.architecture)\(c.conditional ? "-conditional" : "")"
        return trainer.exportModel(name: modelName, description: "DCGAN generator trained by kiln train on \(c.dataset)", elapsedSeconds: elapsed)
    }

    /// 64 images from seeds 0...63 through the runtime, exactly as `kiln generate` makes them.
    func samples(_ model: KilnModel) throws -> Image {
        let spec = try GeneratorSpec(model: model)
        let plan = try Plan(model: model, batch: 64)
        spec.fillInputs(of: plan, seed: 0, first: 0)
        try plan.run()
        let shape = Array(plan.outputs[0].shape.dropFirst())
        return Grid.image(samples: plan.outputBuffer(0).bindMemory(to: Float.self), count: 64, channels: shape[0],
                          height: shape[1], width: shape[2], lo: -1, hi: 1, columns: spec.labelInput == nil ? 8 : spec.classNames.count)
    }
}

/// Which settings two configurations disagree on, for the resume error, by the flag that sets them.
private func differences(_ a: GANConfig, _ b: GANConfig) -> String {
    let settings: [(String, PartialKeyPath<GANConfig>)] = [
        ("conditional", \.conditional), ("latent-dim", \.latentDim), ("g-width", \.generatorWidth), ("d-width", \.discriminatorWidth),
        ("batch-size", \.batchSize), ("beta1", \.beta1), ("ema-decay", \.emaDecay), ("seed", \.seed), ("dataset", \.dataset),
        ("image shape", \.imageShape),
    ]
    let diff = settings.map { ($0.0, "\(a[keyPath: $0.1])", "\(b[keyPath: $0.1])") }.filter { $0.1 != $0.2 }
    return diff.isEmpty ? "architecture" : diff.map { "\($0.0): checkpoint \($0.1), now \($0.2)" }.joined(separator: "; ")
}
