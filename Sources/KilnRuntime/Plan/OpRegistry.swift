import KilnFormat

/// The float kernels a plan uses for Conv2d, ConvTranspose2d and Dense.
public enum FloatKernels: String, Sendable, CaseIterable {
    /// Plain loops that sum in Double: the reference.
    case reference
    /// im2col / col2im and the packed f32 GEMM of CKilnKernels (float sums, FMA where the CPU has it).
    case gemm
}

/// The ways to make one op from its node and the planner's knowledge of its inputs (nil: an
/// absent optional input).
struct OpFactories: Sendable {
    /// The plain form: what reference plans run and `ShapeInference` asks. nil for int8 ops.
    var reference: (@Sendable (Node, [ValueInfo?]) throws -> Op)?
    /// The form on the plan's kernels and threads: GEMM plans run it, and int8 ops have only this.
    var planned: (@Sendable (Node, [ValueInfo?], PlanContext) throws -> Op)?

    /// The op a plan with `floatKernels` runs.
    func make(_ node: Node, _ inputs: [ValueInfo?], context: PlanContext, floatKernels: FloatKernels) throws -> Op {
        if let planned, floatKernels == .gemm || reference == nil { return try planned(node, inputs, context) }
        return try reference!(node, inputs)
    }

    /// An element-wise op: the reference on one thread, the planned form splitting its work.
    static func elementwise(_ kind: Elementwise.Kind) -> OpFactories {
        OpFactories(reference: { try Elementwise(node: $0, inputs: $1, kind: kind) },
                    planned: { try Elementwise(node: $0, inputs: $1, kind: kind, pool: $2.pool) })
    }
}

/// Every op the runtime implements, by the op name stored in the file (Formats/SPEC.md).
let opRegistry: [String: OpFactories] = [
    // float: Double-summing references, and GEMM forms that split their work between threads
    "Dense": OpFactories(reference: Dense.init, planned: { try DenseGEMM(node: $0, inputs: $1, context: $2) }),
    "Conv2d": OpFactories(reference: Conv2d.init, planned: { try Conv2dGEMM(node: $0, inputs: $1, context: $2) }),
    "ConvTranspose2d": OpFactories(reference: ConvTranspose2d.init, planned: { try ConvTranspose2dGEMM(node: $0, inputs: $1, context: $2) }),
    "BatchNorm2d": OpFactories(reference: BatchNorm2d.init, planned: { try BatchNorm2d(node: $0, inputs: $1, context: $2) }),
    "ReLU": .elementwise(.relu),
    "LeakyReLU": .elementwise(.leakyReLU),
    "Tanh": .elementwise(.tanh),
    "Sigmoid": .elementwise(.sigmoid),
    "Sqrt": .elementwise(.sqrt),
    "Reciprocal": .elementwise(.reciprocal),
    "Pow": .elementwise(.pow),
    "Clip": .elementwise(.clip),
    // Mul: by the constant attribute `scale` (element-wise), or of two inputs (broadcasting)
    "Mul": OpFactories(reference: { $0.inputs.count == 2 ? try Broadcast(node: $0, inputs: $1, kind: .mul) as Op : try Elementwise(node: $0, inputs: $1, kind: .mulByConstant) },
                       planned: { $0.inputs.count == 2 ? try Broadcast(node: $0, inputs: $1, kind: .mul) as Op : try Elementwise(node: $0, inputs: $1, kind: .mulByConstant, pool: $2.pool) }),
    // float, one form
    "InstanceNorm2d": OpFactories(reference: InstanceNorm2d.init, planned: { try InstanceNorm2d(node: $0, inputs: $1, context: $2) }),
    "PReLU": OpFactories(reference: PReLU.init),
    "Reshape": OpFactories(reference: Reshape.init),
    "Flatten": OpFactories(reference: { try Reshape.flatten(node: $0, inputs: $1) }),
    "Concat": OpFactories(reference: Concat.init),
    "Add": OpFactories(reference: { try Broadcast(node: $0, inputs: $1, kind: .add) }),
    "Sub": OpFactories(reference: { try Broadcast(node: $0, inputs: $1, kind: .sub) }),
    "Div": OpFactories(reference: { try Broadcast(node: $0, inputs: $1, kind: .div) }),
    "Upsample": OpFactories(reference: Upsample.init),
    "Pad": OpFactories(reference: Pad.init),
    "Bilinear": OpFactories(reference: Bilinear.init),
    "DepthToSpace": OpFactories(reference: DepthToSpace.init),
    "SpaceToDepth": OpFactories(reference: SpaceToDepth.init),
    "Transpose": OpFactories(reference: Transpose.init),
    "Expand": OpFactories(reference: Expand.init),
    "ReduceMean": OpFactories(reference: { try Reduce(node: $0, inputs: $1, kind: .mean) }),
    "ReduceL2": OpFactories(reference: { try Reduce(node: $0, inputs: $1, kind: .l2) }),
    "Embedding": OpFactories(reference: Embedding.init),
    "MaxPool2d": OpFactories(reference: MaxPool2d.init),
    "Softmax": OpFactories(reference: Softmax.init),
    // int8 (Formats/SPEC.md, "Integer semantics")
    "QuantizeLinear": OpFactories(planned: { try QuantizeLinear(node: $0, inputs: $1, context: $2) }),
    "DequantizeLinear": OpFactories(planned: { try DequantizeLinear(node: $0, inputs: $1, context: $2) }),
    "QLookup": OpFactories(planned: { try QLookup(node: $0, inputs: $1, context: $2) }),
    "QConv2d": OpFactories(planned: { try QConv(node: $0, inputs: $1, context: $2, transposed: false) }),
    "QConvTranspose2d": OpFactories(planned: { try QConv(node: $0, inputs: $1, context: $2, transposed: true) }),
    "QDense": OpFactories(planned: { try QDense(node: $0, inputs: $1, context: $2) }),
    "QChannelLookup": OpFactories(planned: { try QChannelLookup(node: $0, inputs: $1, context: $2) }),
    "QInstanceNorm": OpFactories(planned: { try QInstanceNorm(node: $0, inputs: $1, context: $2) }),
    "QAdd": OpFactories(planned: { try QAdd(node: $0, inputs: $1, context: $2) }),
]
