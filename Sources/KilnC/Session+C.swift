import CKilnAPI
import KilnRuntime

/// The largest batch a session takes.
let maxBatch = 4096

@_cdecl("kiln_session_create")
public func kilnSessionCreate(_ model: kiln_model, _ threads: UInt32, _ batch: UInt32, _ session: UnsafeMutablePointer<kiln_session>?) -> kiln_status {
    call { () throws(APIError) in
        let out = try required(session, "session")
        guard (1 ... 256).contains(threads) else { throw .argument("threads is \(threads); pass 1 to 256 (the board's core count is a good choice).") }
        guard (1 ... UInt32(maxBatch)).contains(batch) else { throw .argument("batch is \(batch); pass 1 to \(maxBatch) samples per run.") }
        let m = try Registry.shared.model(model.id)
        let s = try Session(model: m, threads: Int(threads), batch: Int(batch))
        out.pointee = kiln_session(id: try Registry.shared.add(s, model: model.id))
    }
}

@_cdecl("kiln_session_release")
public func kilnSessionRelease(_ session: kiln_session) -> kiln_status {
    call { () throws(APIError) in try Registry.shared.releaseSession(session.id) }
}

@_cdecl("kiln_session_get_batch")
public func kilnSessionGetBatch(_ session: kiln_session, _ batch: UnsafeMutablePointer<UInt32>?) -> kiln_status {
    call { () throws(APIError) in
        let out = try required(batch, "batch")
        out.pointee = try Registry.shared.using(session: session.id) { s throws(APIError) in UInt32(s.plan.batch) }
    }
}

@_cdecl("kiln_session_run")
public func kilnSessionRun(_ session: kiln_session,
                           _ inputs: UnsafePointer<UnsafeRawPointer?>?, _ inputSizes: UnsafePointer<Int>?, _ inputCount: UInt32,
                           _ outputs: UnsafePointer<UnsafeMutableRawPointer?>?, _ outputSizes: UnsafePointer<Int>?, _ outputCount: UInt32) -> kiln_status {
    call { () throws(APIError) in
        try Registry.shared.using(session: session.id) { s throws(APIError) in
            guard inputCount == s.inputs.count, outputCount == s.outputs.count else {
                throw .argument("the model has \(s.inputs.count) input(s) and \(s.outputs.count) output(s), the call passes \(inputCount) and \(outputCount).")
            }
            let (x, xs) = s.inputs.isEmpty ? (nil, nil) : (try required(inputs, "inputs"), try required(inputSizes, "input_sizes"))
            let (y, ys) = (try required(outputs, "outputs"), try required(outputSizes, "output_sizes"))
            for (i, buffer) in s.inputs.enumerated() {
                _ = try required(x![i], "inputs[\(i)]")
                guard xs![i] >= buffer.count else { throw .bufferTooSmall(what: "inputs[\(i)] (input_sizes[\(i)] bytes)", needed: buffer.count, given: xs![i]) }
            }
            for (j, buffer) in s.outputs.enumerated() {
                _ = try required(y[j], "outputs[\(j)]")
                guard ys[j] >= buffer.count else { throw .bufferTooSmall(what: "outputs[\(j)] (output_sizes[\(j)] bytes)", needed: buffer.count, given: ys[j]) }
            }
            for (i, buffer) in s.inputs.enumerated() { buffer.baseAddress!.copyMemory(from: x![i]!, byteCount: buffer.count) }
            try runtime { try s.plan.run() }
            for (j, buffer) in s.outputs.enumerated() { y[j]!.copyMemory(from: buffer.baseAddress!, byteCount: buffer.count) }
        }
    }
}

@_cdecl("kiln_session_generate")
public func kilnSessionGenerate(_ session: kiln_session, _ seed: UInt64, _ count: UInt32, _ classIndex: Int32,
                                _ out: UnsafeMutablePointer<Float>?, _ capacity: Int) -> kiln_status {
    call { () throws(APIError) in
        let out = try required(out, "out")
        try Registry.shared.using(session: session.id) { s throws(APIError) in
            let spec = try s.model.spec()
            let classes = spec.classNames.count
            if spec.labelInput == nil {
                guard classIndex == -1 else { throw .argument("class_index is \(classIndex) but the model is not conditional; pass -1.") }
            } else {
                guard (-1 ..< Int32(classes)).contains(classIndex) else {
                    throw .argument("class_index is \(classIndex); the model has \(classes) classes (0 to \(classes - 1)), or pass -1 for class k mod \(classes).")
                }
            }
            let perImage = try checkedOutput(s, count: count, capacity: capacity)
            var first = 0
            while first < Int(count) {
                spec.fillInputs(of: s.plan, seed: seed, first: first, classIndex: classIndex >= 0 ? classIndex : nil)
                let n = min(s.plan.batch, Int(count) - first)
                try s.runBatch(count: n, into: out + first * perImage)
                first += n
            }
        }
    }
}

@_cdecl("kiln_session_generate_latent")
public func kilnSessionGenerateLatent(_ session: kiln_session, _ z: UnsafePointer<Float>?, _ count: UInt32, _ classes: UnsafePointer<Int32>?,
                                      _ out: UnsafeMutablePointer<Float>?, _ capacity: Int) -> kiln_status {
    call { () throws(APIError) in
        let out = try required(out, "out")
        let z = try required(z, "z")
        try Registry.shared.using(session: session.id) { s throws(APIError) in
            let spec = try s.model.spec()
            let perImage = try checkedOutput(s, count: count, capacity: capacity)
            let labels: UnsafePointer<Int32>?
            if spec.labelInput != nil {
                labels = try required(classes, "classes (the model is conditional)")
                for k in 0 ..< Int(count) where !(0 ..< Int32(spec.classNames.count)).contains(labels![k]) {
                    throw .argument("classes[\(k)] is \(labels![k]); the model has \(spec.classNames.count) classes (0 to \(spec.classNames.count - 1)).")
                }
            } else {
                guard classes == nil else { throw .argument("classes must be NULL: the model is not conditional.") }
                labels = nil
            }
            let (batch, dim) = (s.plan.batch, spec.sampler.dimension)
            let zIn = s.inputs[spec.latentInput].baseAddress!.assumingMemoryBound(to: Float.self)
            var first = 0
            while first < Int(count) {
                let n = min(batch, Int(count) - first)
                zIn.update(from: z + first * dim, count: n * dim)
                (zIn + n * dim).update(repeating: 0, count: (batch - n) * dim)  // a last, partial batch
                if let li = spec.labelInput {
                    let l = s.inputs[li].baseAddress!.assumingMemoryBound(to: Int32.self)
                    l.update(from: labels! + first, count: n)
                    (l + n).update(repeating: 0, count: batch - n)
                }
                try s.runBatch(count: n, into: out + first * perImage)
                first += n
            }
        }
    }
}

/// Output 0's floats per image, after checking that it is f32 and `capacity` holds `count` images.
private func checkedOutput(_ s: Session, count: UInt32, capacity: Int) throws(APIError) -> Int {
    guard count >= 1 else { throw .argument("count is 0; generate at least one image.") }
    guard s.floatsPerImage > 0 else { throw .notGenerator("the model's output 0 is \(s.plan.outputs[0].dtype), not f32 images.") }
    let perImage = s.floatsPerImage
    let (needed, overflow) = perImage.multipliedReportingOverflow(by: Int(count))
    guard !overflow, capacity >= needed else {
        throw .bufferTooSmall(what: "out (capacity floats)", needed: overflow ? Int.max : needed, given: capacity)
    }
    return perImage
}
