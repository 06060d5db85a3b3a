import KilnFormat

/// Rewrites the header's sizes and every checksum of a (mutated) .kiln file so that they match its
/// bytes: file_size, data_offset and data_size from the tables' size, each tensor's CRC-32 where the
/// tensor table can be walked and the tensor lies in the data section, then the tables' and the
/// header's CRC-32 (Formats/SPEC.md, "Header" and "Tables"). What cannot be read is left as it is.
func fixUp(_ b: inout [UInt8]) {
    guard b.count >= 64 else { return }
    put64(&b, UInt64(b.count), at: 16)
    let tablesSize = readU64(b, 32)
    if readU64(b, 24) == 64, tablesSize <= UInt64(b.count - 64) {
        let tablesEnd = 64 + Int(tablesSize), dataOffset = (tablesEnd + 63) / 64 * 64
        if dataOffset <= b.count {
            put64(&b, UInt64(dataOffset), at: 40)
            put64(&b, UInt64(b.count - dataOffset), at: 48)
            var walker = TableWalker(bytes: b, position: 64, end: tablesEnd)
            for (crcAt, range) in walker.tensorRanges(dataOffset: dataOffset) {
                put32(&b, b[range].withUnsafeBytes { crc32($0) }, at: crcAt)
            }
        }
        put32(&b, b[64 ..< tablesEnd].withUnsafeBytes { crc32($0) }, at: 56)
    }
    put32(&b, b[0 ..< 60].withUnsafeBytes { crc32($0) }, at: 60)
}

private func readU64(_ b: [UInt8], _ at: Int) -> UInt64 { (0 ..< 8).reduce(0) { $0 | UInt64(b[at + $1]) << (8 * $1) } }
private func put64(_ b: inout [UInt8], _ v: UInt64, at: Int) { for i in 0 ..< 8 { b[at + i] = UInt8(truncatingIfNeeded: v >> (8 * i)) } }
private func put32(_ b: inout [UInt8], _ v: UInt32, at: Int) { for i in 0 ..< 4 { b[at + i] = UInt8(truncatingIfNeeded: v >> (8 * i)) } }

/// Reads the metadata section and the tensor table as far as they are well formed.
private struct TableWalker {
    let bytes: [UInt8]
    var position: Int
    let end: Int

    mutating func take(_ n: Int) -> Int? {
        guard n >= 0, n <= end - position else { return nil }
        defer { position += n }
        return position
    }
    mutating func u8() -> Int? { take(1).map { Int(bytes[$0]) } }
    mutating func u32() -> Int? { take(4).map { at in (0 ..< 4).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) } } }
    mutating func u64() -> UInt64? { take(8).map { readU64(bytes, $0) } }
    mutating func skipString() -> Bool { u32().flatMap { take($0) } != nil }

    /// Skips one typed value (Formats/SPEC.md, "Typed values").
    mutating func skipValue(type: Int) -> Bool {
        switch type {
        case 1, 2: return take(8) != nil
        case 3: return skipString()
        case 4, 5: return u32().flatMap { $0 <= (end - position) / 8 ? take(8 * $0) : nil } != nil
        case 6:
            guard let n = u32(), n <= end - position else { return false }
            for _ in 0 ..< n where !skipString() { return false }
            return true
        default: return false
        }
    }

    /// For each tensor of the table: where its CRC-32 is stored, and its bytes when they lie in
    /// the data section.
    mutating func tensorRanges(dataOffset: Int) -> [(Int, Range<Int>)] {
        guard let entries = u32(), entries <= end - position else { return [] }
        for _ in 0 ..< entries {
            guard skipString(), let type = u8(), skipValue(type: type) else { return [] }
        }
        guard let count = u32(), count <= end - position else { return [] }
        var found: [(Int, Range<Int>)] = []
        for _ in 0 ..< count {
            guard skipString(), u8() != nil, let rank = u8(), take(2) != nil, take(8 * rank) != nil,
                  let offset = u64(), let size = u64(), let crcAt = take(4), take(12) != nil else { return found }
            let data = UInt64(bytes.count - dataOffset)
            if offset <= data, size <= data - offset {
                let start = dataOffset + Int(offset)
                found.append((crcAt, start ..< start + Int(size)))
            }
        }
        return found
    }
}
