import CGEMM
import Dispatch

// SAFETY RULE for this file: it is the one Swift caller of CGEMM's
// unchecked C kernels. `NativeGEMM.run` receives the sizes and strides of
// `GEMMScalar.gemm`'s contract (m, n, k >= 0, lda >= max(1, transA ? m : k),
// ldb >= max(1, transB ? k : n), ldc >= n, buffers holding every element
// they describe), checks the strides against the sizes (a violation falls
// back to the Swift kernel's precondition instead of reaching C), and hands
// each thread a sub-matrix whose offsets stay inside the caller's: rows
// i0..<i0+rows of C and op(A), or columns j0..<j0+cols of C and op(B).

/// nn's own GEMM (issue 20): register-blocked AVX-512 and AVX2 micro-kernels
/// in C (`Sources/CGEMM`), for the training step's small and medium
/// products, where OpenBLAS's per-call work and (with this machine's
/// `OPENBLAS_CORETYPE=Haswell`) its AVX2 kernels leave speed unused.
///
/// The kernel family comes from CPUID at run time (`nn_gemm_best_variant`):
/// AVX-512 F/VL/DQ (a 8 x 32 float or 8 x 16 double tile in 16 of the 32
/// `zmm` registers), else AVX2 + FMA (6 x 16 / 6 x 8 in 12 of 16 `ymm`),
/// else none and products stay on OpenBLAS or `Kernels.gemm`.
///
/// Which products it takes (`takes`) is the measured rule documented on
/// `GEMMScalar.gemm` and in docs/benchmarks.md ("nn's own GEMM").
enum NativeGEMM {
    /// A kernel family (the values of CGEMM.h's `NN_GEMM_*`).
    enum Variant: Int32, CaseIterable, Sendable {
        case avx2 = 1
        case avx512 = 2
    }

    /// Who runs `GEMMScalar.gemm`: the measured rule, or one backend forced
    /// (for tests and benchmarks).
    enum Backend: Sendable {
        case automatic
        /// nn's kernels for every product (the given family, or the best).
        case native(Variant?)
        /// OpenBLAS for every product it can take (the Swift kernel without it).
        case blas
        /// The portable Swift kernel (`Kernels.gemm`).
        case swift
    }

    /// The backend in force. Tests and NNBench set it around a measurement;
    /// it is process-wide, so a test that sets it must not run beside other
    /// products (the GEMM tests are `.serialized` and restore it).
    nonisolated(unsafe) static var backend: Backend = .automatic

    /// The best family this CPU supports, or nil (no AVX2 + FMA).
    static let best: Variant? = Variant(rawValue: nn_gemm_best_variant())

    /// The families this CPU can run, best last.
    static var supported: [Variant] {
        Variant.allCases.filter { $0.rawValue <= (best?.rawValue ?? 0) }
    }

    /// The threads a product may be split across (`Kernels.coreCount`;
    /// NNBench's `--threads` lowers it with OpenBLAS's, `BLAS.nativeThreadCount`).
    nonisolated(unsafe) static var threads = Kernels.coreCount

    /// Below this many multiply-adds (m * n * k) a product runs on one
    /// thread: waking a worker costs a few microseconds.
    static let parallelWork = 1 << 18

