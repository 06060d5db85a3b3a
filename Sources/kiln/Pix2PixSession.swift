import Foundation
import KilnFormat
import KilnImage
import KilnRuntime
import KilnTrain

/// `kiln train --arch pix2pix32`.
final class Pix2PixSession: TrainingSession {
    let trainer: Pix2PixTrainer

    init(_ trainer: Pix2PixTrainer) { self.trainer = trainer }

    var step: Int { trainer.step }
    var stepsPerEpoch: Int { trainer.stepsPerEpoch }
    var epochs: Int { trainer.config.epochs }
    var batchSize: Int { trainer.config.batchSize }
    var summary: String { "\(trainer.config.architecture) on \(trainer.config.dataset): \(trainer.data.count) pairs" }
    var columns: [LossLog.Column] {
        [.init(csv: "loss_d", legend: "loss D", color: (200, 40, 40)), .init(csv: "loss_g", legend: "loss G adv", color: (40, 80, 200)),
         .init(csv: "l1", legend: "L1", color: (120, 40, 160)),
         .init(csv: "d_real", legend: "D(x, y)", color: (40, 160, 60)), .init(csv: "d_fake", legend: "D(x, G(x))", color: (230, 150, 20))]
    }

    func trainStep() -> [Double] {
        let s = trainer.trainStep()
        return [s.lossD, s.lossG, s.l1, s.dReal, s.dFake]
    }

    func status(_ m: [Double]) -> String { String(format: "D(x,y) %.2f D(x,G(x)) %.2f loss D %.3f G %.3f L1 %.4f", m[3], m[4], m[0], m[1], m[2]) }
    func recalibrate() { trainer.recalibrate() }
    func checkpoint(elapsed: Double) throws -> KilnModel { try trainer.checkpoint(elapsedSeconds: elapsed) }

    func resume(from model: KilnModel, path: String) throws -> Double {
        guard let saved = try? Pix2PixTrainer.config(ofCheckpoint: model) else {
            throw CLIError("\(path) is not a kiln train checkpoint of pix2pix32 (\(TrainingState.architecture(ofCheckpoint: model) ?? "a model")). Resume with the same --arch, or use another --out-dir.")
        }
        guard saved.compatible(with: trainer.config) else {
            throw CLIError("\(path) was trained with other settings (checkpoint \(saved), now \(trainer.config)). Resume with the same flags as the original run, or use another --out-dir.")
        }
        return try trainer.restore(from: model)
    }

    func exported(name: String?, elapsed: Double) -> KilnModel {
        let c = trainer.config
        return trainer.exportModel(name: name ?? "\(c.dataset.split(separator: " ").first ?? "")-\(c.architecture)",
                                   description: "pix2pix sketch-to-image generator trained by kiln train on \(c.dataset)", elapsedSeconds: elapsed)
    }

    /// 16 fixed training pairs as (sketch | generated | real) triples, four triples per row,
    /// translated through the runtime as `kiln translate` does.
    func samples(_ model: KilnModel) throws -> Image {
        let data = trainer.data
        let n = min(16, data.count), per = data.images.perImage
        let picks = (0 ..< n).map { $0 * data.count / n }
        let plan = try Plan(model: model, batch: n)
        let input = plan.inputBuffer(0).bindMemory(to: Float.self)
        for (k, i) in picks.enumerated() { for j in 0 ..< per { input[k * per + j] = data.sketches.images[i * per + j] } }
        try plan.run()
        let output = plan.outputBuffer(0).bindMemory(to: Float.self)
        var cells = [Float]()
        cells.reserveCapacity(3 * n * per)
        for (k, i) in picks.enumerated() {
            cells += data.sketches.images[i * per ..< (i + 1) * per]
            cells += UnsafeBufferPointer(rebasing: output[k * per ..< (k + 1) * per])
            cells += data.images.images[i * per ..< (i + 1) * per]
        }
        let s = trainer.config.imageShape
        return cells.withUnsafeBufferPointer {
            Grid.image(samples: $0, count: 3 * n, channels: s[0], height: s[1], width: s[2], lo: -1, hi: 1, columns: 12)
        }
    }
}
