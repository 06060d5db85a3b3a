import KilnFormat
import KilnRuntime

/// Which nodes of a float model have an int8 form. Most ops decide by their name; arithmetic and
/// PReLU decide by their operands: a scalar or per-channel constant makes them a table per
/// channel, two activations of one shape make Add and Sub a QAdd. Known before calibration.
struct Int8Forms {
    let constants: [String: Tensor]
    /// Per-sample shapes of the model's values.
    let shapes: [String: [Int]]

    /// An element-wise function of one activation, with one parameter per channel (one for all when
    /// `perChannel` has a single value).
    struct ChannelFunction {
        let input: String
        let perChannel: [Double]
        let f: (Double, Double) -> Double
    }

    init(_ model: KilnModel, shapes: [String: [Int]]) {
        var c: [String: Tensor] = [:]
        for t in model.tensors { c[t.name] = t }
        (constants, self.shapes) = (c, shapes)
    }

    /// The shapes of every value of `model`, from a batch-1 plan (no run).
    static func shapes(of model: KilnModel) throws -> [String: [Int]] {
        var probe = model
        let names = model.graph.inputs.map(\.name) + model.graph.nodes.flatMap(\.outputs)
        probe.graph.outputs = names
        let plan = try Plan(model: probe, batch: 1, floatKernels: .reference)
        var shapes: [String: [Int]] = [:]
        for (i, name) in names.enumerated() { shapes[name] = Array(plan.outputs[i].shape.dropFirst()) }
        return shapes
    }

    func has(_ n: Node) -> Bool {
        switch n.op {
        case "Add", "Sub": return channelFunction(n) != nil || isQAdd(n)
        case "Mul": return n.inputs.count == 1 || channelFunction(n) != nil
        case "Div", "PReLU": return channelFunction(n) != nil
        default: return Int8Quantizer.int8Ops.contains(n.op)
        }
    }

    /// Add or Sub of two activations of one shape.
    func isQAdd(_ n: Node) -> Bool {
        guard ["Add", "Sub"].contains(n.op), n.inputs.count == 2, n.inputs.allSatisfy({ constants[$0] == nil }) else { return false }
        return shapes[n.inputs[0]] != nil && shapes[n.inputs[0]] == shapes[n.inputs[1]]
    }

    /// Arithmetic with a scalar or per-channel constant, or PReLU, as a function per channel.
    func channelFunction(_ n: Node) -> ChannelFunction? {
        guard n.inputs.count == 2 else { return nil }
        let first = constants[n.inputs[0]] == nil ? 0 : 1
        let x = n.inputs[first]
        guard constants[x] == nil, let k = constants[n.inputs[1 - first]], let xs = shapes[x], let values = perChannel(k, xs, anyShape: n.op == "PReLU") else { return nil }
        let f: (Double, Double) -> Double
        switch (n.op, first) {
        case ("Add", _): f = { $0 + $1 }
        case ("Mul", _): f = { $0 * $1 }
        case ("Sub", 0): f = { $0 - $1 }
        case ("Sub", _): f = { $1 - $0 }
        case ("Div", 0): f = { $0 / $1 }
        case ("PReLU", 0): f = { $0 >= 0 ? $0 : $0 * $1 }
        default: return nil  // a constant divided by an activation, a PReLU of a constant
        }
        return ChannelFunction(input: x, perChannel: values, f: f)
    }

    /// k's values per channel (axis 1 of [N] + xs), or its one value, when k broadcasts to x only
    /// along the channel axis (`anyShape`: PReLU's slope, C values in any shape); nil otherwise.
    private func perChannel(_ k: Tensor, _ xs: [Int], anyShape: Bool) -> [Double]? {
        guard let v = k.floats, !xs.isEmpty else { return nil }
        if v.count == 1 { return [Double(v[0])] }
        if anyShape && v.count == xs[0] { return v.map(Double.init) }
        let dims = k.shape.map { Int($0) }, rank = xs.count + 1
        guard dims.count <= rank else { return nil }
        let padded = [Int](repeating: 1, count: rank - dims.count) + dims
        let channelOnly = padded[1] == xs[0] && padded.enumerated().allSatisfy { $0.offset == 1 || $0.element == 1 }
        return channelOnly ? v.map(Double.init) : nil
    }
}
