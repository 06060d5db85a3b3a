import CKilnKernels
import XCTest

/// The strided byte copies of the int8 paths (transposed convs' phase rows): every byte lands
/// where the byte loop puts it, and no byte between them is written.
final class QS8CopyStridedTests: XCTestCase {
    func testEveryCopyWritesOnlyItsBytes() {
        var checked = 0
        for index in 0 ..< kiln_qs8_path_count() {
            let path = kiln_qs8_path_at(index)!.pointee
            guard path.required_features & kiln_cpu_features() == path.required_features, let copy = path.copy_strided else { continue }
            for step in 1 ... 3 {
                for n in 0 ... 100 {
                    let src = (0 ..< n).map { Int8(truncatingIfNeeded: $0 &* 37 &+ 11) }
                    var dst = [Int8](repeating: 0x5A, count: n * step + 70)
                    copy(n, src, &dst, step)
                    for (i, byte) in dst.enumerated() {
                        let want = i % step == 0 && i / step < n ? src[i / step] : 0x5A
                        XCTAssertEqual(byte, want, "\(String(cString: path.name)) step \(step) n \(n) byte \(i)")
                    }
                    checked += 1
                }
            }
        }
        print("strided copies: \(checked) cases")
    }
}
