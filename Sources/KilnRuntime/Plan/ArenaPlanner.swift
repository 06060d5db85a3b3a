/// Places buffers with known lifetimes in one arena so that buffers alive at the same time never
/// overlap. Greedy by size: largest first, each at the lowest 64-aligned offset that clears every
/// already-placed buffer whose lifetime intersects its own.
struct ArenaPlanner {
    struct Buffer {
        /// Bytes.
        var size: Int
        /// First and last step (inclusive) at which the buffer is alive.
        var first, last: Int
    }

    static let alignment = 64

    /// Offsets, one per buffer, and the arena size in bytes.
    static func place(_ buffers: [Buffer]) -> (offsets: [Int], size: Int) {
        var offsets = [Int](repeating: 0, count: buffers.count)
        var placed: [Int] = []
        var total = 0
        let order = buffers.indices.sorted { (buffers[$0].size, $1) > (buffers[$1].size, $0) }
        for i in order {
            let b = buffers[i]
            let clashes = placed
                .filter { buffers[$0].first <= b.last && b.first <= buffers[$0].last }
                .map { (offsets[$0], offsets[$0] + buffers[$0].size) }
                .sorted { $0.0 < $1.0 }
            var offset = 0
            for (start, end) in clashes {
                if offset + b.size <= start { break }
                offset = max(offset, (end + alignment - 1) / alignment * alignment)
            }
            offsets[i] = offset
            placed.append(i)
            total = max(total, offset + b.size)
        }
        return (offsets, (total + alignment - 1) / alignment * alignment)
    }
}
