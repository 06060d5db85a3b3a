import KilnRuntime
import KilnEval

/// A seed and what a classifier makes of its image.
public struct ClassifiedSeed: Equatable, Sendable {
    public let seed: UInt64
    public let classIndex: Int
    /// The classifier's probability of `classIndex` (its most probable class).
    public let confidence: Double
}

/// Generates images and asks a classifier (`kiln train-classifier`'s model) what they show.
public struct ClassJudge {
    public let judge: Judge
    let generator: LatentGenerator

    public init(generator: LatentGenerator, judge: Judge) throws {
        guard generator.imageShape == judge.inputShape else {
            throw LatentError("the generator makes \(generator.imageShape) images but the classifier takes \(judge.inputShape)")
        }
        (self.generator, self.judge) = (generator, judge)
    }

    /// Class probabilities [count, classes] of the images of `latents`, mapped from the generator's
    /// output range onto the classifier's [-1, 1].
    public func probabilities(latents: [[Float]]) throws -> [Float] {
        var images = try generator.images(latents: latents)
        let (lo, hi) = generator.spec.outputRange
        for i in images.indices { images[i] = Float((Double(images[i]) - lo) / (hi - lo) * 2 - 1) }
        return try images.withUnsafeBufferPointer { try judge.classify($0, count: latents.count).probabilities }
    }

    /// The most probable class of each seed's image, in chunks of `chunk` seeds; `progress` gets
    /// the number done after each chunk.
    public func classify(seeds: [UInt64], chunk: Int = 500, progress: (Int) -> Void = { _ in }) throws -> [ClassifiedSeed] {
        let k = judge.classNames.count
        var out: [ClassifiedSeed] = []
        for start in stride(from: 0, to: seeds.count, by: chunk) {
            let part = Array(seeds[start ..< min(seeds.count, start + chunk)])
            let p = try probabilities(latents: part.map { generator.spec.sampler.sample(seed: $0) })
            for (i, seed) in part.enumerated() {
                let c = Judge.argmax(p[i * k ..< (i + 1) * k])
                out.append(ClassifiedSeed(seed: seed, classIndex: c, confidence: Double(p[i * k + c])))
            }
            progress(out.count)
        }
        return out
    }

    /// Index of a class by name: exact, then ignoring case, spaces, '-', '/' and '_' (so
    /// "ankle_boot" and "t-shirt/top" match). Errors list the valid names.
    public static func classIndex(_ name: String, in names: [String]) throws -> Int {
        if let i = names.firstIndex(of: name) { return i }
        func key(_ s: String) -> String { String(s.lowercased().unicodeScalars.filter { !" -/_".unicodeScalars.contains($0) }) }
        if let i = names.firstIndex(where: { key($0) == key(name) }) { return i }
        if let i = Int(name), names.indices.contains(i) { return i }
        throw LatentError("unknown class '\(name)'; the classes are: \(names.map { "\"\($0)\"" }.joined(separator: ", ")) (or their numbers 0-\(names.count - 1))")
    }

    /// A concept name for a class: lower case, runs of other characters as one '_' ("T-shirt/top"
    /// gives t_shirt_top).
    public static func conceptName(ofClass name: String) -> String {
        var out = "", gap = false
        for u in name.lowercased().unicodeScalars {
            if u.isASCII, u.properties.isAlphabetic || ("0" ... "9").contains(u) {
                if gap, !out.isEmpty { out += "_" }
                out.unicodeScalars.append(u)
                gap = false
            } else {
                gap = true
            }
        }
        return out.first.map { $0.isNumber } == true ? "_" + out : out
    }
}
