extension KilnModel {
    /// The canonical file bytes: header, tables, zero padding to 64, tensors in table order each
    /// at the next 64-byte boundary. The same model always encodes to the same bytes.
    public func encode() throws -> [UInt8] {
        try validate()
        return encodeUnchecked()
    }

    /// The encoding without validation; tests use it to make invalid files.
    func encodeUnchecked() -> [UInt8] {
        var offsets: [UInt64] = []
        var dataSize = 0
        for t in tensors {
            dataSize = (dataSize + Header.alignment - 1) / Header.alignment * Header.alignment
            offsets.append(UInt64(dataSize))
            dataSize += t.bytes.count
        }
        var w = ByteWriter()
        w.count(metadata.count)
        for (k, v) in metadata { w.string(k); w.value(v) }
        w.count(tensors.count)
        for (t, offset) in zip(tensors, offsets) {
            w.string(t.name)
            w.int(t.dtype.rawValue)
            w.int(UInt8(t.shape.count))
            w.int(UInt16(0))
            t.shape.forEach { w.int($0) }
            w.int(offset)
            w.int(UInt64(t.bytes.count))
            w.int(crc32(t.bytes))
            w.int(t.quantAxis)
            w.int(t.quantScaleTensor ?? Header.noTensor)
            w.int(t.quantZeroPointTensor ?? Header.noTensor)
        }
        w.count(graph.inputs.count)
        for i in graph.inputs {
            w.string(i.name)
            w.int(i.dtype.rawValue)
            w.int(UInt8(i.shape.count))
            i.shape.forEach { w.int($0) }
        }
        w.count(graph.outputs.count)
        graph.outputs.forEach { w.string($0) }
        w.count(graph.nodes.count)
        for n in graph.nodes {
            w.string(n.op)
            w.string(n.name)
            w.count(n.inputs.count); n.inputs.forEach { w.string($0) }
            w.count(n.outputs.count); n.outputs.forEach { w.string($0) }
            w.count(n.attributes.count)
            for (k, v) in n.attributes { w.string(k); w.value(v) }
        }
        let tables = w.bytes
        let dataOffset = (Header.size + tables.count + Header.alignment - 1) / Header.alignment * Header.alignment
        let fileSize = dataOffset + dataSize

        var h = ByteWriter()
        h.bytes.append(contentsOf: Header.magic)
        h.int(Header.littleEndian)
        h.int(UInt8(Header.size))
        h.int(KilnFormatVersion.major)
        h.int(KilnFormatVersion.minor)
        h.int(UInt16(0))
        h.int(UInt32(0))
        h.int(UInt64(fileSize))
        h.int(UInt64(Header.size))
        h.int(UInt64(tables.count))
        h.int(UInt64(dataOffset))
        h.int(UInt64(dataSize))
        h.int(tables.withUnsafeBytes { crc32($0) })
        h.int(h.bytes.withUnsafeBytes { crc32($0) })

        var out = h.bytes
        out.reserveCapacity(fileSize)
        out.append(contentsOf: tables)
        for (t, offset) in zip(tensors, offsets) {
            out.append(contentsOf: repeatElement(0, count: dataOffset + Int(offset) - out.count))
            out.append(contentsOf: t.bytes)
        }
        out.append(contentsOf: repeatElement(0, count: fileSize - out.count))
        return out
    }
}
