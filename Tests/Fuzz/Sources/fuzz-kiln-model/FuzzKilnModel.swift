import KilnFormat
import KilnRuntime

/// The .kiln reader, the planner and one run on any bytes. Sizes and checksums are made consistent
/// first (FixUp.swift), so that mutations reach the validator, the planner and the ops instead of
/// stopping at a checksum. Plans are limited to 64 MiB, and only plans of at most 10^8
/// multiply-accumulates per sample are run, so that a unit stays fast under AddressSanitizer.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzKilnModel(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var bytes = Array(UnsafeBufferPointer(start: data, count: size))
    fixUp(&bytes)
    guard let model = try? KilnModel.decode(bytes) else { return 0 }
    precondition((try? KilnModel.decode(model.encode())) != nil, "a valid model does not re-encode")
    for threads in [1, 2] {
        guard let plan = try? Plan(model: model, batch: 2, threads: threads, maxMemory: 64 << 20) else { return 0 }
        guard plan.macsPerSample <= 100_000_000 else { return 0 }
        if let spec = try? GeneratorSpec(model: model) {
            spec.fillInputs(of: plan, seed: 1, first: 0)
        } else {
            for i in plan.inputs.indices { let b = plan.inputBuffer(i); for j in b.indices { b[j] = 0 } }
        }
        _ = try? plan.run()
    }
    return 0
}
