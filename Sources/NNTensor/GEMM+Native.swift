import CGEMM
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// SAFETY RULE for this file: it is the one Swift caller of CGEMM's
// unchecked C kernels. `NativeGEMM.run` receives the sizes and strides of
// `GEMMScalar.gemm`'s contract (m, n, k >= 0, lda >= max(1, transA ? m : k),
// ldb >= max(1, transB ? k : n), ldc >= n, buffers holding every element
// they describe), checks the strides against the sizes (a violation falls
// back to the Swift kernel's precondition instead of reaching C) and passes
// them on unchanged; gemm.c's split into two shares keeps each inside them.

/// nn's own GEMM (issue 20): register-blocked AVX-512 and AVX2 micro-kernels
/// in C (`Sources/CGEMM`), for the training step's small and medium
/// products, where OpenBLAS's per-call work and (with this machine's
/// `OPENBLAS_CORETYPE=Haswell`) its AVX2 kernels leave speed unused.
///
/// The kernel family comes from CPUID at run time (`nn_gemm_best_variant`):
/// AVX-512 F/VL/DQ (an 8 x 32 float or 8 x 16 double tile in 16 of the 32
/// `zmm` registers), else AVX2 + FMA (6 x 16 / 6 x 8 in 12 of 16 `ymm`),
/// else none and products stay on OpenBLAS or `Kernels.gemm`.
///
/// Which products it takes is the measured rule documented on `takes` and
/// in docs/benchmarks.md ("nn's own GEMM"); `GEMMScalar.gemm` asks it.
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

    /// The backend in force (`BLAS.gemmBackend`). Process-wide: NNBench
    /// sets it once before measuring; tests do not touch it (they call
    /// `run` with a family), since other suites multiply at the same time.
    /// Starts as the environment's `NN_GEMM` says (`backend(named:)`), else
    /// `.automatic`.
    nonisolated(unsafe) static var backend: Backend = backend(named: getenv("NN_GEMM").map { String(cString: $0) })

    /// The backend a value of the `NN_GEMM` environment variable names:
    /// `avx2` (nn's AVX2 kernels: the same bits on every x86-64 CPU with
    /// AVX2 + FMA, which scripts/tutorial-test and examples-test ask for, so
    /// the figures they compare do not depend on whether the machine has
    /// AVX-512), `native`, `blas`, `swift`; nil, empty, `auto` or anything
    /// else: `.automatic` (a product is right on every backend; only its
    /// last bits differ).
    static func backend(named name: String?) -> Backend {
        switch name?.lowercased() {
        case "avx2": return .native(.avx2)
        case "native": return .native(nil)
        case "blas", "openblas": return .blas
        case "swift": return .swift
        default: return .automatic
        }
    }

    /// The best family this CPU supports, or nil (no AVX2 + FMA).
    static let best: Variant? = Variant(rawValue: nn_gemm_best_variant())

    /// The families this CPU can run, best last.
    static var supported: [Variant] {
        Variant.allCases.filter { $0.rawValue <= (best?.rawValue ?? 0) }
    }

    /// The threads a product may be split across (`Kernels.coreCount`;
    /// NNBench's `--threads` lowers it with OpenBLAS's, `BLAS.nativeThreadCount`).
    nonisolated(unsafe) static var threads = Kernels.coreCount

    /// Runs the product on `variant` (the best when nil), split in two
    /// when `threads` allows and the work is large enough (1M multiply-adds:
    /// the second share runs on CGEMM's own worker thread, which spins
    /// briefly between products, as OpenBLAS's do; waking a thread through
    /// the kernel costs as much as an epoch-sized product). Returns false,
    /// having touched nothing, when the family is not supported here or a
    /// stride is smaller than its matrix. When C cannot allocate its packing
    /// buffer (it then touches nothing) `Kernels.gemm` computes the product.
    static func run<T: GEMMScalar>(_ variant: Variant? = nil, threads: Int = NativeGEMM.threads,
                                   transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                                   alpha: T, a: UnsafePointer<T>, lda: Int,
                                   b: UnsafePointer<T>, ldb: Int,
                                   beta: T, c: UnsafeMutablePointer<T>, ldc: Int) -> Bool {
        guard let v = variant ?? best, v.rawValue <= (best?.rawValue ?? 0) else { return false }
        guard m >= 0, n >= 0, k >= 0, lda >= Swift.max(1, transA ? m : k),
              ldb >= Swift.max(1, transB ? k : n), ldc >= Swift.max(1, n) else { return false }
        call(v, Swift.max(1, Swift.min(threads, Kernels.coreCount, 2)), transA, transB, m, n, k,
             alpha, a, lda, b, ldb, beta, c, ldc)
        return true
    }

    /// The C kernel, or `Kernels.gemm` when C could not allocate its
    /// packing buffer (and so touched nothing).
    @inline(__always)
    private static func call<T: GEMMScalar>(_ v: Variant, _ threads: Int, _ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int,
                                            _ alpha: T, _ a: UnsafePointer<T>, _ lda: Int,
                                            _ b: UnsafePointer<T>, _ ldb: Int,
                                            _ beta: T, _ c: UnsafeMutablePointer<T>, _ ldc: Int) {
        if !callC(v, threads, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) {
            Kernels.gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                         a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
        }
    }

    /// The C kernel; false when it refused (nothing touched).
    @inline(__always)
    private static func callC<T: GEMMScalar>(_ v: Variant, _ threads: Int, _ transA: Bool, _ transB: Bool, _ m: Int, _ n: Int, _ k: Int,
                                             _ alpha: T, _ a: UnsafePointer<T>, _ lda: Int,
                                             _ b: UnsafePointer<T>, _ ldb: Int,
                                             _ beta: T, _ c: UnsafeMutablePointer<T>, _ ldc: Int) -> Bool {
        let ta: Int32 = transA ? 1 : 0, tb: Int32 = transB ? 1 : 0
        if T.self == Float.self {
            return a.withMemoryRebound(to: Float.self, capacity: 1) { pa in
                b.withMemoryRebound(to: Float.self, capacity: 1) { pb in
                    c.withMemoryRebound(to: Float.self, capacity: 1) { pc in
                        nn_sgemm(v.rawValue, Int32(threads), ta, tb, m, n, k, Float(alpha), pa, lda, pb, ldb,
                                 Float(beta), pc, ldc) == 0
                    }
                }
            }
        }
        if T.self == Double.self {
            return a.withMemoryRebound(to: Double.self, capacity: 1) { pa in
                b.withMemoryRebound(to: Double.self, capacity: 1) { pb in
                    c.withMemoryRebound(to: Double.self, capacity: 1) { pc in
                        nn_dgemm(v.rawValue, Int32(threads), ta, tb, m, n, k, Double(alpha), pa, lda, pb, ldb,
                                 Double(beta), pc, ldc) == 0
                    }
                }
            }
        }
        return false
    }
}

