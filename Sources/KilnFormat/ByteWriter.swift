/// Appends little-endian fields to a byte array; the encoding mirrors `ByteReader`.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func int<T: FixedWidthInteger>(_ v: T) {
        withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func f64(_ v: Double) { int(v.bitPattern) }

    mutating func count(_ n: Int) { int(UInt32(n)) }

    mutating func string(_ s: String) {
        count(s.utf8.count)
        bytes.append(contentsOf: s.utf8)
    }

    mutating func value(_ v: MetadataValue) {
        int(v.typeCode)
        switch v {
        case let .int(x): int(x)
        case let .float(x): f64(x)
        case let .string(x): string(x)
        case let .ints(xs): count(xs.count); xs.forEach { int($0) }
        case let .floats(xs): count(xs.count); xs.forEach { f64($0) }
        case let .strings(xs): count(xs.count); xs.forEach { string($0) }
        }
    }

    mutating func pad(toMultipleOf alignment: Int) {
        while bytes.count % alignment != 0 { bytes.append(0) }
    }
}
