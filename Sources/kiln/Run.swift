import ArgumentParser
import Foundation
import KilnFormat
import KilnImage
import KilnRuntime

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a model on .npy inputs and write its outputs as .npy.",
        discussion: """
        Each input array holds a batch: shape [N, ...] where ... is the input's per-sample shape \
        (see `kiln inspect`). float32 inputs take float32 or float64 arrays; int32 inputs (class \
        labels) take int32 or int64 arrays. A model with several inputs or outputs takes \
        NAME=FILE.npy once per input or output.

        Example:
          kiln run model.kiln --input z.npy --output images.npy
        """
    )

    @Argument(help: "The .kiln model (default: the shipped default model).")
    var file: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("An input array: FILE.npy, or NAME=FILE.npy when the model has several inputs.", valueName: "[NAME=]FILE"))
    var input: [String] = []

    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write an output: FILE.npy, or NAME=FILE.npy when the model has several outputs.", valueName: "[NAME=]FILE"))
    var output: [String] = []

    @Option(parsing: .unconditional, help: "Threads: convolutions and dense layers split their output work (the bytes do not change).")
    var threads = 1

    @OptionGroup var memory: MemoryOptions

    func validate() throws {
        guard (1 ... 256).contains(threads) else { throw ValidationError("--threads must be 1 to 256, not \(threads).") }
        guard !input.isEmpty else { throw ValidationError("Give the input array with --input FILE.npy (see `kiln inspect` for the shape).") }
        guard !output.isEmpty else { throw ValidationError("Say where to write the result with --output FILE.npy.") }
    }

    func run() throws {
        let (path, model) = try DefaultModel.load(file)
        let inputFiles = try assign(input, to: model.graph.inputs.map(\.name), what: "input")
        let outputFiles = try assign(output, to: model.graph.outputs, what: "output")
        let arrays = try zip(model.graph.inputs, inputFiles).map { spec, file -> NPYArray in
            try readInput(file, for: spec)
        }
        let batch = arrays[0].shape[0]
        for (spec, a) in zip(model.graph.inputs, arrays) where a.shape[0] != batch {
            throw CLIError("input '\(spec.name)' has batch \(a.shape[0]) but '\(model.graph.inputs[0].name)' has \(batch); all inputs need the same first dimension.")
        }
        let plan: Plan
        do { plan = try Plan(model: model, batch: batch, threads: threads, maxMemory: memory.bytes) } catch { throw CLIError("\(path): \(error)") }
        for (i, a) in arrays.enumerated() {
            let buf = plan.inputBuffer(i)
            switch a.data {
            case let .float32(v): v.withUnsafeBytes { buf.copyMemory(from: $0) }
            case let .int32(v): v.withUnsafeBytes { buf.copyMemory(from: $0) }
            }
        }
        do { try plan.run() } catch { throw CLIError("\(path): \(error)") }
        for (i, file) in outputFiles.enumerated() {
            let info = plan.outputs[i]
            let raw = plan.outputBuffer(i)
            let data: NPYArray.Element = info.dtype == .i32
                ? .int32(Array(raw.bindMemory(to: Int32.self)))
                : .float32(Array(raw.bindMemory(to: Float.self)))
            try writeFileAtomically(path: file, bytes: NPYArray(shape: info.shape, data: data).encode())
        }
    }

    /// Reads an .npy file and checks it against a graph input's dtype and per-sample shape.
    private func readInput(_ file: String, for spec: GraphInput) throws -> NPYArray {
        let a = try readNPY(file)
        let expected = "[N, " + spec.shape.map(String.init).joined(separator: ", ") + "]"
        guard a.shape.count == spec.shape.count + 1, a.shape.dropFirst().elementsEqual(spec.shape.map { Int($0) }), a.shape[0] >= 1 else {
            throw CLIError("\(file): shape \(a.shape) does not fit input '\(spec.name)', which takes \(expected) with N >= 1.")
        }
        switch (a.data, spec.dtype) {
        case (.float32, .f32), (.int32, .i32): return a
        default:
            let wanted = spec.dtype == .i32 ? "int32 (class labels)" : "float32"
            throw CLIError("\(file): input '\(spec.name)' takes \(wanted) values; convert with numpy's astype.")
        }
    }
}

/// Matches `--input`/`--output` arguments to names: one plain FILE for a single name, otherwise
/// NAME=FILE for every name.
func assign(_ args: [String], to names: [String], what: String) throws -> [String] {
    if names.count == 1, args.count == 1, !args[0].contains("=") || !names.contains(String(args[0].split(separator: "=")[0])) {
        return args
    }
    var files: [String: String] = [:]
    for a in args {
        let parts = a.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, names.contains(parts[0]) else {
            throw CLIError("'\(a)' names no \(what) of this model; give NAME=FILE with NAME one of: \(names.joined(separator: ", ")).")
        }
        guard files.updateValue(parts[1], forKey: parts[0]) == nil else { throw CLIError("the \(what) '\(parts[0])' is given twice.") }
    }
    let missing = names.filter { files[$0] == nil }
    guard missing.isEmpty else {
        throw CLIError("the model has \(what)s \(names.joined(separator: ", ")); give NAME=FILE for each (missing: \(missing.joined(separator: ", "))).")
    }
    return names.map { files[$0]! }
}
