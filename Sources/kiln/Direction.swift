import ArgumentParser
import Foundation
import KilnEval
import KilnImage
import KilnLatent
import KilnRuntime

struct Direction: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure a class direction in the latent space: does mean(z of class X) - mean(z of class Y) turn Y into X?",
        discussion: """
        Classifies the images of seeds --seed ... --seed + --search - 1. Of the seeds judged with \
        probability >= --min-confidence, those of --to X give mean(z_X); the first half (by seed) of \
        those of --from Y give mean(z_Y); the other half of the Y seeds is held out. The direction \
        d = --scale * (mean(z_X) - mean(z_Y)) is added to every held-out Y seed, and the share the \
        classifier then judges X is printed next to the same share for --random directions of the \
        same norm (the baseline). --out draws --show held-out seeds: as they are, plus d, plus the \
        first random direction.

        Example:
          kiln direction --classifier Formats/models/fashion-classifier.kiln \\
              --from sandal --to sneaker
        """
    )

    @Argument(help: "The .kiln generator (default: the shipped default model).")
    var file: String?

    @Option(help: "The classifier model.")
    var classifier: String

    @Option(help: "The class Y to move away from (a name or number).")
    var from: String

    @Option(help: "The class X to move toward.")
    var to: String

    @Option(parsing: .unconditional, help: "Seeds to classify.")
    var search = 4000

    @Option(parsing: .unconditional, help: "First seed.")
    var seed: UInt64 = 0

    @Option(parsing: .unconditional, help: "Least probability for a seed to count as an example of its class.")
    var minConfidence = 0.8

    @Option(parsing: .unconditional, help: "Multiplies the direction.")
    var scale = 1.0

    @Option(parsing: .unconditional, help: "Random directions in the baseline (1 to 64).")
    var random = 8

    @Option(name: [.short, .customLong("out")], help: "Also draw held-out seeds before and after (PNG).")
    var out: String?

    @Option(parsing: .unconditional, help: "Held-out seeds to draw with --out.")
    var show = 10

    @OptionGroup var options: GeneratorRunOptions
    @OptionGroup var pictures: PictureOptions

    func validate() throws {
        guard (20 ... 10_000_000).contains(search) else { throw ValidationError("--search must be 20 to 10,000,000, not \(search).") }
        guard (0 ... 1).contains(minConfidence) else { throw ValidationError("--min-confidence must be 0 to 1, not \(minConfidence).") }
        guard (1 ... 64).contains(random) else { throw ValidationError("--random must be 1 to 64, not \(random).") }
        guard (1 ... 64).contains(show) else { throw ValidationError("--show must be 1 to 64, not \(show).") }
        guard scale.isFinite else { throw ValidationError("--scale must be a finite number.") }
    }

    func run() throws {
        let (path, g) = try options.generator(file)
        if g.spec.labelInput != nil { throw CLIError("\(path) is class-conditional; directions are measured on unconditional generators.") }
        let (judgePath, judgeModel) = try DefaultModel.load(classifier)
        let judge: ClassJudge
        let (y, x): (Int, Int)
        do {
            judge = try ClassJudge(generator: g, judge: try Judge(model: judgeModel))
            (y, x) = (try ClassJudge.classIndex(from, in: judge.judge.classNames), try ClassJudge.classIndex(to, in: judge.judge.classNames))
        } catch { throw CLIError("\(judgePath): \(error)") }
        guard x != y else { throw CLIError("--from and --to name the same class; pick two different ones.") }
        let names = judge.judge.classNames
        let bar = ProgressBar(total: search, label: "classifying")
        let classified = try judge.classify(seeds: (0 ..< search).map { seed &+ UInt64($0) }) { bar.update($0, unit: "img") }
        bar.finish()
        let r: DirectionExperiment.Result
        do { r = try DirectionExperiment.run(judge: judge, classified: classified, from: y, to: x, minConfidence: minConfidence, scale: scale, randomDirections: random) } catch {
            throw CLIError("\(error)")
        }
        func pct(_ v: Double) -> String { String(format: "%.1f%%", v * 100) }
        print("generator  \(path)")
        print("seeds      \(search) from \(seed); judged with p >= \(minConfidence): \(r.toSeeds.count) \(names[x]), \(r.fromSeeds.count + r.heldOut.count) \(names[y]) (\(r.fromSeeds.count) for the mean, \(r.heldOut.count) held out)")
        print("direction  \(scale == 1 ? "" : "\(scale) * ")(mean z[\(names[x])] - mean z[\(names[y])]), norm \(String(format: "%.3f", r.norm))")
        print("held-out \(names[y]) judged \(names[x]) after adding it:   \(pct(r.flipped))  (still \(names[y]): \(pct(r.stayed)))")
        print("same, random directions of that norm (\(random)):   \(pct(r.randomMean)) mean, \(pct(r.randomFlipped.max()!)) max  (still \(names[y]): \(pct(r.randomStayed)))")
        if let out {
            let sampler = g.spec.sampler
            let held = r.heldOut.prefix(show).map { sampler.sample(seed: $0) }
            let randomDirection = DirectionExperiment.randomDirection(0, dimension: sampler.dimension, norm: r.norm)
            let latents = held + held.map { Latent.add($0, r.direction) } + held.map { Latent.add($0, randomDirection) }
            let images = try g.images(latents: latents)
            try writeOutput(try pictures.picture(images, count: latents.count, columns: held.count, of: g).pngData(), to: out,
                            what: "rows: \(held.count) held-out \(names[y]) seeds; + direction to \(names[x]); + a random direction of the same norm")
        }
    }
}
