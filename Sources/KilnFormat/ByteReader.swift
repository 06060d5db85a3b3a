/// A bounds-checked little-endian cursor over the tables region. Every read that would pass the
/// end throws `FormatError.truncated`, naming what was being read.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer
    private(set) var position = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var remaining: Int { bytes.count - position }

    private mutating func take<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw FormatError.truncated(what: what()) }
        let v = bytes.loadUnaligned(fromByteOffset: position, as: T.self)
        position += size
        return T(littleEndian: v)
    }

    mutating func u8(_ what: @autoclosure () -> String) throws -> UInt8 { try take(UInt8.self, what()) }
    mutating func u16(_ what: @autoclosure () -> String) throws -> UInt16 { try take(UInt16.self, what()) }
    mutating func u32(_ what: @autoclosure () -> String) throws -> UInt32 { try take(UInt32.self, what()) }
    mutating func i32(_ what: @autoclosure () -> String) throws -> Int32 { try take(Int32.self, what()) }
    mutating func u64(_ what: @autoclosure () -> String) throws -> UInt64 { try take(UInt64.self, what()) }
    mutating func i64(_ what: @autoclosure () -> String) throws -> Int64 { try take(Int64.self, what()) }
    mutating func f64(_ what: @autoclosure () -> String) throws -> Double {
        Double(bitPattern: try take(UInt64.self, what()))
    }

    /// A count of items that each take at least `minItemSize` bytes; rejects counts the remaining
    /// bytes cannot hold, so no caller sizes anything by an unchecked field.
    mutating func count(_ what: @autoclosure () -> String, minItemSize: Int) throws -> Int {
        let n = Int(try u32("the count of \(what())"))
        guard n <= remaining / max(minItemSize, 1) else { throw FormatError.truncated(what: what()) }
        return n
    }

    /// A u32 byte length followed by that many bytes of UTF-8.
    mutating func string(_ what: @autoclosure () -> String) throws -> String {
        let n = Int(try u32("the length of \(what())"))
        guard n <= remaining else { throw FormatError.truncated(what: what()) }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[position ..< position + n])
        position += n
        let s = String(decoding: slice, as: UTF8.self)
        guard s.utf8.elementsEqual(slice) else { throw FormatError.invalid("\(what()) is not valid UTF-8") }
        return s
    }

    /// A typed value: a u8 type code, then its payload.
    mutating func value(_ what: @autoclosure () -> String) throws -> MetadataValue {
        let w = what()
        switch try u8("the type of \(w)") {
        case 1: return .int(try i64(w))
        case 2: return .float(try f64(w))
        case 3: return .string(try string(w))
        case 4:
            let n = try count(w, minItemSize: 8)
            return .ints(try (0 ..< n).map { _ in try i64(w) })
        case 5:
            let n = try count(w, minItemSize: 8)
            return .floats(try (0 ..< n).map { _ in try f64(w) })
        case 6:
            let n = try count(w, minItemSize: 4)
            return .strings(try (0 ..< n).map { _ in try string(w) })
        case let t:
            throw FormatError.invalid("\(w) has unknown value type code \(t)")
        }
    }
}