    /// Runs the product on `variant` (the best when nil), split across
    /// `Kernels.coreCount` threads when `threads` allows and the work is
    /// large enough. Returns false, having touched nothing, when the family
    /// is not supported here or a stride is smaller than its matrix. A
    /// share whose packing buffer cannot be allocated (C touched nothing of
    /// it) is computed by `Kernels.gemm` instead.
    static func run<T: GEMMScalar>(_ variant: Variant? = nil, threads: Int = NativeGEMM.threads,
                                   transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                                   alpha: T, a: UnsafePointer<T>, lda: Int,
                                   b: UnsafePointer<T>, ldb: Int,
                                   beta: T, c: UnsafeMutablePointer<T>, ldc: Int) -> Bool {
        guard let v = variant ?? best, v.rawValue <= (best?.rawValue ?? 0) else { return false }
        guard m >= 0, n >= 0, k >= 0, lda >= Swift.max(1, transA ? m : k),
              ldb >= Swift.max(1, transB ? k : n), ldc >= Swift.max(1, n) else { return false }
        let work = Double(m) * Double(n) * Double(k)
        let chunks = work < Double(parallelWork) ? 1 : Swift.max(1, Swift.min(threads, Kernels.coreCount))
        // Split the dimension whose split duplicates less packing: by
        // columns each thread reads all of op(A) (m x k) directly and packs
        // its share of B; by rows each packs all of op(B) (k x n). Shares
        // are whole tiles (rows: multiples of 8; columns: of 32 elements,
        // 128 bytes for float), so no two threads write one cache line of C
        // beyond what its row stride makes unavoidable.
        if chunks > 1 && m >= n && m >= 16 * chunks {
            let step = ((m + chunks - 1) / chunks + 7) / 8 * 8
            parallel(chunks) { t in
                let i0 = t * step
                guard i0 < m else { return }
                let rows = Swift.min(step, m - i0)
                call(v, transA, transB, rows, n, k, alpha, a + (transA ? i0 : i0 * lda), lda,
                     b, ldb, beta, c + i0 * ldc, ldc)
            }
            return true
        }
        if chunks > 1 && n >= 64 * chunks {
            let step = ((n + chunks - 1) / chunks + 31) / 32 * 32
            parallel(chunks) { t in
                let j0 = t * step
                guard j0 < n else { return }
                let cols = Swift.min(step, n - j0)
                call(v, transA, transB, m, cols, k, alpha, a, lda,
                     b + (transB ? j0 * ldb : j0), ldb, beta, c + j0, ldc)
            }
            return true
        }
        call(v, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
        return true
    }

    /// One share on one thread: the C kernel, or `Kernels.gemm` when C
    /// could not allocate its packing buffer (and so touched nothing).
    @inline(__always)
    private static func call<T: GEMMScalar>(_ v: Variant, _ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int,
                                            _ alpha: T, _ a: UnsafePointer<T>, _ lda: Int,
                                            _ b: UnsafePointer<T>, _ ldb: Int,
                                            _ beta: T, _ c: UnsafeMutablePointer<T>, _ ldc: Int) {
        if !callC(v, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) {
            Kernels.gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                         a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        }
    }

    /// The C kernel; false when it refused (nothing touched).
    @inline(__always)
    private static func callC<T: GEMMScalar>(_ v: Variant, _ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int,
                                             _ alpha: T, _ a: UnsafePointer<T>, _ lda: Int,
                                             _ b: UnsafePointer<T>, _ ldb: Int,
                                             _ beta: T, _ c: UnsafeMutablePointer<T>, _ ldc: Int) -> Bool {
        let ta: Int32 = transA ? 1 : 0, tb: Int32 = transB ? 1 : 0
        if T.self == Float.self {
            return a.withMemoryRebound(to: Float.self, capacity: 1) { pa in
                b.withMemoryRebound(to: Float.self, capacity: 1) { pb in
                    c.withMemoryRebound(to: Float.self, capacity: 1) { pc in
                        nn_sgemm(v.rawValue, ta, tb, m, n, k, Float(alpha), pa, lda, pb, ldb,
                                 Float(beta), pc, ldc) == 0
                    }
                }
            }
        }
        if T.self == Double.self {
            return a.withMemoryRebound(to: Double.self, capacity: 1) { pa in
                b.withMemoryRebound(to: Double.self, capacity: 1) { pb in
                    c.withMemoryRebound(to: Double.self, capacity: 1) { pc in
                        nn_dgemm(v.rawValue, ta, tb, m, n, k, Double(alpha), pa, lda, pb, ldb,
                                 Double(beta), pc, ldc) == 0
                    }
                }
            }
        }
        return false
    }

    /// Runs `body(0..<chunks)` on worker threads (each share writes only
    /// its own rows or columns of C).
    private static func parallel(_ chunks: Int, _ body: (Int) -> Void) {
        withoutActuallyEscaping(body) { body in
            let box = ShareBox(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { t in box.body(t) }
        }
    }
}

/// Carries a share's body to the worker threads; each share writes only its
/// own rows or columns of C.
private struct ShareBox: @unchecked Sendable {
    let body: (Int) -> Void
    init(_ body: @escaping (Int) -> Void) { self.body = body }
}

extension NativeGEMM {
    /// The measured rule: does nn's kernel take this product? (Measured on
    /// AMD EPYC Zen 5, 2 vCPUs, OpenBLAS 0.3.21; tables in docs/benchmarks.md,
    /// "nn's own GEMM".)
    ///
    /// - Without OpenBLAS: every product (faster than the Swift kernel at
    ///   every size).
    /// - Only AVX2 here: none. nn's AVX2 kernel runs at OpenBLAS's `Haswell`
    ///   kernels' speed (within 5%), so the library keeps them.
    /// - AVX-512 here, OpenBLAS on AVX2 kernels (`Haswell`, `Zen`: what
    ///   `OPENBLAS_CORETYPE=Haswell` selects, or an OpenBLAS without
    ///   AVX-512 kernels): every product. nn's 512-bit kernel is 1.6-2.2x
    ///   faster on the epoch's shapes and on squares up to 2048, and level
    ///   on the narrowest (n = 10).
    /// - AVX-512 here and in OpenBLAS (`SkylakeX`, `Cooperlake`,
    ///   `SapphireRapids`): float32 products at least 32 x 64
    ///   (m >= 32, n >= 64), where nn's kernel is level to 15% faster
    ///   (its A read in place, no packing); OpenBLAS keeps float64 and
    ///   narrow products, where its small-matrix kernels win (64 x 128 @
    ///   128 x 10: 1.4 against 2.4 us; float64 800 x 20 @ 20 x 20: 97 against
    ///   78 GFLOP/s).
    static func takes(m: Int, n: Int, k: Int, blas: Bool, double: Bool) -> Bool {
        guard let best else { return false }
        guard blas else { return true }
        guard best == .avx512 else { return false }
        guard blasRunsAVX512 else { return true }
        return !double && m >= 32 && n >= 64
    }

    /// True when OpenBLAS runs its own AVX-512 kernels (asked once).
    static let blasRunsAVX512: Bool = {
        guard let core = BLAS.coreName?.lowercased() else { return false }
        return ["skylakex", "cooperlake", "sapphirerapids"].contains(core)
    }()
}
