import Foundation
import KilnFormat
import KilnRuntime
import SwiftProtobuf

/// Converts an ONNX model (opsets 11 to 21; what torch.onnx.export and other exporters write) into
/// a float Kiln model. Weights come from raw_data, the typed fields or external data files; the
/// shape arithmetic around Reshape is folded away; a symbolic batch dimension is fine, other
/// dimensions must be fixed.
public enum ONNXImporter {
    public static let opsets: ClosedRange<Int64> = 11 ... 21

    /// What ONNX does not say about a model.
    public struct Options: Sendable {
        public enum Latent: String, Sendable, CaseIterable {
            /// A generator when there is one f32 input of shape [d] or [d, 1, 1] (plus, perhaps, an
            /// integer class-label input); then its latent space is `normal`.
            case auto
            /// Not a generator (an image-to-image model, a classifier).
            case none
            case normal, uniform
        }
        public var name: String?
        public var latent: Latent = .auto
        /// The value range of the output, for pictures and PSNR.
        public var outputRange: (lo: Double, hi: Double) = (-1, 1)
        /// Class names of a conditional generator (default: "0", "1", ... from the embedding).
        public var classNames: [String] = []
        public init() {}
    }

    public struct Report: Sendable {
        public var opset: Int64 = 0
        public var producer = ""
        public var onnxNodes = 0
        /// ONNX nodes folded into constants or into another node (MatMul + Add).
        public var folded = 0
        public var kilnOps: [String: Int] = [:]
        public var generator: String?
    }

    static let supportedOps: Set<String> = [
        "Gemm", "MatMul", "Conv", "ConvTranspose", "BatchNormalization", "InstanceNormalization", "Relu", "LeakyRelu",
        "PRelu", "Tanh", "Sigmoid", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Concat", "Add", "Mul", "Div", "Sub",
        "Resize", "Upsample", "Constant", "Identity", "Dropout", "Shape", "Gather", "Cast", "Pad", "DepthToSpace",
        "SpaceToDepth", "Transpose", "Expand", "ReduceMean", "ReduceL2", "Sqrt", "Reciprocal", "Pow", "Clip", "Min", "Max",
    ]

    /// Reads and converts the file at `path` (external data is looked up beside it).
    public static func convert(contentsOf path: String, options: Options = Options()) throws -> (KilnModel, Report) {
        if let problem = notARegularFile(path) { throw ONNXError.invalid("cannot read '\(path)': \(problem)") }
        guard let data = FileManager.default.contents(atPath: path) else { throw ONNXError.invalid("cannot read '\(path)'") }
        var o = options
        if o.name == nil { o.name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent }
        return try convert(data: data, directory: URL(fileURLWithPath: path).deletingLastPathComponent().path, options: o)
    }

