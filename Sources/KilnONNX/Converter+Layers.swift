import KilnFormat

/// ONNX layers with weights, normalizations and element-wise ops -> Kiln ops.
extension Converter {
    /// Gemm: y = alpha * A op(B) + beta * C with A the activation [N, K] and B, C constants; without
    /// C, an Add of a constant [M] right after it becomes its bias (the dynamo exporter's Linear).
    func gemm(_ n: Onnx_NodeProto) throws {
        let a = try dynamic(n, 0)
        var b = try constant(n, 1)
        guard int(n, "transA", 0) == 0 else { throw fail(n, "transA = 1 (a transposed activation) is not supported") }
        guard b.shape.count == 2, a.shape.count == 1 else { throw fail(n, "needs A [N, K] and a 2-D constant B, got \(a.shape) and \(b.shape)") }
        if int(n, "transB", 0) == 0 { b = b.transposed([1, 0]) }  // Kiln's Dense weight is [M, K]
        let alpha = float(n, "alpha", 1), beta = float(n, "beta", 1)
        if alpha != 1 { b.floats = b.asFloats.map { $0 * alpha }; b.isFloat = true }
        var inputs = [a.name, addTensor(b, name: n.input[1])]
        if hasInput(n, 2) {
            let c = try constant(n, 2), m = b.shape[0]
            guard c.count == m || c.count == 1 else { throw fail(n, "bias C of shape \(c.shape) does not broadcast to [N, \(m)] per output") }
            let values = c.count == 1 ? [Float](repeating: c.asFloats[0], count: m) : c.asFloats
            inputs.append(addTensor(Constant(shape: [m], floats: values.map { $0 * beta }), name: n.input[2]))
        }
        let node = try emit("Dense", n, inputs: inputs, output: n.output[0])
        if inputs.count == 2 { biasless[node.outputs[0]] = nodes.count - 1 }  // an Add after it may be its bias
    }

    /// MatMul of an activation [N, K] by a constant [K, M]: a Dense layer; an Add of a constant
    /// [M] right after it becomes its bias.
    func matmul(_ n: Onnx_NodeProto) throws {
        let a = try dynamic(n, 0), b = try constant(n, 1)
        guard a.shape.count == 1, b.shape.count == 2 else { throw fail(n, "only an activation [N, K] times a constant [K, M] is supported, got \(a.shape) and \(b.shape)") }
        let node = try emit("Dense", n, inputs: [a.name, addTensor(b.transposed([1, 0]), name: n.input[1])], output: n.output[0])
        biasless[node.outputs[0]] = nodes.count - 1
    }

