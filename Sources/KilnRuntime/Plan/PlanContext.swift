import CKilnKernels
import KilnFormat

/// What int8 and GEMM ops get at plan time besides their node: the kernel path, the thread pool, a
/// place for plan-time buffers (packed weights, per-channel parameters) and the model's constants.
struct PlanContext {
    let kernels: Int8Kernels
    let pool: ThreadPool
    let buffers: OwnedBuffers
    let model: KilnModel
    /// f32 data of the constants (f16 ones already widened), by name.
    let floatConstants: [String: UnsafePointer<Float>]
    /// Whether ConvTranspose2dGEMM may run one GEMM per kernel row (`Plan.init`'s `splitTransposedConvs`).
    var splitTransposedConvs = true

    /// Plan-time memory for `node` (packed weights, per-channel parameters), within the plan's limit.
    func allocate(_ bytes: Int, for node: Node) throws -> UnsafeMutableRawPointer {
        try buffers.allocate(bytes: bytes, for: "the packed weights and parameters of node '\(node.name)'")
    }

    /// The f32 data of constant input `index` of `node`.
    func floats(_ node: Node, _ index: Int) throws -> UnsafePointer<Float> {
        guard index < node.inputs.count, let p = floatConstants[node.inputs[index]] else {
            throw RuntimeError.inputCount(node: node.name, message: "input #\(index) of \(node.op) must be a constant f32 or f16 tensor")
        }
        return p
    }

    /// The constant tensor that input `index` of `node` names; int8 ops need their parameters
    /// at plan time.
    func constant(_ node: Node, _ index: Int) throws -> Tensor {
        guard index < node.inputs.count, let t = model.tensor(named: node.inputs[index]) else {
            throw RuntimeError.badQuantization(node: node.name, message: "input #\(index) of \(node.op) must be a constant tensor")
        }
        return t
    }
}

extension Node {
    /// An integer attribute in `range`.
    func int(_ key: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let a = attribute(key) else { return value }
        guard let v = a.intValue, v >= Int64(range.lowerBound), v <= Int64(range.upperBound) else {
            throw RuntimeError.badAttribute(node: name, key: key, message: "expected an integer in \(range.lowerBound) ... \(range.upperBound), got \(a)")
        }
        return Int(v)
    }

    /// The `scale` and `zero_point` attributes of QuantizeLinear and DequantizeLinear.
    func linearQuantization() throws -> (scale: Float, zeroPoint: Int32) {
        (try scale("scale"), Int32(try int("zero_point", default: 0, range: -128 ... 127)))
    }

    /// A required positive, finite float attribute (a quantization scale).
    func scale(_ key: String) throws -> Float {
        guard let v = attribute(key)?.floatValue, v.isFinite, Float(v) > 0, Float(v).isFinite else {
            throw RuntimeError.badAttribute(node: name, key: key, message: "expected a positive finite scale, got \(attribute(key).map { "\($0)" } ?? "nothing")")
        }
        return Float(v)
    }
}
