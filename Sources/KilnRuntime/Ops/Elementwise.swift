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
///   Sqrt:      y = sqrt(x)                        (IEEE 754 binary32, correctly rounded; x < 0 gives NaN)
///   Reciprocal: y = 1 / x                         (binary32)
///   Pow:       y = x * x for exponent 2, else pow(x, exponent) in Double libm rounded to Float
///   Clip:      y = x < min ? min : x > max ? max : x (attributes min, max; NaN stays NaN)
struct Elementwise: Op {
    enum Kind { case relu, leakyReLU, tanh, sigmoid, mulByConstant, sqrt, reciprocal, pow, clip }

    let kind: Kind
    let count: Int
    /// Splits the elements between threads in GEMM plans (the same bytes for any split).
    var pool: ThreadPool?
    let parameter: Float
    /// Clip's upper bound.
    let upper: Float
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
        case .pow:
            guard node.attribute("exponent") != nil else {
                throw RuntimeError.badAttribute(node: node.name, key: "exponent", message: "Pow needs the constant exponent 'exponent'")
            }
            parameter = Float(try node.float("exponent", default: 1))
        case .clip:
            parameter = Float(try node.float("min", default: -.infinity))
            guard parameter <= Float(try node.float("max", default: .infinity)) else {
                throw RuntimeError.badAttribute(node: node.name, key: "max", message: "Clip needs min <= max")
            }
        default: parameter = 0
        }
        upper = kind == .clip ? Float(try node.float("max", default: .infinity)) : 0
        count = x.elementCount
        outputs = [x]
    }

    func run(_ inputs: [UnsafeRawPointer?], _ outputs: [UnsafeMutableRawPointer], _ scratch: UnsafeMutableRawPointer) {
        let x = inputs[0]!.assumingMemoryBound(to: Float.self)
        let y = outputs[0].assumingMemoryBound(to: Float.self)
        var work = Work(kind: kind, a: parameter, b: upper, x: x, y: y)
        guard let pool else { return Self.apply(work, 0, count) }
        pool.parallelFor(count, &work) { w, lo, hi in Elementwise.apply(w!.assumingMemoryBound(to: Work.self).pointee, lo, hi) }
    }

    private struct Work {
        let kind: Kind
        let a, b: Float
        let x: UnsafePointer<Float>
        let y: UnsafeMutablePointer<Float>
    }

    private static func apply(_ w: Work, _ lo: Int, _ hi: Int) {
        let (x, y, a, b) = (w.x, w.y, w.a, w.b)
        switch w.kind {
        case .relu: for i in lo ..< hi { y[i] = x[i] > 0 ? x[i] : 0 }
        case .leakyReLU: for i in lo ..< hi { y[i] = x[i] >= 0 ? x[i] : a * x[i] }
        case .tanh: kiln_f32_vtanh(x + lo, y + lo, hi - lo)  // the same bytes, several lanes at a time
        case .sigmoid: for i in lo ..< hi { y[i] = Float(1 / (1 + exp(-Double(x[i])))) }
        case .mulByConstant: for i in lo ..< hi { y[i] = x[i] * a }
        case .sqrt: for i in lo ..< hi { y[i] = x[i].squareRoot() }
        case .reciprocal: for i in lo ..< hi { y[i] = 1 / x[i] }
        case .pow where a == 2: for i in lo ..< hi { y[i] = x[i] * x[i] }
        case .pow: for i in lo ..< hi { y[i] = Float(pow(Double(x[i]), Double(a))) }
        case .clip: for i in lo ..< hi { y[i] = x[i] < a ? a : x[i] > b ? b : x[i] }
        }
    }
}
