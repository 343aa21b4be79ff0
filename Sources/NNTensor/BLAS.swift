#if BLAS
import CBLAS
#endif

/// The BLAS library behind matmul, when the package's `BLAS` trait is on
/// (the default) and OpenBLAS opens (see `BLAS+Library.swift`): OpenBLAS's
/// `cblas_sgemm`/`cblas_dgemm`. Otherwise every product runs on the
/// portable Swift kernel (`Kernels.gemm`).
public enum BLAS {
    /// True when nn was built with the BLAS trait and OpenBLAS could be
    /// opened (asking opens it).
    public static var isAvailable: Bool {
        #if BLAS
        return BLASLibrary.shared != nil
        #else
        return false
        #endif
    }

    /// True when nn was built with the BLAS trait (whether or not the
    /// library is installed).
    public static var isBuiltIn: Bool {
        #if BLAS
        return true
        #else
        return false
        #endif
    }

    /// The threads OpenBLAS uses (all cores by default); setting it changes
    /// the process-wide OpenBLAS setting (for benchmarks). 1 without BLAS.
    public static var threadCount: Int {
        get {
            #if BLAS
            if let library = BLASLibrary.shared { return Int(library.getThreads()) }
            #endif
            return 1
        }
        set {
            #if BLAS
            BLASLibrary.shared?.setThreads(Int32(clamping: Swift.max(1, newValue)))
            #endif
        }
    }
}

/// Who runs matrix products (`BLAS.gemmBackend`): the measured rule or one
/// backend forced, for benchmarks (NNBench's `--gemm`) and tests.
public enum GEMMBackend: Sendable {
    /// nn's own kernels where measured faster, OpenBLAS for large products
    /// (`NativeGEMM.takes`), the Swift kernel where neither runs.
    case automatic
    /// nn's own kernels, the best family the CPU has (AVX-512, else AVX2).
    case native
    /// nn's own AVX2 kernels (where the CPU has AVX2 + FMA).
    case nativeAVX2
    /// OpenBLAS for every product (the Swift kernel where it cannot open).
    case openBLAS
    /// The portable Swift kernel (`Kernels.gemm`).
    case swift
}

extension BLAS {
    /// The threads nn's own GEMM kernels split a product across (all cores
    /// by default; at least 1). For benchmarks, as `threadCount` is for OpenBLAS.
    public static var nativeThreadCount: Int {
        get { NativeGEMM.threads }
        set { NativeGEMM.threads = Swift.max(1, Swift.min(newValue, Kernels.coreCount)) }
    }

    /// The backend every product uses; process-wide, so set it before the
    /// work it is meant for, not while other threads multiply.
    public static var gemmBackend: GEMMBackend {
        get {
            switch NativeGEMM.backend {
            case .automatic: return .automatic
            case .native(.avx2): return .nativeAVX2
            case .native: return .native
            case .blas: return .openBLAS
            case .swift: return .swift
            }
        }
        set {
            switch newValue {
            case .automatic: NativeGEMM.backend = .automatic
            case .native: NativeGEMM.backend = .native(nil)
            case .nativeAVX2: NativeGEMM.backend = .native(.avx2)
            case .openBLAS: NativeGEMM.backend = .blas
            case .swift: NativeGEMM.backend = .swift
            }
        }
    }
}

extension GEMMScalar {
    /// `C = alpha * op(A) * op(B) + beta * C`, row-major. Same contract as
    /// `Kernels.gemm`. Three backends, chosen per call:
    /// - nn's own AVX-512/AVX2 kernels (`NativeGEMM`, `Sources/CGEMM`) for
    ///   the products `NativeGEMM.takes` (the measured rule, documented there);
    /// - OpenBLAS when it opens and every dimension fits its 32-bit integers;
    /// - the portable Swift kernel (`Kernels.gemm`) otherwise.
    /// `NativeGEMM.backend` forces one (tests, benchmarks).
    @inline(__always)
    static func gemm(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                     alpha: Self, a: UnsafePointer<Self>, lda: Int,
                     b: UnsafePointer<Self>, ldb: Int,
                     beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        switch NativeGEMM.backend {
        case .automatic:
            if NativeGEMM.takes(blas: BLAS.isAvailable),
               NativeGEMM.run(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                              b: b, ldb: ldb, beta: beta, c: c, ldc: ldc) { return }
        case .native(let variant):
            if NativeGEMM.run(variant, transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                              b: b, ldb: ldb, beta: beta, c: c, ldc: ldc) { return }
        case .blas:
            break
        case .swift:
            Kernels.gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                         a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            return
        }
        #if BLAS
        if k > 0, let library = BLASLibrary.shared,
           let m32 = Int32(exactly: m), let n32 = Int32(exactly: n), let k32 = Int32(exactly: k),
           let lda32 = Int32(exactly: lda), let ldb32 = Int32(exactly: ldb), let ldc32 = Int32(exactly: ldc) {
            let ta = transA ? CblasTrans : CblasNoTrans
            let tb = transB ? CblasTrans : CblasNoTrans
            if Self.self == Float.self {
                a.withMemoryRebound(to: Float.self, capacity: 1) { pa in
                    b.withMemoryRebound(to: Float.self, capacity: 1) { pb in
                        c.withMemoryRebound(to: Float.self, capacity: 1) { pc in
                            library.sgemm(CblasRowMajor, ta, tb, m32, n32, k32, Float(alpha), pa, lda32,
                                          pb, ldb32, Float(beta), pc, ldc32)
                        }
                    }
                }
                return
            }
            if Self.self == Double.self {
                a.withMemoryRebound(to: Double.self, capacity: 1) { pa in
                    b.withMemoryRebound(to: Double.self, capacity: 1) { pb in
                        c.withMemoryRebound(to: Double.self, capacity: 1) { pc in
                            library.dgemm(CblasRowMajor, ta, tb, m32, n32, k32, Double(alpha), pa, lda32,
                                          pb, ldb32, Double(beta), pc, ldc32)
                        }
                    }
                }
                return
            }
        }
        #endif
        Kernels.gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
                     a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
    }
}

extension BLAS {
    /// `gemm` on arrays through the default backend (BLAS when linked), for
    /// tests that compare it with `Kernels.gemm`.
    static func gemm<T: GEMMScalar>(_ a: [T], _ b: [T], m: Int, n: Int, k: Int,
                                    transA: Bool = false, transB: Bool = false) -> [T] {
        [T](unsafeUninitializedCapacity: m * n) { out, initialized in
            initialized = m * n
            guard let pc = out.baseAddress else { return }
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    guard let pa = pa.baseAddress, let pb = pb.baseAddress else {
                        for i in 0..<(m * n) { pc[i] = 0 }
                        return
                    }
                    T.gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 1,
                           a: pa, lda: Swift.max(transA ? m : k, 1), b: pb, ldb: Swift.max(transB ? k : n, 1),
                           beta: 0, c: pc, ldc: n)
                }
            }
        }
    }
}
