import KilnFormat

/// Why a model cannot be planned or run. Each `description` names the node and what to do.
public enum RuntimeError: Error, Equatable, CustomStringConvertible {
    /// The op type is not one this runtime implements.
    case unknownOp(op: String, node: String)
    /// An input has the wrong element type for the op.
    case dtypeMismatch(node: String, input: String, expected: DType, found: DType)
    /// Input shapes do not fit the op.
    case shapeMismatch(node: String, message: String)
    /// An attribute is missing, of the wrong type or out of range.
    case badAttribute(node: String, key: String, message: String)
    /// A required input is absent, or there are too many inputs.
    case inputCount(node: String, message: String)
    /// A tensor's size overflows, or exceeds 2^38 elements.
    case tooLarge(what: String)
    /// A plan would take more memory (activations plus plan-time buffers) than its limit allows.
    case overMemoryLimit(what: String, bytes: Int, planned: Int, limit: Int)
    /// The batch size is not positive.
    case badBatch(Int)
    /// A class label at run time is outside the embedding table.
    case labelOutOfRange(node: String, label: Int32, classes: Int)
    /// The int8 kernel path asked for (KILN_KERNELS) does not exist or this CPU cannot run it.
    case kernelPath(name: String, message: String)
    /// The thread count is outside 1 ... 256 or the threads could not be started.
    case badThreads(Int)
    /// A quantized op's parameters break the integer semantics' limits (Formats/SPEC.md).
    case badQuantization(node: String, message: String)

    public var description: String {
        switch self {
        case let .unknownOp(op, node):
            return "node '\(node)' uses op '\(op)', which this kiln does not implement. Upgrade kiln, or re-export the model with supported ops (see Formats/SPEC.md, \"Operators\")."
        case let .dtypeMismatch(node, input, expected, found):
            return "node '\(node)' needs \(expected) for input '\(input)' but it is \(found). Re-export the model; a float model holds f32 weights."
        case let .shapeMismatch(node, message):
            return "node '\(node)': \(message)."
        case let .badAttribute(node, key, message):
            return "node '\(node)' has a bad attribute '\(key)': \(message)."
        case let .inputCount(node, message):
            return "node '\(node)': \(message)."
        case let .tooLarge(what):
            return "\(what) is too large for this runtime (its size overflows or exceeds 2^38 elements); use a smaller batch."
        case let .overMemoryLimit(what, bytes, planned, limit):
            return "planning needs \(Self.bytes(bytes)) for \(what), more than the \(Self.bytes(limit - planned)) left of the memory limit of "
                + "\(Self.bytes(limit)) (\(Self.bytes(planned)) already planned). Lower the batch size, or raise the limit (--max-memory) if this "
                + "machine has the memory."
        case let .badBatch(b):
            return "the batch size must be at least 1, not \(b)."
        case let .labelOutOfRange(node, label, classes):
            return "node '\(node)' got class label \(label), but the model has \(classes) classes (labels 0 to \(classes - 1))."
        case let .kernelPath(name, message):
            return "cannot use the int8 kernel path '\(name)' (KILN_KERNELS): \(message). Unset KILN_KERNELS to pick the fastest supported path."
        case let .badThreads(n):
            return "cannot run on \(n) threads; use 1 to 256 threads."
        case let .badQuantization(node, message):
            return "node '\(node)': \(message). Re-quantize the float model with this kiln (kiln quantize)."
        }
    }

    /// "1.5 GiB", "12.0 MiB", "300 bytes".
    static func bytes(_ n: Int) -> String {
        let units: [(Int, String)] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")]
        guard let (size, name) = units.first(where: { n >= $0.0 }) else { return "\(n) bytes" }
        return "\(n / size).\(n % size * 10 / size) \(name)"
    }
}
