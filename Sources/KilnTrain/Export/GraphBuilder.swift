import KilnFormat

/// Turns trained layers into a Kiln graph: nodes, and constant tensors named after the parameters.
struct GraphBuilder {
    var nodes: [Node] = []
    var tensors: [KilnFormat.Tensor] = []
    private var counter = 0

    mutating func constant(_ p: Parameter<Float>) -> String {
        tensors.append(KilnFormat.Tensor(name: p.name, shape: p.shape.map(Int64.init), floats: p.value))
        return p.name
    }

    mutating func node(_ op: String, _ inputs: [String], _ attributes: [(String, MetadataValue)] = []) -> String {
        counter += 1
        let name = "\(op.lowercased())\(counter)"
        nodes.append(Node(op: op, name: name, inputs: inputs, outputs: [name], attributes: attributes))
        return name
    }

    /// Appends `layer` reading `input`; returns the output value's name. `flat` tracks whether the
    /// value is [N, features] (Dense needs that; a Flatten is inserted otherwise).
    mutating func append(_ layer: any Layer<Float>, input: String, flat: inout Bool) -> String {
        switch layer {
        case let l as ReshapeLayer<Float>:
            flat = l.perSample.count == 1
            return node("Reshape", [input], [("shape", .ints(l.perSample.map(Int64.init)))])
        case let l as Conv2dLayer<Float>:
            return node("Conv2d", [input, constant(l.weight)] + (l.bias.map { [constant($0)] } ?? []), convAttributes(l.shape))
        case let l as ConvTranspose2dLayer<Float>:
            return node("ConvTranspose2d", [input, constant(l.weight)] + (l.bias.map { [constant($0)] } ?? []), convAttributes(l.shape))
        case let l as BatchNorm2dLayer<Float>:
            return node("BatchNorm2d", [input] + [l.scale, l.bias, l.runningMean, l.runningVar].map { constant($0) },
                        [("epsilon", .float(Double(l.epsilon)))])
        case let l as ActivationLayer<Float>:
            switch l.kind {
            case .relu: return node("ReLU", [input])
            case let .leakyReLU(a): return node("LeakyReLU", [input], [("alpha", .float(a))])
            case .tanh: return node("Tanh", [input])
            case .sigmoid: return node("Sigmoid", [input])
            }
        case let l as DenseLayer<Float>:
            let x = flat ? input : node("Flatten", [input])
            flat = true
            return node("Dense", [x, constant(l.weight)] + (l.bias.map { [constant($0)] } ?? []))
        case let l as MaxPool2dLayer<Float>:
            return node("MaxPool2d", [input], [("kernel", .ints([Int64(l.size), Int64(l.size)]))])
        case is DropoutLayer<Float>:
            return input  // identity at inference
        case let l as Sequential<Float>:
            return l.layers.reduce(input) { append($1, input: $0, flat: &flat) }
        default:
            preconditionFailure("no export for \(type(of: layer))")
        }
    }

    private func convAttributes(_ s: ConvShape) -> [(String, MetadataValue)] {
        [("strides", .ints([Int64(s.stride), Int64(s.stride)])), ("pads", .ints([Int64](repeating: Int64(s.padding), count: 4)))]
    }
}
