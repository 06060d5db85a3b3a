import KilnFormat
import KilnImage
import KilnLatent
import KilnRuntime

/// Limits on what one request may ask for.
public struct ServeLimits: Sendable {
    /// Bytes of a request body (.npy or PNG).
    public var maxBodyBytes = 4 << 20
    /// Images in one /generate or /interpolate request, samples in one /run.
    public var maxCount = 256
    /// Requests computing at once per model (each has its own plan).
    public var workers = 2
    /// Requests waiting for a worker before the server answers 503.
    public var queue = 512
    /// The largest pixel zoom of a generated picture.
    public var maxZoom = 16

    public init() {}
}

/// What a served model can do.
public enum ModelKind: String, Sendable {
    case generator, translator, other
}

/// A model loaded once and shared by all requests: its description and a pool of workers, each a
/// plan of its own (plans are not shared between threads).
public final class ServedModel: Sendable {
    public let name: String
    public let model: KilnModel
    public let kind: ModelKind
    public let spec: GeneratorSpec?
    public let limits: ServeLimits
    let generators: WorkerPool<Box<GeneratorPlans>>?
    let translators: WorkerPool<Box<Translator>>?
    /// /run: one request at a time per worker slot (the plan is made for the request's batch).
    let runners: WorkerPool<Int>
    let precision: String
    let macsPerSample: Int
    /// A generator's image shape [C, H, W]; empty for other models.
    let imageShape: [Int]
    let threads: Int

    /// Loads and validates `path`; `name` is how requests pick it (?model=).
    public init(path: String, name: String, limits: ServeLimits, threads: Int = 1) throws {
        self.name = name
        self.limits = limits
        self.threads = threads
        let model = try KilnModel.load(path: path)
        self.model = model
        let probe = try Plan(model: model, batch: 1)
        precision = probe.precisionMix
        macsPerSample = probe.macsPerSample
        runners = WorkerPool(Array(0 ..< limits.workers), queue: limits.queue)
        if let spec = try? GeneratorSpec(model: model) {
            kind = .generator
            self.spec = spec
            let workers = try (0 ..< limits.workers).map { _ in Box(try GeneratorPlans(model: model, threads: threads)) }
            imageShape = workers[0].value.single.imageShape
            guard imageShape.count == 3, imageShape[0] == 1 || imageShape[0] == 3 else {
                throw ServeSetupError("\(path) makes \(imageShape)-shaped outputs, not images [1 or 3, H, W]")
            }
            generators = WorkerPool(workers, queue: limits.queue)
            translators = nil
        } else if model[metadata: "translate.input"] != nil {
            kind = .translator
            spec = nil
            imageShape = []
            generators = nil
            translators = WorkerPool(try (0 ..< limits.workers).map { _ in Box(try Translator(model: model, batch: 1, threads: threads)) },
                                     queue: limits.queue)
        } else {
            kind = .other
            spec = nil
            imageShape = []
            generators = nil
            translators = nil
        }
    }

    /// Runs `body` with a worker of `pool`, or throws `ServeError.busy` when the queue is full.
    func with<W, T>(_ pool: WorkerPool<W>, _ body: (W) throws -> T) async throws -> T {
        guard let w = await pool.take() else { throw ServeError.busy }
        let result = Result { try body(w) }
        await pool.give(w)
        return try result.get()
    }
}

/// A model that cannot be served, and why.
public struct ServeSetupError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// A worker's two plans of a generator: one image at a time (a request for a few images would
/// waste most of a batch), and 16 for grids.
struct GeneratorPlans {
    let single, batch: LatentGenerator

    init(model: KilnModel, threads: Int) throws {
        single = try LatentGenerator(model: model, batch: 1, threads: threads)
        batch = try LatentGenerator(model: model, batch: 16, threads: threads)
    }

    /// The images of `latents` (int8 models: the same bytes from either plan).
    func images(latents: [[Float]], labels: [Int]?) throws -> [Float] {
        try (latents.count <= 8 ? single : batch).images(latents: latents, labels: labels)
    }
}

/// A non-Sendable worker (a plan) handed between requests by a `WorkerPool`, one request at a time.
final class Box<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
