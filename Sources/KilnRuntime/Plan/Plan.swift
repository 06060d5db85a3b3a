import CKilnKernels
import KilnFormat

/// A model prepared for one batch size: every op's shapes checked, every intermediate value
/// placed in one arena. `run()` reads the input buffers, writes the output buffers and never
/// allocates.
public final class Plan {
    /// The memory limit of a plan unless one is given: 1 GiB (see `init`'s maxMemory).
    public static let defaultMaxMemory = 1 << 30

    public let model: KilnModel
    public let batch: Int
    /// Graph inputs and outputs with their full shapes (batch first).
    public let inputs: [ValueInfo]
    public let outputs: [ValueInfo]
    /// Bytes of the activation arena.
    public let arenaBytes: Int
    /// Multiply-accumulates per sample over all ops.
    public let macsPerSample: Int
    /// Nodes not run as ops of their own: BatchNorm2d and activations in an earlier layer's
    /// epilogue, and channel Concats and Upsamples that a tiled convolution reads in place.
    public let fusedNodes: Int
    /// Nodes that compute on int8 values and on float values (QuantizeLinear and
    /// DequantizeLinear, which convert between them, in neither).
    public let int8Nodes: Int, floatNodes: Int

    /// "int8", "f32", or for a model that mixes them "int8, 3 of 14 ops f32".
    public var precisionMix: String {
        if floatNodes == 0 && int8Nodes > 0 { return "int8" }
        if int8Nodes == 0 { return "f32" }
        return "int8, \(floatNodes) of \(int8Nodes + floatNodes) ops f32"
    }

    private struct Step {
        let op: Op
        let inputs: [UnsafeRawPointer?]
        let outputs: [UnsafeMutableRawPointer]
    }

    private let arena: UnsafeMutableRawPointer
    /// f32 copies of the model's f16 constants.
    private let widened: OwnedBuffers
    private let scratch: UnsafeMutableRawPointer
    private let steps: [Step]
    private let inputPointers: [UnsafeMutableRawPointer]
    private let outputPointers: [UnsafeRawPointer]

    /// The kernels Conv2d, ConvTranspose2d and Dense use.
    public let floatKernels: FloatKernels
    /// The kernel path of the int8 ops.
    public let int8Kernels: Int8Kernels
    /// Threads the int8 ops split their output work across.
    public var threads: Int { pool.count }
    private let pool: ThreadPool

