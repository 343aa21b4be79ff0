#if BLAS
import CBLAS
#endif

/// Linear algebra beyond matmul: the symmetric eigendecomposition that
/// Hessian inspection is built on.
public enum Linalg {
    /// Which implementation computes an eigendecomposition.
    public enum Backend: String, Sendable, CaseIterable {
        /// LAPACK when nn was built with the BLAS trait, else Jacobi.
        case automatic
        /// LAPACK's divide and conquer `dsyevd`/`ssyevd` (throws without BLAS).
        case lapack
        /// The portable cyclic Jacobi method in Swift (always available).
        case jacobi
    }

    /// The eigenvalues (ascending) and eigenvectors (the columns of
    /// `vectors`) of a symmetric matrix, as `numpy.linalg.eigh`:
    /// `a = V diag(w) Vᵀ` with `VᵀV = I`. Each eigenvector's sign is
    /// arbitrary, as in LAPACK.
    ///
    /// The matrix must be square, finite and symmetric within
    /// `symmetryTolerance` (by default `1e-8 * max(1, max|a|)` for float64,
    /// `1e-4 * max(1, max|a|)` for float32); it is symmetrised as
    /// `(a + aᵀ) / 2` first. Results have the input's dtype.
    ///
    /// Differentiable to any order (see `Linalg+EighGrad.swift`): the
    /// eigenvalues always, the eigenvectors where the eigenvalues are
    /// distinct (a repeated eigenvalue makes their derivative undefined, and
    /// asking for it is an error).
    public static func eigh(_ a: Tensor, backend: Backend = .automatic,
                            symmetryTolerance: Double? = nil) throws -> (values: Tensor, vectors: Tensor) {
        let (sym, n) = try symmetric(a, op: "eigh", tolerance: symmetryTolerance)
        let (w, v) = try decompose(sym, n: n, vectors: true, dtype: a.dtype, backend: backend, op: "eigh")
        let values = Tensor(shape: [n], storage: TensorStorage.float64(w).converted(to: a.dtype))
        let vectors = Tensor(shape: [n, n], storage: TensorStorage.float64(v).converted(to: a.dtype))
        return try recorded(a, values, vectors)
    }

    /// The eigenvalues (ascending) of a symmetric matrix, as
    /// `numpy.linalg.eigvalsh`; same checks as `eigh`. Differentiable: the
    /// gradient is `V diag(ḡ) Vᵀ` (so the eigenvectors are computed too when
    /// the input is tracked).
    public static func eigvalsh(_ a: Tensor, backend: Backend = .automatic,
                                symmetryTolerance: Double? = nil) throws -> Tensor {
        if GradMode.isEnabled && a.isTracked {
            return try eigh(a, backend: backend, symmetryTolerance: symmetryTolerance).values
        }
        let (sym, n) = try symmetric(a, op: "eigvalsh", tolerance: symmetryTolerance)
        let (w, _) = try decompose(sym, n: n, vectors: false, dtype: a.dtype, backend: backend, op: "eigvalsh")
        return Tensor(shape: [n], storage: TensorStorage.float64(w).converted(to: a.dtype))
    }

    /// Validates `a` (square, finite, symmetric within tolerance) and returns
    /// `(a + aᵀ) / 2`, row-major, in Float64.
    static func symmetric(_ a: Tensor, op: String, tolerance: Double?) throws -> ([Double], Int) {
        guard a.rank == 2, a.shape[0] == a.shape[1] else {
            throw TensorError(op: op, "expected a square matrix, got shape \(fmt(a.shape))")
        }
        guard a.dtype.isFloatingPoint else {
            throw TensorError(op: op, "expects a float32 or float64 matrix, got \(a.dtype); convert it with .to(\"float64\")")
        }
        let n = a.shape[0]
        let x = a.doubles
        var maxAbs = 0.0
        for (i, v) in x.enumerated() {
            guard v.isFinite else {
                throw TensorError(op: op, "the matrix contains \(v) at [\(i / n), \(i % n)]")
            }
            maxAbs = Swift.max(maxAbs, abs(v))
        }
        let tol = tolerance ?? (a.dtype == .float32 ? 1e-4 : 1e-8) * Swift.max(1, maxAbs)
        var worst = (diff: 0.0, i: 0, j: 0)
        var out = x
        for i in 0..<n {
            for j in (i + 1)..<Swift.max(i + 1, n) {
                let d = abs(x[i * n + j] - x[j * n + i])
                if d > worst.diff { worst = (d, i, j) }
                let m = (x[i * n + j] + x[j * n + i]) / 2
                out[i * n + j] = m
                out[j * n + i] = m
            }
        }
        guard worst.diff <= tol else {
            let (i, j) = (worst.i, worst.j)
            throw TensorError(op: op, "the matrix is not symmetric: a[\(i), \(j)] = \(x[i * n + j]) but a[\(j), \(i)] = \(x[j * n + i]) (difference \(worst.diff) exceeds the tolerance \(tol))")
        }
        return (out, n)
    }

