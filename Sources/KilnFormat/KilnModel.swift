/// The format version this code reads and writes. Readers accept any minor version of their
/// major version (minor versions only add optional metadata keys and attributes).
public enum KilnFormatVersion {
    public static let major: UInt16 = 1
    public static let minor: UInt16 = 3
}

/// A `.kiln` model: metadata, constant tensors and the graph. Loaded models reference their
/// tensor bytes in place in the memory-mapped file.
public struct KilnModel: @unchecked Sendable {
    /// Minor format version the file was written with (the major version is always 1 here).
    public var minorVersion: UInt16 = KilnFormatVersion.minor
    /// Bytes of the file or buffer the model was read from; 0 for a model built in memory.
    public internal(set) var fileBytes = 0
    /// Metadata entries in file order; keys are unique (see `Formats/SPEC.md` for the namespaces).
    public var metadata: [(String, MetadataValue)]
    public var tensors: [Tensor]
    public var graph: Graph

    public init(metadata: [(String, MetadataValue)], tensors: [Tensor], graph: Graph) {
        self.metadata = metadata
        self.tensors = tensors
        self.graph = graph
    }

    public subscript(metadata key: String) -> MetadataValue? {
        metadata.first { $0.0 == key }?.1
    }

    public func tensor(named name: String) -> Tensor? {
        tensors.first { $0.name == name }
    }
}
