extension KilnModel {
    /// Checks everything the format promises beyond byte layout: unique names, shapes whose
    /// element count fits, references that resolve, an acyclic graph in topological order.
    /// Both the reader and the writer call it, so no invalid file is written or loaded.
    public func validate() throws {
        try Self.requireUnique(metadata.map(\.0), what: "metadata key")
        var defined = Set<String>()
        func define(_ name: String) throws {
            guard !name.isEmpty else { throw FormatError.invalid("a tensor, input or node output has an empty name") }
            guard defined.insert(name).inserted else { throw FormatError.duplicateName(name) }
        }
        for (i, t) in tensors.enumerated() {
            try define(t.name)
            try Self.checkShape(t)
            for ref in [t.quantScaleTensor, t.quantZeroPointTensor] {
                if let r = ref, Int(r) >= tensors.count || Int(r) == i {
                    throw FormatError.invalid("tensor '\(t.name)' names quantization tensor #\(r), which does not exist")
                }
            }
        }
        for input in graph.inputs {
            try define(input.name)
            guard input.shape.count <= 8, input.shape.allSatisfy({ $0 > 0 && $0 <= 1 << 31 }) else {
                throw FormatError.invalid("graph input '\(input.name)' has shape \(input.shape); dimensions must be 1 to 2^31 and at most 8 of them")
            }
        }
        var producer: [String: Int] = [:]
        for (i, node) in graph.nodes.enumerated() {
            try Self.requireUnique(node.attributes.map(\.0), what: "attribute key of node '\(node.name)'")
            for out in node.outputs {
                try define(out)
                producer[out] = i
            }
        }
        for node in graph.nodes {
            for input in node.inputs where !input.isEmpty && !defined.contains(input) {
                throw FormatError.danglingReference(node: node.name, value: input)
            }
        }
        guard !graph.outputs.isEmpty else { throw FormatError.invalid("the graph has no outputs") }
        for out in graph.outputs where !defined.contains(out) {
            throw FormatError.danglingReference(node: "graph outputs", value: out)
        }
        try checkOrder(producer: producer)
    }

    /// Nodes must be stored in topological order. A node that reads a value produced by itself or
    /// a later node is either part of a cycle (reported as such) or stored out of order.
    private func checkOrder(producer: [String: Int]) throws {
        let nodes = graph.nodes
        let deps: [[Int]] = nodes.map { $0.inputs.compactMap { producer[$0] } }
        guard let bad = nodes.indices.first(where: { i in deps[i].contains { $0 >= i } }) else { return }
        // Is `bad` on a cycle? Follow producers back from it, depth first.
        var onPath = [Bool](repeating: false, count: nodes.count)
        var done = [Bool](repeating: false, count: nodes.count)
        var path: [Int] = []
        func visit(_ i: Int) -> [Int]? {
            if onPath[i] { return Array(path[path.firstIndex(of: i)!...]) }
            if done[i] { return nil }
            onPath[i] = true
            path.append(i)
            for d in deps[i] { if let c = visit(d) { return c } }
            path.removeLast()
            onPath[i] = false
            done[i] = true
            return nil
        }
        for start in nodes.indices { if let c = visit(start) { throw FormatError.cycle(nodes: c.map { nodes[$0].name }) } }
        throw FormatError.invalid("node '\(nodes[bad].name)' comes before a node whose output it reads; nodes must be stored in topological order")
    }

    private static func requireUnique(_ keys: [String], what: String) throws {
        var seen = Set<String>()
        for k in keys where !seen.insert(k).inserted { throw FormatError.invalid("\(what) '\(k)' appears twice") }
    }

    private static func checkShape(_ t: Tensor) throws {
        guard t.shape.count <= 8 else { throw FormatError.invalid("tensor '\(t.name)' has rank \(t.shape.count); at most 8 is allowed") }
        var n: Int64 = 1
        for d in t.shape {
            guard d >= 0 else { throw FormatError.shapeOverflow(name: t.name, dims: t.shape) }
            let (p, o) = n.multipliedReportingOverflow(by: d)
            guard !o else { throw FormatError.shapeOverflow(name: t.name, dims: t.shape) }
            n = p
        }
        let (bytes, o) = n.multipliedReportingOverflow(by: Int64(t.dtype.size))
        guard !o, bytes == Int64(t.bytes.count) else { throw FormatError.shapeOverflow(name: t.name, dims: t.shape) }
    }
}
