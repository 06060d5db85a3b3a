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
