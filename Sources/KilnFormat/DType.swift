/// Element types of tensors and graph values. Raw values are the codes stored in the file.
public enum DType: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case f32 = 1
    case f16 = 2
    case i8 = 3
    case i32 = 4
    case u8 = 5

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .f32, .i32: return 4
        case .f16: return 2
        case .i8, .u8: return 1
        }
    }

    public var description: String {
        switch self {
        case .f32: return "f32"
        case .f16: return "f16"
        case .i8: return "i8"
        case .i32: return "i32"
        case .u8: return "u8"
        }
    }
}