    /// - Parameters:
    ///   - int8Kernels: nil picks `Int8Kernels.fromEnvironment()` (KILN_KERNELS, else the best path).
    ///   - threads: 1 to 256; int8 outputs are the same bytes for every count.
    ///   - fuseEpilogues: in GEMM plans, run a BatchNorm2d and an activation after a float layer
    ///     in the layer's output pass (`Epilogue`); false runs them as ops of their own. The bytes
    ///     are the same either way.
    ///   - splitTransposedConvs: in GEMM plans, let a ConvTranspose2d run one GEMM per kernel row
    ///     over the input rows it needs, where that computes at least 10% less; false keeps one
    ///     GEMM. The bytes are the same either way.
    ///   - maxMemory: the most bytes the plan may take, activation arena and plan-time buffers
    ///     (packed weights, widened fp16 weights) together; a model that needs more is refused
    ///     before anything is allocated, with the value or layer that asks for it named.
    public init(model: KilnModel, batch: Int, floatKernels: FloatKernels = .gemm, int8Kernels: Int8Kernels? = nil,
                threads: Int = 1, fuseEpilogues: Bool = true, splitTransposedConvs: Bool = true,
                maxMemory: Int = Plan.defaultMaxMemory) throws {
        guard batch >= 1 else { throw RuntimeError.badBatch(batch) }
        self.model = model
        self.batch = batch
        self.floatKernels = floatKernels
        self.int8Kernels = try int8Kernels ?? Int8Kernels.fromEnvironment()
        pool = try ThreadPool(threads: threads)

        // Every value: its info, and where its bytes live (a constant tensor, or arena slot k).
        enum Home { case constant(UnsafeRawPointer), arena(Int) }
        var info: [String: (ValueInfo, Home)] = [:]
        let widened = OwnedBuffers(limit: maxMemory)
        for t in model.tensors {
            let shape = t.shape.map { Int($0) }
            if t.dtype == .f16 {
                // f16 constants are widened (exactly) to f32 once, here; ops only see f32.
                let n = t.elementCount
                let buffer = try widened.allocate(bytes: n * 4, for: "the f32 copy of fp16 tensor '\(t.name)'")
                if n > 0 { kiln_f16_to_f32(t.bytes.baseAddress!.assumingMemoryBound(to: UInt16.self), buffer.assumingMemoryBound(to: Float.self), n) }
                info[t.name] = (ValueInfo(dtype: .f32, shape: shape, isConstant: true), .constant(UnsafeRawPointer(buffer)))
            } else {
                info[t.name] = (ValueInfo(dtype: t.dtype, shape: shape, isConstant: true), .constant(t.bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 64)!))
            }
        }
        self.widened = widened
        var floatConstants: [String: UnsafePointer<Float>] = [:]
        for (name, (v, home)) in info where v.dtype == .f32 {
            if case let .constant(p) = home { floatConstants[name] = p.assumingMemoryBound(to: Float.self) }
        }
        var context = PlanContext(kernels: self.int8Kernels, pool: pool, buffers: widened, model: model, floatConstants: floatConstants)
        context.splitTransposedConvs = splitTransposedConvs
        var buffers: [ArenaPlanner.Buffer] = []
        var largest = (bytes: 0, what: "")
        func slot(_ v: ValueInfo, at step: Int, what: String) throws -> Home {
            let bytes = try checkedCount(v.shape + [v.dtype.size], what: what)
            guard bytes <= maxMemory - widened.total else {
                throw RuntimeError.overMemoryLimit(what: what, bytes: bytes, planned: widened.total, limit: maxMemory)
            }
            if bytes > largest.bytes { largest = (bytes, what) }
            buffers.append(ArenaPlanner.Buffer(size: bytes, first: step, last: step))
            return .arena(buffers.count - 1)
        }
        for input in model.graph.inputs {
            let v = ValueInfo(dtype: input.dtype, shape: [batch] + input.shape.map { Int($0) })
            info[input.name] = (v, try slot(v, at: -1, what: "graph input '\(input.name)'"))
        }
        let chains = floatKernels == .gemm && fuseEpilogues ? Epilogue.chains(model.graph, constants: Set(floatConstants.keys)) : [:]
        var ops: [Op] = []
        var opValues: [(inputs: [String], outputs: [String])] = []  // the values each op reads and writes
        var nodeIndices: [Int] = []  // each op's node
        var fused: Set<Int> = []  // nodes run by an earlier op's epilogue, or read in place by a convolution
        var macs = 0, int8Nodes = 0, floatNodes = 0
        var readers: [String: Int] = [:]  // nodes (and graph outputs) that read each value
        for node in model.graph.nodes { for name in node.inputs where !name.isEmpty { readers[name, default: 0] += 1 } }
        for name in model.graph.outputs { readers[name, default: 0] += 1 }
        var readableInPlace: [String: Int] = [:]  // the output of a float channel Concat or Upsample -> its op
        var dropped: Set<Int> = []  // ops whose work a later op took over
        for (i, node) in model.graph.nodes.enumerated() where !fused.contains(i) {
            let ins = node.inputs.map { $0.isEmpty ? nil : info[$0]!.0 }
            for name in node.inputs where !name.isEmpty {
                if case let .arena(k) = info[name]!.1 { buffers[k].last = i }
            }
            guard let factories = opRegistry[node.op] else { throw RuntimeError.unknownOp(op: node.op, node: node.name) }
            var op = try factories.make(node, ins, context: context, floatKernels: floatKernels)
            guard op.outputs.count == node.outputs.count else {
                throw RuntimeError.inputCount(node: node.name, message: "\(node.op) has \(op.outputs.count) outputs, the node names \(node.outputs.count)")
            }
            var inputNames = node.inputs, outputNames = node.outputs, absorbed = 0
            if var conv = op as? Conv2dGEMM, conv.tiles != nil, let k = readableInPlace[node.inputs[0]], readers[node.inputs[0]] == 1 {
                // A Concat or Upsample read only by this convolution: its padded copy gathers the
                // Concat's parts or repeats the Upsample's pixels, and that op no longer runs.
                let sources = opValues[k].inputs
                if let up = ops[k] as? Upsample { conv.readUpsampled(up.sh, up.sw) } else { conv.parts = sources.map { info[$0]!.0.shape[1] } }
                (op, inputNames) = (conv, sources + node.inputs.dropFirst())
                for name in sources { if case let .arena(b) = info[name]!.1 { buffers[b].last = i } }
                if case let .arena(b) = info[node.inputs[0]]!.1 { buffers[b].size = 0 }
                dropped.insert(k)
                fused.insert(nodeIndices[k])
            }
            if let chain = chains[i], var layer = op as? EpilogueFusing {
                let nodes = chain.map { model.graph.nodes[$0] }
                layer.epilogue = try Epilogue(chain: nodes, value: op.outputs[0], constant: { info[$0]?.0 }, context: context)
                (op, outputNames) = (layer, nodes.last!.outputs)
                fused.formUnion(chain)
                absorbed = chain.count
            }
            for (name, v) in zip(outputNames, op.outputs) { info[name] = (v, try slot(v, at: i, what: "value '\(name)' of node '\(node.name)'")) }
            let channelConcat = op is Concat && op.outputs[0].shape.count == 4 && (node.attribute("axis")?.intValue ?? 1) == 1
            if channelConcat || op is Upsample, op.outputs[0].dtype == .f32 { readableInPlace[node.outputs[0]] = ops.count }
            ops.append(op)
            opValues.append((inputNames, outputNames))
            nodeIndices.append(i)
            macs += op.macsPerSample
            if node.op != "QuantizeLinear" && node.op != "DequantizeLinear" {
                if op.outputs[0].dtype == .i8 { int8Nodes += 1 } else { floatNodes += 1 + absorbed }
            }
        }
        let kept = ops.indices.filter { !dropped.contains($0) }
        (ops, opValues, nodeIndices) = (kept.map { ops[$0] }, kept.map { opValues[$0] }, kept.map { nodeIndices[$0] })
        // Graph inputs and outputs live through the whole run: no op's output reuses an input's
        // memory, so a plan run again reads the inputs it was given (kiln bench runs one fill many times).
        let end = model.graph.nodes.count
        for name in model.graph.inputs.map(\.name) + model.graph.outputs { if case let .arena(k) = info[name]!.1 { buffers[k].last = end } }

