import KilnFormat

/// QAdd (1.3): the sum (or, with a negative multiplier, the difference) of two i8 values of one
/// shape, on their own quantizations: a residual connection. Attributes `a_zero_point`,
/// `b_zero_point`, `y_zero_point` (-128...127) and `multipliers` [Ma, Mb, shift] (|M| < 2^31,
/// shift 1...62). In 64-bit integers:
/// y = clamp8(zy + ⌊((a − za)·Ma + (b − zb)·Mb + 2^(shift−1)) / 2^shift⌋).
struct QAdd: Op {
    let count: Int
    let za, zb, zy: Int64
    let ma, mb: Int64
    let shift: Int64
    let pool: ThreadPool
    let outputs: [ValueInfo]
    var macsPerSample: Int { 0 }

    init(node: Node, inputs: [ValueInfo?], context: PlanContext) throws {
        try node.requireInputs(inputs, max: 2)
        let a = try node.input(inputs, 0, .i8), b = try node.input(inputs, 1, .i8)
        guard a.shape == b.shape else { throw node.shapeError("QAdd needs inputs of one shape, got \(a.shape) and \(b.shape)") }
        za = Int64(try node.int("a_zero_point", default: 0, range: -128 ... 127))
        zb = Int64(try node.int("b_zero_point", default: 0, range: -128 ... 127))
        zy = Int64(try node.int("y_zero_point", default: 0, range: -128 ... 127))
        let int32Open: ClosedRange<Int64> = -(1 << 31) + 1 ... (1 << 31) - 1
        guard let m = node.attribute("multipliers")?.intsValue, m.count == 3, int32Open ~= m[0], int32Open ~= m[1], 1 ... 62 ~= m[2] else {
            throw RuntimeError.badQuantization(node: node.name, message: "QAdd needs multipliers [Ma, Mb, shift] with |M| < 2^31 and shift 1...62")
        }
        (ma, mb, shift) = (m[0], m[1], m[2])
        count = a.elementCount
        pool = context.pool
        outputs = [a]
    }

    private struct Work {
        let a, b: UnsafePointer<Int8>, y: UnsafeMutablePointer<Int8>
        let za, zb, zy, ma, mb, shift: Int64
    }

    func run(_ inputs: [UnsafeRawPointer?], _ outputs: [UnsafeMutableRawPointer], _ scratch: UnsafeMutableRawPointer) {
        var w = Work(a: inputs[0]!.assumingMemoryBound(to: Int8.self), b: inputs[1]!.assumingMemoryBound(to: Int8.self),
                     y: outputs[0].assumingMemoryBound(to: Int8.self), za: za, zb: zb, zy: zy, ma: ma, mb: mb, shift: shift)
        pool.parallelFor(count, &w) { p, lo, hi in
            let w = p!.assumingMemoryBound(to: Work.self).pointee
            let half = Int64(1) << (w.shift - 1)
            for i in lo ..< hi {
                let acc = (Int64(w.a[i]) - w.za) * w.ma + (Int64(w.b[i]) - w.zb) * w.mb + half
                w.y[i] = Int8(clamping: w.zy + (acc >> w.shift))
            }
        }
    }
}
