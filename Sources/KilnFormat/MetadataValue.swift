/// A typed value of a metadata entry or a node attribute. Raw type codes are in `Formats/SPEC.md`.
public enum MetadataValue: Equatable, Sendable, CustomStringConvertible {
    case int(Int64)
    case float(Double)
    case string(String)
    case ints([Int64])
    case floats([Double])
    case strings([String])

    /// The type code stored before the payload.
    var typeCode: UInt8 {
        switch self {
        case .int: return 1
        case .float: return 2
        case .string: return 3
        case .ints: return 4
        case .floats: return 5
        case .strings: return 6
        }
    }

    public var intValue: Int64? { if case let .int(v) = self { return v }; return nil }
    /// A float, or an int widened to Double.
    public var floatValue: Double? {
        switch self {
        case let .float(v): return v
        case let .int(v): return Double(v)
        default: return nil
        }
    }
    public var stringValue: String? { if case let .string(v) = self { return v }; return nil }
    public var intsValue: [Int64]? { if case let .ints(v) = self { return v }; return nil }
    /// Floats, or ints widened to Double.
    public var floatsValue: [Double]? {
        switch self {
        case let .floats(v): return v
        case let .ints(v): return v.map(Double.init)
        default: return nil
        }
    }
    public var stringsValue: [String]? { if case let .strings(v) = self { return v }; return nil }

    public var description: String {
        switch self {
        case let .int(v): return String(v)
        case let .float(v): return String(v)
        case let .string(v): return "\"\(v)\""
        case let .ints(v): return "[" + v.map(String.init).joined(separator: ", ") + "]"
        case let .floats(v): return "[" + v.map { String($0) }.joined(separator: ", ") + "]"
        case let .strings(v): return "[" + v.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
        }
    }
}
