import KilnRuntime

/// Named concept vectors, each the mean latent vector of several seeds, kept in a small text file
/// so they can be reused (`kiln find --save`, `kiln arith --concepts`):
///
///     # kiln concepts 1
///     latent normal 100
///     sneaker = 12, 40, 77, 103
///
/// The `latent` line records the sampler the seeds are meant for (distribution and dimension);
/// a book is refused for a model with another latent.
public struct ConceptBook: Equatable, Sendable {
    /// At least this many seeds per concept: single samples are unstable directions (Radford et al.
    /// 2016 averaged three per concept for their arithmetic).
    public static let minimumSeeds = 3

    public var distribution: LatentSampler.Distribution
    public var dimension: Int
    /// Name -> seeds, in file order.
    public private(set) var concepts: [(name: String, seeds: [UInt64])]

    public init(distribution: LatentSampler.Distribution, dimension: Int, concepts: [(name: String, seeds: [UInt64])] = []) {
        (self.distribution, self.dimension, self.concepts) = (distribution, dimension, [])
        for c in concepts { try! set(c.name, seeds: c.seeds) }
    }

    public static func == (a: ConceptBook, b: ConceptBook) -> Bool {
        a.distribution == b.distribution && a.dimension == b.dimension
            && a.concepts.map(\.name) == b.concepts.map(\.name) && a.concepts.map(\.seeds) == b.concepts.map(\.seeds)
    }

    public func seeds(of name: String) -> [UInt64]? { concepts.first { $0.name == name }?.seeds }

    /// Adds or replaces a concept.
    public mutating func set(_ name: String, seeds: [UInt64]) throws {
        guard Self.isValidName(name) else {
            throw ConceptError("'\(name)' is not a concept name; use letters, digits and _ (starting with a letter or _), e.g. ankle_boot.")
        }
        guard seeds.count >= Self.minimumSeeds else {
            throw ConceptError("concept '\(name)' has \(seeds.count) seed\(seeds.count == 1 ? "" : "s"); give at least \(Self.minimumSeeds) (one sample is not a stable direction), e.g. \(name)=12,40,77.")
        }
        if let i = concepts.firstIndex(where: { $0.name == name }) { concepts[i].seeds = seeds } else { concepts.append((name, seeds)) }
    }

    /// The concept's vector: the mean of its seeds' latent vectors.
    public func vector(_ name: String, sampler: LatentSampler) throws -> [Float] {
        guard let seeds = seeds(of: name) else {
            let known = concepts.map(\.name)
            throw ConceptError("no concept '\(name)'; " + (known.isEmpty ? "define one with --concept \(name)=SEED,SEED,SEED." : "known: \(known.joined(separator: ", ")); or define it with --concept \(name)=SEED,SEED,SEED."))
        }
        return Latent.mean(seeds.map { sampler.sample(seed: $0) })
    }

    public static func isValidName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first == "_" || first.properties.isAlphabetic, first.isASCII else { return false }
        return s.unicodeScalars.allSatisfy { $0.isASCII && ($0 == "_" || $0.properties.isAlphabetic || ("0" ... "9").contains($0)) }
    }

    /// Parses `NAME=SEED,SEED,...` (the --concept option).
    public static func parseDefinition(_ text: String) throws -> (name: String, seeds: [UInt64]) {
        guard let eq = text.firstIndex(of: "=") else {
            throw ConceptError("--concept '\(text)' needs the form NAME=SEED,SEED,SEED, e.g. glasses=12,40,77.")
        }
        let name = String(text[..<eq]).trimmingSpaces
        let seeds = try text[text.index(after: eq)...].split(separator: ",", omittingEmptySubsequences: false).map { part -> UInt64 in
            guard let s = UInt64(String(part).trimmingSpaces) else {
                throw ConceptError("--concept \(name): '\(part)' is not a seed (a whole number from 0 to 2^64-1).")
            }
            return s
        }
        return (name, seeds)
    }
}

extension ConceptBook {
    static let header = "# kiln concepts 1"

    /// The file text.
    public var text: String {
        var lines = [Self.header, "latent \(distribution.rawValue) \(dimension)"]
        for c in concepts { lines.append("\(c.name) = " + c.seeds.map(String.init).joined(separator: ", ")) }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Parses a concepts file; errors name the line.
    public init(text: String) throws {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) }
        guard lines.first?.trimmingSpaces == Self.header else {
            throw ConceptError("line 1 is not '\(Self.header)'; this is not a concepts file (write one with `kiln find --save NAME --concepts FILE`).")
        }
        lines.removeFirst()
        var latent: (LatentSampler.Distribution, Int)?
        var concepts: [(String, [UInt64])] = []
        for (i, raw) in lines.enumerated() {
            let line = raw.trimmingSpaces, number = i + 2
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("latent ") {
                let f = line.split(separator: " ")
                guard f.count == 3, let d = LatentSampler.Distribution(rawValue: String(f[1])), let n = Int(f[2]), n >= 1 else {
                    throw ConceptError("line \(number): '\(line)' should be 'latent normal|uniform DIMENSION'.")
                }
                latent = (d, n)
                continue
            }
            do { concepts.append(try Self.parseDefinition(line)) } catch let e as ConceptError {
                throw ConceptError("line \(number): \(e.message)")
            }
        }
        guard let latent else { throw ConceptError("the file has no 'latent DISTRIBUTION DIMENSION' line.") }
        self.init(distribution: latent.0, dimension: latent.1)
        for (number, c) in concepts.enumerated() {
            do { try set(c.0, seeds: c.1) } catch let e as ConceptError { throw ConceptError("concept #\(number + 1): \(e.message)") }
        }
    }

    /// Refuses a book written for another latent.
    public func check(against sampler: LatentSampler) throws {
        guard sampler.distribution == distribution, sampler.dimension == dimension else {
            throw ConceptError("the concepts are for a \(distribution.rawValue) latent of dimension \(dimension), but the model samples a \(sampler.distribution.rawValue) latent of dimension \(sampler.dimension); their seeds would mean other vectors.")
        }
    }
}

/// A concept is missing, malformed or has too few seeds.
public struct ConceptError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" || s.first == "\r" { s.removeFirst() }
        while s.last == " " || s.last == "\t" || s.last == "\r" { s.removeLast() }
        return String(s)
    }
}

/// A latent-space request the model or classifier cannot serve (unknown class, no classes to
/// blend, mismatched shapes).
public struct LatentError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
