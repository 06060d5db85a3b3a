import CKilnKernels
import KilnFormat
import KilnQuantize
import KilnRuntime
import KilnTestSupport
import XCTest

final class FP16Tests: XCTestCase {
    private func fixture(_ name: String) throws -> KilnModel {
        try KilnModel.load(path: Repo.path("Formats/fixtures/\(name)/model.kiln"))
    }

    /// The fp16 file runs bit-identically to the float model whose weights were rounded to f16
    /// and kept as f32: the runtime's widening is exact, and nothing else changes.
    func testFP16ModelEqualsFloatModelWithRoundedWeights() throws {
        let float = try fixture("dcgan64")
        let (half, report) = try FP16.quantize(float)
        XCTAssertEqual(report.converted.count, 5)  // five ConvTranspose2d weights
        XCTAssertLessThanOrEqual(report.maxRelativeError, 0x1p-11)  // half an ulp of binary16
        XCTAssertGreaterThan(report.maxRelativeError, 0)
        var rounded = float
        for (i, t) in float.tensors.enumerated() where report.converted.contains(where: { $0.name == t.name }) {
            var h = [UInt16](repeating: 0, count: t.elementCount), f = [Float](repeating: 0, count: t.elementCount)
            kiln_f32_to_f16_ref(t.floats!.baseAddress!, &h, h.count)
            kiln_f16_to_f32_ref(h, &f, h.count)
            rounded.tensors[i] = Tensor(name: t.name, shape: t.shape, floats: f)
        }
        let decoded = try KilnModel.decode(try half.encode())
        XCTAssertEqual(decoded.tensors.filter { $0.dtype == .f16 }.count, 5)
        XCTAssertEqual(decoded[metadata: "quantization.type"], .string("fp16"))
        let c = try Comparison.run(quantized: decoded, reference: rounded, samples: 5)
        XCTAssertEqual(c.quantized, c.reference)
        XCTAssertEqual(c.maxAbsError, 0)
    }

    /// fp16 against the float model: high PSNR; the file is smaller.
    func testFP16AgainstFloat() throws {
        let float = try fixture("dcgan64")
        let (half, _) = try FP16.quantize(float)
        let c = try Comparison.run(quantized: try KilnModel.decode(try half.encode()), reference: float, samples: 8)
        print("dcgan64 fixture, fp16 vs f32: mean PSNR \(c.meanPSNR) dB, worst \(c.worstPSNR) dB, max abs error \(c.maxAbsError)")
        XCTAssertGreaterThan(c.worstPSNR, 55)
        XCTAssertLessThan(try half.encode().count * 100, try float.encode().count * 55)
    }

    func testBadInputs() throws {
        let float = try fixture("dcgan64")
        let (half, _) = try FP16.quantize(float)
        XCTAssertThrowsError(try FP16.quantize(half)) { XCTAssertTrue("\($0)".contains("already quantized"), "\($0)") }
        var broken = float
        let i = broken.tensors.firstIndex { $0.shape.count == 4 }!
        var values = Array(broken.tensors[i].floats!)
        values[3] = .nan
        broken.tensors[i] = Tensor(name: broken.tensors[i].name, shape: broken.tensors[i].shape, floats: values)
        XCTAssertThrowsError(try FP16.quantize(broken)) { XCTAssertTrue("\($0)".contains("NaN or infinite weights"), "\($0)") }
        values[3] = 1e6
        broken.tensors[i] = Tensor(name: broken.tensors[i].name, shape: broken.tensors[i].shape, floats: values)
        XCTAssertThrowsError(try FP16.quantize(broken)) { XCTAssertTrue("\($0)".contains("beyond the largest half"), "\($0)") }
        XCTAssertThrowsError(try FP16.quantize(try fixture("act_relu"))) { XCTAssertTrue("\($0)".contains("no f32 weights"), "\($0)") }
        XCTAssertThrowsError(try Comparison.run(quantized: half, reference: try fixture("embedding_concat"), samples: 2)) {
            XCTAssertTrue("\($0)".contains("different latent spaces"), "\($0)")
        }
    }
}