    public static func convert(data: Data, directory: String?, options: Options = Options()) throws -> (KilnModel, Report) {
        let proto: Onnx_ModelProto
        do { proto = try Onnx_ModelProto(serializedBytes: data) } catch { throw ONNXError.notONNX("the protobuf does not parse: \(error)") }
        guard proto.irVersion > 0, proto.hasGraph, !proto.graph.node.isEmpty else { throw ONNXError.notONNX("it has no IR version or no graph") }
        guard let opset = proto.opsetImport.first(where: { $0.domain.isEmpty || $0.domain == "ai.onnx" })?.version else {
            throw ONNXError.notONNX("it imports no default-domain opset")
        }
        guard opsets.contains(opset) else { throw ONNXError.opset(opset) }
        var report = Report(opset: opset, producer: [proto.producerName, proto.producerVersion].filter { !$0.isEmpty }.joined(separator: " "),
                            onnxNodes: proto.graph.node.count)
        let c = Converter(opset: opset, external: ExternalData(directory: directory))
        let g = proto.graph
        for t in g.initializer {
            c.values[t.name] = .constant(try Constant(t, external: c.external))
            c.reserve(t.name)
        }
        var inputs: [GraphInput] = []
        for i in g.input where c.values[i.name] == nil {
            let t = i.type.tensorType
            let dtype: DType
            switch t.elemType {
            case 1: dtype = .f32
            case 6, 7: dtype = .i32  // class labels; Kiln takes them as int32
            default: throw ONNXError.unsupported(node: i.name, op: "graph input", message: "element type \(t.elemType) is not supported; inputs must be float or integer labels")
            }
            let dims = t.shape.dim
            func fixed(_ d: Onnx_TensorShapeProto.Dimension) -> Int64? { if case let .dimValue(v)? = d.value { return v } else { return nil } }
            let text = "[" + dims.map { fixed($0).map(String.init) ?? ($0.dimParam.isEmpty ? "?" : $0.dimParam) }.joined(separator: ", ") + "]"
            guard t.hasShape, dims.count >= 1, dims.dropFirst().allSatisfy({ (fixed($0) ?? 0) > 0 }) else {
                throw ONNXError.dynamicShape(input: i.name, shape: text)
            }
            let shape = dims.dropFirst().map { Int($0.dimValue) }
            guard shape.allSatisfy({ $0 <= 1 << 31 }), let count = shape.checkedProduct(), count <= 1 << 38 else {
                throw ONNXError.invalid("graph input '\(i.name)' has shape \(text), larger than Kiln takes (each dimension at most 2^31, at most 2^38 values per sample)")
            }
            inputs.append(GraphInput(name: i.name, dtype: dtype, shape: shape.map(Int64.init)))
            c.reserve(i.name)
            c.define(i.name, kilnName: i.name, dtype: dtype, shape: shape)
        }
        for n in g.node { for i in n.input where !i.isEmpty { c.readers[i, default: 0] += 1 } }
        for (index, n) in g.node.enumerated() {
            guard n.domain.isEmpty || n.domain == "ai.onnx" else {
                throw ONNXError.unsupportedOp(op: n.opType, domain: n.domain, node: n.name, opset: opset, attributes: attributeSummary(n))
            }
            guard let first = n.output.first, !first.isEmpty else {
                throw ONNXError.invalid("node #\(index) '\(n.name)' (\(n.opType)) has no output; the file is damaged or was not written by an exporter")
            }
            try convertNode(n, c)
        }
        var outputs: [String] = []
        for o in g.output {
            guard case let .dynamic(name, _, _) = c.values[o.name] else {
                throw ONNXError.invalid("graph output '\(o.name)' is a constant or is never computed")
            }
            outputs.append(name)
        }
        c.pruneDeadNodes(outputs: outputs)
        report.folded = c.folded
        for n in c.nodes { report.kilnOps[n.op, default: 0] += 1 }
        var model = KilnModel(metadata: [], tensors: c.tensors, graph: Graph(inputs: inputs, nodes: c.nodes, outputs: outputs))
        model.metadata = try metadata(model, options, proto, report: &report)
        try model.validate()
        do { _ = try Plan(model: model, batch: 1, floatKernels: .reference) } catch {
            throw ONNXError.invalid("the converted model does not plan: \(error)")
        }
        return (model, report)
    }

    static func convertNode(_ n: Onnx_NodeProto, _ c: Converter) throws {
        if try c.foldIfConstant(n) { return }
        switch n.opType {
        case "Gemm": try c.gemm(n)
        case "MatMul": try c.matmul(n)
        case "Conv": try c.conv(n, transposed: false)
        case "ConvTranspose": try c.conv(n, transposed: true)
        case "BatchNormalization": try c.batchNorm(n)
        case "InstanceNormalization": try c.instanceNorm(n)
        case "Relu", "LeakyRelu", "Tanh", "Sigmoid", "PRelu": try c.activation(n)
        case "Add", "Mul", "Div", "Sub": try c.arithmetic(n)
        case "Resize", "Upsample": try c.resize(n)
        case "Reshape": try c.reshape(n)
        case "Flatten": try c.flatten(n)
        case "Squeeze": try c.squeeze(n)
        case "Unsqueeze": try c.unsqueeze(n)
        case "Concat": try c.concat(n)
        case "Pad": try c.pad(n)
        case "DepthToSpace", "SpaceToDepth": try c.depthSpace(n)
        case "Sqrt", "Reciprocal": try c.unaryMath(n)
        case "Pow": try c.pow(n)
        case "Clip", "Min", "Max": try c.clip(n)
        case "ReduceMean", "ReduceL2": try c.reduce(n)
        case "Transpose": try c.transpose(n)
        case "Expand": try c.expand(n)
        case "Constant": try c.constantNode(n)
        case "Shape": try c.shape(n)
        case "Gather": try c.gather(n)
        case "Cast": try c.cast(n)
        case _ where Converter.foldable.contains(n.opType) && !supportedOps.contains(n.opType):
            let computed = n.input.first { name in if case .dynamic? = c.values[name] { return true } else { return false } } ?? ""
            throw c.fail(n, "kiln evaluates \(n.opType) only on constants, at conversion time, but its input '\(computed)' is computed from the model's inputs at run time")
        case "Identity": c.alias(n.output[0], to: try c.value(n, 0))
        case "Dropout":
            if n.output.count > 1, !n.output[1].isEmpty, c.readers[n.output[1], default: 0] > 0 {
                throw c.fail(n, "its mask output is used; export the model in eval mode")
            }
            c.alias(n.output[0], to: try c.value(n, 0))
        default:
            throw ONNXError.unsupportedOp(op: n.opType, domain: n.domain, node: n.name, opset: c.opset, attributes: attributeSummary(n))
        }
    }

