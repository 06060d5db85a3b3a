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
    /// A tensor would be larger than this runtime allows (2^40 bytes) or its size overflows.
    case tooLarge(what: String)
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
            return "\(what) is too large for this runtime (its size overflows or exceeds 2^40 bytes); use a smaller batch."
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
}
