/// The fixed header layout (see `Formats/SPEC.md`, "Header").
enum Header {
    static let size = 64
    static let magic: [UInt8] = [0x4B, 0x49, 0x4C, 0x4E]  // "KILN"
    static let littleEndian: UInt8 = 1
    static let alignment = 64
    static let noTensor = UInt32.max
}

extension KilnModel {
    /// Maps the file at `path` and validates all of it: header, checksums of the header, the
    /// tables and every tensor, bounds, shapes, names and the graph. Tensor bytes stay in the map.
    public static func load(path: String) throws -> KilnModel {
        let file = try MappedFile(path: path)
        return try decode(file.bytes, owner: file)
    }

    /// Decodes and validates a model from bytes (copied into an owned, aligned buffer).
    public static func decode(_ bytes: [UInt8]) throws -> KilnModel {
        try bytes.withUnsafeBytes { try decode(copying: $0) }
    }

    /// Decodes and validates a model from the bytes at `bytes`, copied first into an owned,
    /// aligned buffer (the caller's memory is not used after the call).
    public static func decode(copying bytes: UnsafeRawBufferPointer) throws -> KilnModel {
        let storage = AlignedStorage(byteCount: bytes.count)
        if let b = bytes.baseAddress { storage.pointer.copyMemory(from: b, byteCount: bytes.count) }
        return try decode(UnsafeRawBufferPointer(start: storage.pointer, count: bytes.count), owner: storage)
    }

    static func decode(_ file: UnsafeRawBufferPointer, owner: AnyObject) throws -> KilnModel {
        guard file.count >= Header.size else { throw FormatError.tooSmall(size: file.count) }
        let magic = Array(file[0 ..< 4])
        guard magic == Header.magic else { throw FormatError.badMagic(found: magic) }
        var h = ByteReader(UnsafeRawBufferPointer(rebasing: file[0 ..< Header.size]))
        _ = try h.u32("magic")
        let order = try h.u8("byte order")
        guard order == Header.littleEndian, 1.littleEndian == 1 else { throw FormatError.unsupportedByteOrder(order) }
        let headerSize = try h.u8("header size")
        let major = try h.u16("major version")
        let minor = try h.u16("minor version")
        guard major == KilnFormatVersion.major else { throw FormatError.unsupportedVersion(major: major, minor: minor) }
        let storedHeaderCRC = file.loadUnaligned(fromByteOffset: 60, as: UInt32.self).littleEndian
        let headerCRC = crc32(UnsafeRawBufferPointer(rebasing: file[0 ..< 60]))
        guard storedHeaderCRC == headerCRC else {
            throw FormatError.checksumMismatch(region: "the header", stored: storedHeaderCRC, computed: headerCRC)
        }
        guard headerSize == Header.size else { throw FormatError.invalid("the header size field is \(headerSize), not 64") }
        let reserved = try h.u16("reserved")
        let flags = try h.u32("flags")
        guard reserved == 0, flags == 0 else { throw FormatError.invalid("header flags are \(flags) and reserved bits \(reserved); v1 defines neither") }
        let fileSize = try h.u64("file size")
        guard fileSize == UInt64(file.count) else { throw FormatError.sizeMismatch(declared: fileSize, actual: file.count) }
        let tablesOffset = try h.u64("tables offset")
        let tablesSize = try h.u64("tables size")
        let dataOffset = try h.u64("data offset")
        let dataSize = try h.u64("data size")
        let tablesCRC = try h.u32("tables CRC")
        let limit = UInt64(file.count)
        guard tablesOffset == UInt64(Header.size), tablesSize <= limit - tablesOffset else {
            throw FormatError.outOfBounds(what: "the tables", offset: tablesOffset, size: tablesSize, limit: limit)
        }
        guard dataOffset % UInt64(Header.alignment) == 0, dataOffset >= tablesOffset + tablesSize,
              dataOffset <= limit, dataSize == limit - dataOffset else {
            throw FormatError.outOfBounds(what: "the data section", offset: dataOffset, size: dataSize, limit: limit)
        }
        let tables = UnsafeRawBufferPointer(rebasing: file[Int(tablesOffset) ..< Int(tablesOffset + tablesSize)])
        let computed = crc32(tables)
        guard computed == tablesCRC else {
            throw FormatError.checksumMismatch(region: "the tables (metadata, tensor table, graph)", stored: tablesCRC, computed: computed)
        }
        try requireZero(file[Int(tablesOffset + tablesSize) ..< Int(dataOffset)], "the padding after the tables")
        let data = UnsafeRawBufferPointer(rebasing: file[Int(dataOffset)...])
        var r = ByteReader(tables)
        let metadata = try readMetadata(&r)
        let tensors = try readTensors(&r, data: data, owner: owner)
        let graph = try readGraph(&r)
        guard r.remaining == 0 else { throw FormatError.invalid("\(r.remaining) unexpected bytes follow the graph in the tables") }
        var model = KilnModel(metadata: metadata, tensors: tensors, graph: graph)
        model.minorVersion = minor
        model.fileBytes = file.count
        try model.validate()
        return model
    }

