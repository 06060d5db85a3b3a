#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CKilnKernels
import KilnFormat

/// Element-wise ops of one input with at most one scalar attribute; output shape = input shape.
///   ReLU:      y = max(x, 0)
///   LeakyReLU: y = x >= 0 ? x : alpha * x        (attribute alpha, default 0.01)
///   Tanh:      y = tanh(x)                        (Double libm, rounded to Float)
///   Sigmoid:   y = 1 / (1 + exp(-x))              (Double libm, rounded to Float)
///   Mul:       y = x * scale                      (attribute scale, required)
struct Elementwise: Op {
    enum Kind { case relu, leakyReLU, tanh, sigmoid, mulByConstant }

    let kind: Kind
    let count: Int
    /// Splits the elements between threads in GEMM plans (the same bytes for any split).
    var pool: ThreadPool?
    let parameter: Float
    let outputs: [ValueInfo]
    var macsPerSample: Int { 0 }

    init(node: Node, inputs: [ValueInfo?], kind: Kind, pool: ThreadPool? = nil) throws {
        self.pool = pool
        try node.requireInputs(inputs, max: 1)
        let x = try node.input(inputs, 0)
        self.kind = kind
        switch kind {
        case .leakyReLU: parameter = Float(try node.float("alpha", default: 0.01))
        case .mulByConstant:
            guard node.attribute("scale") != nil else {
                throw RuntimeError.badAttribute(node: node.name, key: "scale", message: "Mul needs the constant factor 'scale'")
            }
            parameter = Float(try node.float("scale", default: 1))
        default: parameter = 0
        }
        count = x.elementCount
        outputs = [x]
    }

    func run(_ inputs: [UnsafeRawPointer?], _ outputs: [UnsafeMutableRawPointer], _ scratch: UnsafeMutableRawPointer) {
        let x = inputs[0]!.assumingMemoryBound(to: Float.self)
        let y = outputs[0].assumingMemoryBound(to: Float.self)
        var work = Work(kind: kind, a: parameter, x: x, y: y)
        guard let pool else { return Self.apply(work, 0, count) }
        pool.parallelFor(count, &work) { w, lo, hi in Elementwise.apply(w!.assumingMemoryBound(to: Work.self).pointee, lo, hi) }
    }

    private struct Work {
        let kind: Kind
        let a: Float
        let x: UnsafePointer<Float>
        let y: UnsafeMutablePointer<Float>
    }

    private static func apply(_ w: Work, _ lo: Int, _ hi: Int) {
        let (x, y, a) = (w.x, w.y, w.a)
        switch w.kind {
        case .relu: for i in lo ..< hi { y[i] = x[i] > 0 ? x[i] : 0 }
        case .leakyReLU: for i in lo ..< hi { y[i] = x[i] >= 0 ? x[i] : a * x[i] }
        case .tanh: kiln_f32_vtanh(x + lo, y + lo, hi - lo)  // the same bytes, several lanes at a time
        case .sigmoid: for i in lo ..< hi { y[i] = Float(1 / (1 + exp(-Double(x[i])))) }
        case .mulByConstant: for i in lo ..< hi { y[i] = x[i] * a }
        }
    }
}
