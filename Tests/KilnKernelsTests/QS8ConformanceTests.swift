import CKilnConformance
import CKilnKernels
import KilnRuntime
import KilnTestSupport
import XCTest

/// Every int8 kernel path this CPU supports, with 1, 2 and 3 threads, against the scalar
/// references (tolerance 0), and the SHA-256 of all outputs against the digests committed in
/// Formats/conformance/qs8-kernels-v1.txt (which Tools/arm64 checks on AArch64 too).
final class QS8ConformanceTests: XCTestCase {
    static let digestFile = "Formats/conformance/qs8-kernels-v1.txt"

    func testEveryPathMatchesTheReferenceAndTheCommittedDigests() throws {
        let committed = try Repo.digests(Self.digestFile)
        var checked = 0
        for index in 0 ..< kiln_qs8_path_count() {
            let path = kiln_qs8_path_at(index)!, name = String(cString: path.pointee.name)
            guard path.pointee.required_features & kiln_cpu_features() == path.pointee.required_features else { continue }
            for threads in [1, 2, 3] {
                for group in 0 ..< kiln_conformance_count() {
                    var r = kiln_conformance_result()
                    guard kiln_conformance_run(group, path, threads, &r) == 0 else {
                        XCTFail("\(name) x\(threads) group \(group): the suite could not run (a layer failed to pack, or out of memory)")
                        continue
                    }
                    let group = String(cString: r.name)
                    let digest = withUnsafeBytes(of: r.digest) { $0.map { String(format: "%02x", $0) }.joined() }
                    XCTAssertEqual(r.mismatches, 0, "\(name) x\(threads) \(group): \(r.mismatches) outputs differ from the reference")
                    XCTAssertEqual(digest, committed[group], "\(name) x\(threads) \(group): digest differs from \(Self.digestFile)")
                    if threads == 1, name == "scalar" { print("\(group) \(digest)  (\(r.cases) cases)") }
                    checked += 1
                }
            }
        }
        XCTAssertGreaterThanOrEqual(checked, 7 * 3)
        print("int8 conformance: \(checked) group runs, paths \(Int8Kernels.all.filter(\.isSupported).map(\.name))")
    }
}
