import ArgumentParser
import Foundation
import KilnImage
import KilnLatent
import KilnRuntime

struct Arith: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Latent vector arithmetic on concepts: \"A - B + C\", each concept the mean of several seeds.",
        discussion: """
        A concept is the mean latent vector of at least \(ConceptBook.minimumSeeds) seeds (single samples are unstable \
        directions): define it with --concept NAME=SEED,SEED,SEED, or load a concepts file with \
        --concepts (written by `kiln find --save`, or by --save-concepts here). The expression adds \
        and subtracts concepts, with optional factors: "ankle_boot - sneaker + sandal", "0.5*sneaker + sandal". \
        The picture: first row, each concept's mean and then the result; second row, the result and \
        --neighbours images with small Gaussian jitter added (scale --jitter), to show the region \
        rather than one point.

        Example (concepts of the shipped model):
          kiln arith "ankle_boot - sneaker + sandal" \\
              --concepts Formats/models/latent/concepts.txt
        """
    )

    @Argument(help: ArgumentHelp("[FILE] EXPRESSION: the .kiln generator (default: the shipped default model) and the expression, e.g. \"ankle_boot - sneaker + sandal\" (quote it).", valueName: "file-and-expression"))
    var arguments: [String] = []

    var file: String? { arguments.count == 2 ? arguments[0] : nil }
    var expression: String { arguments.last ?? "" }

    @Option(name: .customLong("concept"), help: "A concept: NAME=SEED,SEED,SEED (at least \(ConceptBook.minimumSeeds) seeds); repeatable.")
    var concepts: [String] = []

    @Option(name: .customLong("concepts"), help: "Load concepts from this file (the --concept options override its entries).")
    var conceptsFile: String?

    @Option(help: "Write every concept in use (loaded and defined) to this file.")
    var saveConcepts: String?

    @Option(name: .customLong("class"), help: "For a class-conditional model: the class to draw (a name or number).")
    var className: String?

    @Option(parsing: .unconditional, help: "Jittered neighbours of the result (0 to 63).")
    var neighbours = 7

    @Option(parsing: .unconditional, help: "Standard deviation of the jitter, per latent element.")
    var jitter = 0.25

    @Option(parsing: .unconditional, help: "Seed of the first jitter vector.")
    var jitterSeed: UInt64 = 1 << 62

    @Option(name: [.short, .customLong("out")], help: "The PNG grid to write.")
    var out = "arith.png"

    @OptionGroup var options: GeneratorRunOptions
    @OptionGroup var pictures: PictureOptions

    func validate() throws {
        guard (1 ... 2).contains(arguments.count) else {
            throw ValidationError("give the expression, optionally after the model file: kiln arith [FILE] \"A - B + C\".")
        }
        guard (0 ... 63).contains(neighbours) else { throw ValidationError("--neighbours must be 0 to 63, not \(neighbours).") }
        guard jitter >= 0, jitter <= 10 else { throw ValidationError("--jitter must be 0 to 10, not \(jitter).") }
        do { _ = try LatentExpression(expression) } catch { throw ValidationError("the expression has an error: \(error)") }
    }

    func run() throws {
        let (path, g) = try options.generator(file)
        let sampler = g.spec.sampler
        var book = ConceptBook(distribution: sampler.distribution, dimension: sampler.dimension)
        if let conceptsFile {
            guard let loaded = try readConceptBook(conceptsFile, for: sampler) else { throw CLIError("cannot read '\(conceptsFile)'; check the path.") }
            book = loaded
        }
        do {
            for c in concepts {
                let (name, seeds) = try ConceptBook.parseDefinition(c)
                try book.set(name, seeds: seeds)
            }
        } catch { throw CLIError("\(error)") }
        let e = try LatentExpression(expression)
        let vectors: [[Float]], result: [Float]
        do {
            vectors = try e.names.map { try book.vector($0, sampler: sampler) }
            result = try e.evaluate { try book.vector($0, sampler: sampler) }
        } catch { throw CLIError("\(error)") }
        var labels: [Int]?
        if let className {
            labels = [try classIndex(className, of: g, path: path)]
        } else if g.spec.labelInput != nil {
            throw CLIError("\(path) is class-conditional; say which class to draw with --class (one of: \(g.spec.classNames.joined(separator: ", "))).")
        }
        let normal = LatentSampler(dimension: sampler.dimension, distribution: .normal)
        let jittered = (0 ..< neighbours).map { Latent.add(result, normal.sample(seed: jitterSeed &+ UInt64($0)), scale: jitter) }
        let firstRow = vectors + [result]
        let secondRow = neighbours > 0 ? [result] + jittered : []
        let columns = max(firstRow.count, secondRow.count)
        // Pad the first row so the second starts on a new line.
        let latents = firstRow + [[Float]](repeating: result, count: secondRow.isEmpty ? 0 : columns - firstRow.count) + secondRow
        var images = try g.images(latents: latents, labels: labels.map { [Int](repeating: $0[0], count: latents.count) })
        if !secondRow.isEmpty {  // blank the padding cells (the low end of the output range draws black)
            let lo = Float(g.spec.outputRange.lo)
            for i in firstRow.count ..< columns { for j in 0 ..< g.imageSize { images[i * g.imageSize + j] = lo } }
        }
        if let saveConcepts {
            var used = ConceptBook(distribution: sampler.distribution, dimension: sampler.dimension)
            for name in book.concepts.map(\.name) { try used.set(name, seeds: book.seeds(of: name)!) }
            try writeOutput(Array(used.text.utf8), to: saveConcepts, what: "\(used.concepts.count) concept\(used.concepts.count == 1 ? "" : "s")")
        }
        for (name, v) in zip(e.names, vectors) {
            print("\(name) = mean of seeds \(book.seeds(of: name)!.map(String.init).joined(separator: ", ")) (norm \(String(format: "%.2f", Latent.norm(v))))")
        }
        print("result norm \(String(format: "%.2f", Latent.norm(result))); neighbours: result + \(jitter) * N(0, I) from seeds \(jitterSeed) on")
        let png = try pictures.picture(images, count: latents.count, columns: columns, of: g).pngData()
        try writeOutput(png, to: out, what: "row 1: \(e.names.joined(separator: ", ")), \(expression); row 2: the result and \(neighbours) jittered neighbours (\(path))")
    }
}
