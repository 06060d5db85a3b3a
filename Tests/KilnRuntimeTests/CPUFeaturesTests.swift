import Foundation
import KilnRuntime
import XCTest

final class CPUFeaturesTests: XCTestCase {
    /// Detection agrees with the flags the kernel reports in /proc/cpuinfo.
    func testAgreesWithProcCpuinfo() throws {
        let info = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let flagsLine = try XCTUnwrap(info.split(separator: "\n").first { $0.hasPrefix("flags") || $0.hasPrefix("Features") })
        let flags = Set(flagsLine.split(separator: ":")[1].split(separator: " ").map(String.init))
        let f = CPUFeatures.current
        #if arch(x86_64)
        XCTAssertEqual(f.contains(.sse41), flags.contains("sse4_1"))
        XCTAssertEqual(f.contains(.avx2), flags.contains("avx2"))
        XCTAssertEqual(f.contains(.fma), flags.contains("fma"))
        XCTAssertEqual(f.contains(.f16c), flags.contains("f16c"))
        XCTAssertFalse(f.contains(.neon))
        #elseif arch(arm64)
        XCTAssertTrue(f.contains(.neon))
        XCTAssertEqual(f.contains(.neonDot), flags.contains("asimddp"))
        XCTAssertEqual(f.contains(.fp16), flags.contains("asimdhp"))
        #endif
        print("CPU features: \(f)")
    }
}
