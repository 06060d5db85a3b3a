import Foundation
import KilnFormat
import SwiftProtobuf

/// A tensor known at conversion time: a weight, or the result of folding shape arithmetic.
/// Integer tensors may hold `Constant.batch`, the symbolic batch size of a `Shape` result.
struct Constant {
    var shape: [Int]
    var floats: [Float] = []
    var ints: [Int64] = []
    var isFloat: Bool

    static let batch = Int64.min

    init(shape: [Int], floats: [Float]) { (self.shape, self.floats, isFloat) = (shape, floats, true) }
    init(shape: [Int], ints: [Int64]) { (self.shape, self.ints, isFloat) = (shape, ints, false) }

    var count: Int { shape.reduce(1, *) }

    /// The values as Float (ints converted); the batch symbol is not allowed here.
    var asFloats: [Float] { isFloat ? floats : ints.map { Float($0) } }
    /// The values as Int64, floats truncated toward zero as ONNX's Cast does; NaN, infinities and
    /// values past 2^62 (1e30 in a shape) are an error, not a trap.
    func integers() throws -> [Int64] {
        guard isFloat else { return ints }
        return try floats.map { v in
            guard v.isFinite, abs(v) < 0x1p62 else {
                throw ONNXError.invalid("a tensor used as a shape, an axis or an index holds \(v), which is not a number it can use")
            }
            return Int64(v)
        }
    }

    /// A Kiln f32 tensor with these values.
    func tensor(named name: String) -> Tensor { Tensor(name: name, shape: shape.map(Int64.init), floats: asFloats) }

    /// Decodes an ONNX TensorProto: raw_data, the typed fields, or external data next to the model.
    init(_ t: Onnx_TensorProto, external: ExternalData) throws {
        let dims = t.dims.map { Int($0) }
        // Checked one factor at a time: [2^40, 2^40, 0] overflows before its 0 is reached.
        guard let n = dims.checkedProduct(), n <= 1 << 31 else {
            throw ONNXError.invalid("tensor '\(t.name)' has shape \(dims)")
        }
        var raw = t.rawData
        if t.dataLocation == .external { raw = try external.bytes(of: t) }
        guard let type = Onnx_TensorProto.DataType(rawValue: Int(t.dataType)) else { throw ONNXError.invalid("tensor '\(t.name)' has data type \(t.dataType)") }
        let hasRaw = t.hasRawData || t.dataLocation == .external
        func fromRaw<T>(_: T.Type) throws -> [T] {
            guard raw.count == n * MemoryLayout<T>.size else {
                throw ONNXError.invalid("tensor '\(t.name)' holds \(raw.count) bytes for \(n) elements of \(type)")
            }
            return raw.withUnsafeBytes { b in (0 ..< n).map { b.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self) } }
        }
        func check(_ count: Int) throws {
            guard count == n else { throw ONNXError.invalid("tensor '\(t.name)' holds \(count) values for shape \(dims)") }
        }
        switch type {
        case .float:
            let v = hasRaw ? try fromRaw(Float.self) : t.floatData
            try check(v.count)
            self.init(shape: dims, floats: v)
        case .double:
            let v = hasRaw ? try fromRaw(Double.self).map(Float.init) : t.doubleData.map(Float.init)
            try check(v.count)
            self.init(shape: dims, floats: v)
        case .float16:
            let bits = hasRaw ? try fromRaw(UInt16.self) : t.int32Data.map { UInt16(truncatingIfNeeded: $0) }
            try check(bits.count)
            self.init(shape: dims, floats: bits.map { Float(Float16(bitPattern: $0)) })
        case .int64:
            let v = hasRaw ? try fromRaw(Int64.self) : t.int64Data
            try check(v.count)
            self.init(shape: dims, ints: v)
        case .int32, .int16, .int8, .uint8, .bool:
            let v: [Int64]
            if hasRaw {
                switch type {
                case .int32: v = try fromRaw(Int32.self).map(Int64.init)
                case .int16: v = try fromRaw(Int16.self).map(Int64.init)
                case .int8: v = try fromRaw(Int8.self).map(Int64.init)
                default: v = try fromRaw(UInt8.self).map(Int64.init)
                }
            } else {
                v = t.int32Data.map(Int64.init)
            }
            try check(v.count)
            self.init(shape: dims, ints: v)
        default:
            throw ONNXError.invalid("tensor '\(t.name)' has data type \(type), which kiln does not read (float, double, float16 and integers are supported)")
        }
    }
}
