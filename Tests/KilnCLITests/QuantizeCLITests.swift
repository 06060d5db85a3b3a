import Foundation
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
        r = try CLI.run(["quantize", float, "--to", "int8", "-o", CLI.temporary("x.kiln")])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("Please provide one of 'fp16'"), r.stderr)
        r = try CLI.run(["inspect", half])
        XCTAssertTrue(r.stdout.split(separator: "\n").contains { $0.contains("quantization.type") && $0.contains("\"fp16\"") }, r.stdout)
    }
}