    private static func readMetadata(_ r: inout ByteReader) throws -> [(String, MetadataValue)] {
        let n = try r.count("metadata entries", minItemSize: 5)
        return try (0 ..< n).map { i in
            let key = try r.string("metadata key #\(i)")
            return (key, try r.value("metadata '\(key)'"))
        }
    }

    private static func readTensors(_ r: inout ByteReader, data: UnsafeRawBufferPointer, owner: AnyObject) throws -> [Tensor] {
        let n = try r.count("tensor table", minItemSize: 40)
        var end = 0  // where the previous tensor's bytes end
        let tensors = try (0 ..< n).map { i in
            let name = try r.string("the name of tensor #\(i)")
            let what = "tensor '\(name)'"
            let code = try r.u8(what)
            guard let dtype = DType(rawValue: code) else {
                throw FormatError.invalid("\(what) has unknown dtype code \(code) (known: 1 f32, 2 f16, 3 i8, 4 i32, 5 u8)")
            }
            let rank = Int(try r.u8(what))
            guard rank <= 8 else { throw FormatError.invalid("\(what) has rank \(rank); at most 8 is allowed") }
            guard try r.u16(what) == 0 else { throw FormatError.invalid("\(what) has non-zero reserved bits") }
            let shape = try (0 ..< rank).map { _ in try r.i64(what) }
            let offset = try r.u64(what)
            let size = try r.u64(what)
            let crc = try r.u32(what)
            let axis = try r.i32(what)
            let scale = try r.u32(what)
            let zeroPoint = try r.u32(what)
            let limit = UInt64(data.count)
            guard offset % UInt64(Header.alignment) == 0, offset <= limit, size <= limit - offset else {
                throw FormatError.outOfBounds(what: "the data of \(what)", offset: offset, size: size, limit: limit)
            }
            let expected = (end + Header.alignment - 1) / Header.alignment * Header.alignment
            guard offset == UInt64(expected) else {
                throw FormatError.invalid("\(what) is at data offset \(offset); v1 stores tensors in table order, each at the first 64-byte boundary after the previous one (\(expected))")
            }
            try requireZero(data[end ..< expected], "the padding before \(what)")
            end = Int(offset + size)
            let bytes = UnsafeRawBufferPointer(rebasing: data[Int(offset) ..< Int(offset + size)])
            let computed = crc32(bytes)
            guard computed == crc else { throw FormatError.checksumMismatch(region: what, stored: crc, computed: computed) }
            var t = Tensor(name: name, dtype: dtype, shape: shape, bytes: bytes, owner: owner)
            t.quantAxis = axis
            t.quantScaleTensor = scale == Header.noTensor ? nil : scale
            t.quantZeroPointTensor = zeroPoint == Header.noTensor ? nil : zeroPoint
            return t
        }
        guard end == data.count else {
            throw FormatError.invalid("the data section has \(data.count - end) bytes after the last tensor")
        }
        return tensors
    }

    /// Padding must be zero, so that every byte of a file is checked and the layout is canonical.
    private static func requireZero(_ bytes: Slice<UnsafeRawBufferPointer>, _ what: String) throws {
        guard bytes.allSatisfy({ $0 == 0 }) else { throw FormatError.invalid("\(what) is not zero") }
    }

    private static func readGraph(_ r: inout ByteReader) throws -> Graph {
        let nIn = try r.count("graph inputs", minItemSize: 6)
        let inputs = try (0 ..< nIn).map { i -> GraphInput in
            let name = try r.string("graph input #\(i)")
            let code = try r.u8("graph input '\(name)'")
            guard let dtype = DType(rawValue: code) else {
                throw FormatError.invalid("graph input '\(name)' has unknown dtype code \(code)")
            }
            let rank = Int(try r.u8("graph input '\(name)'"))
            guard rank <= 8 else { throw FormatError.invalid("graph input '\(name)' has rank \(rank); at most 8 is allowed") }
            return GraphInput(name: name, dtype: dtype, shape: try (0 ..< rank).map { _ in try r.i64("graph input '\(name)'") })
        }
        let nOut = try r.count("graph outputs", minItemSize: 4)
        let outputs = try (0 ..< nOut).map { i in try r.string("graph output #\(i)") }
        let nNodes = try r.count("nodes", minItemSize: 20)
        let nodes = try (0 ..< nNodes).map { i -> Node in
            let op = try r.string("the op of node #\(i)")
            let name = try r.string("the name of node #\(i)")
            let what = "node '\(name)'"
            let ins = try (0 ..< r.count("inputs of \(what)", minItemSize: 4)).map { _ in try r.string(what) }
            let outs = try (0 ..< r.count("outputs of \(what)", minItemSize: 4)).map { _ in try r.string(what) }
            let attrs = try (0 ..< r.count("attributes of \(what)", minItemSize: 5)).map { _ -> (String, MetadataValue) in
                let key = try r.string("an attribute key of \(what)")
                return (key, try r.value("attribute '\(key)' of \(what)"))
            }
            return Node(op: op, name: name, inputs: ins, outputs: outs, attributes: attrs)
        }
        return Graph(inputs: inputs, nodes: nodes, outputs: outputs)
    }
}
