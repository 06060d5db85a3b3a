import ArgumentParser
import Foundation
import KilnEval
import KilnFormat
import KilnRuntime
import KilnTrain

struct TrainClassifier: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-classifier",
        abstract: "Train the small CNN classifier that `kiln eval` uses as its judge.",
        discussion: """
        Conv-ReLU-MaxPool twice, a 128-unit hidden layer (its activations are the features of the \
        Fréchet distance), dropout, and a softmax over the classes; softmax cross-entropy, Adam \
        (lr 1e-3). Reports the accuracy on the test split (t10k, or every tenth image of mnist-5k and \
        PNG folders) as computed by the runtime from the exported file.

        Example:
          kiln train-classifier --dataset fashion-mnist --epochs 3 \\
              --output classifier.kiln
        """
    )

    @OptionGroup var data: DatasetOptions
    @Option(parsing: .unconditional, help: "Epochs to train.") var epochs = 3
    @Option(parsing: .unconditional, help: "Images per step.") var batchSize = 128
    @Option(parsing: .unconditional, help: "Seed of the weights, data order and dropout.") var seed: UInt64 = 1
    @Option(parsing: .unconditional, help: "Threads (the weights come out the same for any number).") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(name: [.short, .customLong("output")], help: "Where to write the classifier.") var output = "classifier.kiln"
    @Option(help: "Model name stored in the file.") var name: String?

    func validate() throws {
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1, not \(epochs).") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1, not \(batchSize).") }
        guard (1 ... 256).contains(threads) else { throw ValidationError("--threads must be 1 to 256, not \(threads).") }
    }

    func run() throws {
        let train = try data.load(test: false), test = try data.load(test: true)
        let trainer: ClassifierTrainer
        do { trainer = try ClassifierTrainer(train: train, batchSize: batchSize, seed: seed, threads: threads) } catch { throw CLIError("\(error)") }
        print("training classifier28 on \(train.name): \(train.count) images, \(test.count) test images, \(epochs) epochs")
        let start = Date()
        for epoch in 0 ..< epochs {
            let bar = ProgressBar(total: trainer.stepsPerEpoch, label: "epoch \(epoch + 1)/\(epochs)")
            var (loss, acc) = (0.0, 0.0)
            for i in 0 ..< trainer.stepsPerEpoch {
                let s = trainer.trainStep()
                guard s.loss.isFinite else { throw CLIError("training diverged (loss \(s.loss)) at step \(trainer.step).") }
                (loss, acc) = (loss + s.loss, acc + s.accuracy)
                bar.update(i + 1, unitsPerItem: Double(batchSize), unit: "img",
                           status: String(format: "loss %.4f train accuracy %.4f", loss / Double(i + 1), acc / Double(i + 1)))
            }
            bar.finish()
            print(String(format: "epoch %d: test accuracy %.4f", epoch + 1, trainer.accuracy(on: test)))
        }
        let model = trainer.exportModel(name: name ?? "\(train.name)-classifier", testAccuracy: trainer.accuracy(on: test), epochs: Double(epochs))
        // The number reported is the exported file's, run by the runtime.
        let judge = try Judge(model: model)
        let accuracy = try judge.accuracy(images: test.images, labels: test.labels)
        var final = model
        final.metadata = model.metadata.map { $0.0 == "provenance.test_accuracy" ? ($0.0, .float((accuracy * 10000).rounded() / 10000)) : $0 }
        try writeModel(final, to: output)
        print(String(format: "wrote %@: test accuracy %.4f (runtime, %d images) after %@", output, accuracy, test.count,
                     ProgressBar.clock(Date().timeIntervalSince(start))))
    }
}
