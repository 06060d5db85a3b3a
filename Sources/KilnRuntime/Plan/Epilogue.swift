import CKilnKernels
import KilnFormat

/// A BatchNorm2d and an activation fused into the pass that writes a float layer's output
/// (kiln_f32_epilogue): each step is the separate op's formula, so the bytes are the same as
/// running them one after another, without their own passes over memory or their arena slots.
struct Epilogue {
    /// The C form; ops that add their bias in the same pass set `bias` when they run.
    private(set) var parameters = kiln_f32_epilogue(bias: nil, norm: nil, norm_stride: 0, activation: Int32(KILN_F32_LINEAR.rawValue),
                                                    alpha: 0)
    var isEmpty: Bool { parameters.bias == nil && parameters.norm == nil && parameters.activation == Int32(KILN_F32_LINEAR.rawValue) }

    /// Nothing fused: the layer's output as it is.
    init() {}

    /// The chains a GEMM plan fuses: for each Conv2d, ConvTranspose2d or Dense node, the nodes right
    /// after it that its epilogue takes over (in order): at most one BatchNorm2d whose parameters are
    /// constants, then at most one ReLU, LeakyReLU or Tanh. Each takes the value before it as its
    /// only input, and that value has no other reader and is not a graph output.
    static func chains(_ graph: Graph, constants: Set<String>) -> [Int: [Int]] {
        var readers: [String: [Int]] = [:]
        for (i, node) in graph.nodes.enumerated() { for name in node.inputs where !name.isEmpty { readers[name, default: []].append(i) } }
        for name in graph.outputs { readers[name, default: []].append(-1) }
        var chains: [Int: [Int]] = [:]
        for (head, node) in graph.nodes.enumerated() where ["Conv2d", "ConvTranspose2d", "Dense"].contains(node.op) {
            var chain: [Int] = [], value = node.outputs
            while value.count == 1, let only = readers[value[0]], only.count == 1, only[0] > head {
                let next = graph.nodes[only[0]]
                guard next.inputs.first == value[0] else { break }
                let isNorm = next.op == "BatchNorm2d" && chain.isEmpty && next.inputs.count == 5 && next.inputs.dropFirst().allSatisfy(constants.contains)
                let isActivation = ["ReLU", "LeakyReLU", "Tanh"].contains(next.op) && next.inputs.count == 1
                guard isNorm || isActivation else { break }
                chain.append(only[0])
                if isActivation { break }
                value = next.outputs
            }
            if !chain.isEmpty { chains[head] = chain }
        }
        return chains
    }

    /// The epilogue of `chain`, whose first node reads `value` (the layer's output, channels on
    /// axis 1); `constant` gives the info of a constant by name. Checks the nodes as their ops would.
    init(chain: [Node], value: ValueInfo, constant: (String) -> ValueInfo?, context: PlanContext) throws {
        for node in chain {
            switch node.op {
            case "BatchNorm2d":
                // the op itself checks the node and computes 1 / sqrt(var + epsilon), as it would run
                let norm = try BatchNorm2d(node: node, inputs: [value] + node.inputs.dropFirst().map(constant), context: context)
                guard let inverse = norm.inverseDeviations else {
                    throw RuntimeError.inputCount(node: node.name, message: "input #4 of BatchNorm2d must be a constant f32 or f16 tensor")
                }
                let c = norm.c
                let rows = try context.allocate(4 * c * MemoryLayout<Double>.stride, for: node).assumingMemoryBound(to: Double.self)
                let (scale, shift, mean) = try (context.floats(node, 1), context.floats(node, 2), context.floats(node, 3))
                for ch in 0 ..< c {
                    rows[ch] = Double(mean[ch])
                    rows[c + ch] = inverse[ch]
                    rows[2 * c + ch] = Double(scale[ch])
                    rows[3 * c + ch] = Double(shift[ch])
                }
                parameters.norm = UnsafePointer(rows)
                parameters.norm_stride = c
            case "ReLU": parameters.activation = Int32(KILN_F32_RELU.rawValue)
            case "LeakyReLU":
                parameters.activation = Int32(KILN_F32_LEAKY_RELU.rawValue)
                parameters.alpha = try Elementwise(node: node, inputs: [value], kind: .leakyReLU).parameter
            default: parameters.activation = Int32(KILN_F32_TANH.rawValue)
            }
        }
    }

    /// The epilogue with `bias` added first.
    func adding(bias: UnsafePointer<Float>?) -> Epilogue {
        var e = self
        e.parameters.bias = bias
        return e
    }
}

/// A float layer that can run an epilogue in its output pass.
protocol EpilogueFusing: Op {
    var epilogue: Epilogue { get set }
}
