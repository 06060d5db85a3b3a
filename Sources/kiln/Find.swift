import ArgumentParser
import Foundation
import KilnEval
import KilnFormat
import KilnImage
import KilnLatent
import KilnRuntime

struct Find: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Search seeds whose images a classifier assigns to a class with high confidence; save them as a concept.",
        discussion: """
        Generates the images of seeds --seed, --seed + 1, ... (up to --search of them), asks the \
        classifier (`kiln train-classifier`'s model) for each one's class, and keeps the seeds whose \
        most probable class is --class with probability >= --min-confidence, until --count are found. \
        --save NAME stores them as a concept in --concepts FILE (created, or updated in place), for \
        `kiln arith`. --out draws the found images.

        Example:
          kiln find --classifier Formats/models/fashion-classifier.kiln \\
              --class sneaker --count 8 --save sneaker --concepts concepts.txt
        """
    )

    @Argument(help: "The .kiln generator (default: the shipped default model).")
    var file: String?

    @Option(help: "The classifier model.")
    var classifier: String

    @Option(name: .customLong("class"), help: "The class to find (a name from the classifier's classes.names, or its number).")
    var className: String

    @Option(parsing: .unconditional, help: "Seeds to keep.")
    var count = 8

    @Option(parsing: .unconditional, help: "Least probability of the class (0 to 1).")
    var minConfidence = 0.9

    @Option(parsing: .unconditional, help: "Most seeds to try.")
    var search = 5000

    @Option(parsing: .unconditional, help: "First seed to try.")
    var seed: UInt64 = 0

    @Option(help: "Save the found seeds as this concept (needs --concepts).")
    var save: String?

    @Option(help: "The concepts file --save writes.")
    var concepts: String?

    @Option(name: [.short, .customLong("out")], help: "Also draw the found images here (PNG).")
    var out: String?

    @OptionGroup var options: GeneratorRunOptions
    @OptionGroup var pictures: PictureOptions

    func validate() throws {
        guard (1 ... 10000).contains(count) else { throw ValidationError("--count must be 1 to 10,000, not \(count).") }
        guard (0 ... 1).contains(minConfidence) else { throw ValidationError("--min-confidence must be 0 to 1, not \(minConfidence).") }
        guard (1 ... 10_000_000).contains(search) else { throw ValidationError("--search must be 1 to 10,000,000, not \(search).") }
        guard (save == nil) == (concepts == nil) else { throw ValidationError("--save NAME and --concepts FILE go together: the concept is written to that file.") }
        if let save, !ConceptBook.isValidName(save) {
            throw ValidationError("--save '\(save)' is not a concept name; use letters, digits and _ (e.g. \(ClassJudge.conceptName(ofClass: save))).")
        }
        if save != nil, count < ConceptBook.minimumSeeds {
            throw ValidationError("a concept needs at least \(ConceptBook.minimumSeeds) seeds; raise --count.")
        }
    }

    func run() throws {
        let (path, g) = try options.generator(file)
        let (judgePath, judgeModel) = try DefaultModel.load(classifier)
        let judge: ClassJudge
        do { judge = try ClassJudge(generator: g, judge: try Judge(model: judgeModel)) } catch { throw CLIError("\(judgePath): \(error)") }
        let target: Int
        do { target = try ClassJudge.classIndex(className, in: judge.judge.classNames) } catch { throw CLIError("\(judgePath): \(error)") }
        if g.spec.labelInput != nil { throw CLIError("\(path) is class-conditional; `kiln generate --class` draws a class directly.") }
        let name = judge.judge.classNames[target]
        var found: [ClassifiedSeed] = []
        let bar = ProgressBar(total: search, label: "searching")
        var tried = 0
        let chunk = 250
        while tried < search, found.count < count {
            let n = min(chunk, search - tried)
            let seeds = (0 ..< n).map { seed &+ UInt64(tried + $0) }
            let c = try judge.classify(seeds: seeds, chunk: chunk)
            found += c.filter { $0.classIndex == target && $0.confidence >= minConfidence }
            tried += n
            bar.update(tried, unit: "img", status: "\(min(found.count, count)) found")
        }
        bar.finish(at: tried)
        found = Array(found.prefix(count))
        print("\(found.count) of \(tried) seeds judged \(name) with probability >= \(minConfidence) (\(String(format: "%.1f", Double(found.count) / Double(tried) * 100))% of those tried)")
        for f in found { print("  seed \(f.seed)  p = \(String(format: "%.4f", f.confidence))") }
        guard !found.isEmpty else {
            throw CLIError("no seed among \(tried) was judged \(name) with probability >= \(minConfidence); raise --search or lower --min-confidence.")
        }
        if let out {
            let images = try g.images(latents: found.map { g.spec.sampler.sample(seed: $0.seed) })
            try writeOutput(try pictures.picture(images, count: found.count, columns: nil, of: g).pngData(), to: out, what: "\(found.count) images judged \(name)")
        }
        if let save, let concepts {
            if found.count < count { print("note: fewer than --count seeds were found; the concept uses \(found.count).") }
            let sampler = g.spec.sampler
            var book = try readConceptBook(concepts, for: sampler) ?? ConceptBook(distribution: sampler.distribution, dimension: sampler.dimension)
            do { try book.set(save, seeds: found.map(\.seed)) } catch { throw CLIError("\(error)") }
            try writeOutput(Array(book.text.utf8), to: concepts, what: "concept \(save) (\(found.count) seeds judged \(name)); \(book.concepts.count) concept\(book.concepts.count == 1 ? "" : "s") in the file")
        }
    }
}
