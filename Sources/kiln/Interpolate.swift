import ArgumentParser
import KilnImage
import KilnLatent
import KilnRuntime

extension LatentPath: EnumerableFlag {
    public static func help(for value: LatentPath) -> ArgumentHelp? {
        switch value {
        case .lerp: return "Straight lines between latent vectors."
        case .slerp: return "Great circles between latent vectors (the default: keeps Gaussian latents near their shell)."
        }
    }
}

struct Interpolate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Walk the latent space between seeds (or classes) and draw the path as a strip, a grid or an animation.",
        discussion: """
        One row per leg: --from A --to B draws A -> B; --seeds A,B,C draws A -> B and B -> C as two \
        rows (a grid); --latent-file z.npy walks its rows the same way (a conditional model draws \
        the class given by --class). --from-class and --to-class \
        keep the latent vector (seed --from, or each of --seeds) and blend the class embedding of a \
        conditional model from one class to the other. Each row has --steps images, both ends \
        included. --animation writes an animated PNG that loops through the same points (back to \
        the first) with --frames-per-step frames per leg.

        Examples:
          kiln interpolate --from 3 --to 11 --steps 8 --out strip.png
          kiln interpolate --seeds 3,11,25,40 --steps 10 --animation walk.png
          kiln interpolate Formats/models/fashion-cond-int8.kiln \\
              --from-class sandal --to-class sneaker --seeds 1,2,3
        """
    )

    @Argument(help: "The .kiln generator (default: the shipped default model).")
    var file: String?

    @Option(parsing: .unconditional, help: "Seed at the start of the walk.")
    var from: UInt64?

    @Option(parsing: .unconditional, help: "Seed at the end of the walk.")
    var to: UInt64?

    @Option(help: "Seeds to walk through in order, comma-separated; one row per consecutive pair.")
    var seeds: String?

    @Option(help: "Walk through the rows of this .npy file (float32 [N, latent.dim]) instead of seeds.")
    var latentFile: String?

    @Option(name: .customLong("class"), help: "For a conditional model walking between seeds: the class of every image (a name or number).")
    var className: String?

    @Option(help: "For a conditional model: the class at the start (a name or number); needs --to-class.")
    var fromClass: String?

    @Option(help: "For a conditional model: the class at the end.")
    var toClass: String?

    @Flag(help: "The path between latent vectors.")
    var path: LatentPath = .slerp

    @Option(parsing: .unconditional, help: "Images per row, both ends included (2 to 64).")
    var steps = 8

    @Option(name: [.short, .customLong("out")], help: "The PNG strip or grid to write.")
    var out = "interpolation.png"

    @Option(help: "Also write an animated PNG of the walk here.")
    var animation: String?

    @Option(parsing: .unconditional, help: "Frames per leg of the animation (2 to 240).")
    var framesPerStep = 16

    @Option(parsing: .unconditional, help: "Milliseconds per animation frame (10 to 10000).")
    var delay = 60

    @OptionGroup var options: GeneratorRunOptions
    @OptionGroup var pictures: PictureOptions

    func validate() throws {
        guard (2 ... 64).contains(steps) else { throw ValidationError("--steps must be 2 to 64, not \(steps).") }
        guard (2 ... 240).contains(framesPerStep) else { throw ValidationError("--frames-per-step must be 2 to 240, not \(framesPerStep).") }
        guard (10 ... 10000).contains(delay) else { throw ValidationError("--delay must be 10 to 10000 ms, not \(delay).") }
        guard (fromClass == nil) == (toClass == nil) else { throw ValidationError("--from-class and --to-class go together; give both.") }
        guard className == nil || fromClass == nil else { throw ValidationError("--class draws one class; a class walk takes --from-class and --to-class instead.") }
        let sources = [seeds != nil, latentFile != nil, from != nil || to != nil].filter { $0 }.count
        if fromClass != nil {
            guard latentFile == nil, to == nil, seeds == nil || from == nil else {
                throw ValidationError("a class walk keeps one latent vector per row: give --from SEED or --seeds A,B,... (not --to or --latent-file).")
            }
        } else {
            guard sources == 1 else { throw ValidationError("say what to walk through: --from A --to B, --seeds A,B,C, or --latent-file z.npy (one of them).") }
            if from != nil || to != nil, from == nil || to == nil { throw ValidationError("--from and --to go together; give both.") }
        }
        if let seeds {
            let n = try parseSeeds(seeds, option: "--seeds").count
            guard fromClass != nil ? n >= 1 : n >= 2 else { throw ValidationError("--seeds needs at least two seeds to walk between.") }
        }
    }

    func run() throws {
        let (modelPath, g) = try options.generator(file, blendingClasses: fromClass != nil)
        let sampler = g.spec.sampler
        let t = Latent.steps(steps)
        let images: [Float], rows: Int, legend: String
        var frames: [Image] = []
        if let fromClass, let toClass {
            let a = try classIndex(fromClass, of: g, path: modelPath), b = try classIndex(toClass, of: g, path: modelPath)
            let keys = try seeds.map { try parseSeeds($0, option: "--seeds") } ?? [from ?? 0]
            let mix = t.map { [(classIndex: a, weight: 1 - $0), (classIndex: b, weight: $0)] }
            let latents = keys.flatMap { s in [[Float]](repeating: sampler.sample(seed: s), count: steps) }
            images = try g.images(latents: latents, classMixtures: Array(repeatElement(mix, count: keys.count).joined()))
            rows = keys.count
            legend = "class \(g.spec.classNames[a]) -> \(g.spec.classNames[b]) (embedding blended linearly) for seed\(keys.count == 1 ? "" : "s") \(keys.map(String.init).joined(separator: ", "))"
            if let animation {
                let walk = (0 ..< 2 * framesPerStep).map { i -> Double in  // there and back
                    let u = Double(i % framesPerStep) / Double(framesPerStep)
                    return i < framesPerStep ? u : 1 - u
                }
                let z = sampler.sample(seed: keys[0])
                let f = try g.images(latents: [[Float]](repeating: z, count: walk.count), classMixtures: walk.map { [(a, 1 - $0), (b, $0)] })
                frames = split(f, count: walk.count, g)
                try writeAnimation(frames, to: animation)
            }
        } else {
            let keys: [[Float]], names: [String]
            if let latentFile {
                keys = try readLatents(latentFile, dimension: sampler.dimension)
                guard keys.count >= 2 else { throw CLIError("\(latentFile) has one row; a walk needs at least two.") }
                names = keys.indices.map { "row \($0)" }
            } else {
                let s = try seeds.map { try parseSeeds($0, option: "--seeds") } ?? [from!, to!]
                keys = s.map { sampler.sample(seed: $0) }
                names = s.map { "seed \($0)" }
            }
            let latents = (0 ..< keys.count - 1).flatMap { leg in t.map { Latent.interpolate(keys[leg], keys[leg + 1], t: $0, path: path) } }
            var label: Int?
            if let className {
                label = try classIndex(className, of: g, path: modelPath)
            } else if g.spec.labelInput != nil {
                throw CLIError("\(modelPath) is class-conditional; give the class to draw with --class (one of: \(g.spec.classNames.joined(separator: ", "))), or walk between classes with --from-class and --to-class.")
            }
            func labels(_ n: Int) -> [Int]? { label.map { [Int](repeating: $0, count: n) } }
            images = try g.images(latents: latents, labels: labels(latents.count))
            rows = keys.count - 1
            legend = "\(path.rawValue) " + (0 ..< rows).map { "\(names[$0]) -> \(names[$0 + 1])" }.joined(separator: "; ")
            if let animation {
                let loop = keys + [keys[0]]
                let walk = (0 ..< keys.count).flatMap { leg in
                    (0 ..< framesPerStep).map { Latent.interpolate(loop[leg], loop[leg + 1], t: Double($0) / Double(framesPerStep), path: path) }
                }
                frames = split(try g.images(latents: walk, labels: labels(walk.count)), count: walk.count, g)
                try writeAnimation(frames, to: animation)
            }
        }
        let png = try pictures.picture(images, count: rows * steps, columns: steps, of: g).pngData()
        try writeOutput(png, to: out, what: "\(rows) row\(rows == 1 ? "" : "s") of \(steps) images: \(legend) (\(modelPath))")
    }

    /// One zoomed picture per image.
    private func split(_ images: [Float], count: Int, _ g: LatentGenerator) -> [Image] {
        (0 ..< count).map { pictures.picture(Array(images[$0 * g.imageSize ..< ($0 + 1) * g.imageSize]), count: 1, columns: 1, of: g) }
    }

    private func writeAnimation(_ frames: [Image], to path: String) throws {
        let bytes = try APNG.encode(frames: frames, delayMilliseconds: delay)
        try writeOutput(bytes, to: path, what: "animated PNG, \(frames.count) frames of \(delay) ms, looping")
    }
}
