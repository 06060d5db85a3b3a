import CKilnAPI
import KilnRuntime

/// A plan behind a kiln_session handle, with its buffers looked up once so calls only copy.
/// `busy` is changed under the registry's lock.
final class Session {
    let model: OpenModel
    let plan: Plan
    let inputs: [UnsafeMutableRawBufferPointer]
    let outputs: [UnsafeRawBufferPointer]
    /// Output 0's floats per sample (0 when it is not f32).
    let floatsPerImage: Int
    var busy = false

    init(model: OpenModel, threads: Int, batch: Int) throws(APIError) {
        self.model = model
        let plan = try runtime { try Plan(model: model.model, batch: batch, threads: threads) }
        self.plan = plan
        inputs = plan.inputs.indices.map { plan.inputBuffer($0) }
        outputs = plan.outputs.indices.map { plan.outputBuffer($0) }
        floatsPerImage = plan.outputs[0].dtype == .f32 ? outputs[0].count / 4 / batch : 0
    }

    /// Runs one batch (the inputs are filled) and copies `count` samples of output 0 to `out`.
    func runBatch(count: Int, into out: UnsafeMutablePointer<Float>) throws(APIError) {
        try runtime { try plan.run() }
        UnsafeMutableRawPointer(out).copyMemory(from: outputs[0].baseAddress!, byteCount: 4 * floatsPerImage * count)
    }
}
