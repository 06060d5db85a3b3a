import CKilnKernels
import Foundation

/// The element types layers train in: Float for training (GEMM through the C micro-kernels),
/// Double for gradient checks (a plain GEMM, the same layer code).
public protocol TrainScalar: BinaryFloatingPoint, SIMDScalar, Sendable where Self.RawSignificand: FixedWidthInteger {
    /// C[m x n] (+)= op(A) op(B), row-major; see `kiln_f32_gemm`. Up to `threads` threads split
    /// the larger of m and n; every element keeps its sum order, so the result does not depend on
    /// the thread count.
    static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                     a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
                     c: UnsafeMutablePointer<Self>, ldc: Int, accumulate: Bool, threads: Int)
    /// Writes the whole cols matrix of one image (`Im2col.im2col`'s values).
    static func im2col(_ map: Im2col, _ image: UnsafePointer<Self>, _ cols: UnsafeMutablePointer<Self>, rowStride: Int)
    /// Overwrites one image with the sum of the cols entries read from each pixel, in (ky, kx) order
    /// (`Im2col.col2im` into zeros: the same values).
    static func col2im(_ map: Im2col, _ cols: UnsafePointer<Self>, _ image: UnsafeMutablePointer<Self>, rowStride: Int)
    static func exp(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self
}

extension Float: TrainScalar {
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                            a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
                            c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool, threads: Int) {
        let job = GemmJob(uk: kiln_f32_gemm_ukernel_best()!, ta: transposeA, tb: transposeB, m: m, n: n, k: k,
                          a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc, accumulate: accumulate)
        // Split the larger of m and n into whole tiles.
        let tile = job.splitN ? job.uk.pointee.nr : job.uk.pointee.mr
        let extent = job.splitN ? n : m
        let parts = min(threads, max(1, extent / (tile * 4)))
        if parts <= 1 { return job.run(0, extent) }
        let chunk = (extent / parts + tile - 1) / tile * tile
        DispatchQueue.concurrentPerform(iterations: parts) { i in
            let lo = i * chunk, hi = min(extent, lo + chunk)
            if lo < hi { job.run(lo, hi) }
        }
    }

    /// The C paths (`kiln_f32_im2col`, `kiln_f32_col2im_kernel_best`), tested bitwise against `Im2col`.
    public static func im2col(_ map: Im2col, _ image: UnsafePointer<Float>, _ cols: UnsafeMutablePointer<Float>, rowStride: Int) {
        var g = kiln_f32_im2col(h: map.h, w: map.w, kh: map.kh, kw: map.kw, sh: map.sh, sw: map.sw, dh: map.dh, dw: map.dw,
                                pad_top: map.padTop, pad_left: map.padLeft, oh: map.oh, ow: map.ow, row0: 0)
        kiln_f32_im2col(&g, 0, map.channels, image, cols, rowStride)
    }

    public static func col2im(_ map: Im2col, _ cols: UnsafePointer<Float>, _ image: UnsafeMutablePointer<Float>, rowStride: Int) {
        var g = kiln_f32_col2im(m: map.channels, oh: map.h, ow: map.w, h: map.oh, w: map.ow, kh: map.kh, kw: map.kw,
                                sh: map.sh, sw: map.sw, dh: map.dh, dw: map.dw, pad_top: map.padTop, pad_left: map.padLeft,
                                row_stride: rowStride, channel_stride: map.kh * map.kw * rowStride, ky_stride: map.kw * rowStride)
        // The scratch (tap tables and one row's phases, well under a page) lives on the stack.
        withUnsafeTemporaryAllocation(byteCount: kiln_f32_col2im_scratch_bytes(&g), alignment: 64) { scratch in
            kiln_f32_col2im_kernel_best()!.pointee.fn(&g, cols, nil, image, scratch.baseAddress, nil, 0)
        }
    }

    public static func exp(_ x: Float) -> Float { Float(Foundation.exp(Double(x))) }
    public static func log(_ x: Float) -> Float { Float(Foundation.log(Double(x))) }
    public static func tanh(_ x: Float) -> Float { Float(Foundation.tanh(Double(x))) }
}

extension Double: TrainScalar {
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                            a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
                            c: UnsafeMutablePointer<Double>, ldc: Int, accumulate: Bool, threads: Int) {
        for i in 0 ..< m {
            for j in 0 ..< n {
                var acc = accumulate ? c[i * ldc + j] : 0
                for p in 0 ..< k {
                    acc += (transposeA ? a[p * lda + i] : a[i * lda + p]) * (transposeB ? b[j * ldb + p] : b[p * ldb + j])
                }
                c[i * ldc + j] = acc
            }
        }
    }

    public static func im2col(_ map: Im2col, _ image: UnsafePointer<Double>, _ cols: UnsafeMutablePointer<Double>, rowStride: Int) {
        map.im2col(image, cols, rowStride: rowStride)
    }

    public static func col2im(_ map: Im2col, _ cols: UnsafePointer<Double>, _ image: UnsafeMutablePointer<Double>, rowStride: Int) {
        image.update(repeating: 0, count: map.channels * map.h * map.w)
        map.col2im(cols, image, rowStride: rowStride)
    }

    public static func exp(_ x: Double) -> Double { Foundation.exp(x) }
    public static func log(_ x: Double) -> Double { Foundation.log(x) }
    public static func tanh(_ x: Double) -> Double { Foundation.tanh(x) }
}

/// One f32 GEMM call, split into column (or row) ranges that threads compute independently.
private struct GemmJob: @unchecked Sendable {
    let uk: UnsafePointer<kiln_f32_gemm_ukernel>
    let ta, tb: Bool
    let m, n, k: Int
    let a: UnsafePointer<Float>, lda: Int
    let b: UnsafePointer<Float>, ldb: Int
    let c: UnsafeMutablePointer<Float>, ldc: Int
    let accumulate: Bool

    var splitN: Bool { n >= m }

    /// Computes columns lo..<hi of C (rows, when splitting m).
    func run(_ lo: Int, _ hi: Int) {
        guard let ws = kiln_f32_gemm_thread_workspace(uk) else { fatalError("out of memory for the GEMM packing workspace") }
        if splitN {
            kiln_f32_gemm(uk, ws, ta ? 1 : 0, tb ? 1 : 0, m, hi - lo, k, a, lda, b + (tb ? lo * ldb : lo), ldb,
                          c + lo, ldc, accumulate ? 1 : 0)
        } else {
            kiln_f32_gemm(uk, ws, ta ? 1 : 0, tb ? 1 : 0, hi - lo, n, k, a + (ta ? lo : lo * lda), lda, b, ldb,
                          c + lo * ldc, ldc, accumulate ? 1 : 0)
        }
    }
}
