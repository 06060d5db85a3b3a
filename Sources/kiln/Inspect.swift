import ArgumentParser
import KilnFormat
import KilnRuntime

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a model's metadata, inputs, outputs, tensors and ops.",
        discussion: "Loading verifies every checksum; a corrupted file is reported, not shown."
    )

    @Argument(help: "The .kiln model (default: the shipped default model).")
    var file: String?

    @Flag(name: .long, help: "List every tensor, not only the totals.")
    var tensors = false

    @OptionGroup var memory: MemoryOptions

    func run() throws {
        let (path, model) = try DefaultModel.load(file)
        let plan: Plan
        do { plan = try Plan(model: model, batch: 1, maxMemory: memory.bytes) } catch { throw CLIError("\(path): \(error)") }
        let bytes = model.tensors.reduce(0) { $0 + $1.bytes.count }
        let params = model.tensors.reduce(0) { $0 + $1.elementCount }
        print("file      \(path)")
        print("format    .kiln \(KilnFormatVersion.major).\(model.minorVersion); checksums verified (header, tables, \(model.tensors.count) tensors)")
        print("\nmetadata")
        let width = model.metadata.map(\.0.count).max() ?? 0
        for (k, v) in model.metadata { print("  \(k.padding(width)) = \(v)") }
        print("\ninputs")
        for (i, v) in zip(model.graph.inputs, plan.inputs) { print("  \(i.name)  \(v.dtype) [N, \(v.shape.dropFirst().map(String.init).joined(separator: ", "))]") }
        print("outputs")
        for (n, v) in zip(model.graph.outputs, plan.outputs) { print("  \(n)  \(v.dtype) [N, \(v.shape.dropFirst().map(String.init).joined(separator: ", "))]") }
        print("\nops (\(model.graph.nodes.count))")
        let counts = Dictionary(grouping: model.graph.nodes, by: \.op).mapValues(\.count)
        for (op, n) in counts.sorted(by: { $0.key < $1.key }) { print("  \(op.padding(16)) \(n)") }
        if tensors {
            print("\ntensors (\(model.tensors.count))")
            for t in model.tensors { print("  \(t.name.padding(32)) \(t.dtype)  \(t.shape)  \(t.bytes.count) B") }
        }
        print("\nparameters      \(grouped(params)) elements in \(model.tensors.count) tensors, \(grouped(bytes)) bytes")
        print("MACs per sample \(grouped(plan.macsPerSample))")
        if let q = model[metadata: "quantization.type"]?.stringValue, q == "int8" || q == "mixed" { print("precision       \(plan.precisionMix)") }
        print("arena, batch 1  \(grouped(plan.arenaBytes)) bytes")
        print("this CPU        \(CPUFeatures.current); f32 GEMM \(KernelInfo.f32GEMM), f16 widening \(KernelInfo.f16ToF32), int8 path \(plan.int8Kernels) (of \(Int8Kernels.all.filter(\.isSupported).map(\.name).joined(separator: ", ")); KILN_KERNELS picks one)")
    }
}

/// 1234567 -> "1,234,567".
func grouped(_ n: Int) -> String {
    let s = String(n.magnitude)
    var out = ""
    for (i, c) in s.enumerated() {
        if i > 0, (s.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return (n < 0 ? "-" : "") + out
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
