import Foundation
import KilnImage

/// Image pairs for image-to-image training: `sketches[i]` is translated into `images[i]`. Both
/// hold the same count, shape and labels.
public struct PairedDataset: Sendable {
    public var sketches: Dataset
    public var images: Dataset

    public init(sketches: Dataset, images: Dataset) {
        precondition(sketches.count == images.count && sketches.perImage == images.perImage, "pairs need the same count and shape")
        (self.sketches, self.images) = (sketches, images)
    }

    public var name: String { images.name }
    public var count: Int { images.count }

    /// Line drawings of `images` made by `detector`, after padding each image by `padding` pixels
    /// of background (-1) on every side: Fashion-MNIST's 28x28 becomes 32x32, and cropping
    /// `padding` pixels gives the original back. Images must have one channel.
    public static func drawings(of images: Dataset, padding: Int, detector: EdgeDetector) -> PairedDataset {
        precondition(images.channels == 1, "drawings are made of one-channel images")
        let padded = images.padded(by: padding)
        let plane = padded.perImage
        var sketches = padded
        sketches.name = images.name + " drawings"
        sketches.images = []
        sketches.images.reserveCapacity(padded.images.count)
        for i in 0 ..< padded.count {
            sketches.images += detector.sketch(Array(padded.images[i * plane ..< (i + 1) * plane]), width: padded.width, height: padded.height)
        }
        return PairedDataset(sketches: sketches, images: padded)
    }

    /// A folder with subfolders `A/` (inputs) and `B/` (targets) holding PNGs of the same names,
    /// both read as gray and resized to size x size (box filter).
    public static func folder(directory: String, size: Int) throws -> PairedDataset {
        let fm = FileManager.default
        func pngs(_ sub: String) throws -> [String] {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: directory + "/" + sub, isDirectory: &isDir), isDir.boolValue else {
                throw DatasetError("'\(directory)' has no subfolder \(sub)/. A paired folder holds A/ (sketches) and B/ (images) with PNGs of the same names; `kiln edges FOLDER --pairs --out DIR` makes one.")
            }
            return try fm.contentsOfDirectory(atPath: directory + "/" + sub).filter { $0.lowercased().hasSuffix(".png") }.sorted()
        }
        let (a, b) = (try pngs("A"), try pngs("B"))
        if let lone = Set(a).symmetricDifference(b).sorted().first {
            throw DatasetError("'\(lone)' is in only one of \(directory)/A and \(directory)/B; every sketch needs its image of the same name.")
        }
        guard !a.isEmpty else { throw DatasetError("\(directory)/A and \(directory)/B hold no .png files.") }
        func load(_ sub: String) throws -> Dataset {
            var values: [Float] = []
            values.reserveCapacity(a.count * size * size)
            for name in a {
                let path = directory + "/" + sub + "/" + name
                do { values += try Image.readPNG(path: path, channels: 1).resized(width: size, height: size).pixels.map { Dataset.pixel(Int($0)) } } catch {
                    throw DatasetError("\(error)")
                }
            }
            let base = URL(fileURLWithPath: directory).lastPathComponent
            return Dataset(name: base + (sub == "A" ? " sketches" : ""), images: values, count: a.count, channels: 1,
                           height: size, width: size, labels: [], classNames: [])
        }
        return PairedDataset(sketches: try load("A"), images: try load("B"))
    }

    /// The test or training split of both sides (see `Dataset.split`).
    public func split(test: Bool) -> PairedDataset {
        PairedDataset(sketches: sketches.split(test: test), images: images.split(test: test))
    }

    /// The first `n` pairs.
    public func prefix(_ n: Int) -> PairedDataset {
        PairedDataset(sketches: sketches.prefix(n), images: images.prefix(n))
    }
}

extension Dataset {
    /// Every image with `p` pixels of background (-1) added on each side.
    public func padded(by p: Int) -> Dataset {
        let (h, w) = (height + 2 * p, width + 2 * p)
        var out = [Float](repeating: -1, count: count * channels * h * w)
        for plane in 0 ..< count * channels {
            for y in 0 ..< height {
                let src = (plane * height + y) * width, dst = (plane * h + y + p) * w + p
                for x in 0 ..< width { out[dst + x] = images[src + x] }
            }
        }
        var d = self
        (d.images, d.height, d.width) = (out, h, w)
        return d
    }
}
