import Foundation
import KilnFormat

/// Checkpoints are .kiln files: the exported EMA generator (so a checkpoint runs with
/// `kiln generate`) plus the training state as extra tensors ("train.g.*", "train.d.*" with
/// Adam's moments) and metadata ("train.config", "train.step", "train.seconds").
extension GANTrainer {
    public func checkpoint(elapsedSeconds: Double) throws -> KilnModel {
        recalibrateEMA()
        var model = exportModel(name: "checkpoint", description: "kiln train checkpoint at step \(step)", elapsedSeconds: elapsedSeconds)
        let json = String(decoding: try JSONEncoder().encode(config), as: UTF8.self)
        model.metadata += [("train.config", .string(json)), ("train.step", .int(Int64(step))), ("train.seconds", .float(elapsedSeconds))]
        for (prefix, params, buffers) in [("train.g.", g.parameters, g.buffers), ("train.d.", d.parameters, d.buffers)] {
            for p in params {
                model.tensors.append(KilnFormat.Tensor(name: prefix + p.name, shape: p.shape.map(Int64.init), floats: p.value))
                model.tensors.append(KilnFormat.Tensor(name: prefix + p.name + ".adam_m", shape: p.shape.map(Int64.init), floats: p.m))
                model.tensors.append(KilnFormat.Tensor(name: prefix + p.name + ".adam_v", shape: p.shape.map(Int64.init), floats: p.v))
            }
            for p in buffers { model.tensors.append(KilnFormat.Tensor(name: prefix + p.name, shape: p.shape.map(Int64.init), floats: p.value)) }
        }
        return model
    }

    /// The configuration stored in a checkpoint, or nil if `model` is not a checkpoint.
    public static func config(ofCheckpoint model: KilnModel) throws -> GANConfig? {
        guard let json = model[metadata: "train.config"]?.stringValue else { return nil }
        return try JSONDecoder().decode(GANConfig.self, from: Data(json.utf8))
    }

    /// Restores weights, Adam state and the step from a checkpoint made with the same config;
    /// returns the training seconds recorded in it.
    public func restore(from model: KilnModel) throws -> Double {
        func load(_ name: String, into values: inout [Float]) throws {
            guard let t = model.tensor(named: name), let f = t.floats, f.count == values.count else {
                throw DatasetError("the checkpoint lacks tensor '\(name)' or its shape differs; it was not written by this version of kiln train.")
            }
            values = Array(f)
        }
        for (prefix, params, buffers) in [("train.g.", g.parameters, g.buffers), ("train.d.", d.parameters, d.buffers)] {
            for p in params {
                try load(prefix + p.name, into: &p.value)
                try load(prefix + p.name + ".adam_m", into: &p.m)
                try load(prefix + p.name + ".adam_v", into: &p.v)
            }
            for p in buffers { try load(prefix + p.name, into: &p.value) }
        }
        for p in ema.parameters { try load(p.name, into: &p.value) }
        guard let s = model[metadata: "train.step"]?.intValue, s >= 0 else { throw DatasetError("the checkpoint has no train.step.") }
        step = Int(s)
        adamG.step = step
        adamD.step = step
        return model[metadata: "train.seconds"]?.floatValue ?? 0
    }
}
