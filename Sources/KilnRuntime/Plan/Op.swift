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

    /// The one input of an op on images: x [N, C, H, W], f32 (or i8 when `int8`).
    func image(_ inputs: [ValueInfo?], int8: Bool = true) throws -> ValueInfo {
        try requireInputs(inputs, max: 1)
        let x = try input(inputs, 0, int8 && inputs.first??.dtype == .i8 ? .i8 : .f32)
        guard x.shape.count == 4 else { throw shapeError("\(op) needs x [N, C, H, W], got \(x.shape)") }
        return x
    }

    /// An integer-list attribute the op cannot do without.
    func requiredInts(_ key: String, count: Int, min: Int, _ what: String) throws -> [Int] {
        guard attribute(key) != nil else { throw RuntimeError.badAttribute(node: name, key: key, message: "\(op) needs \(what)") }
        return try ints(key, default: [], count: count, min: min)
    }
}

/// An op that copies elements without arithmetic, the same way for f32 and i8.
protocol ElementMover: Op {
    func move<T>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>)
}

extension ElementMover {
    func run(_ inputs: [UnsafeRawPointer?], _ outputs: [UnsafeMutableRawPointer], _ scratch: UnsafeMutableRawPointer) {
        if self.outputs[0].dtype == .i8 {
            move(inputs[0]!.assumingMemoryBound(to: Int8.self), outputs[0].assumingMemoryBound(to: Int8.self))
        } else {
            move(inputs[0]!.assumingMemoryBound(to: Float.self), outputs[0].assumingMemoryBound(to: Float.self))
        }
    }
}
