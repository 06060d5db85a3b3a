import KilnFormat
import KilnRuntime
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Builds the quantized graph node by node from the folded float model (see Int8Quantizer).
/// A value can exist in float (its original name) and in int8 (name + ".q8"); conversions are
/// inserted where a consumer needs the other form.
struct Emitter {
    let p: Int8Quantizer.Preparation
    let keepFloat: Set<String>
    let allowFloatOps: Bool
    var nodes: [Node] = []
    var tensors: [Tensor] = []
    var report = Int8Quantizer.Report()
    private var floatName: [String: String] = [:]
    private var int8Value: [String: (name: String, affine: Affine)] = [:]
    private var preferred: [String: Affine] = [:]
    private var fusedInto: [String: Node] = [:]   // activation node name -> the layer that absorbs it
    private var constants: [String: Tensor] = [:]
    private let forms: Int8Forms

    init(_ p: Int8Quantizer.Preparation, keepFloat: Set<String>, allowFloatOps: Bool) {
        (self.p, self.keepFloat, self.allowFloatOps) = (p, keepFloat, allowFloatOps)
        forms = Int8Forms(p.folded, shapes: p.calibration.shapes)
        for t in p.folded.tensors { constants[t.name] = t }
        for i in p.folded.graph.inputs { floatName[i.name] = i.name }
    }

    /// Ops that follow their input's precision: int8 only when an input exists only in int8, so
    /// a float layer's activation or reshape stays float instead of a quantize-dequantize trip.
    static let followers: Set<String> = ["ReLU", "LeakyReLU", "Tanh", "Sigmoid", "Reshape", "Flatten", "Upsample", "Pad",
                                         "DepthToSpace", "SpaceToDepth", "Concat", "Transpose", "Expand", "Clip", "Sqrt",
                                         "Reciprocal", "Pow", "PReLU", "Add", "Sub", "Mul", "Div", "Bilinear"]

    private func isInt8(_ n: Node) -> Bool {
        guard forms.has(n), !keepFloat.contains(n.name) else { return false }
        if n.op == "ConvTranspose2d", let d = n.attribute("dilations")?.intsValue, d.contains(where: { $0 != 1 }) { return false }
        return true
    }

    private func affine(_ v: String) throws -> Affine {
        if let a = preferred[v] { return a }
        guard let r = p.calibration.ranges[v] else { throw QuantizeError("value '\(v)' was not calibrated (it is not a float value).") }
        guard let a = Affine(lo: r.lo, hi: r.hi) else {
            throw QuantizeError("value '\(v)' was 0 on all \(p.calibration.samples) calibration samples, so it has no range to quantize (a dead layer, or a broken model). Check the float model with `kiln run`, or keep the layer in float with `--to mixed`.")
        }
        return a
    }

