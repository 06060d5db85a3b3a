import Foundation
import KilnFormat
import KilnTestSupport
import XCTest

final class QuantizeCLITests: XCTestCase {
    func testQuantizeFP16AndVerify() throws {
        let float = Repo.path("Formats/fixtures/dcgan64/model.kiln"), half = CLI.temporary("dcgan64-fp16.kiln")
        var r = try CLI.run(["quantize", float, "--to", "fp16", "-o", half])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("5 weight tensors"), r.stdout)
        r = try CLI.run(["verify", half, "--reference", float, "--samples", "16", "--min-psnr", "55"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("PSNR mean"), r.stdout)
        r = try CLI.run(["verify", half, "--reference", float, "--samples", "16", "--min-psnr", "200"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("is below --min-psnr 200.00 dB"), r.stderr)
        r = try CLI.run(["verify", float, "--reference", float, "--samples", "4"])
        XCTAssertTrue(r.stdout.contains("inf (identical)"), r.stdout)
        r = try CLI.run(["quantize", half, "--to", "fp16", "-o", CLI.temporary("again.kiln")])
        XCTAssertTrue(r.stderr.contains("already quantized"), r.stderr)
        r = try CLI.run(["quantize", float, "--to", "int4", "-o", CLI.temporary("x.kiln")])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("'int8'"), r.stderr)
        r = try CLI.run(["inspect", half])
        XCTAssertTrue(r.stdout.split(separator: "\n").contains { $0.contains("quantization.type") && $0.contains("\"fp16\"") }, r.stdout)
    }

    func testQuantizeInt8AndVerify() throws {
        let float = Repo.path("Formats/fixtures/dcgan64/model.kiln"), q = CLI.temporary("dcgan64-int8.kiln")
        var r = try CLI.run(["quantize", float, "--to", "int8", "--calibration-samples", "32", "-o", q])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("fused into") && r.stdout.contains("mse over 32 latent samples"), r.stdout)
        r = try CLI.run(["verify", q, "--reference", float, "--samples", "8", "--min-psnr", "35"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        r = try CLI.run(["quantize", float, "--to", "int8", "--calibration", "median", "-o", q])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("--calibration must be one of minmax, mse"), r.stderr)
    }

    /// An op with no int8 form: int8 names it before calibrating and keeps it (and only it) in
    /// float, making a "mixed" file; mixed does the same.
    func testOpWithoutInt8Form() throws {
        let model = Repo.path("Formats/fixtures/classifier_softmax/model.kiln"), data = Repo.path("Formats/fixtures/classifier_softmax/input.npy")
        let out = CLI.temporary("in8.kiln")
        var r = try CLI.run(["quantize", model, "--to", "int8", "--calibration-data", data, "-o", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n")
        let kept = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("kept in float (no int8 form in this kiln): ") && $0.contains("(MaxPool2d)") && $0.contains("(Softmax)") }, r.stdout)
        XCTAssertLessThan(kept, try XCTUnwrap(lines.firstIndex { $0.hasPrefix("calibrating on") }), "named before calibration")
        XCTAssertTrue(lines.contains { $0.contains("MaxPool2d") && $0.hasSuffix("f32") }, r.stdout)
        XCTAssertEqual(try KilnModel.load(path: out)[metadata: "quantization.type"], .string("mixed"))
        r = try CLI.run(["quantize", model, "--to", "int8", "-o", CLI.temporary("in8.kiln")])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("--calibration-data"), r.stderr)
        r = try CLI.run(["quantize", model, "--to", "mixed", "--calibration-data", data, "--target-psnr", "30", "-o", CLI.temporary("inmix.kiln")])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.split(separator: "\n").contains { $0.contains("Softmax") && $0.contains("f32") }, r.stdout)
        XCTAssertTrue(r.stdout.contains("PSNR over the output range [") && r.stdout.contains("measured on the float model's outputs"), r.stdout)
    }

    /// `kiln generate` with the int8 default model writes the same PNG bytes for every kernel
    /// path and thread count: the digest committed in Formats/conformance/models-v1.txt.
    func testGeneratePNGIsTheSameOnEveryPath() throws {
        let want = try XCTUnwrap(try Repo.digests("Formats/conformance/models-v1.txt")["fashion-dcgan-int8/generate-count-16.png"])
        let supported = try CLI.run(["inspect"]).stdout
        for (kernels, threads) in [("scalar", "1"), ("sse41", "2"), ("avx2", "3"), ("neon", "2"), ("neondot", "3")] {
            guard supported.contains("(of ") && supported.split(separator: "(of ")[1].contains(kernels) else { continue }
            let out = CLI.temporary("g-\(kernels).png")
            let r = try CLI.run(["generate", "--count", "16", "--batch", "5", "--threads", threads, "-o", out], environment: ["KILN_KERNELS": kernels])
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stdout.contains("sha256 \(want)"), "\(kernels): \(r.stdout)")
        }
        #if arch(x86_64)
        let r = try CLI.run(["generate", "-o", CLI.temporary("no.png")], environment: ["KILN_KERNELS": "neon"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("cannot use the int8 kernel path 'neon' (KILN_KERNELS)"), r.stderr)
        #endif
    }
}

final class ConvertCLITests: XCTestCase {
    func testConvertThenGenerate() throws {
        let out = CLI.temporary("tf28.kiln")
        let r = try CLI.run(["convert", Repo.path("Formats/fixtures/onnx_tf28/model.onnx"), "-o", out])
        #if compiler(>=6.2)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("a generator: z of 100 normal values in 'input'"), r.stdout)
        let generated = try CLI.run(["generate", out, "--count", "4", "-o", CLI.temporary("tf28.png")])
        XCTAssertEqual(generated.status, 0, generated.stderr)
        #else
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("built without ONNX import"), r.stderr)
        #endif
    }

    /// A failed conversion writes nothing.
    func testFailureWritesNothing() throws {
        let out = CLI.temporary("bad.kiln")
        try? FileManager.default.removeItem(atPath: out)
        let r = try CLI.run(["convert", Repo.path("Formats/fixtures/dcgan64/model.kiln"), "-o", out])
        XCTAssertEqual(r.status, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        let bad = try CLI.run(["convert", "x.onnx", "--output-range", "1,0", "-o", out])
        XCTAssertTrue(bad.stderr.contains("--output-range must be two numbers LO,HI with LO < HI"), bad.stderr)
    }
}
