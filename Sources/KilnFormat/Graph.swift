/// A graph input: a per-sample shape (the batch dimension is implicit and comes first at run time).
public struct GraphInput: Equatable, Sendable {
    public var name: String
    public var dtype: DType
    /// Per-sample dimensions, without the batch dimension.
    public var shape: [Int64]

    public init(name: String, dtype: DType, shape: [Int64]) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
    }
}

/// One operation. Inputs name graph inputs, constant tensors or earlier nodes' outputs; an empty
/// string marks an absent optional input.
public struct Node: Equatable, Sendable {
    public var op: String
    public var name: String
    public var inputs: [String]
    public var outputs: [String]
    /// Attributes in file order; keys are unique.
    public var attributes: [(String, MetadataValue)]

    public init(op: String, name: String, inputs: [String], outputs: [String],
                attributes: [(String, MetadataValue)] = []) {
        self.op = op
        self.name = name
        self.inputs = inputs
        self.outputs = outputs
        self.attributes = attributes
    }

    public func attribute(_ key: String) -> MetadataValue? {
        attributes.first { $0.0 == key }?.1
    }

    public static func == (a: Node, b: Node) -> Bool {
        a.op == b.op && a.name == b.name && a.inputs == b.inputs && a.outputs == b.outputs
            && a.attributes.map(\.0) == b.attributes.map(\.0) && a.attributes.map(\.1) == b.attributes.map(\.1)
    }
}

/// The computation: inputs, nodes in topological order, outputs.
public struct Graph: Equatable, Sendable {
    public var inputs: [GraphInput]
    public var nodes: [Node]
    public var outputs: [String]

    public init(inputs: [GraphInput], nodes: [Node], outputs: [String]) {
        self.inputs = inputs
        self.nodes = nodes
        self.outputs = outputs
    }
}
