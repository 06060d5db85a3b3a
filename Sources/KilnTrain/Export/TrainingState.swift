import Foundation
import KilnFormat

/// The training state a checkpoint carries beside its runnable model: each group's parameters with
/// Adam's moments (PREFIX + name, + ".adam_m", + ".adam_v") and its buffers (PREFIX + name).
public struct TrainingState {
    let groups: [(prefix: String, parameters: [Parameter<Float>], buffers: [Parameter<Float>])]

    /// Turns the exported `model` into a checkpoint: the run's `config` (JSON), step and seconds as
    /// metadata, and the training state as tensors.
    func checkpoint(_ model: KilnModel, config: some Encodable, step: Int, elapsedSeconds: Double) throws -> KilnModel {
        var model = model
        let json = String(decoding: try JSONEncoder().encode(config), as: UTF8.self)
        model.metadata += [("train.config", .string(json)), ("train.step", .int(Int64(step))), ("train.seconds", .float(elapsedSeconds))]
        append(to: &model)
        return model
    }

    private func append(to model: inout KilnModel) {
        func add(_ name: String, _ p: Parameter<Float>, _ values: [Float]) {
            model.tensors.append(KilnFormat.Tensor(name: name, shape: p.shape.map(Int64.init), floats: values))
        }
        for (prefix, params, buffers) in groups {
            for p in params {
                add(prefix + p.name, p, p.value)
                add(prefix + p.name + ".adam_m", p, p.m)
                add(prefix + p.name + ".adam_v", p, p.v)
            }
            for p in buffers { add(prefix + p.name, p, p.value) }
        }
    }

    func restore(from model: KilnModel) throws {
        for (prefix, params, buffers) in groups {
            for p in params {
                try Self.load(prefix + p.name, from: model, into: &p.value)
                try Self.load(prefix + p.name + ".adam_m", from: model, into: &p.m)
                try Self.load(prefix + p.name + ".adam_v", from: model, into: &p.v)
            }
            for p in buffers { try Self.load(prefix + p.name, from: model, into: &p.value) }
        }
    }

    /// Reads tensor `name` of the checkpoint into `values`, which has its size.
    static func load(_ name: String, from model: KilnModel, into values: inout [Float]) throws {
        guard let t = model.tensor(named: name), let f = t.floats, f.count == values.count else {
            throw DatasetError("the checkpoint lacks tensor '\(name)' or its shape differs; it was not written by this version of kiln train.")
        }
        values = Array(f)
    }

    /// The step a checkpoint was written at.
    static func step(of model: KilnModel) throws -> Int {
        guard let s = model[metadata: "train.step"]?.intValue, s >= 0 else { throw DatasetError("the checkpoint has no train.step.") }
        return Int(s)
    }
}

extension TrainingState {
    private struct Recipe: Decodable { var architecture: String }

    /// The architecture a checkpoint trains (from its train.config), or nil if `model` is not a
    /// checkpoint.
    public static func architecture(ofCheckpoint model: KilnModel) -> String? {
        guard let json = model[metadata: "train.config"]?.stringValue else { return nil }
        return (try? JSONDecoder().decode(Recipe.self, from: Data(json.utf8)))?.architecture
    }
}
