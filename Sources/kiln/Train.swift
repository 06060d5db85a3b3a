import ArgumentParser
import Foundation
import KilnFormat
import KilnImage
import KilnRuntime
import KilnTrain

struct Train: ParsableCommand {
    enum Architecture: String, ExpressibleByArgument, CaseIterable {
        case dcgan28, pix2pix32
    }

    static let configuration = CommandConfiguration(
        abstract: "Train a GAN generator on a CPU and export it as a .kiln model.",
        discussion: """
        --arch dcgan28 (the default), the DCGAN recipe: Adam (lr 2e-4, beta1 0.5), weights N(0, \
        0.02), BatchNorm, ReLU in G and LeakyReLU 0.2 in D, the non-saturating loss, one D step per G \
        step, and an exponential moving average (EMA) of G's weights, which is what gets exported.

        --arch pix2pix32, the pix2pix recipe: a U-Net G turns a 32x32 sketch into an image, a \
        PatchGAN D judges (sketch, image) pairs, G's loss adds --l1-weight (100) times the L1 \
        distance to the real image. The sketches are drawn from the dataset's images by `kiln edges` \
        (28x28 images padded to 32x32), or come paired: --dataset pairs --data DIR with DIR/A \
        (sketches) and DIR/B (images) of the same names. The result runs with `kiln translate`.

        Writes to --out-dir: checkpoint.kiln (atomically, every --checkpoint-every steps and at each \
        epoch's end; it is itself a runnable model), samples-epoch-N.png (through the exported \
        model: 64 images from fixed seeds, or sketch | generated | real for 16 fixed pairs), \
        losses.csv and losses.png. The final model goes to --output. A killed run continues with \
        --resume and the same flags; it then produces exactly the weights the uninterrupted run \
        would have.

        Examples:
          kiln train --dataset fashion-mnist --epochs 2 --threads 2 \\
              --output fashion.kiln
          kiln train --arch pix2pix32 --epochs 3 --output sketch2item.kiln
        """
    )

    @OptionGroup var data: DatasetOptions

    @Flag(help: "Train a class-conditional GAN (label embedding concatenated to z in G, as an extra input plane in D).")
    var conditional = false

    @Option(parsing: .unconditional, help: "Latent dimension of z.") var latentDim = GANConfig().latentDim
    @Option(help: "What to train: dcgan28 (noise -> 28x28 image) or pix2pix32 (32x32 sketch -> image, a U-Net against a PatchGAN).")
    var arch: Architecture = .dcgan28
    @Option(parsing: .unconditional, help: "Generator width (dcgan28: layers of 2w and w channels, default 128; pix2pix32: w to 4w, default 32).") var gWidth: Int?
    @Option(parsing: .unconditional, help: "Discriminator width (layers of w and 2w channels; default 64).") var dWidth: Int?
    @Option(parsing: .unconditional, help: "pix2pix32: weight of the L1 distance to the real image in G's loss.") var l1Weight = Pix2PixConfig().l1Weight
    @Option(parsing: .unconditional, help: "Epochs to train (with --resume: the new total).") var epochs = GANConfig().epochs
    @Option(parsing: .unconditional, help: "Images per step.") var batchSize = GANConfig().batchSize
    @Option(parsing: .unconditional, help: "Generator learning rate.") var lrG = GANConfig().learningRateG
    @Option(parsing: .unconditional, help: "Discriminator learning rate.") var lrD = GANConfig().learningRateD
    @Option(parsing: .unconditional, help: "Adam beta1.") var beta1 = GANConfig().beta1
    @Option(parsing: .unconditional, help: "Real-label smoothing: the target for real images is 1 minus this (0.1 gives 0.9).") var labelSmoothing = GANConfig().labelSmoothing
    @Option(parsing: .unconditional, help: "EMA decay per step of the exported generator's weights (0.966: a half-life of 20 steps; 0: G's own weights).") var emaDecay = GANConfig().emaDecay
    @Option(parsing: .unconditional, help: "Seed of every random draw (weights, data order, noise).") var seed = GANConfig().seed
    @Option(parsing: .unconditional, help: "Threads (the weights come out the same for any number).") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Folder for checkpoint, samples, losses.") var outDir = "runs/train"
    @Option(name: [.short, .customLong("output")], help: "The exported generator (default: OUT-DIR/generator.kiln).") var output: String?
    @Option(parsing: .unconditional, help: "Write a checkpoint every N steps (and at the end of each epoch).") var checkpointEvery = 250
    @Option(help: "Model name stored in the file.") var name: String?
    @Flag(help: "Continue from OUT-DIR/checkpoint.kiln.") var resume = false

