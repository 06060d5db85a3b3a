import Foundation

/// How close translated images are to the real ones they were drawn from, per image in [-1, 1]:
///   L1   = mean |t - r| over the pixels;
///   PSNR = 10 log10(2^2 / mean (t - r)^2) dB (peak-to-peak 2 for [-1, 1]; an exact match counts
///          as 100 dB so the mean stays finite).
/// Reported as means over the images.
public enum TranslationQuality {
    public static let exactPSNR = 100.0

    /// Mean L1 and mean PSNR of `count` image pairs of `per` values each.
    public static func distances(_ translated: [Float], _ real: [Float], count: Int, per: Int) -> (l1: Double, psnr: Double) {
        precondition(translated.count == count * per && real.count == count * per, "pairs of the same size")
        var l1 = 0.0, psnr = 0.0
        for i in 0 ..< count {
            var a = 0.0, s = 0.0
            for j in i * per ..< (i + 1) * per {
                let d = Double(translated[j]) - Double(real[j])
                a += abs(d)
                s += d * d
            }
            l1 += a / Double(per)
            psnr += s == 0 ? exactPSNR : min(exactPSNR, 10 * log10(4 / (s / Double(per))))
        }
        return (l1 / Double(count), psnr / Double(count))
    }

    /// The centre crop of `count` one-channel images from `size` x `size` to `crop` x `crop`
    /// (32x32 translations back to the classifier's 28x28).
    public static func centreCrop(_ images: [Float], count: Int, size: Int, crop: Int) -> [Float] {
        let m = (size - crop) / 2
        var out = [Float]()
        out.reserveCapacity(count * crop * crop)
        for i in 0 ..< count {
            for y in m ..< m + crop {
                let start: Int = (i * size + y) * size + m
                out += images[start ..< start + crop]
            }
        }
        return out
    }
}
