import KilnFormat
import KilnRuntime

/// Plans `nodes` on one graph input x of per-sample shape `input`, fills x with `values` (as Int8
/// levels when `dtype` is i8), runs once and returns the last node's output shape and values as Float.
func runNodes(_ nodes: [Node], input: [Int64], batch: Int = 1, dtype: DType = .f32, values: [Float]) throws -> (shape: [Int], values: [Float]) {
    let m = KilnModel(metadata: [], tensors: [], graph: Graph(inputs: [GraphInput(name: "x", dtype: dtype, shape: input)],
                                                              nodes: nodes, outputs: [nodes.last!.outputs[0]]))
    let plan = try Plan(model: m, batch: batch)
    if dtype == .i8 {
        let q = plan.inputBuffer(0).bindMemory(to: Int8.self)
        for (i, v) in values.enumerated() { q[i] = Int8(v) }
        try plan.run()
        return (plan.outputs[0].shape, plan.outputBuffer(0).bindMemory(to: Int8.self).map { Float($0) })
    }
    let x = plan.inputBuffer(0).bindMemory(to: Float.self)
    for (i, v) in values.enumerated() { x[i] = v }
    try plan.run()
    return (plan.outputs[0].shape, Array(plan.outputBuffer(0).bindMemory(to: Float.self)))
}
