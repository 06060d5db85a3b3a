import KilnFormat

/// QChannelLookup (1.3): i8 -> i8 through one 256-entry table per channel, y[n, c, …] =
/// table[c, x[n, c, …] + 128]. Inputs: x i8 [N, C, …] (rank >= 2), table i8 [C, 256] (a constant).
/// PReLU and arithmetic with a per-channel constant (a BatchNorm or a scale that tf2onnx writes
/// as Mul and Add) are one of these; the quantizer computes the tables.
struct QChannelLookup: Op {
    let planes, channels, inner: Int
    let pool: ThreadPool
    let outputs: [ValueInfo]
    var macsPerSample: Int { 0 }

    init(node: Node, inputs: [ValueInfo?], context: PlanContext) throws {
        try node.requireInputs(inputs, max: 2)
        let x = try node.input(inputs, 0, .i8)
        guard x.shape.count >= 2 else { throw node.shapeError("QChannelLookup needs x [N, C, ...], got \(x.shape)") }
        let table = try context.constant(node, 1)
        guard table.dtype == .i8, table.shape == [Int64(x.shape[1]), 256] else {
            throw node.shapeError("the table must be i8 [\(x.shape[1]), 256] (one row per channel), got \(table.dtype) \(table.shape)")
        }
        (channels, planes) = (x.shape[1], x.shape[0] * x.shape[1])
        inner = x.elementCount / max(planes, 1)
        pool = context.pool
        outputs = [x]
    }

    private struct Work {
        let x: UnsafePointer<Int8>, y: UnsafeMutablePointer<Int8>, table: UnsafePointer<Int8>
        let channels, inner: Int
    }

    func run(_ inputs: [UnsafeRawPointer?], _ outputs: [UnsafeMutableRawPointer], _ scratch: UnsafeMutableRawPointer) {
        var w = Work(x: inputs[0]!.assumingMemoryBound(to: Int8.self), y: outputs[0].assumingMemoryBound(to: Int8.self),
                     table: inputs[1]!.assumingMemoryBound(to: Int8.self), channels: channels, inner: inner)
        pool.parallelFor(planes, &w) { p, lo, hi in
            let w = p!.assumingMemoryBound(to: Work.self).pointee
            for plane in lo ..< hi {
                let t = w.table + (plane % w.channels) * 256 + 128, x = w.x + plane * w.inner, y = w.y + plane * w.inner
                for i in 0 ..< w.inner { y[i] = t[Int(x[i])] }
            }
        }
    }
}
