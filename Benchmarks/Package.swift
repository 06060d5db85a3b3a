// swift-tools-version:6.3
// Kiln's benchmarks, in their own package so that the benchmark dependencies stay out of the main
// build. Run from this folder: `swift package benchmark` (see README.md here).
import Foundation
import PackageDescription

/// A path dependency's identity is its folder's name: the checkout may be called anything.
let kiln = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent.lowercased()

let package = Package(
    name: "KilnBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "KilnBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "KilnRuntime", package: kiln),
                .product(name: "KilnFormat", package: kiln),
                .product(name: "KilnTrain", package: kiln),
                .product(name: "KilnBench", package: kiln),
                .product(name: "KilnONNX", package: kiln),
                .product(name: "KilnQuantize", package: kiln),
            ],
            path: "Benchmarks/KilnBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
