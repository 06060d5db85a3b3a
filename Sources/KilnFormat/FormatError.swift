/// Everything that can be wrong with a `.kiln` file. Each case's `description` says what is
/// wrong and what to do about it.
public enum FormatError: Error, Equatable, CustomStringConvertible {
    /// The file could not be opened (errno's text in `reason`).
    case cannotOpen(path: String, reason: String)
    /// The path names a folder, a named pipe, a device or a socket, not a file.
    case notAFile(path: String, kind: String)
    /// The file is shorter than the fixed 64-byte header (0 for an empty file).
    case tooSmall(size: Int)
    /// The first four bytes are not `KILN`.
    case badMagic(found: [UInt8])
    /// The byte-order flag is not 1 (little-endian), or this host is not little-endian.
    case unsupportedByteOrder(UInt8)
    /// Written by a newer Kiln whose major version this reader does not know.
    case unsupportedVersion(major: UInt16, minor: UInt16)
    /// The CRC-32 of a region does not match the one stored in the file.
    case checksumMismatch(region: String, stored: UInt32, computed: UInt32)
    /// The header's file size is not the file's size.
    case sizeMismatch(declared: UInt64, actual: Int)
    /// A region (section or tensor) lies outside the file or is misaligned.
    case outOfBounds(what: String, offset: UInt64, size: UInt64, limit: UInt64)
    /// Bytes ran out while decoding `what`.
    case truncated(what: String)
    /// A structural value is invalid; `what` says which and why.
    case invalid(String)
    /// The element count of a shape overflows 64 bits or exceeds the tensor's size.
    case shapeOverflow(name: String, dims: [Int64])
    /// A name is used twice (tensor, graph input or node output).
    case duplicateName(String)
    /// A node reads a value that no input, constant or node defines.
    case danglingReference(node: String, value: String)
    /// Nodes depend on each other in a cycle.
    case cycle(nodes: [String])

    public var description: String {
        switch self {
        case let .notAFile(path, kind):
            return "'\(path)' is \(kind), not a file; give the path of a .kiln model file."
        case let .cannotOpen(path, reason):
            return "cannot open '\(path)': \(reason). Check the path and that the file is readable."
        case let .tooSmall(size):
            return size == 0
                ? "the file is empty; it is not a .kiln model. Re-export or re-download it."
                : "the file is \(size) bytes, shorter than the 64-byte .kiln header; it is truncated or not a .kiln model."
        case let .badMagic(found):
            let hex = found.map { String($0, radix: 16, uppercase: true) }.joined(separator: " ")
            return "not a .kiln file: the first bytes are [\(hex)], not 'KILN' [4B 49 4C 4E]. Convert the model with `kiln convert` first."
        case let .unsupportedByteOrder(flag):
            return "byte-order flag \(flag) is not supported: Kiln v1 files are little-endian (flag 1) and load only on little-endian CPUs."
        case let .unsupportedVersion(major, minor):
            return "the file is format version \(major).\(minor); this kiln reads major version \(KilnFormatVersion.major). Upgrade kiln to read it."
        case let .checksumMismatch(region, stored, computed):
            return "checksum mismatch in \(region): stored CRC-32 \(hex32(stored)), computed \(hex32(computed)). The file is corrupted; copy or download it again."
        case let .sizeMismatch(declared, actual):
            return actual < declared
                ? "the file is truncated: the header says \(declared) bytes but the file has \(actual). Copy or download it again."
                : "the file has \(actual) bytes but its header says \(declared): trailing bytes were appended. Copy or download it again."
        case let .outOfBounds(what, offset, size, limit):
            return "\(what) at offset \(offset) with size \(size) does not fit in \(limit) bytes (or is misaligned); the file is corrupted."
        case let .truncated(what):
            return "the file's tables end in the middle of \(what); the file is corrupted."
        case let .invalid(what):
            return "invalid model: \(what)."
        case let .shapeOverflow(name, dims):
            return "tensor '\(name)' has shape \(dims), whose element count overflows or does not match its data; the file is corrupted."
        case let .duplicateName(name):
            return "the name '\(name)' is defined twice; every tensor, graph input and node output needs a unique name."
        case let .danglingReference(node, value):
            return "node '\(node)' reads '\(value)', which no graph input, constant tensor or node output defines."
        case let .cycle(nodes):
            return "the graph has a cycle through nodes \(nodes.prefix(8).map { "'\($0)'" }.joined(separator: ", ")); a model graph must be acyclic."
        }
    }
}

func hex32(_ v: UInt32) -> String {
    let s = String(v, radix: 16, uppercase: true)
    return "0x" + String(repeating: "0", count: 8 - s.count) + s
}
