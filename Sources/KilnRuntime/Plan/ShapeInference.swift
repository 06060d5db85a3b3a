import KilnFormat

/// The shapes a float op produces, from the same code that plans it: for converters that build a
/// graph node by node (KilnONNX).
public enum ShapeInference {
    /// Output element types and shapes of `node` (a float op of Formats/SPEC.md) given its inputs'
    /// (nil for an absent optional input). Throws the error planning the node would throw.
    public static func outputs(of node: Node, inputs: [ValueInfo?]) throws -> [ValueInfo] {
        guard let reference = opRegistry[node.op]?.reference else { throw RuntimeError.unknownOp(op: node.op, node: node.name) }
        return try reference(node, inputs).outputs
    }
}