extension NativeGEMM {
    /// The measured rule: does nn's kernel take this product? (Measured on
    /// AMD EPYC Zen 5, 2 vCPUs, OpenBLAS 0.3.21; tables in docs/benchmarks.md,
    /// "nn's own GEMM".) One backend for the whole process, never a mix:
    /// OpenBLAS's workers and CGEMM's each spin for a while after a product,
    /// and with both in one process they take each other's cores (the epoch
    /// with wide products on nn's kernel and narrow ones on OpenBLAS:
    /// 620-850 ms, against 490-510 ms on either alone).
    ///
    /// - Without OpenBLAS: every product (faster than the Swift kernel at
    ///   every size).
    /// - Only AVX2 here: none. nn's AVX2 kernel runs at OpenBLAS's `Haswell`
    ///   kernels' speed (within 5%), so the library keeps them.
    /// - AVX-512 here: every product. Against OpenBLAS's AVX2 kernels
    ///   (`Haswell`, `Zen`: what `OPENBLAS_CORETYPE=Haswell` selects) nn's
    ///   512-bit kernel is 1.8-2.1x faster on the epoch's wide products and
    ///   1.1-1.8x on its narrow ones (the epoch: 0.73-0.8x the time);
    ///   against its AVX-512 kernels (`SkylakeX`, `Cooperlake`) 1.05-1.35x
    ///   faster on the wide products and 0.5-0.75x on the narrow ones where
    ///   OpenBLAS's small-matrix kernels win (float32 64 x 128 @ 128 x 10,
    ///   float64 800 x 20 @ 20 x 20): the epoch 0.94-1.0x the time on one
    ///   thread, 0.85-0.98x on two.
    static func takes(blas: Bool) -> Bool {
        guard let best else { return false }
        return !blas || best == .avx512
    }
}
