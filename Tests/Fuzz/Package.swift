// swift-tools-version:6.0
// Kiln's fuzz targets (libFuzzer + AddressSanitizer), a package of their own so the sanitizer
// builds stay out of the main build. Build and run one with Tools/fuzz.sh TARGET SECONDS, or:
//   swift build --sanitize fuzzer --sanitize address --product fuzz-npy
//   .build/debug/fuzz-npy -dict=Dictionaries/npy.dict Corpus/npy
import Foundation
import PackageDescription

/// A path dependency's identity is its folder's name: the checkout may be called anything.
let kiln = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .lastPathComponent.lowercased()

let package = Package(
    name: "KilnFuzz",
    dependencies: [.package(path: "../..")],
    targets: [
        .executableTarget(name: "fuzz-kiln-model", dependencies: [.product(name: "KilnFormat", package: kiln),
                                                                  .product(name: "KilnRuntime", package: kiln)]),
        .executableTarget(name: "fuzz-npy", dependencies: [.product(name: "KilnImage", package: kiln)]),
        .executableTarget(name: "fuzz-onnx", dependencies: [.product(name: "KilnONNX", package: kiln),
                                                            .product(name: "KilnFormat", package: kiln)]),
        .executableTarget(name: "fuzz-png", dependencies: [.product(name: "KilnImage", package: kiln)]),
        .executableTarget(name: "fuzz-idx", dependencies: [.product(name: "KilnTrain", package: kiln)]),
    ]
)