    mutating func run() throws {
        let g = p.folded.graph
        var consumers: [String: [Node]] = [:]
        for n in g.nodes { for i in n.inputs { consumers[i, default: []].append(n) } }
        let outputs = Set(g.outputs)
        // Fuse ReLU / LeakyReLU into the int8 layer before them.
        // A ReLU after an InstanceNorm2d is its output's clamp at the zero point (a range from 0).
        for n in g.nodes where (Int8Quantizer.weightOps.contains(n.op) || n.op == "InstanceNorm2d") && isInt8(n) {
            let v = n.outputs[0], fusable = n.op == "InstanceNorm2d" ? ["ReLU"] : ["ReLU", "LeakyReLU"]
            if let c = consumers[v], c.count == 1, fusable.contains(c[0].op), isInt8(c[0]), !outputs.contains(v) {
                fusedInto[c[0].name] = n
            }
        }
        // A value used only by an int8 Concat takes the Concat's quantization: no rescaling.
        for n in g.nodes where n.op == "Concat" && isInt8(n) {
            let a = try affine(n.outputs[0])
            for i in n.inputs where consumers[i]?.count == 1 && !outputs.contains(i) {
                // Made by an op that can write any quantization: a graph input's QuantizeLinear, an
                // Embedding, a layer, or an activation fused into one.
                let producer = g.nodes.first { $0.outputs.contains(i) }
                if producer.map({ $0.op == "Embedding" || Int8Quantizer.weightOps.contains($0.op) || fusedInto[$0.name] != nil }) ?? true {
                    preferred[i] = a
                }
            }
        }
        for n in g.nodes {
            if let layer = fusedInto[n.name] {
                report.layers.append((n.name, n.op, "fused into \(layer.name)"))
                continue
            }
            if isInt8(n) && (!Self.followers.contains(n.op) || n.inputs.contains { int8Value[$0] != nil && floatName[$0] == nil }),
               try int8Node(n, consumers: consumers) {
                report.layers.append((n.name, n.op, "int8"))
            } else {
                guard allowFloatOps || keepFloat.contains(n.name) || isInt8(n) else {
                    throw QuantizeError("node '\(n.name)' (\(n.op)) has no int8 form in this kiln. Quantize with `--to fp16`, or `--to mixed` to keep it (and only it) in float.")
                }
                try floatNode(n)
                report.layers.append((n.name, n.op, FP16.weightOps.contains(n.op) ? "fp16" : "f32"))
            }
        }
        for (v, x) in int8Value.sorted(by: { $0.value.name < $1.value.name }) {
            report.values.append((x.name, p.calibration.extremes[v] ?? (0, 0), x.affine.scale, x.affine.zeroPoint))
        }
        for o in g.outputs where floatName[o] != o {
            let (q, a) = int8Value[o]!
            emit("DequantizeLinear", o + ".dq", [q], [o], scaleAttributes(a))
            floatName[o] = o
        }
    }

    // MARK: conversions

    private mutating func int8(_ v: String, as target: Affine? = nil) throws -> (name: String, affine: Affine) {
        if let x = int8Value[v], target == nil || x.affine == target { return x }
        if let x = int8Value[v], let t = target {  // rescale through a table
            let name = "\(v).r\(nodes.count)"
            emitTable(name, x.name, x.affine.table(to: t) { $0 }, output: name)
            return (name, t)
        }
        guard let f = floatName[v] else { throw QuantizeError("value '\(v)' is neither float nor int8.") }
        let a = try target ?? affine(v)
        let name = v + (target == nil ? ".q8" : ".q\(nodes.count)")
        emit("QuantizeLinear", name, [f], [name], scaleAttributes(a))
        if target == nil { int8Value[v] = (name, a) }
        return (name, a)
    }

    private mutating func float(_ v: String) -> String {
        if let f = floatName[v] { return f }
        let (q, a) = int8Value[v]!
        let name = v + ".f32"
        emit("DequantizeLinear", name, [q], [name], scaleAttributes(a))
        floatName[v] = name
        return name
    }

    private func scaleAttributes(_ a: Affine) -> [(String, MetadataValue)] {
        [("scale", .float(Double(a.scale))), ("zero_point", .int(Int64(a.zeroPoint)))]
    }

    private mutating func emit(_ op: String, _ name: String, _ inputs: [String], _ outputs: [String], _ attributes: [(String, MetadataValue)] = []) {
        nodes.append(Node(op: op, name: name, inputs: inputs, outputs: outputs, attributes: attributes))
    }

    private mutating func emitTable(_ nodeName: String, _ input: String, _ table: [Int8], output: String) {
        let t = table.withUnsafeBytes { Tensor(name: nodeName + ".table", dtype: .i8, shape: [256], data: $0) }
        tensors.append(t)
        emit("QLookup", nodeName, [input, t.name], [output])
        report.tables += 1
    }

    private mutating func add(_ t: Tensor) -> String {
        if !tensors.contains(where: { $0.name == t.name }) { tensors.append(t) }
        return t.name
    }

    // MARK: nodes

    /// A node kept in float: weights of Conv2d / ConvTranspose2d / Dense / Embedding in fp16,
    /// other constants as they are.
    private mutating func floatNode(_ n: Node) throws {
        var m = n
        m.inputs = try n.inputs.enumerated().map { i, name in
            guard !name.isEmpty else { return name }
            guard let t = constants[name] else { return float(name) }
            if i == 1, FP16.weightOps.contains(n.op), t.dtype == .f32 { return add(try FP16.half(t)) }
            return add(t)
        }
        nodes.append(m)
        for o in n.outputs { floatName[o] = o }
    }

