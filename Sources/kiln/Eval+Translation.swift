import Foundation
import KilnEval
import KilnFormat
import KilnImage
import KilnRuntime
import KilnTrain

extension Eval {
    /// The report for an image-to-image model: the test split's images drawn by the edge detector,
    /// translated, and compared with the real images (L1, PSNR) and through the classifier
    /// (accuracy against the true labels, Fréchet distance of the features); with --against, the
    /// same for the other model and the PSNR between the two.
    func evaluateTranslator(path: String, model: KilnModel, judgePath: String, judge: Judge) throws {
        let pairs = try data.loadPairs(test: true).prefix(samples)
        let count = pairs.count
        guard !pairs.images.labels.isEmpty else { throw CLIError("\(pairs.name) has no class labels; the translation report needs them for the accuracy.") }
        let labels = pairs.images.labels
        let side = pairs.images.height, per = pairs.images.perImage
        let crop = judge.inputShape.count == 3 ? judge.inputShape[1] : 0
        guard judge.inputShape == [1, crop, crop], crop <= side else {
            throw CLIError("the classifier takes \(judge.inputShape) images; the translations are [1, \(side), \(side)].")
        }
        func translate(_ p: String, _ m: KilnModel) throws -> [Float] {
            let t: Translator
            do { t = try Translator(model: m, batch: 250, threads: threads) } catch { throw CLIError("\(p): \(error)") }
            guard t.inputShape == [1, side, side], t.outputShape == [1, side, side] else {
                throw CLIError("\(p) translates \(t.inputShape) into \(t.outputShape); the test pairs are [1, \(side), \(side)].")
            }
            let start = Date()
            let out = try t.translate(pairs.sketches.images, count: count)
            print(String(format: "translated %d test sketches with %@ in %.1f s", count, p, Date().timeIntervalSince(start)))
            return out
        }
        let real = pairs.images.images
        let realCrop = TranslationQuality.centreCrop(real, count: count, size: side, crop: crop)
        let realOut = try realCrop.withUnsafeBufferPointer { try judge.classify($0, count: count) }
        let realAccuracy = accuracy(realOut.probabilities, labels, classes: judge.classNames.count)

        var rows: [(String, [Float])] = [(path, try translate(path, model))]
        if let against {
            let (p, m) = try DefaultModel.load(against)
            rows.append((p, try translate(p, m)))
        }
        print("judge       \(judgePath) (\(judge.featureDim) features)")
        print("test pairs  \(count) of \(pairs.name): Fashion-MNIST-style 28x28 images padded to \(side)x\(side), drawn by kiln edges")
        print(String(format: "classifier accuracy on the real images      %.4f", realAccuracy))
        for (p, images) in rows {
            let (l1, psnr) = TranslationQuality.distances(images, real, count: count, per: per)
            let cropped = TranslationQuality.centreCrop(images, count: count, size: side, crop: crop)
            let out = try cropped.withUnsafeBufferPointer { try judge.classify($0, count: count) }
            let acc = accuracy(out.probabilities, labels, classes: judge.classNames.count)
            let fid = FrechetDistance.between(out.features, realOut.features, dim: judge.featureDim)
            print("\(p):")
            print(String(format: "  classifier accuracy on translations        %.4f  (%+.2f points against the real images)", acc, (acc - realAccuracy) * 100))
            print(String(format: "  L1 to the real image                       %.4f  (mean over images, values in [-1, 1])", l1))
            print(String(format: "  PSNR to the real image                     %.2f dB", psnr))
            print(String(format: "  Fréchet distance, translations vs real     %.3f", fid))
        }
        if rows.count == 2 {
            let (_, psnr) = TranslationQuality.distances(rows[0].1, rows[1].1, count: count, per: per)
            print(String(format: "PSNR of %@ against %@: %.2f dB (mean over images)", rows[0].0, rows[1].0, psnr))
        }
        if let grid {
            try writeGrid(to: grid, pairs: pairs, rows: rows.map(\.1))
            print("wrote \(grid): sketch | \(rows.map { URL(fileURLWithPath: $0.0).lastPathComponent }.joined(separator: " | ")) | real, two test images per class")
        }
    }

    private func accuracy(_ p: [Float], _ labels: [Int], classes k: Int) -> Double {
        Double(labels.indices.filter { Judge.argmax(p[$0 * k ..< ($0 + 1) * k]) == labels[$0] }.count) / Double(labels.count)
    }

    /// Rows of (sketch | each translation | real): the first two test images of every class.
    private func writeGrid(to path: String, pairs: PairedDataset, rows: [[Float]]) throws {
        let per = pairs.images.perImage, labels = pairs.images.labels
        let classes = (labels.max() ?? 0) + 1
        let picks = (0 ..< classes).flatMap { c in labels.indices.filter { labels[$0] == c }.prefix(2) }
        var cells = [Float]()
        for i in picks {
            cells += pairs.sketches.images[i * per ..< (i + 1) * per]
            for r in rows { cells += r[i * per ..< (i + 1) * per] }
            cells += pairs.images.images[i * per ..< (i + 1) * per]
        }
        let columns = rows.count + 2, side = pairs.images.height
        let image = cells.withUnsafeBufferPointer {
            Grid.image(samples: $0, count: picks.count * columns, channels: 1, height: side, width: side, lo: -1, hi: 1, columns: 2 * columns)
        }
        try writeFileAtomically(path: path, bytes: try image.resized(width: image.width * 2, height: image.height * 2).pngData())
    }
}
