import ArgumentParser
import Foundation
import KilnEval
import KilnFormat
import KilnRuntime

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Judge a generator or an image-to-image model with a classifier.",
        discussion: """
        Generates --samples images (image i from seed SEED + i; conditional models cycle through \
        their classes) and passes them, the test split and as many training images through the \
        classifier. Prints the Fréchet distance between the classifier's penultimate features of \
        generated and test images, the same distance between training and test images (the floor a \
        perfect generator would reach), the mean confidence, and the class histogram. Lower distance \
        is better; mode collapse shows as missing classes.

        An image-to-image model (kiln train --arch pix2pix32) is judged on the test split drawn by \
        the edge detector (the first --samples pairs): L1 and PSNR of each translation against its \
        real image, the classifier's accuracy on the translations next to its accuracy on the real \
        images, and the Fréchet distance between the two sets of features.

        Example:
          kiln eval Formats/models/fashion-dcgan.kiln \\
              --classifier Formats/models/fashion-classifier.kiln
          kiln eval Formats/models/fashion-pix2pix-int8.kiln \\
              --classifier Formats/models/fashion-classifier.kiln \\
              --against Formats/models/fashion-pix2pix.kiln --grid pix2pix.png
        """
    )

    @Argument(help: "The generator (default: the shipped default model).") var file: String?
    @Option(help: "The classifier, made by `kiln train-classifier`.") var classifier: String
    @OptionGroup var data: DatasetOptions
    @Option(parsing: .unconditional, help: "Generated images (and training images for the floor).") var samples = 10000
    @Option(parsing: .unconditional, help: "Seed of the first generated image.") var seed: UInt64 = 0
    @Option(help: "Image-to-image models: a second model to report beside the first (the float model beside its int8 form), with the PSNR between the two.") var against: String?
    @Option(help: "Image-to-image models: write a PNG of sketch | model(s) | real for two test images per class.") var grid: String?
    @Option(parsing: .unconditional, help: "Image-to-image models: threads for the translations (the bytes do not change).") var threads = 1

    func validate() throws {
        guard samples >= 100, samples <= 1_000_000 else { throw ValidationError("--samples must be 100 to 1,000,000, not \(samples).") }
        guard (1 ... 256).contains(threads) else { throw ValidationError("--threads must be 1 to 256, not \(threads).") }
    }

    func run() throws {
        let (genPath, genModel) = try DefaultModel.load(file)
        let (judgePath, judgeModel) = try DefaultModel.load(classifier)
        let spec: GeneratorSpec, judge: Judge
        do { judge = try Judge(model: judgeModel) } catch { throw CLIError("\(judgePath): \(error)") }
        if genModel[metadata: "translate.input"] != nil {
            return try evaluateTranslator(path: genPath, model: genModel, judgePath: judgePath, judge: judge)
        }
        guard against == nil, grid == nil else { throw CLIError("--against and --grid are for image-to-image models; \(genPath) is a generator.") }
        do { spec = try GeneratorSpec(model: genModel) } catch { throw CLIError("\(genPath): \(error)") }
        let plan = try Plan(model: genModel, batch: 250)
        let shape = Array(plan.outputs[0].shape.dropFirst())
        guard shape == judge.inputShape else {
            throw CLIError("the generator makes \(shape) images but the classifier takes \(judge.inputShape).")
        }
        let test = try data.load(test: true)
        var train = try data.load(test: false)
        train = train.prefix(samples)

        // Generate, mapping the declared output range onto the classifier's [-1, 1].
        let per = shape.reduce(1, *)
        var images = [Float](repeating: 0, count: samples * per)
        var conditioning: [Int] = []
        let (lo, hi) = spec.outputRange
        let bar = ProgressBar(total: samples, label: "generating")
        var done = 0
        while done < samples {
            spec.fillInputs(of: plan, seed: seed, first: done)
            try plan.run()
            let n = min(250, samples - done)
            let y = plan.outputBuffer(0).bindMemory(to: Float.self)
            for j in 0 ..< n * per { images[done * per + j] = Float((Double(y[j]) - lo) / (hi - lo) * 2 - 1) }
            if spec.labelInput != nil { conditioning += (done ..< done + n).map { $0 % spec.classNames.count } }
            done += n
            bar.update(done, unit: "img")
        }
        bar.finish()

        let start = Date()
        let generated = try images.withUnsafeBufferPointer { try judge.classify($0, count: samples) }
        let testOut = try test.images.withUnsafeBufferPointer { try judge.classify($0, count: test.count) }
        let trainOut = try train.images.withUnsafeBufferPointer { try judge.classify($0, count: train.count) }
        let fid = FrechetDistance.between(generated.features, testOut.features, dim: judge.featureDim)
        let floor = FrechetDistance.between(trainOut.features, testOut.features, dim: judge.featureDim)

        let k = judge.classNames.count
        var histogram = [Int](repeating: 0, count: k)
        var confidence = 0.0
        var agree = 0
        for i in 0 ..< samples {
            let row = generated.probabilities[i * k ..< (i + 1) * k]
            let c = Judge.argmax(row)
            histogram[c] += 1
            confidence += Double(row.max()!)
            if !conditioning.isEmpty, conditioning[i] == c { agree += 1 }
        }
        let genName = genModel[metadata: "general.name"]?.stringValue ?? ""
        let judgeAcc = judgeModel[metadata: "provenance.test_accuracy"]?.floatValue.map { String(format: ", test accuracy %.4f", $0) } ?? ""
        print("generator   \(genPath) (\(genName))")
        print("judge       \(judgePath) (\(judge.featureDim) features\(judgeAcc))")
        print("samples     \(samples) generated from seeds \(seed)...\(seed &+ UInt64(samples - 1)); \(test.count) test and \(train.count) training images of \(test.name)")
        print(String(format: "Fréchet distance, generated vs test   %.3f", fid))
        print(String(format: "Fréchet distance, train vs test       %.3f  (the floor)", floor))
        print(String(format: "mean classifier confidence            %.4f", confidence / Double(samples)))
        if !conditioning.isEmpty {
            print(String(format: "judged class = conditioning class     %.4f", Double(agree) / Double(samples)))
        }
        print("class histogram of generated samples")
        let width = judge.classNames.map(\.count).max() ?? 0
        for (name, count) in zip(judge.classNames, histogram) {
            let share = Double(count) / Double(samples)
            print("  \(name.padding(width))  \(String(format: "%5.1f%%", share * 100))  \(String(repeating: "#", count: Int((share * 200).rounded())))")
        }
        let smallest = histogram.enumerated().min { $0.element < $1.element }!
        print(String(format: "smallest class: %@ at %.1f%%; judged in %.0f s", judge.classNames[smallest.offset],
                     Double(smallest.element) / Double(samples) * 100, Date().timeIntervalSince(start)))
    }
}