    /// Emits the int8 form of `n`; false (nothing emitted) when its scales cannot be expressed.
    private mutating func int8Node(_ n: Node, consumers: [String: [Node]]) throws -> Bool {
        let v = n.outputs[0]
        switch n.op {
        case "Conv2d", "ConvTranspose2d", "Dense":
            let act = consumers[v]?.first { fusedInto[$0.name]?.name == n.name }
            let out = act?.outputs[0] ?? v
            let x = try int8(n.inputs[0])
            let y = try affine(out)
            let slope: Double? = act.map { $0.op == "ReLU" ? 0 : ($0.attribute("alpha")?.floatValue ?? 0.01) }
            let q = try WeightQuantization(node: n, constants: constants, x: x.affine, y: y, negativeSlope: slope)
            var attributes = n.attributes
            attributes += [("x_zero_point", .int(Int64(x.affine.zeroPoint))), ("y_zero_point", .int(Int64(y.zeroPoint)))]
            let names = [add(q.weights), add(q.bias), add(q.requant)]
            emit("Q" + n.op, n.name, [x.name] + names, [out + ".q8"], attributes)
            int8Value[out] = (out + ".q8", y)
        case "ReLU", "LeakyReLU", "Tanh", "Sigmoid":
            let x = try int8(n.inputs[0])
            let y = try affine(v)
            let alpha = n.attribute("alpha")?.floatValue ?? 0.01
            let f: (Double) -> Double
            switch n.op {
            case "ReLU": f = { max($0, 0) }
            case "LeakyReLU": f = { $0 >= 0 ? $0 : alpha * $0 }
            case "Tanh": f = { tanh($0) }
            default: f = { 1 / (1 + exp(-$0)) }
            }
            emitTable(n.name, x.name, x.affine.table(to: y, f), output: v + ".q8")
            int8Value[v] = (v + ".q8", y)
        case "Clip", "Sqrt", "Reciprocal", "Pow", "Mul" where n.inputs.count == 1:
            let x = try int8(n.inputs[0])
            let y = try affine(v)
            let (lo, hi) = (n.attribute("min")?.floatValue ?? -.infinity, n.attribute("max")?.floatValue ?? .infinity)
            let e = n.attribute("exponent")?.floatValue ?? 1, k = n.attribute("scale")?.floatValue ?? 1
            let f: (Double) -> Double
            switch n.op {
            case "Clip": f = { min(max($0, lo), hi) }
            case "Sqrt": f = { max($0, 0).squareRoot() }
            case "Reciprocal": f = { 1 / $0 }
            case "Pow": f = { pow($0, e) }
            default: f = { $0 * k }
            }
            emitTable(n.name, x.name, x.affine.table(to: y) { let r = f($0); return r.isNaN ? 0 : r }, output: v + ".q8")
            int8Value[v] = (v + ".q8", y)
        case "Add" where forms.isQAdd(n), "Sub" where forms.isQAdd(n):
            let y = try affine(v)
            let (sa, sb) = (try current(n.inputs[0]).scale, try current(n.inputs[1]).scale)
            let ra = Double(sa) / Double(y.scale), rb = (n.op == "Sub" ? -1 : 1) * Double(sb) / Double(y.scale)
            guard let fm = FixedMultiplier(max(ra, abs(rb))), let ma = fm.companion(ra), let mb = fm.companion(rb) else { return false }
            let a = try int8(n.inputs[0]), b = try int8(n.inputs[1])
            emit("QAdd", n.name, [a.name, b.name], [v + ".q8"], [("a_zero_point", .int(Int64(a.affine.zeroPoint))), ("b_zero_point", .int(Int64(b.affine.zeroPoint))),
                                                               ("y_zero_point", .int(Int64(y.zeroPoint))), ("multipliers", .ints([Int64(ma), Int64(mb), Int64(fm.shift)]))])
            int8Value[v] = (v + ".q8", y)
        case "Add", "Sub", "Mul", "Div", "PReLU":
            guard let cf = forms.channelFunction(n) else { return false }
            let x = try int8(cf.input)
            let y = try affine(v)
            let tables = cf.perChannel.flatMap { k in x.affine.table(to: y) { let r = cf.f($0, k); return r.isNaN ? 0 : r } }
            if cf.perChannel.count == 1 {
                emitTable(n.name, x.name, tables, output: v + ".q8")
            } else {
                let t = tables.withUnsafeBytes { Tensor(name: n.name + ".tables", dtype: .i8, shape: [Int64(cf.perChannel.count), 256], data: $0) }
                tensors.append(t)
                emit("QChannelLookup", n.name, [x.name, t.name], [v + ".q8"])
                report.tables += cf.perChannel.count
            }
            int8Value[v] = (v + ".q8", y)
        case "InstanceNorm2d":  // statistics of the levels; scale, bias and epsilon in level units
            let relu = consumers[v]?.first { fusedInto[$0.name]?.name == n.name }, out = relu?.outputs[0] ?? v
            let x = try current(n.inputs[0]), y = try affine(out)
            let eps = Float((n.attribute("epsilon")?.floatValue ?? 1e-5) / (Double(x.scale) * Double(x.scale)))
            guard let gamma = constants[n.inputs[1]]?.floats, let beta = constants[n.inputs[2]]?.floats, eps > 0, eps.isFinite else {
                if let relu { fusedInto[relu.name] = nil }  // the ReLU runs after the float InstanceNorm
                return false
            }
            let sy = Double(y.scale), c = Int64(gamma.count)
            let scale = add(Tensor(name: n.name + ".qscale", shape: [c], floats: gamma.map { Float(Double($0) / sy) }))
            let bias = add(Tensor(name: n.name + ".qbias", shape: [c], floats: beta.map { Float(Double($0) / sy) }))
            emit("QInstanceNorm", n.name, [try int8(n.inputs[0]).name, scale, bias], [out + ".q8"],
                 [("epsilon", .float(Double(eps))), ("y_zero_point", .int(Int64(y.zeroPoint)))])
            int8Value[out] = (out + ".q8", y)
        case "Reshape", "Flatten", "Upsample", "DepthToSpace", "SpaceToDepth", "Transpose", "Expand", "Bilinear":
            let x = try int8(n.inputs[0])
            emit(n.op, n.name, [x.name], [v + ".q8"], n.attributes)
            int8Value[v] = (v + ".q8", x.affine)
        case "Pad":  // the padding constant becomes its level on the input's scale (0: the zero point)
            let x = try int8(n.inputs[0])
            let fill = Double(x.affine.level(n.attribute("value")?.floatValue ?? 0))
            emit("Pad", n.name, [x.name], [v + ".q8"], n.attributes.filter { $0.0 != "value" } + [("value", .float(fill))])
            int8Value[v] = (v + ".q8", x.affine)
        case "Concat":
            let y = try affine(v)
            let ins = try n.inputs.map { try int8($0, as: y).name }
            emit("Concat", n.name, ins, [v + ".q8"], n.attributes)
            int8Value[v] = (v + ".q8", y)
        case "Embedding":
            let y = try affine(v)
            guard let table = constants[n.inputs[1]], let f = table.floats else { throw QuantizeError("node '\(n.name)': the embedding table must be a f32 constant.") }
            let q = f.map { y.level(Double($0)) }
            let t = q.withUnsafeBytes { Tensor(name: n.inputs[1] + ".q8", dtype: .i8, shape: table.shape, data: $0) }
            emit("Embedding", n.name, [n.inputs[0], add(t)], [v + ".q8"], n.attributes)
            int8Value[v] = (v + ".q8", y)
        default:
            preconditionFailure("\(n.op) is listed in int8Ops without an emitter")
        }
        return true
    }

    /// The quantization `v` has or will have.
    private func current(_ v: String) throws -> Affine { try int8Value[v]?.affine ?? affine(v) }
}