    func validate() throws {
        guard latentDim >= 1, latentDim <= 4096 else { throw ValidationError("--latent-dim must be 1 to 4096, not \(latentDim).") }
        guard (gWidth ?? 1) >= 1, (dWidth ?? 1) >= 1, (gWidth ?? 1) <= 1024, (dWidth ?? 1) <= 1024 else { throw ValidationError("--g-width and --d-width must be 1 to 1024.") }
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1, not \(epochs).") }
        guard batchSize >= 2 else { throw ValidationError("--batch-size must be at least 2 (BatchNorm needs a batch), not \(batchSize).") }
        guard lrG > 0, lrD > 0, lrG < 1, lrD < 1 else { throw ValidationError("learning rates must be between 0 and 1.") }
        guard beta1 >= 0, beta1 < 1 else { throw ValidationError("--beta1 must be in [0, 1).") }
        guard labelSmoothing >= 0, labelSmoothing < 0.5 else { throw ValidationError("--label-smoothing must be in [0, 0.5).") }
        guard emaDecay >= 0, emaDecay < 1 else { throw ValidationError("--ema-decay must be in [0, 1).") }
        guard (1 ... 256).contains(threads) else { throw ValidationError("--threads must be 1 to 256, not \(threads).") }
        guard l1Weight >= 0, l1Weight <= 10000 else { throw ValidationError("--l1-weight must be 0 to 10000, not \(l1Weight).") }
        guard checkpointEvery >= 1 else { throw ValidationError("--checkpoint-every must be at least 1.") }
    }

    func run() throws {
        let session = arch == .pix2pix32 ? try pix2pixSession() : try dcganSession()
        try createOutputFolder(outDir)
        try train(session)
    }

    private func dcganSession() throws -> TrainingSession {
        let data = try self.data.load(test: false)
        let config = GANConfig(conditional: conditional, latentDim: latentDim, generatorWidth: gWidth ?? GANConfig().generatorWidth,
                               discriminatorWidth: dWidth ?? GANConfig().discriminatorWidth,
                               batchSize: batchSize, epochs: epochs, learningRateG: lrG, learningRateD: lrD, beta1: beta1,
                               labelSmoothing: labelSmoothing, emaDecay: emaDecay, seed: seed,
                               dataset: data.name + (self.data.limit.map { " (first \($0))" } ?? ""),
                               imageShape: [data.channels, data.height, data.width], classNames: data.classNames)
        guard config.imageShape[1] == 28, config.imageShape[2] == 28 else {
            throw CLIError("dcgan28 trains on 28x28 images; \(data.name) has \(data.width)x\(data.height). For a PNG folder pass --image-size 28 (the default).")
        }
        do { return DCGANSession(try GANTrainer(config: config, dataset: data, threads: threads)) } catch { throw CLIError("\(error)") }
    }

    private func pix2pixSession() throws -> TrainingSession {
        guard !conditional else { throw CLIError("pix2pix32 is not class-conditional: the sketch is its condition. Drop --conditional.") }
        let pairs = try data.loadPairs(test: false)
        let config = Pix2PixConfig(generatorWidth: gWidth ?? Pix2PixConfig().generatorWidth, discriminatorWidth: dWidth ?? Pix2PixConfig().discriminatorWidth,
                                   batchSize: batchSize, epochs: epochs, learningRateG: lrG, learningRateD: lrD, beta1: beta1,
                                   l1Weight: l1Weight, seed: seed, dataset: pairs.name + (data.limit.map { " (first \($0))" } ?? ""))
        do { return Pix2PixSession(try Pix2PixTrainer(config: config, data: pairs, threads: threads)) } catch { throw CLIError("\(error)") }
    }