    /// Conv and ConvTranspose, 2-D, group 1.
    func conv(_ n: Onnx_NodeProto, transposed: Bool) throws {
        let x = try dynamic(n, 0), w = try constant(n, 1)
        guard x.shape.count == 3, w.shape.count == 4 else { throw fail(n, "only 2-D convolutions (input [N, C, H, W]) are supported, got input \(x.shape)") }
        guard int(n, "group", 1) == 1 else { throw fail(n, "group = \(int(n, "group", 1)): grouped and depthwise convolutions are not supported") }
        let k = [w.shape[2], w.shape[3]]
        if let ks = ints(n, "kernel_shape"), ks.map({ Int($0) }) != k { throw fail(n, "kernel_shape \(ks) does not match the weight \(w.shape)") }
        let strides = ints(n, "strides") ?? [1, 1], dilations = ints(n, "dilations") ?? [1, 1]
        var pads = ints(n, "pads") ?? [0, 0, 0, 0]
        var outputPadding = ints(n, "output_padding") ?? [0, 0]
        // The runtime's limits (each value 0 to 2^20), checked before any arithmetic on them.
        for (key, values, count, least) in [("strides", strides, 2, 1), ("dilations", dilations, 2, 1), ("pads", pads, 4, 0), ("output_padding", outputPadding, 2, 0)] {
            guard values.count == count, values.allSatisfy({ Int64(least) ... 1 << 20 ~= $0 }) else {
                throw fail(n, "\(key) \(values): a 2-D convolution takes \(count) values of \(least) to 2^20")
            }
        }
        let autoPad = string(n, "auto_pad", "NOTSET")
        let spatial = [x.shape[1], x.shape[2]]
        if autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER" {
            var begin = [Int64](), end = [Int64]()
            for d in 0 ..< 2 {
                let s = Int(strides[d]), span = Int(dilations[d]) * (k[d] - 1) + 1
                let total = transposed ? max(0, span - s + Int(outputPadding[d])) : max(0, ((spatial[d] + s - 1) / s - 1) * s + span - spatial[d])
                let small = Int64(total / 2), large = Int64(total - total / 2)
                begin.append(autoPad == "SAME_UPPER" ? small : large)
                end.append(autoPad == "SAME_UPPER" ? large : small)
            }
            pads = begin + end
        } else if autoPad != "NOTSET" && autoPad != "VALID" {
            throw fail(n, "auto_pad = \(autoPad) is not supported")
        } else if autoPad == "VALID" {
            pads = [0, 0, 0, 0]
        }
        if transposed, let shape = ints(n, "output_shape") {
            // Padding from the requested output size (ONNX: NOTSET puts the larger half at the start).
            guard shape.count >= 2, shape.allSatisfy({ 0 ... 1 << 31 ~= $0 }) else { throw fail(n, "output_shape \(shape) is not a 2-D size") }
            let out = Array(shape.suffix(2)).map { Int($0) }
            var begin = [Int64](), end = [Int64]()
            for d in 0 ..< 2 {
                let span = Int(dilations[d]) * (k[d] - 1) + 1
                let total = Int(strides[d]) * (spatial[d] - 1) + Int(outputPadding[d]) + span - out[d]
                guard total >= 0 else { throw fail(n, "output_shape \(shape) is larger than the convolution can produce") }
                begin.append(Int64(autoPad == "SAME_UPPER" ? total / 2 : total - total / 2))
                end.append(Int64(autoPad == "SAME_UPPER" ? total - total / 2 : total / 2))
            }
            pads = begin + end
            outputPadding = [0, 0]
        }
        var attributes: [(String, MetadataValue)] = [("strides", .ints(strides)), ("pads", .ints(pads)), ("dilations", .ints(dilations))]
        if transposed && outputPadding != [0, 0] { attributes.append(("output_padding", .ints(outputPadding))) }
        var source = x.name
        if !transposed, autoPad == "NOTSET", let merged = zeroPadBefore(n, x.name) {  // ZeroPad2d + Conv: one Conv
            pads = zip(pads, merged.pads).map { $0 + $1 }
            source = merged.input
            attributes[1] = ("pads", .ints(pads))
        }
        var inputs = [source, addTensor(w, name: n.input[1])]
        if hasInput(n, 2) { inputs.append(addTensor(try constant(n, 2), name: n.input[2])) }
        try emit(transposed ? "ConvTranspose2d" : "Conv2d", n, inputs: inputs, output: n.output[0], attributes: attributes)
    }

    func batchNorm(_ n: Onnx_NodeProto) throws {
        let x = try dynamic(n, 0)
        guard int(n, "training_mode", 0) == 0 else { throw fail(n, "training_mode = 1; export the model in eval mode (model.eval())") }
        if n.output.count > 1, n.output.dropFirst().contains(where: { !$0.isEmpty && readers[$0, default: 0] > 0 }) {
            throw fail(n, "the running-statistics outputs are used; export the model in eval mode (model.eval())")
        }
        let params = try (1 ... 4).map { addTensor(try constant(n, $0), name: n.input[$0]) }
        try emit("BatchNorm2d", n, inputs: [x.name] + params, output: n.output[0], attributes: [("epsilon", .float(Double(float(n, "epsilon", 1e-5))))])
    }

    func instanceNorm(_ n: Onnx_NodeProto) throws {
        let x = try dynamic(n, 0)
        let params = try (1 ... 2).map { addTensor(try constant(n, $0), name: n.input[$0]) }
        try emit("InstanceNorm2d", n, inputs: [x.name] + params, output: n.output[0], attributes: [("epsilon", .float(Double(float(n, "epsilon", 1e-5))))])
    }

    func activation(_ n: Onnx_NodeProto) throws {
        let x = try dynamic(n, 0)
        switch n.opType {
        case "Relu": try emit("ReLU", n, inputs: [x.name], output: n.output[0])
        case "LeakyRelu": try emit("LeakyReLU", n, inputs: [x.name], output: n.output[0], attributes: [("alpha", .float(Double(float(n, "alpha", 0.01))))])
        case "Tanh": try emit("Tanh", n, inputs: [x.name], output: n.output[0])
        case "Sigmoid": try emit("Sigmoid", n, inputs: [x.name], output: n.output[0])
        default:  // PRelu
            let slope = try constant(n, 1)
            try emit("PReLU", n, inputs: [x.name, addTensor(slope, name: n.input[1])], output: n.output[0])
        }
    }

    /// Add / Mul / Div / Sub with an activation: a bias after a MatMul, a scalar factor (Kiln's Mul
    /// by `scale`), or numpy broadcasting against a constant or another activation (Kiln's Add,
    /// Sub, Mul, Div of two inputs). (Both constant: folded.)
    func arithmetic(_ n: Onnx_NodeProto) throws {
        let (a, b) = (try value(n, 0), try value(n, 1))
        switch (n.opType, a, b) {
        case let ("Add", .dynamic(name, _, shape), .constant(c)), let ("Add", .constant(c), .dynamic(name, _, shape)):
            let source = n.input[{ if case .dynamic = a { return 0 } else { return 1 } }()]
            if let i = biasless[name], shape.count == 1, c.count == shape[0], readers[source] == 1 {
                let dense = nodes[i]
                nodes[i].inputs.append(addTensor(Constant(shape: [shape[0]], floats: c.asFloats), name: n.name.isEmpty ? "bias" : n.name + ".bias"))
                biasless[name] = nil
                values[n.output[0]] = .dynamic(name: dense.outputs[0], dtype: .f32, shape: shape)
                folded += 1
                return
            }
        case let ("Mul", .dynamic(x, _, _), .constant(c)), let ("Mul", .constant(c), .dynamic(x, _, _)):
            if c.count == 1 { return try scale(x, c.asFloats[0]) }
        case let ("Div", .dynamic(x, _, _), .constant(c)):
            if c.count == 1, c.asFloats[0] != 0 { return try scale(x, 1 / c.asFloats[0]) }
        default: break
        }
        func scale(_ x: String, _ factor: Float) throws {
            try emit("Mul", n, inputs: [x], output: n.output[0], attributes: [("scale", .float(Double(factor)))])
        }
        func operand(_ v: Value, _ i: Int) throws -> String {
            switch v {
            case let .dynamic(name, dtype, _):
                guard dtype == .f32 else { throw fail(n, "input '\(n.input[i])' is \(dtype); arithmetic takes float values") }
                return name
            case let .constant(c): return addTensor(Constant(shape: c.shape, floats: c.asFloats), name: n.input[i])
            }
        }
        try emit(n.opType, n, inputs: [try operand(a, 0), try operand(b, 1)], output: n.output[0])
    }

    /// Resize (or Upsample): nearest neighbour by integer factors, in a mode where output pixel o
    /// reads input pixel floor(o / scale) (Kiln's Upsample), or bilinear (Kiln's Bilinear).
    func resize(_ n: Onnx_NodeProto) throws {
        let x = try dynamic(n, 0)
        guard x.shape.count == 3 else { throw fail(n, "only [N, C, H, W] inputs are supported") }
        let mode = string(n, "mode", "nearest"), coordinates = string(n, "coordinate_transformation_mode", "half_pixel")
        guard mode == "nearest" || mode == "linear" || mode == "bilinear" else {
            throw fail(n, "mode=\(mode) is not supported (nearest and linear are)")
        }
        var scales: [Float]
        var sizes: [Int]? = nil
        let scalesIndex = n.opType == "Upsample" || opset < 11 ? 1 : 2
        if hasInput(n, scalesIndex), case let .constant(s) = try value(n, scalesIndex), s.count == 4 {
            scales = s.asFloats
        } else if hasInput(n, 3), case let .constant(given) = try value(n, 3), given.count == 4 {
            let sz = try given.integers()
            guard sz[2] >= 1, sz[3] >= 1, sz[2] <= 1 << 20, sz[3] <= 1 << 20 else { throw fail(n, "sizes \(sz) are out of range") }
            sizes = [Int(sz[2]), Int(sz[3])]
            scales = [1, 1, Float(sz[2]) / Float(x.shape[1]), Float(sz[3]) / Float(x.shape[2])]
        } else {
            throw fail(n, "needs constant scales or sizes for all four dimensions")
        }
        guard scales[0] == 1, scales[1] == 1 else { throw fail(n, "scales \(scales): only H and W can be resized") }
        if mode != "nearest" {
            guard ["half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric"].contains(coordinates) else {
                throw fail(n, "coordinate_transformation_mode=\(coordinates) is not supported with mode=linear (half_pixel, pytorch_half_pixel, align_corners and asymmetric are)")
            }
            guard scales[2] > 0, scales[3] > 0, scales[2].isFinite, scales[3].isFinite else { throw fail(n, "scales \(scales) must be positive") }
            guard int(n, "antialias", 0) == 0 || (scales[2] >= 1 && scales[3] >= 1) else { throw fail(n, "antialias=1 when shrinking is not supported") }
            let out = sizes ?? [Int(Float(x.shape[1]) * scales[2]), Int(Float(x.shape[2]) * scales[3])]
            guard out.allSatisfy({ 1 ... 1 << 20 ~= $0 }) else { throw fail(n, "the output would be \(out[0])x\(out[1])") }
            var attributes: [(String, MetadataValue)] = [("size", .ints(out.map(Int64.init))), ("coordinates", .string(coordinates))]
            if sizes == nil { attributes.append(("scales", .floats([Double(scales[2]), Double(scales[3])]))) }
            try emit("Bilinear", n, inputs: [x.name], output: n.output[0], attributes: attributes)
            return
        }
        guard scales[2] >= 1, scales[3] >= 1, scales[2] <= 0x1p20, scales[3] <= 0x1p20, scales[2] == scales[2].rounded(), scales[3] == scales[3].rounded() else {
            throw fail(n, "scales \(scales): only integer factors >= 1 on H and W are supported with mode=nearest")
        }
        let nearest = string(n, "nearest_mode", "round_prefer_floor")
        let floorExact = ["half_pixel", "pytorch_half_pixel"].contains(coordinates) || (coordinates == "asymmetric" && (nearest == "floor" || (nearest == "round_prefer_floor" && scales[2] <= 2 && scales[3] <= 2)))
        guard floorExact else { throw fail(n, "coordinate_transformation_mode '\(coordinates)' with nearest_mode '\(nearest)' does not repeat pixels; export nn.Upsample(scale_factor=k, mode='nearest')") }
        try emit("Upsample", n, inputs: [x.name], output: n.output[0], attributes: [("scales", .ints([Int64(scales[2]), Int64(scales[3])]))])
    }
}
