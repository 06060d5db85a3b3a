import KilnFormat
@testable import KilnRuntime
import XCTest

/// Bilinear resizing on cases worked by hand (ONNX Runtime checks every coordinate mode on the
/// bilinear_modes and onnx_bilinear_unet fixtures).
final class BilinearTests: XCTestCase {
    private func resize(_ x: [Float], _ shape: [Int64], size: [Int64], _ coordinates: String, scales: [Double]? = nil) throws -> [Float] {
        var a: [(String, MetadataValue)] = [("size", .ints(size)), ("coordinates", .string(coordinates))]
        if let scales { a.append(("scales", .floats(scales))) }
        let node = Node(op: "Bilinear", name: "b", inputs: ["x"], outputs: ["y"], attributes: a)
        let m = KilnModel(metadata: [], tensors: [], graph: Graph(inputs: [GraphInput(name: "x", dtype: .f32, shape: shape)], nodes: [node], outputs: ["y"]))
        let plan = try Plan(model: m, batch: 1)
        let input = plan.inputBuffer(0).bindMemory(to: Float.self)
        for (i, v) in x.enumerated() { input[i] = v }
        try plan.run()
        return Array(plan.outputBuffer(0).bindMemory(to: Float.self))
    }

    /// Row 0 4 doubled: half_pixel reads u = o/2 − 1/4 (clamped), align_corners o/3, asymmetric o/2.
    func testDoublingOneRow() throws {
        XCTAssertEqual(try resize([0, 4], [1, 1, 2], size: [1, 4], "half_pixel"), [0, 1, 3, 4])
        XCTAssertEqual(try resize([0, 4], [1, 1, 2], size: [1, 4], "align_corners"), [0, Float(4) / 3, Float(8) / 3, 4])
        XCTAssertEqual(try resize([0, 4], [1, 1, 2], size: [1, 4], "asymmetric"), [0, 2, 4, 4])
    }

    /// The same size in half_pixel is the identity; one output pixel in pytorch_half_pixel is the first.
    func testIdentityAndOnePixel() throws {
        let x = (0 ..< 12).map { Float($0 * $0) }
        XCTAssertEqual(try resize(x, [1, 3, 4], size: [3, 4], "half_pixel"), x)
        XCTAssertEqual(try resize(x, [1, 3, 4], size: [1, 1], "pytorch_half_pixel"), [0])
        XCTAssertEqual(try resize(x, [1, 3, 4], size: [1, 1], "align_corners"), [0])
    }

    /// Given scales set the coordinates, not the size: 2 columns scaled by 4 into 3 outputs.
    func testScalesOverrideTheRatio() throws {
        XCTAssertEqual(try resize([0, 8], [1, 1, 2], size: [1, 3], "asymmetric", scales: [1, 4]), [0, 2, 4])
    }

    func testRefusals() {
        XCTAssertThrowsError(try resize([0], [1, 1, 1], size: [1, 1], "tf_crop_and_resize")) { e in
            guard case .badAttribute("b", "coordinates", _)? = e as? RuntimeError else { return XCTFail("\(e)") }
        }
        XCTAssertThrowsError(try resize([0], [1, 1, 1], size: [1, 1], "half_pixel", scales: [0, 1])) { e in
            guard case .badAttribute("b", "scales", _)? = e as? RuntimeError else { return XCTFail("\(e)") }
        }
        XCTAssertThrowsError(try resize([0], [1, 1, 1], size: [0, 1], "half_pixel")) { e in
            guard case .badAttribute("b", "size", _)? = e as? RuntimeError else { return XCTFail("\(e)") }
        }
    }
}