    /// The scalar attributes of a node, "mode=reflect, blocksize=2", for messages.
    static func attributeSummary(_ n: Onnx_NodeProto) -> String {
        n.attribute.compactMap { a -> String? in
            switch a.type {
            case .string: return "\(a.name)=\(String(decoding: a.s, as: UTF8.self))"
            case .int: return "\(a.name)=\(a.i)"
            case .float: return "\(a.name)=\(a.f)"
            case .ints where a.ints.count <= 8: return "\(a.name)=\(a.ints)"
            default: return nil
            }
        }.joined(separator: ", ")
    }

    /// Metadata: name, provenance, output range and, for generators, the latent space.
    static func metadata(_ m: KilnModel, _ o: Options, _ proto: Onnx_ModelProto, report: inout Report) throws -> [(String, MetadataValue)] {
        var meta: [(String, MetadataValue)] = [("general.name", .string(o.name ?? (proto.graph.name.isEmpty ? "model" : proto.graph.name)))]
        meta.append(("provenance.tool", .string("kiln convert (ONNX opset \(report.opset)" + (report.producer.isEmpty ? "" : ", from \(report.producer)") + ")")))
        let floats = m.graph.inputs.filter { $0.dtype == .f32 }, labels = m.graph.inputs.filter { $0.dtype == .i32 }
        let latentShaped = floats.count == 1 && (floats[0].shape.count == 1 || (floats[0].shape.count == 3 && floats[0].shape[1] == 1 && floats[0].shape[2] == 1))
        let isGenerator: Bool
        switch o.latent {
        case .none: isGenerator = false
        case .auto: isGenerator = latentShaped && labels.count <= 1
        case .normal, .uniform:
            guard floats.count == 1, labels.count <= 1 else {
                throw ONNXError.invalid("--latent needs a model with one float input (the latent vector) and at most one integer input (class labels)")
            }
            isGenerator = true
        }
        if isGenerator {
            let z = floats[0], dim = z.shape.reduce(1, *)
            let dist = o.latent == .uniform ? "uniform" : "normal"
            meta += [("latent.dim", .int(dim)), ("latent.distribution", .string(dist)), ("latent.sampler", .int(1)), ("latent.input", .string(z.name))]
            report.generator = "z of \(dim) \(dist) values in '\(z.name)'"
            if let label = labels.first {
                var names = o.classNames
                if names.isEmpty, let e = m.graph.nodes.first(where: { $0.op == "Embedding" && $0.inputs[0] == label.name }),
                   let table = m.tensor(named: e.inputs[1]) {
                    names = (0 ..< Int(table.shape[0])).map(String.init)
                }
                guard !names.isEmpty else { throw ONNXError.invalid("the model takes class labels in '\(label.name)'; give the class names with --classes") }
                meta += [("classes.names", .strings(names)), ("classes.input", .string(label.name))]
                report.generator! += ", \(names.count) classes in '\(label.name)'"
            }
        }
        meta.append(("output.range", .floats([o.outputRange.lo, o.outputRange.hi])))
        return meta
    }
}
