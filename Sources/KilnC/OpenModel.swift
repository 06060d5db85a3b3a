#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CKilnAPI
import KilnFormat
import KilnRuntime

/// A model behind a kiln_model handle: the validated file, what it declares, and the C strings
/// handed out for it (freed with the model).
final class OpenModel {
    let model: KilnModel
    /// The generator description, or why the model is not a generator.
    let generator: Result<GeneratorSpec, APIError>
    let inputs: [kiln_tensor_info]
    let outputs: [kiln_tensor_info]
    let classNames: [UnsafeMutablePointer<CChar>]
    let info: kiln_model_info
    /// Open sessions on this model (changed under the registry's lock).
    var sessions = 0
    private var strings: [UnsafeMutablePointer<CChar>] = []

    /// Checks that the model runs here (a batch-1 plan, dropped again) and gathers its description.
    init(model: KilnModel, fileBytes: Int) throws(APIError) {
        self.model = model
        let probe = try runtime { try Plan(model: model, batch: 1) }
        do { generator = .success(try GeneratorSpec(model: model)) } catch { generator = .failure(.notGenerator("\(error)")) }
        var strings: [UnsafeMutablePointer<CChar>] = []
        func keep(_ s: String) -> UnsafeMutablePointer<CChar> {
            let p = strdup(s)!
            strings.append(p)
            return p
        }
        func describe(_ name: String, _ v: ValueInfo) -> kiln_tensor_info {
            var t = kiln_tensor_info()
            t.name = UnsafePointer(keep(name))
            t.dtype = kiln_dtype(UInt32(v.dtype.rawValue))
            let dims = v.shape.dropFirst()  // per sample
            t.rank = UInt32(dims.count)
            withUnsafeMutableBytes(of: &t.shape) { raw in
                let shape = raw.bindMemory(to: Int64.self)
                for (i, d) in dims.prefix(8).enumerated() { shape[i] = Int64(d) }
            }
            t.elements = UInt64(dims.reduce(1, *))
            t.bytes = t.elements * UInt64(v.dtype.size)
            return t
        }
        inputs = zip(model.graph.inputs, probe.inputs).map { describe($0.name, $1) }
        outputs = zip(model.graph.outputs, probe.outputs).map { describe($0, $1) }
        let spec = try? generator.get()
        let names = spec?.classNames ?? model[metadata: "classes.names"]?.stringsValue ?? []
        classNames = names.map(keep)
        var info = kiln_model_info()
        info.name = UnsafePointer(keep(model[metadata: "general.name"]?.stringValue ?? ""))
        info.architecture = UnsafePointer(keep(model[metadata: "general.architecture"]?.stringValue ?? ""))
        info.precision = UnsafePointer(keep(probe.precisionMix))
        info.input_count = UInt32(inputs.count)
        info.output_count = UInt32(outputs.count)
        info.latent_dim = UInt32(spec?.sampler.dimension ?? 0)
        info.class_count = UInt32(names.count)
        info.conditional = spec?.labelInput == nil ? 0 : 1
        info.output_lo = Float(spec?.outputRange.lo ?? 0)
        info.output_hi = Float(spec?.outputRange.hi ?? 0)
        info.macs_per_sample = UInt64(probe.macsPerSample)
        info.file_bytes = UInt64(fileBytes)
        info.format_major = KilnFormatVersion.major
        info.format_minor = model.minorVersion
        self.info = info
        self.strings = strings
    }

    deinit { for p in strings { free(p) } }

    /// The generator description, or KILN_E_NOT_GENERATOR with the reason.
    func spec() throws(APIError) -> GeneratorSpec { try generator.get() }
}
