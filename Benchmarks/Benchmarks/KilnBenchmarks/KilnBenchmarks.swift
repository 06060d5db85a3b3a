import Benchmark
import KilnBench
import KilnFormat
import KilnONNX
import KilnQuantize
import KilnRuntime
import KilnTrain

/// The repository's Formats folder, found from the working directory (Benchmarks/ or the root).
private func fixture(_ name: String) -> String {
    for prefix in ["../Formats/fixtures/", "Formats/fixtures/"] {
        let path = prefix + name + "/model.kiln"
        if (try? KilnModel.load(path: path)) != nil { return path }
    }
    fatalError("run the benchmarks from Benchmarks/ or the repository root: \(name) not found")
}

/// A shipped model under Formats/models.
private func shipped(_ name: String) -> String {
    (try? KilnModel.load(path: "../Formats/models/\(name).kiln")) != nil ? "../Formats/models/\(name).kiln" : "Formats/models/\(name).kiln"
}

/// An ONNX fixture converted, in f32 or quantized to int8 (ops without an int8 form in f32),
/// calibrated on 16 of its latent samples or 16 uniform images.
private func converted(_ name: String, int8: Bool) throws -> KilnModel {
    let path = ["../Formats/fixtures/", "Formats/fixtures/"].map { $0 + name + "/model.onnx" }.first { (try? ONNXImporter.convert(contentsOf: $0)) != nil }!
    let (model, _) = try ONNXImporter.convert(contentsOf: path)
    guard int8 else { return model }
    var inputs: [Float]?
    if (try? GeneratorSpec(model: model)) == nil {
        let per = Int(model.graph.inputs[0].shape.reduce(1, *))
        var rng = SplitMix64(state: 5)
        inputs = (0 ..< 16 * per).map { _ in Float(Double(rng.next() >> 11) * 0x1p-53 * 2 - 1) }
    }
    return try Int8Quantizer.emit(try Int8Quantizer.prepare(model, samples: 16, inputs: inputs), allowFloatOps: true).0
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident],
                                           maxDuration: .seconds(3), maxIterations: 10_000)

    // Loading = mmap + CRC-32 of header, tables and every tensor + full validation.
    for name in ["dcgan64", "unet64"] {
        let path = fixture(name)
        Benchmark("load-\(name)") { benchmark in
            for _ in benchmark.scaledIterations { blackHole(try KilnModel.load(path: path)) }
        }
    }

    // One run at batch 1 with each float path: the Double reference and the f32 GEMM default.
    for name in ["dcgan64", "unet64"] {
        let path = fixture(name)
        for kernels in FloatKernels.allCases {
            Benchmark("run-\(kernels)-\(name)-batch1", configuration: .init(metrics: [.wallClock])) { benchmark, plan in
                for _ in benchmark.scaledIterations { try plan.run() }
            } setup: {
                try Plan(model: try KilnModel.load(path: path), batch: 1, floatKernels: kernels)
            }
        }
        // `run` must not allocate once the plan is made. Only the malloc count is recorded, and
        // `thresholds check` allows no deviation from the stored 0 (Thresholds/).
        Benchmark("run-allocations-\(name)",
                  configuration: .init(metrics: [.mallocCountTotal], maxIterations: 200,
                                       thresholds: [.mallocCountTotal: .init(absolute: [.p0: 0, .p50: 0, .p90: 0, .p100: 0])])) { benchmark, plan in
            for _ in benchmark.scaledIterations { try plan.run() }
        } setup: {
            try Plan(model: try KilnModel.load(path: path), batch: 1)
        }
    }

    // The converted model families (Transpose, Expand, reductions, Pad, Bilinear, PixelShuffle,
    // broadcasting; int8 QAdd, QChannelLookup, QInstanceNorm): no allocation in `run` either.
    for name in ["zoo_cyclegan_legacy", "zoo_cyclegan_bilinear_dynamo", "zoo_srgan_dynamo", "zoo_esrgan_legacy", "zoo_stylegan_mapping_legacy", "onnx_tf_dcgan"] {
        for int8 in [false, true] {
            Benchmark("run-allocations-\(name)\(int8 ? "-int8" : "")-2-threads",
                      configuration: .init(metrics: [.mallocCountTotal], maxIterations: 50,
                                           thresholds: [.mallocCountTotal: .init(absolute: [.p0: 0, .p50: 0, .p90: 0, .p100: 0])])) { benchmark, plan in
                for _ in benchmark.scaledIterations { try plan.run() }
            } setup: {
                try Plan(model: try converted(name, int8: int8), batch: 2, threads: 2)
            }
        }
    }

    // One dcgan28 training step (D and G updates) at batch 64, on random images: images per
    // second = 64 / time. A Fashion-MNIST epoch is 937 such steps.
    for threads in [1, 2] {
        Benchmark("train-step-dcgan28-batch64-\(threads)-thread\(threads == 1 ? "" : "s")",
                  configuration: .init(metrics: [.wallClock, .throughput], maxDuration: .seconds(20), maxIterations: 40)) { (benchmark: Benchmark, trainer: GANTrainer) in
            for _ in benchmark.scaledIterations { blackHole(trainer.trainStep()) }
        } setup: { () throws -> GANTrainer in
            var rng = TrainRNG(seed: 1)
            let images = (0 ..< 640 * 784).map { _ in Float(rng.uniform() * 2 - 1) }
            let data = Dataset(name: "random", images: images, count: 640, channels: 1, height: 28, width: 28,
                               labels: [], classNames: [])
            return try GANTrainer(config: GANConfig(), dataset: data, threads: threads)
        }
    }

    // One pix2pix32 training step at batch 64 on random pairs (sketches of -1 / +1), beside the
    // dcgan28 step above: the ratio of the two is the cost of an image-to-image epoch.
    for threads in [1, 2] {
        Benchmark("train-step-pix2pix32-batch64-\(threads)-thread\(threads == 1 ? "" : "s")",
                  configuration: .init(metrics: [.wallClock, .throughput], maxDuration: .seconds(20), maxIterations: 40)) { (benchmark: Benchmark, trainer: Pix2PixTrainer) in
            for _ in benchmark.scaledIterations { blackHole(trainer.trainStep()) }
        } setup: { () throws -> Pix2PixTrainer in
            var rng = TrainRNG(seed: 1)
            func images(_ f: (Double) -> Float) -> Dataset {
                Dataset(name: "random", images: (0 ..< 640 * 1024).map { _ in f(rng.uniform()) }, count: 640, channels: 1, height: 32, width: 32,
                        labels: [], classNames: [])
            }
            let pairs = PairedDataset(sketches: images { $0 < 0.1 ? -1 : 1 }, images: images { Float($0 * 2 - 1) })
            return try Pix2PixTrainer(config: Pix2PixConfig(), data: pairs, threads: threads)
        }
    }

    // The shipped sketch-to-item model (pix2pix32), f32 and int8, batch 1 and 64, 1 and 2 threads.
    for model in ["fashion-pix2pix", "fashion-pix2pix-int8"] {
        for batch in [1, 64] {
            for threads in [1, 2] {
                Benchmark("run-\(model)-batch\(batch)\(threads == 1 ? "" : "-2-threads")", configuration: .init(metrics: [.wallClock, .throughput])) { benchmark, plan in
                    for _ in benchmark.scaledIterations { try plan.run() }
                } setup: {
                    try Plan(model: try KilnModel.load(path: shipped(model)), batch: batch, threads: threads)
                }
            }
        }
    }

    // The shipped Fashion-MNIST generator, batch 1 and 64: f32 (GEMM path), fp16, and int8 on
    // every kernel path this CPU has, with 1 and 2 threads.
    for batch in [1, 64] {
        for model in ["fashion-dcgan", "fashion-dcgan-fp16"] {
            for threads in [1, 2] {
                Benchmark("run-\(model)-batch\(batch)\(threads == 1 ? "" : "-2-threads")", configuration: .init(metrics: [.wallClock, .throughput])) { benchmark, plan in
                    for _ in benchmark.scaledIterations { try plan.run() }
                } setup: {
                    try Plan(model: try KilnModel.load(path: shipped(model)), batch: batch, threads: threads)
                }
            }
        }
        for kernels in Int8Kernels.all where kernels.isSupported {
            for threads in [1, 2] {
                Benchmark("run-fashion-dcgan-int8-\(kernels)-batch\(batch)-\(threads)-thread\(threads == 1 ? "" : "s")",
                          configuration: .init(metrics: [.wallClock, .throughput])) { benchmark, plan in
                    for _ in benchmark.scaledIterations { try plan.run() }
                } setup: {
                    try Plan(model: try KilnModel.load(path: shipped("fashion-dcgan-int8")), batch: batch, int8Kernels: kernels, threads: threads)
                }
            }
        }
    }
    // int8 and f32 with the thread pool (f32: ThreadPool.parallelFor in col2im, BatchNorm and the
    // element-wise ops): still no allocation in `run`.
    for name in ["fashion-dcgan-int8", "fashion-dcgan", "fashion-pix2pix-int8", "fashion-pix2pix"] {
        Benchmark("run-allocations-\(name)-2-threads",
                  configuration: .init(metrics: [.mallocCountTotal], maxIterations: 200,
                                       thresholds: [.mallocCountTotal: .init(absolute: [.p0: 0, .p50: 0, .p90: 0, .p100: 0])])) { benchmark, plan in
            for _ in benchmark.scaledIterations { try plan.run() }
        } setup: {
            try Plan(model: try KilnModel.load(path: shipped(name)), batch: 4, threads: 2)
        }
    }

    // The GEMM kernels alone at the shapes of real layers (m output channels, n output pixels of
    // one work unit, k = C x taps): throughput = multiply-accumulates per second.
    let shapes: [(String, Int, Int, Int)] = [
        ("fashion-dcgan-convt2-phase-row", 128, 7, 1024), ("dcgan64-convt2-phase-row", 256, 8, 2048),
        ("unet64-conv-chunk", 128, 64, 1024), ("tf28-dense-batch1", 12544, 1, 100),
        // Grouped units as the int8 path runs them now: a whole 7 x 7 map, four 4-pixel phase rows.
        ("tf28-convt2-map", 128, 49, 6400), ("dcgan64-convt2-phase-group", 256, 16, 2048),
        // A U-Net layer on a 2x2 map: 4 MB of weights for 4 columns, bound by memory bandwidth.
        ("unet64-conv-2x2-map", 512, 4, 8192),
    ]
    for (layer, m, n, k) in shapes {
        for kernels in Int8Kernels.all where kernels.isSupported && kernels.name != "scalar" {
            Benchmark("kernel-qs8-\(kernels)-\(layer)", configuration: .init(metrics: [.wallClock, .throughput], scalingFactor: .kilo)) { benchmark, g in
                for _ in benchmark.scaledIterations { g.run() }
            } setup: { KernelBenchmark(int8: m, n: n, k: k, kernels: kernels) }
        }
        Benchmark("kernel-f32-\(layer)", configuration: .init(metrics: [.wallClock, .throughput], scalingFactor: .kilo)) { benchmark, g in
            for _ in benchmark.scaledIterations { g.run() }
        } setup: { KernelBenchmark(f32: m, n: n, k: k) }
    }

    // The core's peak MAC rate (register-only probes), the denominator of kiln bench's share of peak.
    for int8 in [true, false] {
        Benchmark("peak-\(int8 ? "int8" : "f32")-probe", configuration: .init(metrics: [.wallClock], maxIterations: 5)) { benchmark in
            for _ in benchmark.scaledIterations { blackHole(Peak.macsPerSecond(int8: int8)) }
        }
    }

    // CRC-32 throughput on 16 MiB (the cost of verifying a model of that size at load).
    let data = [UInt8](unsafeUninitializedCapacity: 16 << 20) { buf, n in
        for i in 0 ..< buf.count { buf[i] = UInt8(truncatingIfNeeded: i &* 2_654_435_761 >> 13) }
        n = buf.count
    }
    Benchmark("crc32-16MiB", configuration: .init(metrics: [.wallClock, .throughput])) { benchmark in
        for _ in benchmark.scaledIterations { blackHole(data.withUnsafeBytes { crc32($0) }) }
    }
}
