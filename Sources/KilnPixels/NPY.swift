/// NumPy `.npy` arrays (format versions 1.0, 2.0 and 3.0; C order; little-endian), so anyone can
/// check Kiln against their own framework.
public struct NPYArray: Equatable, Sendable {
    public enum Element: Equatable, Sendable {
        case float32([Float])
        case int32([Int32])
    }

    public var shape: [Int]
    public var data: Element

    public init(shape: [Int], data: Element) {
        self.shape = shape
        self.data = data
    }

    public var count: Int { shape.reduce(1, *) }
}

public enum NPYError: Error, Equatable, CustomStringConvertible {
    case notNPY
    case truncated
    case badHeader(String)
    case unsupportedDType(String)
    case fortranOrder
    case valueOutOfRange(String)

    public var description: String {
        switch self {
        case .notNPY: return "not a .npy file (it lacks the \\x93NUMPY magic); save arrays with numpy.save"
        case .truncated: return "the .npy file is truncated: it holds fewer bytes than its header's shape needs"
        case let .badHeader(h): return "the .npy header cannot be read: \(h)"
        case let .unsupportedDType(d): return "the .npy dtype '\(d)' is not supported; use float32 (<f4) or int32 (<i4), e.g. a.astype(numpy.float32)"
        case .fortranOrder: return "the .npy array is in Fortran order; save numpy.ascontiguousarray(a) instead"
        case let .valueOutOfRange(m): return m
        }
    }
}

extension NPYArray {
    /// Parses `.npy` bytes. float64 is converted to float32 and int64 to int32 (checked).
    public static func decode(_ bytes: [UInt8]) throws -> NPYArray {
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
        guard bytes.count >= 10, Array(bytes[0 ..< 6]) == magic else { throw NPYError.notNPY }
        let major = bytes[6]
        let lenSize = major == 1 ? 2 : 4
        guard major >= 1, major <= 3, bytes.count >= 8 + lenSize else { throw NPYError.badHeader("unknown version \(major)") }
        var headerLen = 0
        for i in 0 ..< lenSize { headerLen |= Int(bytes[8 + i]) << (8 * i) }
        let start = 8 + lenSize
        guard bytes.count >= start + headerLen else { throw NPYError.truncated }
        // The dictionary, without the padding of spaces and the newline that end it.
        var header = String(decoding: bytes[start ..< start + headerLen], as: UTF8.self)
        while let last = header.last, last == " " || last == "\n" || last == "\0" { header.removeLast() }
        let descr = try field(header, "descr")
        let fortran = try field(header, "fortran_order")
        guard fortran.hasPrefix("False") else { throw NPYError.fortranOrder }
        let shapeText = try field(header, "shape")
        guard shapeText.hasPrefix("("), let close = shapeText.firstIndex(of: ")") else { throw NPYError.badHeader(header) }
        let dims = shapeText[shapeText.index(after: shapeText.startIndex) ..< close]
            .split(separator: ",").map { $0.filter { $0 != " " } }.filter { !$0.isEmpty }
        var shape: [Int] = []
        var count = 1
        for d in dims {
            guard let v = Int(d), v >= 0 else { throw NPYError.badHeader("bad dimension '\(d)'") }
            let (p, o) = count.multipliedReportingOverflow(by: v)
            guard !o, p <= 1 << 34 else { throw NPYError.badHeader("shape \(shapeText) is too large") }
            shape.append(v)
            count = p
        }
        let body = bytes[(start + headerLen)...]
        let q = String(descr.prefix { $0 != "," }.filter { $0 != "'" && $0 != "\"" })
        let itemSize: Int
        switch q {
        case "<f4", "<i4": itemSize = 4
        case "<f8", "<i8": itemSize = 8
        default: throw NPYError.unsupportedDType(q)
        }
        guard body.count >= count * itemSize else { throw NPYError.truncated }
        return try body.withUnsafeBytes { raw -> NPYArray in
            func load<T: FixedWidthInteger>(_: T.Type, _ i: Int) -> T { T(littleEndian: raw.loadUnaligned(fromByteOffset: i * itemSize, as: T.self)) }
            switch q {
            case "<f4": return NPYArray(shape: shape, data: .float32((0 ..< count).map { Float(bitPattern: load(UInt32.self, $0)) }))
            case "<f8": return NPYArray(shape: shape, data: .float32((0 ..< count).map { Float(Double(bitPattern: load(UInt64.self, $0))) }))
            case "<i4": return NPYArray(shape: shape, data: .int32((0 ..< count).map { load(Int32.self, $0) }))
            default:
                let values = try (0 ..< count).map { i -> Int32 in
                    let v = load(Int64.self, i)
                    guard let w = Int32(exactly: v) else { throw NPYError.valueOutOfRange("the int64 value \(v) does not fit in int32") }
                    return w
                }
                return NPYArray(shape: shape, data: .int32(values))
            }
        }
    }

    /// `.npy` version 1.0 bytes (little-endian, C order), header padded to a multiple of 64.
    public func encode() -> [UInt8] {
        let descr: String
        switch data {
        case .float32: descr = "<f4"
        case .int32: descr = "<i4"
        }
        let dims = shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? "," : "")
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': (\(dims)), }"
        let total = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - total % 64) % 64) + "\n"
        var out: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0]
        let n = header.utf8.count
        out += [UInt8(n & 0xFF), UInt8(n >> 8)]
        out += header.utf8
        switch data {
        case let .float32(v): v.withUnsafeBytes { out += $0 }
        case let .int32(v): v.withUnsafeBytes { out += $0 }
        }
        return out
    }

    private static func field(_ header: String, _ key: String) throws -> Substring {
        guard let r = header.range(of: "'\(key)':") else { throw NPYError.badHeader("no '\(key)' in \(header)") }
        return header[r.upperBound...].drop { $0 == " " }
    }
}

private extension String {
    /// The first occurrence of `needle` (the runtime modules avoid Foundation's `range(of:)`).
    func range(of needle: String) -> Range<String.Index>? {
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(needle) { return i ..< index(i, offsetBy: needle.count) }
            i = index(after: i)
        }
        return nil
    }
}
