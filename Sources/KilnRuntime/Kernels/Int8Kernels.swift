#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CKilnKernels

/// The int8 kernel path a plan uses: the fastest this CPU supports, or the one named by the
/// environment variable `KILN_KERNELS` (scalar, sse41, avx2, avxvnni, avx512vnni, neon, neondot). Every path gives the
/// same output bytes; forcing one is for tests and benchmarks.
public struct Int8Kernels: Sendable, CustomStringConvertible {
    nonisolated(unsafe) let path: UnsafePointer<kiln_qs8_path>

    /// "avx2", "neondot", ...
    public var name: String { String(cString: path.pointee.name) }
    public var description: String { name }

    /// Every path compiled into this build, fastest first (the last is "scalar").
    public static var all: [Int8Kernels] {
        (0 ..< kiln_qs8_path_count()).map { Int8Kernels(path: kiln_qs8_path_at($0)!) }
    }

    /// True when this CPU can run the path.
    public var isSupported: Bool {
        let need = path.pointee.required_features
        return need & kiln_cpu_features() == need
    }

    /// The fastest path of this CPU.
    public static var best: Int8Kernels { Int8Kernels(path: kiln_qs8_path_best()!) }

    /// The path called `name`; throws when this build has no such path or this CPU lacks it.
    public static func named(_ name: String) throws -> Int8Kernels {
        let names = all.map(\.name)
        guard let p = kiln_qs8_path_named(name) else {
            throw RuntimeError.kernelPath(name: name, message: "this build has no such path; choose one of \(names.joined(separator: ", "))")
        }
        let k = Int8Kernels(path: p)
        guard k.isSupported else {
            throw RuntimeError.kernelPath(name: name, message: "this CPU (\(CPUFeatures.current)) lacks the instructions it needs; the supported ones are \(all.filter(\.isSupported).map(\.name).joined(separator: ", "))")
        }
        return k
    }

    /// `KILN_KERNELS` when set, else the best path.
    public static func fromEnvironment() throws -> Int8Kernels {
        guard let v = getenv("KILN_KERNELS"), v.pointee != 0 else { return best }
        return try named(String(cString: v))
    }
}
