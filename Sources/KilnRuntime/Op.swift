import KilnFormat

/// A planned operation: shapes are fixed at plan time, `run` reads and writes preallocated
/// buffers and never allocates.
protocol Op {
    /// Output element types and shapes (batch first).
    var outputs: [ValueInfo] { get }
    /// Multiply-accumulates per sample (0 for ops that do none).
    var macsPerSample: Int { get }
    /// Bytes of scratch memory `run` needs (64-byte aligned; shared by all ops of a plan).
    var scratchBytes: Int { get }
    /// Computes the outputs. `inputs[i]` is nil for an absent optional input.
    func run(_ inputs: [UnsafeRawPointer?], _ outputs: [UnsafeMutableRawPointer], _ scratch: UnsafeMutableRawPointer) throws
}

extension Op {
    var scratchBytes: Int { 0 }
}

/// Makes an op from its node and the planner's knowledge of its inputs (nil: absent optional input).
typealias OpFactory = @Sendable (Node, [ValueInfo?]) throws -> Op

/// The float kernels a plan uses for Conv2d, ConvTranspose2d and Dense.
public enum FloatKernels: String, Sendable, CaseIterable {
    /// Plain loops that sum in Double: the reference.
    case reference
    /// im2col / col2im and the packed f32 GEMM of CKilnKernels (float sums, FMA where the CPU has it).
    case gemm
}

/// Ops with a GEMM implementation, used when a plan asks for `FloatKernels.gemm`; they split
/// their GEMMs between the plan's threads. BatchNorm2d (with plan-time square roots) and the
/// element-wise ops are the reference ops with their work split between the threads too.
let gemmOpFactories: [String: @Sendable (Node, [ValueInfo?], PlanContext) throws -> Op] = [
    "BatchNorm2d": { try BatchNorm2d(node: $0, inputs: $1, context: $2) },
    "ReLU": { try Elementwise(node: $0, inputs: $1, kind: .relu, pool: $2.pool) },
    "LeakyReLU": { try Elementwise(node: $0, inputs: $1, kind: .leakyReLU, pool: $2.pool) },
    "Tanh": { try Elementwise(node: $0, inputs: $1, kind: .tanh, pool: $2.pool) },
    "Sigmoid": { try Elementwise(node: $0, inputs: $1, kind: .sigmoid, pool: $2.pool) },
    "Mul": { try Elementwise(node: $0, inputs: $1, kind: .mulByConstant, pool: $2.pool) },
    "Dense": { try DenseGEMM(node: $0, inputs: $1, context: $2) },
    "Conv2d": { try Conv2dGEMM(node: $0, inputs: $1, context: $2) },
    "ConvTranspose2d": { try ConvTranspose2dGEMM(node: $0, inputs: $1, context: $2) },
]

/// Every op the runtime implements, by the op name stored in the file.
let opFactories: [String: OpFactory] = [
    "Dense": Dense.init,
    "Conv2d": Conv2d.init,
    "ConvTranspose2d": ConvTranspose2d.init,
    "BatchNorm2d": BatchNorm2d.init,
    "InstanceNorm2d": InstanceNorm2d.init,
    "ReLU": { try Elementwise(node: $0, inputs: $1, kind: .relu) },
    "LeakyReLU": { try Elementwise(node: $0, inputs: $1, kind: .leakyReLU) },
    "Tanh": { try Elementwise(node: $0, inputs: $1, kind: .tanh) },
    "Sigmoid": { try Elementwise(node: $0, inputs: $1, kind: .sigmoid) },
    "Mul": { try Elementwise(node: $0, inputs: $1, kind: .mulByConstant) },
    "PReLU": PReLU.init,
    "Reshape": Reshape.init,
    "Flatten": { try Reshape.flatten(node: $0, inputs: $1) },
    "Concat": Concat.init,
    "Add": Add.init,
    "Upsample": Upsample.init,
    "Embedding": Embedding.init,
    "MaxPool2d": MaxPool2d.init,
    "Softmax": Softmax.init,
]

/// Helpers for reading a node's inputs and attributes with errors that name the node.
extension Node {
    /// The input at `index`, required to be present and of `dtype`.
    func input(_ inputs: [ValueInfo?], _ index: Int, _ dtype: DType = .f32) throws -> ValueInfo {
        guard index < inputs.count, let v = inputs[index] else {
            throw RuntimeError.inputCount(node: name, message: "\(op) needs input #\(index)")
        }
        guard v.dtype == dtype else {
            throw RuntimeError.dtypeMismatch(node: name, input: self.inputs[index], expected: dtype, found: v.dtype)
        }
        return v
    }

    /// The optional input at `index`, of `dtype` when present.
    func optionalInput(_ inputs: [ValueInfo?], _ index: Int, _ dtype: DType = .f32) throws -> ValueInfo? {
        guard index < inputs.count, inputs[index] != nil else { return nil }
        return try input(inputs, index, dtype)
    }

    func requireInputs(_ inputs: [ValueInfo?], max: Int) throws {
        guard inputs.count <= max else {
            throw RuntimeError.inputCount(node: name, message: "\(op) takes at most \(max) inputs, got \(inputs.count)")
        }
    }

    /// An integer-list attribute of exactly `count` values, each >= `min`.
    func ints(_ key: String, default value: [Int], count: Int, min: Int) throws -> [Int] {
        guard let a = attribute(key) else { return value }
        guard let v = a.intsValue, v.count == count else {
            throw RuntimeError.badAttribute(node: name, key: key, message: "expected a list of \(count) integers, got \(a)")
        }
        guard v.allSatisfy({ $0 >= Int64(min) && $0 <= 1 << 20 }) else {
            throw RuntimeError.badAttribute(node: name, key: key, message: "values must be \(min) to 2^20, got \(a)")
        }
        return v.map { Int($0) }
    }

    func float(_ key: String, default value: Double) throws -> Double {
        guard let a = attribute(key) else { return value }
        guard let v = a.floatValue, v.isFinite else {
            throw RuntimeError.badAttribute(node: name, key: key, message: "expected a finite number, got \(a)")
        }
        return v
    }

    func shapeError(_ message: String) -> RuntimeError { .shapeMismatch(node: name, message: message) }
}
