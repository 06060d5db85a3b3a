import CKilnKernels
import KilnFormat

/// The integer parameters of QConv2d, QConvTranspose2d and QDense: inputs 2 (bias, i32 [M]) and
/// 3 (requant, i32 [M, 3]: multiplier for acc >= 0, multiplier for acc < 0, shift), attributes
/// x_zero_point and y_zero_point. Checked against the limits of Formats/SPEC.md at plan time.
struct Requantization {
    let xZero, yZero: Int32
    let bias, requant: Tensor

    init(node: Node, context: PlanContext, channels m: Int) throws {
        xZero = Int32(try node.int("x_zero_point", default: 0, range: -128 ... 127))
        yZero = Int32(try node.int("y_zero_point", default: 0, range: -128 ... 127))
        (bias, requant) = (try context.constant(node, 2), try context.constant(node, 3))
        guard bias.dtype == .i32, bias.shape == [Int64(m)] else {
            throw node.shapeError("bias must be i32 [\(m)], got \(bias.dtype) \(bias.shape)")
        }
        guard requant.dtype == .i32, requant.shape == [Int64(m), 3] else {
            throw node.shapeError("requant must be i32 [\(m), 3] (multiplier for acc >= 0, for acc < 0, shift), got \(requant.dtype) \(requant.shape)")
        }
        let r = requant.bytes.bindMemory(to: Int32.self)
        for i in 0 ..< m where !(1 ... 62).contains(r[3 * i + 2]) {
            throw RuntimeError.badQuantization(node: node.name, message: "channel \(i) has shift \(r[3 * i + 2]); shifts must be 1 to 62")
        }
    }

    var biasValues: UnsafePointer<Int32> { bias.bytes.bindMemory(to: Int32.self).baseAddress! }
    var requantValues: UnsafePointer<Int32> { requant.bytes.bindMemory(to: Int32.self).baseAddress! }

    /// Checks int8 weights are i8 (their range, -127 ... 127, is checked while packing them).
    static func checkWeights(_ w: Tensor, node: Node) throws {
        guard w.dtype == .i8 else { throw node.shapeError("weights must be i8, got \(w.dtype)") }
    }

    /// The error for a failed kiln_qs8_make_channels / pack status (-2: a weight is -128).
    static func packError(_ status: Int32, _ node: Node) -> RuntimeError {
        status == -2 ? .badQuantization(node: node.name, message: "weight tensor '\(node.inputs[1])' holds -128; int8 weights must be in -127 ... 127")
            : .badQuantization(node: node.name, message: "a bias with its zero-point correction leaves +-2^30")
    }

    /// Per-channel kernel parameters for weights [m][k] (the bias corrected for x_zero_point).
    func channels(weights: UnsafePointer<Int8>, m: Int, k: Int, node: Node, context: PlanContext) throws -> UnsafePointer<kiln_qs8_channel> {
        let p = try context.allocate(m * MemoryLayout<kiln_qs8_channel>.stride, for: node).bindMemory(to: kiln_qs8_channel.self, capacity: m)
        let status = kiln_qs8_make_channels(m, k, weights, biasValues, requantValues, xZero, p)
        guard status == 0 else { throw Self.packError(status, node) }
        return UnsafePointer(p)
    }
}
