import Foundation
import KilnFormat
import KilnRuntime

/// Walks an ONNX graph in order and builds the Kiln graph: constants are folded, every other value
/// becomes a Kiln value with a known per-sample shape.
final class Converter {
    enum Value {
        case constant(Constant)
        /// A Kiln value: its name, element type and per-sample shape (batch excluded).
        case dynamic(name: String, dtype: DType, shape: [Int])
    }

    let opset: Int64
    let external: ExternalData
    var values: [String: Value] = [:]
    var tensors: [Tensor] = []
    var nodes: [Node] = []
    /// How many ONNX nodes read each value (for fusing MatMul + Add).
    var readers: [String: Int] = [:]
    /// Kiln Dense nodes made from a MatMul, by output value: an Add of a constant may become their bias.
    var biasless: [String: Int] = [:]
    var folded = 0
    private var usedNames = Set<String>()
    /// Element type and full shape (batch 1) of every Kiln value and tensor, for shape inference.
    private var infos: [String: ValueInfo] = [:]

    init(opset: Int64, external: ExternalData) {
        (self.opset, self.external) = (opset, external)
    }

    // MARK: names

    /// A name not used yet by any tensor, input or node output.
    func unique(_ base: String) -> String {
        var name = base.isEmpty ? "value" : base, k = 1
        while usedNames.contains(name) { k += 1; name = "\(base)_\(k)" }
        usedNames.insert(name)
        return name
    }

    func reserve(_ name: String) { usedNames.insert(name) }

    // MARK: inputs of a node

    func value(_ n: Onnx_NodeProto, _ i: Int) throws -> Value {
        guard i < n.input.count, !n.input[i].isEmpty else {
            throw ONNXError.unsupported(node: n.name, op: n.opType, message: "input #\(i) is missing")
        }
        guard let v = values[n.input[i]] else { throw ONNXError.invalid("node '\(n.name)' reads '\(n.input[i])', which no earlier node or input defines") }
        return v
    }

    func hasInput(_ n: Onnx_NodeProto, _ i: Int) -> Bool { i < n.input.count && !n.input[i].isEmpty }

    func constant(_ n: Onnx_NodeProto, _ i: Int) throws -> Constant {
        guard case let .constant(c) = try value(n, i) else { throw ONNXError.nonConstant(node: n.name, op: n.opType, input: n.input[i]) }
        return c
    }

    func dynamic(_ n: Onnx_NodeProto, _ i: Int) throws -> (name: String, dtype: DType, shape: [Int]) {
        switch try value(n, i) {
        case let .dynamic(name, dtype, shape): return (name, dtype, shape)
        case .constant: throw ONNXError.unsupported(node: n.name, op: n.opType, message: "input '\(n.input[i])' is a constant where kiln expects an activation")
        }
    }

    // MARK: output

    /// Adds a constant tensor to the Kiln model; returns its name.
    func addTensor(_ c: Constant, name: String) -> String {
        let unique = unique(name)
        tensors.append(c.tensor(named: unique))
        infos[unique] = ValueInfo(dtype: .f32, shape: c.shape, isConstant: true)
        return unique
    }

    /// Appends a Kiln node whose output is ONNX value `output`; its shape comes from the runtime's
    /// own shape rules, so a node Kiln could not plan is refused here, naming the ONNX node.
    @discardableResult
    func emit(_ op: String, _ n: Onnx_NodeProto, inputs: [String], output: String, attributes: [(String, MetadataValue)] = []) throws -> Node {
        let name = unique(n.name.isEmpty ? op : n.name)
        let out = unique(output)
        let node = Node(op: op, name: name, inputs: inputs, outputs: [out], attributes: attributes)
        let info: ValueInfo
        do { info = try ShapeInference.outputs(of: node, inputs: inputs.map { $0.isEmpty ? nil : infos[$0] })[0] } catch {
            throw ONNXError.unsupported(node: n.name, op: n.opType, message: "\(error)")
        }
        nodes.append(node)
        define(output, kilnName: out, dtype: info.dtype, shape: Array(info.shape.dropFirst()))
        return node
    }

    /// Records a Kiln value (a graph input or a node output) for ONNX value `onnxName`.
    func define(_ onnxName: String, kilnName: String, dtype: DType, shape: [Int]) {
        values[onnxName] = .dynamic(name: kilnName, dtype: dtype, shape: shape)
        infos[kilnName] = ValueInfo(dtype: dtype, shape: [1] + shape)
    }

    /// Makes ONNX value `output` another name for `input` (Identity, Dropout at inference).
    func alias(_ output: String, to input: Value) { values[output] = input }

    // MARK: attributes

    func attribute(_ n: Onnx_NodeProto, _ key: String) -> Onnx_AttributeProto? { n.attribute.first { $0.name == key } }
    func int(_ n: Onnx_NodeProto, _ key: String, _ value: Int64) -> Int64 { attribute(n, key)?.i ?? value }
    func float(_ n: Onnx_NodeProto, _ key: String, _ value: Float) -> Float { attribute(n, key)?.f ?? value }
    func ints(_ n: Onnx_NodeProto, _ key: String) -> [Int64]? { attribute(n, key).map(\.ints) }
    func string(_ n: Onnx_NodeProto, _ key: String, _ value: String) -> String {
        attribute(n, key).map { String(decoding: $0.s, as: UTF8.self) } ?? value
    }

    func fail(_ n: Onnx_NodeProto, _ message: String) -> ONNXError { .unsupported(node: n.name, op: n.opType, message: message) }
}
