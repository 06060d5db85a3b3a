import ArgumentParser
import Foundation
import KilnFormat
import KilnImage
import KilnRuntime
import KilnTrain

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a GAN generator on a CPU and export it as a .kiln model.",
        discussion: """
        The DCGAN recipe: Adam (lr 2e-4, beta1 0.5), weights N(0, 0.02), BatchNorm, ReLU in G and \
        LeakyReLU 0.2 in D, the non-saturating loss, one D step per G step, and an exponential moving \
        average (EMA) of G's weights, which is what gets exported.

        Writes to --out-dir: checkpoint.kiln (atomically, every --checkpoint-every steps and at each \
        epoch's end; it is itself a runnable generator), samples-epoch-N.png (64 images from fixed \
        seeds, through the exported model), losses.csv and losses.png. The final generator goes to \
        --output. A killed run continues with --resume and the same flags; it then produces exactly \
        the weights the uninterrupted run would have.

        Example:
          kiln train --dataset fashion-mnist --epochs 2 --threads 2 \\
              --output fashion.kiln
        """
    )

    @OptionGroup var data: DatasetOptions

    @Flag(help: "Train a class-conditional GAN (label embedding concatenated to z in G, as an extra input plane in D).")
    var conditional = false

    @Option(parsing: .unconditional, help: "Latent dimension of z.") var latentDim = GANConfig().latentDim
    @Option(parsing: .unconditional, help: "Generator width (its layers have 2w and w channels).") var gWidth = GANConfig().generatorWidth
    @Option(parsing: .unconditional, help: "Discriminator width (its layers have w and 2w channels).") var dWidth = GANConfig().discriminatorWidth
    @Option(parsing: .unconditional, help: "Epochs to train (with --resume: the new total).") var epochs = GANConfig().epochs
    @Option(parsing: .unconditional, help: "Images per step.") var batchSize = GANConfig().batchSize
    @Option(parsing: .unconditional, help: "Generator learning rate.") var lrG = GANConfig().learningRateG
    @Option(parsing: .unconditional, help: "Discriminator learning rate.") var lrD = GANConfig().learningRateD
    @Option(parsing: .unconditional, help: "Adam beta1.") var beta1 = GANConfig().beta1
    @Option(parsing: .unconditional, help: "Real-label smoothing: the target for real images is 1 minus this (0.1 gives 0.9).") var labelSmoothing = GANConfig().labelSmoothing
    @Option(parsing: .unconditional, help: "EMA decay of the exported generator's weights.") var emaDecay = GANConfig().emaDecay
    @Option(parsing: .unconditional, help: "Seed of every random draw (weights, data order, noise).") var seed = GANConfig().seed
    @Option(parsing: .unconditional, help: "Threads for the matrix products.") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Folder for checkpoint, samples, losses.") var outDir = "runs/train"
    @Option(name: [.short, .customLong("output")], help: "The exported generator (default: OUT-DIR/generator.kiln).") var output: String?
    @Option(parsing: .unconditional, help: "Write a checkpoint every N steps (and at the end of each epoch).") var checkpointEvery = 250
    @Option(help: "Model name stored in the file.") var name: String?
    @Flag(help: "Continue from OUT-DIR/checkpoint.kiln.") var resume = false

    func validate() throws {
        guard latentDim >= 1, latentDim <= 4096 else { throw ValidationError("--latent-dim must be 1 to 4096, not \(latentDim).") }
        guard gWidth >= 1, dWidth >= 1, gWidth <= 1024, dWidth <= 1024 else { throw ValidationError("--g-width and --d-width must be 1 to 1024.") }
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1, not \(epochs).") }
        guard batchSize >= 2 else { throw ValidationError("--batch-size must be at least 2 (BatchNorm needs a batch), not \(batchSize).") }
        guard lrG > 0, lrD > 0, lrG < 1, lrD < 1 else { throw ValidationError("learning rates must be between 0 and 1.") }
        guard beta1 >= 0, beta1 < 1 else { throw ValidationError("--beta1 must be in [0, 1).") }
        guard labelSmoothing >= 0, labelSmoothing < 0.5 else { throw ValidationError("--label-smoothing must be in [0, 0.5).") }
        guard emaDecay >= 0, emaDecay < 1 else { throw ValidationError("--ema-decay must be in [0, 1).") }
        guard (1 ... 256).contains(threads) else { throw ValidationError("--threads must be 1 to 256, not \(threads).") }
        guard checkpointEvery >= 1 else { throw ValidationError("--checkpoint-every must be at least 1.") }
    }

    func run() throws {
        let data = try self.data.load(test: false)
        let config = GANConfig(conditional: conditional, latentDim: latentDim, generatorWidth: gWidth, discriminatorWidth: dWidth,
                               batchSize: batchSize, epochs: epochs, learningRateG: lrG, learningRateD: lrD, beta1: beta1,
                               labelSmoothing: labelSmoothing, emaDecay: emaDecay, seed: seed,
                               dataset: data.name + (self.data.limit.map { " (first \($0))" } ?? ""),
                               imageShape: [data.channels, data.height, data.width], classNames: data.classNames)
        guard config.imageShape[1] == 28, config.imageShape[2] == 28 else {
            throw CLIError("dcgan28 trains on 28x28 images; \(data.name) has \(data.width)x\(data.height). For a PNG folder pass --image-size 28 (the default).")
        }

        try createOutputFolder(outDir)
        let trainer: GANTrainer
        do { trainer = try GANTrainer(config: config, dataset: data, threads: threads) } catch { throw CLIError("\(error)") }
        let checkpointPath = outDir + "/checkpoint.kiln"
        var elapsedBefore = 0.0
        if resume {
            guard FileManager.default.fileExists(atPath: checkpointPath) else {
                throw CLIError("--resume: there is no checkpoint at \(checkpointPath). Start without --resume, or give the --out-dir of the run to continue.")
            }
            let model = try DefaultModel.load(checkpointPath).model
            guard let saved = try GANTrainer.config(ofCheckpoint: model) else {
                throw CLIError("\(checkpointPath) is a model, not a kiln train checkpoint.")
            }
            guard saved.compatible(with: config) else {
                throw CLIError("\(checkpointPath) was trained with other settings (\(differences(saved, config))). Resume with the same flags as the original run, or use another --out-dir.")
            }
            elapsedBefore = try trainer.restore(from: model)
            print("resuming from step \(trainer.step) (epoch \(trainer.epoch + 1)) of \(checkpointPath)")
            removeStaleTemporaryFiles()
            // Killed between an epoch's checkpoint and its sample grid: the checkpoint is that
            // epoch's end, so the grid can still be made.
            let done = trainer.step / trainer.stepsPerEpoch
            if done > 0, trainer.step % trainer.stepsPerEpoch == 0, !FileManager.default.fileExists(atPath: gridPath(epoch: done)) {
                trainer.recalibrateEMA()  // as the checkpoint did before the grid was due
                try writeSamples(trainer.exportModel(name: "samples", description: "", elapsedSeconds: 0), to: gridPath(epoch: done))
                print("epoch \(done): samples in \(gridPath(epoch: done)) (the killed run had not written them)")
            }
        }

        let csv = try LossLog(path: outDir + "/losses.csv", keepingStepsBelow: trainer.step + 1)
        let totalSteps = config.epochs * trainer.stepsPerEpoch
        guard trainer.step < totalSteps else {
            print("the checkpoint is already at step \(trainer.step) of \(totalSteps); raise --epochs to train more.")
            return try finish(trainer, elapsed: elapsedBefore)
        }
        print("training \(config.architecture)\(conditional ? " (conditional)" : "") on \(config.dataset): \(data.count) images, \(trainer.stepsPerEpoch) steps of \(batchSize) per epoch, \(config.epochs) epochs, \(threads) thread\(threads == 1 ? "" : "s")")
        let start = Date()
        var lastGood = trainer.step
        while trainer.step < totalSteps {
            let epoch = trainer.epoch
            let bar = ProgressBar(total: trainer.stepsPerEpoch, label: "epoch \(epoch + 1)/\(config.epochs)")
            var sums = (d: 0.0, g: 0.0, real: 0.0, fake: 0.0, n: 0)
            while trainer.step < (epoch + 1) * trainer.stepsPerEpoch {
                let s = trainer.trainStep()
                guard s.lossD.isFinite, s.lossG.isFinite, s.lossD < 100, s.lossG < 100 else {
                    FileHandle.standardError.write(Data("\n".utf8))
                    throw CLIError("training diverged at step \(trainer.step) (loss D \(s.lossD), G \(s.lossG)). The last good checkpoint, from step \(lastGood), is \(checkpointPath); lower the learning rates or add --label-smoothing 0.1 and resume.")
                }
                try csv.append(step: trainer.step, epoch: Double(trainer.step) / Double(trainer.stepsPerEpoch), s)
                sums = (sums.d + s.lossD, sums.g + s.lossG, sums.real + s.dReal, sums.fake + s.dFake, sums.n + 1)
                let k = Double(sums.n)
                bar.update(trainer.step - epoch * trainer.stepsPerEpoch, unitsPerItem: Double(batchSize), unit: "img",
                           status: String(format: "D(x) %.2f D(G(z)) %.2f loss D %.3f G %.3f", sums.real / k, sums.fake / k, sums.d / k, sums.g / k))
                if trainer.step % checkpointEvery == 0 {
                    try writeCheckpoint(trainer, to: checkpointPath, elapsed: elapsedBefore + Date().timeIntervalSince(start))
                    lastGood = trainer.step
                }
            }
            bar.finish()
            try writeCheckpoint(trainer, to: checkpointPath, elapsed: elapsedBefore + Date().timeIntervalSince(start))
            lastGood = trainer.step
            let grid = gridPath(epoch: epoch + 1)
            try writeSamples(trainer.exportModel(name: "samples", description: "", elapsedSeconds: 0), to: grid)
            try csv.plot(to: outDir + "/losses.png")
            print("epoch \(epoch + 1): samples in \(grid), checkpoint \(checkpointPath)")
        }
        try finish(trainer, elapsed: elapsedBefore + Date().timeIntervalSince(start))
    }

    private func finish(_ trainer: GANTrainer, elapsed: Double) throws {
        trainer.recalibrateEMA()
        let path = output ?? outDir + "/generator.kiln"
        let modelName = name ?? "\(trainer.config.dataset.split(separator: " ").first ?? "")-\(trainer.config.architecture)\(conditional ? "-conditional" : "")"
        let model = trainer.exportModel(name: modelName, description: "DCGAN generator trained by kiln train on \(trainer.config.dataset)", elapsedSeconds: elapsed)
        try writeModel(model, to: path)
        print("wrote \(path): \(trainer.step) steps (\(String(format: "%.2f", Double(trainer.step) / Double(trainer.stepsPerEpoch))) epochs) in \(ProgressBar.clock(elapsed)) of training")
    }

    /// The sample grid of the end of `epoch` (1-based).
    private func gridPath(epoch: Int) -> String { outDir + String(format: "/samples-epoch-%03d.png", epoch) }

    /// Removes the temporary files a killed run left in --out-dir (NAME.tmp-PID, written before the
    /// rename that makes a file whole): checkpoint, losses, plots, sample grids.
    private func removeStaleTemporaryFiles() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: outDir)) ?? []
        for name in names {
            guard let target = atomicWriteTarget(ofTemporary: name),
                  target.range(of: #"^(checkpoint\.kiln|losses\.csv|losses\.png|samples-epoch-\d+\.png)$"#, options: .regularExpression) != nil else { continue }
            try? FileManager.default.removeItem(atPath: outDir + "/" + name)
        }
    }

    private func writeCheckpoint(_ trainer: GANTrainer, to path: String, elapsed: Double) throws {
        try writeModel(trainer.checkpoint(elapsedSeconds: elapsed), to: path)
    }

    /// 64 images from seeds 0...63 through the runtime, exactly as `kiln generate` makes them.
    private func writeSamples(_ model: KilnModel, to path: String) throws {
        let spec = try GeneratorSpec(model: model)
        let plan = try Plan(model: model, batch: 64)
        spec.fillInputs(of: plan, seed: 0, first: 0)
        try plan.run()
        let shape = Array(plan.outputs[0].shape.dropFirst())
        let grid = Grid.image(samples: plan.outputBuffer(0).bindMemory(to: Float.self), count: 64, channels: shape[0],
                              height: shape[1], width: shape[2], lo: -1, hi: 1, columns: spec.labelInput == nil ? 8 : spec.classNames.count)
        try writeFileAtomically(path: path, bytes: try grid.pngData())
    }

}

/// Creates `path` (with parents) and checks it is writable, or says what to do.
func createOutputFolder(_ outDir: String) throws {
    do {
        try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
    } catch {
        throw CLIError("cannot create the output folder '\(outDir)': \(error.localizedDescription). Choose another folder.")
    }
    guard FileManager.default.isWritableFile(atPath: outDir) else {
        throw CLIError("the output folder '\(outDir)' is not writable. Choose another folder.")
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