    private func train(_ session: TrainingSession) throws {
        let checkpointPath = outDir + "/checkpoint.kiln"
        var elapsedBefore = 0.0
        if resume {
            guard FileManager.default.fileExists(atPath: checkpointPath) else {
                throw CLIError("--resume: there is no checkpoint at \(checkpointPath). Start without --resume, or give the --out-dir of the run to continue.")
            }
            elapsedBefore = try session.resume(from: DefaultModel.load(checkpointPath).model, path: checkpointPath)
            print("resuming from step \(session.step) (epoch \(session.step / session.stepsPerEpoch + 1)) of \(checkpointPath)")
            removeStaleTemporaryFiles()
            // Killed between an epoch's checkpoint and its sample grid: the checkpoint is that
            // epoch's end, so the grid can still be made.
            let done = session.step / session.stepsPerEpoch
            if done > 0, session.step % session.stepsPerEpoch == 0, !FileManager.default.fileExists(atPath: gridPath(epoch: done)) {
                session.recalibrate()  // as the checkpoint did before the grid was due
                try writeSamples(session, to: gridPath(epoch: done))
                print("epoch \(done): samples in \(gridPath(epoch: done)) (the killed run had not written them)")
            }
        }

        let csv = try LossLog(path: outDir + "/losses.csv", columns: session.columns, keepingStepsBelow: session.step + 1)
        let totalSteps = session.epochs * session.stepsPerEpoch
        guard session.step < totalSteps else {
            print("the checkpoint is already at step \(session.step) of \(totalSteps); raise --epochs to train more.")
            return try finish(session, elapsed: elapsedBefore)
        }
        print("training \(session.summary), \(session.stepsPerEpoch) steps of \(batchSize) per epoch, \(session.epochs) epochs, \(threads) thread\(threads == 1 ? "" : "s")")
        let start = Date()
        var lastGood = session.step
        while session.step < totalSteps {
            let epoch = session.step / session.stepsPerEpoch
            let bar = ProgressBar(total: session.stepsPerEpoch, label: "epoch \(epoch + 1)/\(session.epochs)")
            var sums = [Double](repeating: 0, count: session.columns.count), n = 0
            while session.step < (epoch + 1) * session.stepsPerEpoch {
                let s = session.trainStep()
                guard s.allSatisfy(\.isFinite), s[0] < 100, s[1] < 100 else {
                    FileHandle.standardError.write(Data("\n".utf8))
                    throw CLIError("training diverged at step \(session.step) (loss D \(s[0]), G \(s[1])). The last good checkpoint, from step \(lastGood), is \(checkpointPath); lower the learning rates or add --label-smoothing 0.1 and resume.")
                }
                try csv.append(step: session.step, epoch: Double(session.step) / Double(session.stepsPerEpoch), s)
                sums = zip(sums, s).map { $0 + $1 }
                n += 1
                bar.update(session.step - epoch * session.stepsPerEpoch, unitsPerItem: Double(batchSize), unit: "img",
                           status: session.status(sums.map { $0 / Double(n) }))
                if session.step % checkpointEvery == 0 {
                    try writeModel(session.checkpoint(elapsed: elapsedBefore + Date().timeIntervalSince(start)), to: checkpointPath)
                    lastGood = session.step
                }
            }
            bar.finish()
            try writeModel(session.checkpoint(elapsed: elapsedBefore + Date().timeIntervalSince(start)), to: checkpointPath)
            lastGood = session.step
            let grid = gridPath(epoch: epoch + 1)
            try writeSamples(session, to: grid)
            try csv.plot(to: outDir + "/losses.png")
            print("epoch \(epoch + 1): samples in \(grid), checkpoint \(checkpointPath)")
        }
        try finish(session, elapsed: elapsedBefore + Date().timeIntervalSince(start))
    }

    private func finish(_ session: TrainingSession, elapsed: Double) throws {
        session.recalibrate()
        let path = output ?? outDir + "/generator.kiln"
        try writeModel(session.exported(name: name, elapsed: elapsed), to: path)
        print("wrote \(path): \(session.step) steps (\(String(format: "%.2f", Double(session.step) / Double(session.stepsPerEpoch))) epochs) in \(ProgressBar.clock(elapsed)) of training")
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

    private func writeSamples(_ session: TrainingSession, to path: String) throws {
        let grid = try session.samples(session.exported(name: "samples", elapsed: 0))
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
