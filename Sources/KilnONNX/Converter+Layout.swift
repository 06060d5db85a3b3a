import KilnFormat

/// Ops that move pixels without arithmetic: Pad, DepthToSpace, SpaceToDepth.
extension Converter {
    /// Pad of an activation [N, C, H, W] on H and W: constant, reflect or edge. Pads come from the
    /// second input (opset 11+; `axes` from the fourth, opset 18) or the attribute (older).
    func pad(_ n: Onnx_NodeProto) throws {
        let x = try dynamic(n, 0)
        guard x.shape.count == 3 else { throw fail(n, "only [N, C, H, W] inputs can be padded, got [N, \(x.shape.map(String.init).joined(separator: ", "))]") }
        let mode = string(n, "mode", "constant")
        guard ["constant", "reflect", "edge"].contains(mode) else { throw fail(n, "mode=\(mode) is not supported (constant, reflect and edge are)") }
        let raw = hasInput(n, 1) ? try constant(n, 1).integers() : ints(n, "pads") ?? []
        var axes = Array(0 ..< 4)
        if hasInput(n, 3) {
            axes = try constant(n, 3).integers().map { a in
                guard -4 ..< 4 ~= a else { throw fail(n, "axis \(a) is out of range") }
                return Int(a < 0 ? a + 4 : a)
            }
        }
        guard raw.count == 2 * axes.count else { throw fail(n, "pads \(raw) do not give a start and an end for each of \(axes.count) axes") }
        var begin = [Int64](repeating: 0, count: 4), end = begin
        for (i, a) in axes.enumerated() { (begin[a], end[a]) = (raw[i], raw[i + axes.count]) }
        guard begin[0] == 0, end[0] == 0, begin[1] == 0, end[1] == 0 else { throw fail(n, "pads \(raw) pad the batch or channel axis; only H and W can be padded") }
        guard (begin + end).allSatisfy({ 0 ... 1 << 20 ~= $0 }) else { throw fail(n, "pads \(raw): negative pads (cropping) are not supported") }
        var value: Float = 0
        if mode == "constant" {
            if hasInput(n, 2) {
                let v = try constant(n, 2)
                guard v.count == 1 else { throw fail(n, "constant_value must be one value") }
                value = v.asFloats[0]
            } else {
                value = float(n, "value", 0)
            }
        }
        var attributes: [(String, MetadataValue)] = [("pads", .ints([begin[2], begin[3], end[2], end[3]])), ("mode", .string(mode))]
        if value != 0 { attributes.append(("value", .float(Double(value)))) }
        try emit("Pad", n, inputs: [x.name], output: n.output[0], attributes: attributes)
    }

    /// A zero Pad read only by this Conv: its pads, to add to the Conv's, and the Pad's input.
    func zeroPadBefore(_ n: Onnx_NodeProto, _ x: String) -> (pads: [Int64], input: String)? {
        guard readers[n.input[0]] == 1, let i = nodes.lastIndex(where: { $0.outputs[0] == x }), nodes[i].op == "Pad",
              nodes[i].attribute("mode")?.stringValue == "constant", nodes[i].attribute("value") == nil,
              let pads = nodes[i].attribute("pads")?.intsValue else { return nil }
        return (pads, nodes[i].inputs[0])
    }

    /// DepthToSpace (DCR or CRD) and SpaceToDepth.
    func depthSpace(_ n: Onnx_NodeProto) throws {
        let x = try dynamic(n, 0)
        guard x.shape.count == 3 else { throw fail(n, "only [N, C, H, W] inputs are supported") }
        guard let b = attribute(n, "blocksize")?.i, 1 ... 1 << 10 ~= b else { throw fail(n, "needs a blocksize of 1 to 1024") }
        var attributes: [(String, MetadataValue)] = [("blocksize", .ints([b]))]
        if n.opType == "DepthToSpace" { attributes.append(("mode", .string(string(n, "mode", "DCR")))) }
        try emit(n.opType, n, inputs: [x.name], output: n.output[0], attributes: attributes)
    }

    /// Removes nodes whose outputs nothing reads (a Pad merged into its Conv).
    func pruneDeadNodes(outputs: [String]) {
        var live = Set(outputs), kept: [Node] = []
        for node in nodes.reversed() where node.outputs.contains(where: live.contains) {
            kept.append(node)
            live.formUnion(node.inputs)
        }
        folded += nodes.count - kept.count
        nodes = kept.reversed()
    }
}
