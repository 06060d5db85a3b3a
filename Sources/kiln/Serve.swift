import ArgumentParser
import Foundation
#if canImport(KilnServe)
import Hummingbird
import KilnServe
#endif

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve models over HTTP: images, arrays, translations, and a page to explore them.",
        discussion: """
        Loads each model once and answers concurrently, at most --workers requests per model at a \
        time (each with a plan of its own), up to --queue more waiting (then 503). Endpoints:
          GET  /               a page: seed slider, class picker, interpolation
          GET  /health         {"status": "ok", ...}
          GET  /models         the models, their kinds, classes and precision
          GET|POST /generate   seed, count, class (index or name), zoom, columns, model -> PNG
          GET|POST /interpolate  seed, to, steps, path (slerp|linear), class, zoom -> PNG
          POST /run            an .npy of inputs (batch first) -> the .npy of output 0
          POST /translate      a PNG sketch (image-to-image models; zoom) -> PNG
        GET takes the query string (/generate?seed=7&count=4), POST a JSON body ({"seed": 7}).
        Errors are 4xx with {"error": {"message": ...}} saying what to change.

        Examples:
          kiln serve --port 8080
          kiln serve Formats/models/fashion-cond-int8.kiln Formats/models/fashion-pix2pix-int8.kiln
          curl -o bag.png 'http://127.0.0.1:8080/generate?model=fashion-cond-int8&class=Bag&count=16'
        """
    )

    @Argument(help: "Models to serve (default: the shipped default model); the first is the default, the others are picked by ?model=NAME (file name without .kiln).")
    var files: [String] = []
    @Option(help: "Address to listen on (0.0.0.0 for the local network).") var host = "127.0.0.1"
    @Option(parsing: .unconditional, help: "Port (0: any free port, printed at start).") var port = 8080
    @Option(parsing: .unconditional, help: "Threads per plan.") var threads = 1
    @Option(parsing: .unconditional, help: "Requests computing at once per model (default: the core count).") var workers = ProcessInfo.processInfo.activeProcessorCount
    @Option(parsing: .unconditional, help: "Requests waiting beyond the workers before the server answers 503.") var queue = 512
    @Option(parsing: .unconditional, help: "Most images (or samples) in one request.") var maxCount = 256
    @Option(parsing: .unconditional, help: "Most bytes of a request body.") var maxBody = 4 << 20
    @Option(parsing: .unconditional, help: "Seconds before an idle or stalled connection is closed.") var idleTimeout = 30

    func validate() throws {
        guard (0 ... 65535).contains(port) else { throw ValidationError("--port must be 0 to 65535, not \(port).") }
        guard (1 ... 256).contains(threads) else { throw ValidationError("--threads must be 1 to 256, not \(threads).") }
        guard (1 ... 256).contains(workers) else { throw ValidationError("--workers must be 1 to 256, not \(workers).") }
        guard (0 ... 1_000_000).contains(queue) else { throw ValidationError("--queue must be 0 to 1,000,000, not \(queue).") }
        guard (1 ... 4096).contains(maxCount) else { throw ValidationError("--max-count must be 1 to 4096, not \(maxCount).") }
        guard (1 ... 1 << 30).contains(maxBody) else { throw ValidationError("--max-body must be 1 byte to 1 GiB, not \(maxBody).") }
        guard (1 ... 3600).contains(idleTimeout) else { throw ValidationError("--idle-timeout must be 1 to 3600 seconds, not \(idleTimeout).") }
    }

    func run() async throws {
        #if canImport(KilnServe)
        var limits = ServeLimits()
        (limits.workers, limits.queue, limits.maxCount, limits.maxBodyBytes) = (workers, queue, maxCount, maxBody)
        var models: [ServedModel] = []
        for file in files.isEmpty ? [DefaultModel.resolve(nil)] : files {
            let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
            guard !models.contains(where: { $0.name == name }) else { throw CLIError("two models are named '\(name)'; rename one of the files.") }
            do { models.append(try ServedModel(path: file, name: name, limits: limits, threads: threads)) } catch { throw CLIError("\(file): \(error)") }
        }
        let (host, served) = (host, models)
        let app = KilnServer.application(models: served, host: host, port: port, idleTimeoutSeconds: Int64(idleTimeout)) { port in
            // Unbuffered, so that a script reading the output learns the port at once.
            FileHandle.standardOutput.write(Data("serving \(served.map(\.name).joined(separator: ", ")) on http://\(host):\(port)/ (Ctrl-C stops)\n".utf8))
        }
        try await app.runService()
        #else
        throw CLIError("this kiln was built without kiln serve (it needs Swift 6.2 for Hummingbird 2); build with Swift 6.2 or later.")
        #endif
    }
}