    /// Dispatches to LAPACK or Jacobi; eigenvalues ascending, eigenvectors
    /// as the columns of a row-major `n x n` array (empty when not wanted).
    static func decompose(_ a: [Double], n: Int, vectors: Bool, dtype: DType, backend: Backend,
                          op: String) throws -> ([Double], [Double]) {
        if n == 0 { return ([], []) }
        switch backend {
        case .jacobi:
            return jacobi(a, n: n, vectors: vectors)
        case .lapack:
            guard BLAS.isAvailable else {
                throw TensorError(op: op, "LAPACK is not available: nn was built without the BLAS trait")
            }
            return try lapack(a, n: n, vectors: vectors, dtype: dtype, op: op)
        case .automatic:
            return BLAS.isAvailable ? try lapack(a, n: n, vectors: vectors, dtype: dtype, op: op)
                                    : jacobi(a, n: n, vectors: vectors)
        }
    }

    /// LAPACK `?syevd` (divide and conquer) in the tensor's precision, with a
    /// workspace query first. LAPACK is column-major: a symmetric input is its
    /// own transpose, but the eigenvectors come back as the *columns* of a
    /// column-major array, so they are transposed into row-major order.
    static func lapack(_ a: [Double], n: Int, vectors: Bool, dtype: DType, op: String) throws -> ([Double], [Double]) {
        #if BLAS
        guard let n32 = Int32(exactly: n) else {
            throw TensorError(op: op, "matrix of size \(n) is too large for LAPACK")
        }
        guard let library = BLASLibrary.shared else {
            throw TensorError(op: op, "LAPACK is not available: OpenBLAS could not be opened (install libopenblas0; Debian and Ubuntu: apt-get install libopenblas0)")
        }
        var info: Int32 = 0
        let jobz: CChar = vectors ? 0x56 : 0x4E   // "V" or "N"
        let uplo: CChar = 0x4C                    // "L"
        var w: [Double]
        var m: [Double]
        func run<T>(_ x: inout [T], _ w: inout [T], _ call: (UnsafePointer<CChar>, UnsafePointer<CChar>, UnsafePointer<Int32>, UnsafeMutablePointer<T>, UnsafePointer<Int32>, UnsafeMutablePointer<T>, UnsafeMutablePointer<T>, UnsafePointer<Int32>, UnsafeMutablePointer<Int32>, UnsafePointer<Int32>, UnsafeMutablePointer<Int32>) -> Void, _ size: (T) -> Double) throws {
            var j = jobz, u = uplo, nn = n32, lda = n32
            var qwork = [T](repeating: x[0], count: 1)
            var qiwork: [Int32] = [0]
            var query: Int32 = -1, iquery: Int32 = -1
            call(&j, &u, &nn, &x, &lda, &w, &qwork, &query, &qiwork, &iquery, &info)
            guard info == 0 else { throw TensorError(op: op, "LAPACK workspace query failed (info = \(info))") }
            var lwork = Int32(clamping: Int(size(qwork[0]).rounded(.up)))
            var liwork = Swift.max(qiwork[0], 1)
            lwork = Swift.max(lwork, 1)
            var work = [T](repeating: x[0], count: Int(lwork))
            var iwork = [Int32](repeating: 0, count: Int(liwork))
            call(&j, &u, &nn, &x, &lda, &w, &work, &lwork, &iwork, &liwork, &info)
            guard info == 0 else {
                throw TensorError(op: op, info > 0 ? "LAPACK failed to converge (info = \(info))" : "LAPACK rejected argument \(-info)")
            }
        }
        if dtype == .float32 {
            var x = a.map { Float($0) }
            var wf = [Float](repeating: 0, count: n)
            try run(&x, &wf, { library.ssyevd($0, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10) }, { Double($0) })
            w = wf.map { Double($0) }
            m = x.map { Double($0) }
        } else {
            var x = a
            var wd = [Double](repeating: 0, count: n)
            try run(&x, &wd, { library.dsyevd($0, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10) }, { $0 })
            w = wd
            m = x
        }
        guard vectors else { return (w, []) }
        var v = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n { v[i * n + j] = m[j * n + i] }
        }
        return (w, v)
        #else
        throw TensorError(op: op, "LAPACK is not available: nn was built without the BLAS trait")
        #endif
    }
}
