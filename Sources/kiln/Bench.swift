import ArgumentParser
import Foundation
import KilnBench
import KilnFormat
import KilnRuntime

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure a model's latency, throughput, load time and memory.",
        discussion: """
        Loads the model (mmap, checksums, validation) and plans it, runs it --warmup times, then \
        --runs times, and reports per-image latency percentiles, images/s, the load time, the arena \
        and peak RSS, the kernel paths, and the MAC rate as a share of this core's peak (measured \
        here with a register-only loop of the GEMM's instruction: VPDPBUSD, VPMADDWD or SMLAL for \
        int8, 512- or 256-bit FMA for f32). Generators get latents from seeds; other models zeros. --json prints one object.

        Example:
          kiln bench Formats/models/fashion-dcgan-int8.kiln --threads 2 --batch 16 \\
              --json
        """
    )

    @Argument(help: "The model (default: the shipped default model).") var file: String?
    @Option(parsing: .unconditional, help: "Threads.") var threads = 1
    @Option(parsing: .unconditional, help: "Images per run.") var batch = 1
    @Option(parsing: .unconditional, help: "Timed runs.") var runs = 100
    @Option(parsing: .unconditional, help: "Untimed runs first.") var warmup = 10
    @OptionGroup var memory: MemoryOptions
    @Flag(help: "Print one JSON object instead of the table.") var json = false

    func validate() throws {
        guard (1 ... 256).contains(threads) else { throw ValidationError("--threads must be 1 to 256, not \(threads).") }
        guard (1 ... 4096).contains(batch) else { throw ValidationError("--batch must be 1 to 4096, not \(batch).") }
        guard (1 ... 1_000_000).contains(runs) else { throw ValidationError("--runs must be 1 to 1,000,000, not \(runs).") }
        guard warmup >= 0 else { throw ValidationError("--warmup must not be negative.") }
    }

    func run() throws {
        if Self.isDebugBuild {
            FileHandle.standardError.write(Data("""
                warning: this kiln is a debug build (`swift run`, or `swift build` without -c release): its \
                timings are several times a release build's and are not Kiln's speed. Measure with \
                `swift build -c release` and `.build/release/kiln bench`.

                """.utf8))
        }
        let path = DefaultModel.resolve(file)
        let t0 = Peak.now()
        let (_, model) = try DefaultModel.load(path)
        let t1 = Peak.now()
        let plan: Plan
        do { plan = try Plan(model: model, batch: batch, threads: threads, maxMemory: memory.bytes) } catch { throw CLIError("\(path): \(error)") }
        let t2 = Peak.now()
        if let spec = try? GeneratorSpec(model: model) { spec.fillInputs(of: plan, seed: 0, first: 0) }
        // Every run reads the same inputs, so every run's outputs must equal the first run's: checked
        // after each run, outside the timed part, by CRC-32 of the outputs (which are still in cache,
        // so the check disturbs the next run's cache state little; a second copy to compare would not).
        func checksums() -> [UInt32] { (0 ..< plan.outputs.count).map { crc32(plan.outputBuffer($0)) } }
        try plan.run()
        let first = checksums()
        func repeated() -> Bool { checksums() == first }
        for _ in 0 ..< warmup { try plan.run() }
        var times: [Double] = []
        times.reserveCapacity(runs)
        for run in 0 ..< runs {
            let s = Peak.now()
            try plan.run()
            times.append((Peak.now() - s) / Double(batch))
            guard repeated() else {
                throw CLIError("\(path): timed run \(run + 1) gave outputs that differ from the first run's on the same inputs. This is a bug in Kiln; please report it with the model.")
            }
        }
        times.sort()
        func pct(_ p: Double) -> Double { times[min(times.count - 1, Int((Double(times.count) * p).rounded(.up)) - 1)] }
        let (p50, p90, p99) = (pct(0.5), pct(0.9), pct(0.99))
        let precision = model[metadata: "quantization.type"]?.stringValue ?? "f32"
        let int8 = precision == "int8"
        let mix = int8 || precision == "mixed" ? plan.precisionMix : precision  // "int8, 3 of 14 ops f32"
        let kernels = (int8 || precision == "mixed" ? "int8 \(plan.int8Kernels), " : "") + "f32 GEMM \(KernelInfo.f32GEMM)"
            + (precision == "fp16" || precision == "mixed" ? ", f16 \(KernelInfo.f16ToF32)" : "")
        let rss = Self.peakRSS()
        let macs = Double(plan.macsPerSample) / p50
        let peak = Peak.macsPerSecond(int8: int8)
        if json {
            var fields: [(String, String)] = [
                ("build", Self.isDebugBuild ? "\"debug\"" : "\"release\""), ("model", "\"\(path)\""), ("precision", "\"\(precision)\""), ("precision_mix", "\"\(mix)\""), ("threads", "\(threads)"), ("batch", "\(batch)"), ("runs", "\(runs)"),
                ("p50_ms", fmt(p50 * 1e3)), ("p90_ms", fmt(p90 * 1e3)), ("p99_ms", fmt(p99 * 1e3)), ("images_per_s", fmt(1 / p50)),
                ("load_ms", fmt((t1 - t0) * 1e3)), ("plan_ms", fmt((t2 - t1) * 1e3)), ("arena_bytes", "\(plan.arenaBytes)"),
                ("peak_rss_bytes", "\(rss)"), ("outputs_repeat", "true"), ("kernels", "\"\(kernels)\""), ("macs_per_image", "\(plan.macsPerSample)"), ("macs_per_s", fmt(macs)),
            ]
            if let peak { fields += [("peak_macs_per_s", fmt(peak)), ("share_of_peak", fmt(macs / peak / Double(threads)))] }
            print("{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}")
            return
        }
        if Self.isDebugBuild { print("build       DEBUG: not Kiln's speed; measure a release build (swift build -c release)") }
        print("model       \(path) (\(precision == "mixed" ? "mixed: " + mix : mix), \(String(format: "%.1f", Double(plan.macsPerSample) / 1e6)) M MACs per image)")
        print("kernels     \(kernels); \(threads) thread\(threads == 1 ? "" : "s"); CPU \(CPUFeatures.current)")
        print(String(format: "load        %.2f ms (mmap, checksums, validation) + plan %.2f ms", (t1 - t0) * 1e3, (t2 - t1) * 1e3))
        print("memory      arena \(grouped(plan.arenaBytes)) bytes; peak RSS \(grouped(rss)) bytes")
        print(String(format: "latency     per image p50 %.3f ms, p90 %.3f ms, p99 %.3f ms (%d runs of batch %d, ", p50 * 1e3, p90 * 1e3, p99 * 1e3, runs, batch)
              + "each one's outputs equal to the first run's)")
        var line = String(format: "throughput  %.0f images/s; %.2f G MAC/s", 1 / p50, macs / 1e9)
        if let peak {
            line += String(format: " = %.0f%% of %@ measured %@ peak (%.1f G MAC/s per core)", macs / peak / Double(threads) * 100,
                           threads == 1 ? "this core's" : "\(threads) cores'", int8 ? "int8" : "f32", peak / 1e9)
        }
        print(line)
    }

    /// Whether this binary is a debug build, whose timings say nothing about Kiln's speed.
    #if DEBUG
    static let isDebugBuild = true
    #else
    static let isDebugBuild = false
    #endif

    /// Peak resident set size in bytes (VmHWM of /proc/self/status; 0 where that is missing).
    static func peakRSS() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kb = Int(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kb * 1024
    }

    private func fmt(_ v: Double) -> String { String(format: "%.6g", v) }
}
