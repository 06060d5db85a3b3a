/// Turns a drawing of any size into the kind of sketch Kiln's image-to-image models are trained
/// on: one channel, width x height, dark strokes (-1) on a light background (+1), nothing between.
public enum Sketch {
    /// What `prepare` did, for the user.
    public struct Preparation: Sendable, Equatable {
        /// The drawing was mostly dark (light strokes on dark) and was inverted.
        public var inverted: Bool
        /// Stroke pixels in the result (0: a blank sketch).
        public var strokes: Int
    }

    /// `image` (gray or RGB, converted to gray as the mean of R, G, B) -> width x height values:
    /// inverted if its mean is below mid-grey, resized with the box filter, then a pixel is a
    /// stroke (-1) if at least `ink` of it is covered (its byte at most 255 (1 - ink)), else +1.
    public static func prepare(_ image: Image, width: Int, height: Int, ink: Double = 0.4) -> (values: [Float], report: Preparation) {
        precondition(ink > 0 && ink <= 1, "ink must be in (0, 1]")
        var gray = image.pixels
        if image.channels == 3 {
            gray = (0 ..< image.width * image.height).map { p -> UInt8 in
                let sum = Int(image.pixels[3 * p]) + Int(image.pixels[3 * p + 1]) + Int(image.pixels[3 * p + 2])
                return UInt8((sum + 1) / 3)
            }
        }
        let inverted = gray.reduce(0) { $0 + Int($1) } * 2 < 255 * gray.count
        if inverted { gray = gray.map { 255 - $0 } }
        let small = Image(width: image.width, height: image.height, channels: 1, pixels: gray).resized(width: width, height: height)
        let limit = 255 * (1 - ink)
        let values: [Float] = small.pixels.map { Double($0) <= limit ? -1 : 1 }
        return (values, Preparation(inverted: inverted, strokes: values.filter { $0 < 0 }.count))
    }
}
