import ArgumentParser
import Foundation
import KilnImage
import KilnTrain

struct Edges: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make line drawings from images with a Canny edge detector (for pix2pix pairs).",
        discussion: """
        Each image becomes a drawing of one-pixel dark strokes on a light background: 3x3 binomial \
        smoothing, Sobel gradients, non-maximum suppression and hysteresis between --low and --high \
        (fractions of the image's largest gradient). Every step is in binary64, so the drawings are \
        the same on every CPU.

        Input and output are of the same kind: a PNG (written as a gray PNG), a folder of PNGs (one \
        drawing per file, same names) or an .npy batch [N, 1, H, W] in [-1, 1] (drawings -1 on +1). \
        With --pairs a folder becomes OUT/A (drawings) and OUT/B (the originals): the paired folder \
        `kiln train --arch pix2pix32 --dataset pairs` trains on.

        Without INPUT, the images of --dataset (28x28, padded by 2 pixels of background to 32x32, \
        as pix2pix32 trains on them; --limit N for the first N) are drawn into the .npy --out: \
        calibration sketches for `kiln quantize --calibration-data`, say.

        Examples:
          kiln edges shoe.png --out shoe-sketch.png
          kiln edges photos/ --pairs --out my-pairs/
          kiln edges --dataset fashion-mnist --limit 512 --out calibration.npy
        """
    )

    @Argument(help: "A .png file, a folder of .png files, or an .npy batch [N, 1, H, W] (or none, with --dataset).") var input: String?
    @OptionGroup var data: DatasetOptions
    @Flag(help: "Without INPUT: draw the dataset's test split instead of its training split.") var test = false
    @Option(name: [.short, .customLong("out")], help: "Where to write the drawings (same kind as the input).") var out: String
    @Option(parsing: .unconditional, help: "Fraction of the largest gradient that starts a stroke.") var high = EdgeDetector().high
    @Option(parsing: .unconditional, help: "Fraction of the largest gradient that continues a stroke.") var low = EdgeDetector().low
    @Flag(help: "Skip the 3x3 smoothing (keeps more fine detail and noise).") var noSmoothing = false
    @Flag(help: "For a folder: write OUT/A (drawings) and OUT/B (copies of the originals).") var pairs = false

    func validate() throws {
        guard low > 0, low <= high, high <= 1 else {
            throw ValidationError("--low and --high must satisfy 0 < low <= high <= 1 (got \(low) and \(high)).")
        }
    }

    func run() throws {
        let detector = EdgeDetector(high: high, low: low, smooth: !noSmoothing)
        guard let input else {
            guard !pairs else { throw CLIError("--pairs needs a folder of PNGs as input.") }
            guard out.lowercased().hasSuffix(".npy") else { throw CLIError("drawings of a dataset are written as .npy; give --out FILE.npy.") }
            let images = try data.load(test: test)
            guard images.channels == 1, images.height == 28, images.width == 28 else {
                throw CLIError("kiln edges draws 28x28 one-channel datasets padded to 32x32; \(images.name) has \(images.channels)x\(images.height)x\(images.width).")
            }
            let p = PairedDataset.drawings(of: images, padding: 2, detector: detector)
            try writeFileAtomically(path: out, bytes: NPYArray(shape: [p.count, 1, 32, 32], data: .float32(p.sketches.images)).encode())
            return print("wrote \(out): \(p.count) drawings [\(p.count), 1, 32, 32] of the \(test ? "test" : "training") images of \(images.name)")
        }
        switch try ImageInput(input) {
        case let .png(path):
            guard !pairs else { throw CLIError("--pairs needs a folder of PNGs as input.") }
            let (pixels, w, h) = try readGrayPNG(path)
            try writeGrayPNG(detector.sketch(pixels, width: w, height: h), width: w, height: h, to: out)
            print("wrote \(out): the \(w)x\(h) drawing of \(path)")
        case let .folder(dir, names):
            let sketches = pairs ? out + "/A" : out
            try createOutputFolder(sketches)
            if pairs { try createOutputFolder(out + "/B") }
            let bar = ProgressBar(total: names.count, label: "edges")
            for (k, name) in names.enumerated() {
                let (pixels, w, h) = try readGrayPNG(dir + "/" + name)
                try writeGrayPNG(detector.sketch(pixels, width: w, height: h), width: w, height: h, to: sketches + "/" + name)
                if pairs {
                    guard let bytes = FileManager.default.contents(atPath: dir + "/" + name) else { throw CLIError("cannot read '\(dir)/\(name)'.") }
                    try writeFileAtomically(path: out + "/B/" + name, bytes: Array(bytes))
                }
                bar.update(k + 1, unit: "img")
            }
            bar.finish()
            print("wrote \(names.count) drawing\(names.count == 1 ? "" : "s") to \(sketches)" + (pairs ? " and the originals to \(out)/B" : ""))
        case let .npy(path):
            guard !pairs else { throw CLIError("--pairs needs a folder of PNGs as input.") }
            let batch = try readImageBatch(path)
            let plane = batch.height * batch.width
            var drawings = [Float]()
            drawings.reserveCapacity(batch.values.count)
            for i in 0 ..< batch.count {
                drawings += detector.sketch(Array(batch.values[i * plane ..< (i + 1) * plane]), width: batch.width, height: batch.height)
            }
            let array = NPYArray(shape: [batch.count, 1, batch.height, batch.width], data: .float32(drawings))
            try writeFileAtomically(path: out, bytes: array.encode())
            print("wrote \(out): \(batch.count) drawing\(batch.count == 1 ? "" : "s") of \(batch.width)x\(batch.height)")
        }
    }
}