        // One scratch buffer, shared by the ops (they run one at a time), at the arena's end.
        let scratchOp = ops.indices.max { ops[$0].scratchBytes < ops[$1].scratchBytes }
        let scratchBytes = scratchOp.map { ops[$0].scratchBytes } ?? 0
        let scratchWhat = "the scratch memory of node '\(scratchOp.map { model.graph.nodes[nodeIndices[$0]].name } ?? "")'"
        guard scratchBytes <= Int.max - 63 else { throw RuntimeError.tooLarge(what: scratchWhat) }
        _ = try slot(ValueInfo(dtype: .u8, shape: [(scratchBytes + 63) / 64 * 64]), at: -1, what: scratchWhat)
        buffers[buffers.count - 1].last = end
        let (offsets, size) = ArenaPlanner.place(buffers)
        guard size <= maxMemory - widened.total else {
            throw RuntimeError.overMemoryLimit(what: "the activation arena (its largest part: \(largest.what), \(RuntimeError.bytes(largest.bytes)))",
                                               bytes: size, planned: widened.total, limit: maxMemory)
        }
        arena = UnsafeMutableRawPointer.allocate(byteCount: max(size, 1), alignment: ArenaPlanner.alignment)
        arena.initializeMemory(as: UInt8.self, repeating: 0, count: max(size, 1))
        arenaBytes = size
        macsPerSample = macs
        fusedNodes = fused.count
        (self.int8Nodes, self.floatNodes) = (int8Nodes, floatNodes)

        let arena = arena
        func pointer(_ name: String) -> UnsafeMutableRawPointer {
            switch info[name]!.1 {
            case let .constant(p): return UnsafeMutableRawPointer(mutating: p)
            case let .arena(k): return arena + offsets[k]
            }
        }
        scratch = arena + offsets[buffers.count - 1]
        steps = zip(opValues, ops).map { values, op in
            Step(op: op, inputs: values.inputs.map { $0.isEmpty ? nil : UnsafeRawPointer(pointer($0)) }, outputs: values.outputs.map(pointer))
        }
        inputs = model.graph.inputs.map { info[$0.name]!.0 }
        outputs = model.graph.outputs.map { info[$0]!.0 }
        inputPointers = model.graph.inputs.map { pointer($0.name) }
        outputPointers = model.graph.outputs.map { UnsafeRawPointer(pointer($0)) }
    }

    deinit { arena.deallocate() }

    /// The buffer of graph input `index` (its bytes are `inputs[index].elementCount` elements). What
    /// is written there stays until it is written again: `run()` does not overwrite it.
    public func inputBuffer(_ index: Int) -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: inputPointers[index], count: inputs[index].elementCount * inputs[index].dtype.size)
    }

    /// The buffer of graph output `index`, valid after `run()` until the next `run()`.
    public func outputBuffer(_ index: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: outputPointers[index], count: outputs[index].elementCount * outputs[index].dtype.size)
    }

    /// Runs every op in order. Throws only for data-dependent errors (a class label out of range).
    public func run() throws {
        for step in steps { try step.op.run(step.inputs, step.outputs, scratch) }
    }
}
