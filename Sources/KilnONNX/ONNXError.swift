/// Why an ONNX file cannot be converted; each `description` says what to do.
public enum ONNXError: Error, Equatable, CustomStringConvertible {
    /// The bytes are not an ONNX model (or are truncated).
    case notONNX(String)
    /// The model's default-domain opset is outside what Kiln converts.
    case opset(Int64)
    /// An op Kiln has no translation for.
    case unsupportedOp(op: String, domain: String, node: String, opset: Int64, attributes: String)
    /// A supported op used in a way Kiln does not support (attribute, shape, broadcasting...).
    case unsupported(node: String, op: String, message: String)
    /// A graph input with a dynamic dimension other than the batch.
    case dynamicShape(input: String, shape: String)
    /// A weight or parameter input that is computed at run time instead of stored.
    case nonConstant(node: String, op: String, input: String)
    /// A tensor's external data file is missing or too short.
    case externalData(tensor: String, message: String)
    /// Anything else wrong with the file's contents.
    case invalid(String)

    public var description: String {
        switch self {
        case let .notONNX(why):
            return "not an ONNX model (\(why)). Export it with torch.onnx.export (see Tools/export_torch.py) or check that the download is complete."
        case let .opset(v):
            return "the model uses ONNX opset \(v); kiln converts opsets 11 to 21. Re-export it with opset_version=17."
        case let .unsupportedOp(op, domain, node, opset, attributes):
            let d = domain.isEmpty || domain == "ai.onnx" ? "" : " (domain \(domain))"
            let a = attributes.isEmpty ? "" : " (\(attributes))"
            let folded = Converter.foldable.subtracting(ONNXImporter.supportedOps).sorted().joined(separator: ", ")
            return "node '\(node)' is an ONNX \(op)\(a)\(d), opset \(opset), which kiln cannot convert. Supported: \(ONNXImporter.supportedOps.sorted().joined(separator: ", ")); on constants only (evaluated at conversion): \(folded). Replace the layer in the model with one of these."
        case let .unsupported(node, op, message):
            return "node '\(node)' (\(op)): \(message)."
        case let .dynamicShape(input, shape):
            return "graph input '\(input)' has shape \(shape): only the first (batch) dimension may be dynamic. Export with fixed sizes, e.g. dynamic_axes={'\(input)': {0: 'batch'}} only."
        case let .nonConstant(node, op, input):
            return "node '\(node)' (\(op)) needs its input '\(input)' to be a constant (an initializer or Constant node), but it is computed at run time. Export with do_constant_folding=True."
        case let .externalData(tensor, message):
            return "tensor '\(tensor)': \(message). Keep the external data file next to the .onnx file, as the exporter wrote it."
        case let .invalid(message):
            return "\(message)."
        }
    }
}
