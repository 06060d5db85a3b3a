@testable import KilnFormat

/// Small models for format tests.
enum TestModels {
    /// Every metadata type, every dtype, a scalar, an empty tensor, quantization fields, and a
    /// two-node graph.
    static func rich() -> KilnModel {
        let w = Tensor(name: "w", shape: [2, 3], floats: [1, -2, 3.5, 0, .infinity, -0.0])
        let half = [UInt16](arrayLiteral: 0x3C00, 0xC000, 0x7BFF).withUnsafeBytes { Tensor(name: "h", dtype: .f16, shape: [3], data: $0) }
        var q = [Int8](arrayLiteral: -127, 0, 127, 5).withUnsafeBytes { Tensor(name: "q", dtype: .i8, shape: [2, 2], data: $0) }
        let scales = Tensor(name: "q.scale", shape: [2], floats: [0.5, 0.25])
        let zp = Tensor(name: "q.zero", shape: [], ints: [-3])
        let bytes = [UInt8](arrayLiteral: 0, 255, 7).withUnsafeBytes { Tensor(name: "u", dtype: .u8, shape: [3, 1], data: $0) }
        let empty = Tensor(name: "empty", shape: [0, 4], floats: [])
        q.quantAxis = 0
        q.quantScaleTensor = 3
        q.quantZeroPointTensor = 4
        return KilnModel(
            metadata: [("general.name", .string("rich ✓")), ("latent.dim", .int(3)), ("x.f", .float(-0.125)),
                       ("x.ints", .ints([1, -2, Int64.max])), ("x.floats", .floats([.pi, -1e300])),
                       ("classes.names", .strings(["a", "", "ü"])), ("x.empty", .ints([]))],
            tensors: [w, half, q, scales, zp, bytes, empty],
            graph: Graph(
                inputs: [GraphInput(name: "z", dtype: .f32, shape: [3]), GraphInput(name: "label", dtype: .i32, shape: [])],
                nodes: [Node(op: "Dense", name: "fc", inputs: ["z", "w", ""], outputs: ["y"], attributes: [("note", .string("x"))]),
                        Node(op: "Tanh", name: "act", inputs: ["y"], outputs: ["out"])],
                outputs: ["out"]))
    }

    /// A graph whose nodes are given as (name, inputs), each producing `name`'s output "v.name".
    static func graph(_ nodes: [(String, [String])]) -> KilnModel {
        KilnModel(metadata: [], tensors: [],
                  graph: Graph(inputs: [GraphInput(name: "x", dtype: .f32, shape: [1])],
                               nodes: nodes.map { Node(op: "ReLU", name: $0.0, inputs: $0.1, outputs: ["v.\($0.0)"]) },
                               outputs: ["v.\(nodes.last!.0)"]))
    }
}

/// Header field offsets (Formats/SPEC.md, "Header").
enum Field {
    static let version = 6, fileSize = 16, tablesSize = 32, dataOffset = 40, dataSize = 48, tablesCRC = 56, headerCRC = 60
}

extension Array where Element == UInt8 {
    func u64(at i: Int) -> UInt64 { withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: i, as: UInt64.self)) } }
    mutating func put<T: FixedWidthInteger>(_ v: T, at i: Int) { Swift.withUnsafeBytes(of: v.littleEndian) { for (k, b) in $0.enumerated() { self[i + k] = b } } }

    /// Recomputes the tables and header checksums after a test edits the bytes, so the reader's
    /// deeper checks (not just the CRC) see the edit.
    mutating func reseal() {
        let tablesSize = Int(u64(at: Field.tablesSize))
        let end = Swift.min(count, 64 + tablesSize)
        let crc = self[64 ..< end].withUnsafeBytes { crc32($0) }
        put(crc, at: Field.tablesCRC)
        put(self[0 ..< 60].withUnsafeBytes { crc32($0) }, at: Field.headerCRC)
    }
}
