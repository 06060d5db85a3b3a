// swift-tools-version:6.0
// Kiln: train, quantize and run GAN generators deterministically on CPUs.
//
// Runtime modules (CKilnKernels, KilnFormat, KilnRuntime) import no Foundation and depend on no
// package, so a deploy binary that links only them stays small. The CLI and image I/O may use
// swift-argument-parser and libpng; the ONNX importer uses swift-protobuf.
import PackageDescription

// swift-protobuf 1.39.0 (the version available) needs Swift 6.1, and its generated code (nonisolated
// types) 6.2: with Swift 6.0 (Debian trixie)
// the package builds without KilnONNX, and `kiln convert` says where to convert instead; nor
// without KilnServe (Hummingbird), and `kiln serve` says so.
#if compiler(>=6.2)
let onnx: [Target] = [
    .target(name: "KilnONNX", dependencies: ["KilnFormat", "KilnRuntime", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            exclude: ["Generated/README.md", "README.md"]),
    .testTarget(name: "KilnONNXTests", dependencies: ["KilnONNX", "KilnFormat", "KilnRuntime", "KilnImage", "KilnQuantize", "KilnTestSupport"]),
]
let onnxPackages: [Package.Dependency] = [.package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0")]
let onnxProducts: [Target.Dependency] = ["KilnONNX"]
let onnxLibrary: [Product] = [.library(name: "KilnONNX", targets: ["KilnONNX"])]
// kiln serve: Hummingbird 2.28 needs Swift 6.2 as well.
let serve: [Target] = [
    .target(name: "KilnServe", dependencies: ["KilnFormat", "KilnRuntime", "KilnImage", "KilnLatent",
                                              .product(name: "Hummingbird", package: "hummingbird")]),
    .testTarget(name: "KilnServeTests", dependencies: ["KilnServe", "KilnFormat", "KilnRuntime", "KilnImage", "KilnTestSupport",
                                                       .product(name: "HummingbirdTesting", package: "hummingbird")]),
]
let servePackages: [Package.Dependency] = [.package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1")]
let serveProducts: [Target.Dependency] = ["KilnServe"]
#else
let onnx: [Target] = []
let onnxPackages: [Package.Dependency] = []
let onnxProducts: [Target.Dependency] = []
let onnxLibrary: [Product] = []
let serve: [Target] = []
let servePackages: [Package.Dependency] = []
let serveProducts: [Target.Dependency] = []
#endif

// Separate lets: Swift 6.0 cannot type-check the whole manifest as one expression.
let products: [Product] = [
    .executable(name: "kiln", targets: ["kiln"]),
    .executable(name: "kiln-run", targets: ["kiln-run"]),
    .library(name: "KilnRuntime", targets: ["KilnRuntime"]),
    .library(name: "KilnFormat", targets: ["KilnFormat"]),
    .library(name: "KilnTrain", targets: ["KilnTrain"]),
    .library(name: "KilnBench", targets: ["KilnBench"]),
    .library(name: "KilnImage", targets: ["KilnImage"]),
    .library(name: "KilnQuantize", targets: ["KilnQuantize"]),
    // The C API (Sources/CKilnAPI/include/kiln.h) over the runtime modules only.
    .library(name: "KilnC", type: .dynamic, targets: ["KilnC"]),
    .library(name: "KilnCStatic", type: .static, targets: ["KilnC"]),
] + onnxLibrary
let dependencies: [Package.Dependency] = [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
] + onnxPackages + servePackages
let kilnDependencies: [Target.Dependency] = [
    "KilnFormat", "KilnRuntime", "KilnImage", "KilnEval", "KilnTrain", "KilnQuantize", "KilnLatent", "KilnBench",
    .product(name: "ArgumentParser", package: "swift-argument-parser"),
] + onnxProducts + serveProducts
let targets: [Target] = [
    // C: SIMD kernels with their scalar references, CPU-feature dispatch, CRC-32, SHA-256 and the
    // thread pool (Sources/CKilnKernels/README.md).
    .target(name: "CKilnKernels", exclude: ["README.md"]),
    // libpng, found through pkg-config (apt: libpng-dev zlib1g-dev pkg-config).
    .systemLibrary(
        name: "CKilnPNG",
        pkgConfig: "libpng",
        providers: [.apt(["libpng-dev", "zlib1g-dev", "pkg-config"])]
    ),
    .target(name: "KilnFormat", dependencies: ["CKilnKernels"]),
    .target(name: "KilnRuntime", dependencies: ["KilnFormat", "CKilnKernels"]),
    // The C API: kiln.h and its C half (status names, the per-thread error message), and the
    // Swift functions behind it.
    .target(name: "CKilnAPI"),
    .target(name: "KilnC", dependencies: ["CKilnAPI", "KilnFormat", "KilnRuntime"]),
    // Measuring: the core's peak MAC rate (kiln bench), GEMMs at the shapes of real layers (Benchmarks/).
    .target(name: "KilnBench", dependencies: ["CKilnKernels", "KilnRuntime"]),
    .systemLibrary(name: "CKilnZlib", providers: [.apt(["zlib1g-dev"])]),
    // Pictures and arrays without Foundation or zlib: images, sample grids, uncompressed PNG,
    // .npy (what kiln-run needs); KilnImage re-exports it and adds libpng's PNG.
    .target(name: "KilnPixels", dependencies: ["KilnFormat"]),
    .target(name: "KilnImage", dependencies: ["KilnPixels", "CKilnPNG", "CKilnZlib"]),
    // Quantization: int8, fp16, mixed precision.
    .target(name: "KilnQuantize", dependencies: ["CKilnKernels", "KilnFormat", "KilnRuntime"]),
    // Judging generators: the classifier the project trains (Judge), the Fréchet distance.
    .target(name: "KilnEval", dependencies: ["KilnFormat", "KilnRuntime"]),
    // Training: layers with backward passes, losses, Adam, datasets, the GAN loop.
    .target(name: "KilnTrain", dependencies: ["CKilnKernels", "KilnFormat", "KilnRuntime", "KilnImage", "KilnEval"]),
    // The latent space: interpolation, concept arithmetic, class blending, classifier searches.
    .target(name: "KilnLatent", dependencies: ["CKilnKernels", "KilnFormat", "KilnRuntime", "KilnEval"]),
    .executableTarget(name: "kiln", dependencies: kilnDependencies),
    // The deploy-time runner: the runtime modules and KilnPixels only (no Foundation, no package).
    .executableTarget(name: "kiln-run", dependencies: ["KilnFormat", "KilnRuntime", "KilnPixels"]),
    // Paths in the checkout and a Python runner, shared by the test targets.
    .target(name: "KilnTestSupport", path: "Tests/KilnTestSupport"),
    .testTarget(name: "KilnFormatTests", dependencies: ["KilnFormat", "KilnRuntime", "KilnTestSupport"]),
    .testTarget(name: "KilnRuntimeTests", dependencies: ["KilnRuntime", "KilnFormat", "KilnImage", "KilnTestSupport", "CKilnKernels"]),
    // The int8 conformance suite in C, shared with the AArch64 driver in Tools/arm64.
    .target(name: "CKilnConformance", dependencies: ["CKilnKernels"], path: "Tests/CKilnConformance"),
    .testTarget(name: "KilnKernelsTests", dependencies: ["CKilnKernels", "CKilnConformance", "KilnRuntime", "KilnTrain", "KilnTestSupport"]),
    .testTarget(name: "KilnEvalTests", dependencies: ["KilnEval", "KilnTrain"]),
    .testTarget(name: "KilnTrainTests", dependencies: ["KilnTrain", "KilnEval", "KilnRuntime", "KilnImage", "KilnFormat"]),
    .testTarget(name: "KilnQuantizeTests", dependencies: ["KilnQuantize", "KilnRuntime", "KilnFormat", "KilnEval", "KilnImage", "CKilnKernels", "KilnTestSupport"]),
    .testTarget(name: "KilnLatentTests", dependencies: ["KilnLatent", "KilnRuntime", "KilnFormat", "KilnEval", "KilnTestSupport"]),
    // The C API through a C program compiled against kiln.h (the C source is not part of the target).
    .testTarget(name: "KilnCTests", dependencies: ["KilnRuntime", "KilnFormat", "KilnTestSupport"], exclude: ["c"]),
    .testTarget(name: "KilnCLITests", dependencies: ["kiln", "KilnFormat", "KilnImage", "KilnTestSupport"]),
] + onnx + serve

let package = Package(
    name: "Kiln",
    products: products,
    dependencies: dependencies,
    targets: targets
)
