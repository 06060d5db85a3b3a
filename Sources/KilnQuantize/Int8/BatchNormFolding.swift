import KilnFormat

/// Folds each BatchNorm2d into the Conv2d, ConvTranspose2d or Dense that feeds it (directly, the
/// layer's output used by nothing else): w'[m] = w[m] * s[m], b'[m] = (b[m] - mean[m]) * s[m] + beta[m]
/// with s = gamma / sqrt(var + epsilon), in Double, stored as f32. The result computes the same
/// function up to f32 rounding and has no BatchNorm2d left where one could be folded.
enum BatchNormFolding {
    static func fold(_ model: KilnModel) throws -> (KilnModel, folded: Int) {
        var m = model
        var consumers: [String: Int] = [:]
        for n in m.graph.nodes { for i in n.inputs { consumers[i, default: 0] += 1 } }
        for o in m.graph.outputs { consumers[o, default: 0] += 1 }
        var removed = Set<Int>()
        var folded = 0
        for (bi, bn) in m.graph.nodes.enumerated() where bn.op == "BatchNorm2d" {
            guard let pi = m.graph.nodes.firstIndex(where: { $0.outputs == [bn.inputs[0]] }),
                  ["Conv2d", "ConvTranspose2d", "Dense"].contains(m.graph.nodes[pi].op),
                  consumers[bn.inputs[0]] == 1,
                  let w = m.tensor(named: m.graph.nodes[pi].inputs[1]), w.dtype == .f32,
                  let p = try? bn.inputs[1 ... 4].map({ name -> [Double] in
                      guard let t = m.tensor(named: name), let f = t.floats else { throw QuantizeError("") }
                      return f.map(Double.init)
                  }) else { continue }
            let layer = m.graph.nodes[pi]
            let eps = bn.attribute("epsilon")?.floatValue ?? 1e-5
            let channels = p[0].count
            let s = (0 ..< channels).map { p[0][$0] / (p[3][$0] + eps).squareRoot() }
            // Output channel of weight element i: axis 0 ([M, ...]) or axis 1 ([C, M, KH, KW]).
            let weights = w.floats!, inner = w.shape.dropFirst(2).reduce(1) { $0 * Int($1) }
            let axisOne = layer.op == "ConvTranspose2d"
            guard Int(w.shape[axisOne ? 1 : 0]) == channels else { continue }
            let perRow = weights.count / Int(w.shape[0])
            let newW = (0 ..< weights.count).map { i -> Float in
                let c = axisOne ? (i / inner) % channels : i / perRow
                return Float(Double(weights[i]) * s[c])
            }
            let oldB = layer.inputs.count > 2 && !layer.inputs[2].isEmpty ? m.tensor(named: layer.inputs[2])?.floats.map { Array($0) } : nil
            let newB = (0 ..< channels).map { c in Float((Double(oldB?[c] ?? 0) - p[2][c]) * s[c] + p[1][c]) }
            let wName = layer.inputs[1] + ".folded", bName = (oldB != nil ? layer.inputs[2] : layer.inputs[1] + ".bias") + ".folded"
            m.tensors.append(Tensor(name: wName, shape: w.shape, floats: newW))
            m.tensors.append(Tensor(name: bName, shape: [Int64(channels)], floats: newB))
            var l = layer
            l.inputs = [layer.inputs[0], wName, bName]
            l.outputs = bn.outputs
            m.graph.nodes[pi] = l
            removed.insert(bi)
            folded += 1
        }
        m.graph.nodes = m.graph.nodes.enumerated().filter { !removed.contains($0.offset) }.map(\.element)
        let used = Set(m.graph.nodes.flatMap(\.inputs))
        m.tensors = m.tensors.filter { used.contains($0.name) }
        return (m, folded)
    }
}
