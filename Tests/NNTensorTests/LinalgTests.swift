import Testing
@testable import NNTensor

@Suite struct LinalgTests {
    /// The backends available in this build: Jacobi always, LAPACK with BLAS.
    static let backends: [Linalg.Backend] = BLAS.isAvailable ? [.lapack, .jacobi] : [.jacobi]

    @Test(arguments: backends)
    func theLecturesSaddleHessian(_ backend: Linalg.Backend) throws {
        // H = [[0, -2], [-2, 0]]: H (1, 1) = -2 (1, 1) and H (1, -1) = 2 (1, -1).
        let h = try Tensor(shape: [2, 2], values: [0, -2, -2, 0], dtype: .float64)
        let (w, v) = try Linalg.eigh(h, backend: backend)
        #expect(w.shape == [2] && v.shape == [2, 2])
        #expect(close(w.doubles, [-2, 2], atol: 1e-12, rtol: 0))
        let r = 1 / 2.0.squareRoot()
        let col0 = [v.doubles[0], v.doubles[2]], col1 = [v.doubles[1], v.doubles[3]]
        #expect(close(col0, [r, r], atol: 1e-12, rtol: 0) || close(col0, [-r, -r], atol: 1e-12, rtol: 0), "\(col0)")
        #expect(close(col1, [r, -r], atol: 1e-12, rtol: 0) || close(col1, [-r, r], atol: 1e-12, rtol: 0), "\(col1)")
    }

    @Test(arguments: backends)
    func secondDifferenceMatrixHasItsClosedFormSpectrum(_ backend: Linalg.Backend) throws {
        // tridiag(-1, 2, -1) of size 3: eigenvalues 2 - 2 cos(kπ/4) = 2 - √2, 2, 2 + √2.
        let a = try Tensor(shape: [3, 3], values: [2, -1, 0, -1, 2, -1, 0, -1, 2], dtype: .float64)
        let w = try Linalg.eigvalsh(a, backend: backend)
        #expect(close(w.doubles, [2 - 2.0.squareRoot(), 2, 2 + 2.0.squareRoot()], atol: 1e-12, rtol: 0))
    }

    /// A random symmetric n x n matrix (B + Bᵀ) / 2 with entries in [-1, 1].
    func randomSymmetric(_ n: Int, seed: UInt64) -> [Double] {
        var rng = TestRNG(state: seed)
        let b = (0..<(n * n)).map { _ in rng.next() * 2 - 1 }
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in 0..<n { a[i * n + j] = (b[i * n + j] + b[j * n + i]) / 2 } }
        return a
    }

    /// max |V diag(w) Vᵀ - A| and max |VᵀV - I|.
    func residuals(_ a: [Double], _ w: [Double], _ v: [Double], n: Int) -> (Double, Double) {
        var rec = 0.0, orth = 0.0
        for i in 0..<n {
            for j in 0..<n {
                var s = 0.0, o = 0.0
                for p in 0..<n {
                    s += v[i * n + p] * w[p] * v[j * n + p]
                    o += v[p * n + i] * v[p * n + j]
                }
                rec = max(rec, abs(s - a[i * n + j]))
                orth = max(orth, abs(o - (i == j ? 1 : 0)))
            }
        }
        return (rec, orth)
    }

    @Test(arguments: backends)
    func randomSymmetricMatrixIsReconstructed(_ backend: Linalg.Backend) throws {
        let n = 50
        let a = randomSymmetric(n, seed: 42)
        let (w, v) = try Linalg.eigh(try Tensor(shape: [n, n], values: a, dtype: .float64), backend: backend)
        let (rec, orth) = residuals(a, w.doubles, v.doubles, n: n)
        #expect(rec < 1e-12, "V diag(w) Vᵀ ≈ A: \(rec)")
        #expect(orth < 1e-12, "VᵀV ≈ I: \(orth)")
        #expect(zip(w.doubles, w.doubles.dropFirst()).allSatisfy { $0 <= $1 }, "ascending")
    }

    @Test func lapackAndJacobiAgree() throws {
        guard BLAS.isAvailable else { return }
        let n = 50
        let t = try Tensor(shape: [n, n], values: randomSymmetric(n, seed: 7), dtype: .float64)
        let (wl, vl) = try Linalg.eigh(t, backend: .lapack)
        let (wj, vj) = try Linalg.eigh(t, backend: .jacobi)
        #expect(close(wl.doubles, wj.doubles, atol: 1e-12, rtol: 0))
        // The eigenvalues are distinct, so each eigenvector agrees up to sign: |v_l · v_j| = 1.
        let (l, j) = (vl.doubles, vj.doubles)
        for c in 0..<n {
            var dot = 0.0
            for r in 0..<n { dot += l[r * n + c] * j[r * n + c] }
            #expect(abs(abs(dot) - 1) < 1e-9, "column \(c): \(dot)")
        }
    }

    @Test(arguments: backends)
    func float32StaysFloat32(_ backend: Linalg.Backend) throws {
        let n = 20
        let a = randomSymmetric(n, seed: 3)
        let (w, v) = try Linalg.eigh(try Tensor(shape: [n, n], values: a), backend: backend)
        #expect(w.dtype == .float32 && v.dtype == .float32)
        let (rec, orth) = residuals(a, w.doubles, v.doubles, n: n)
        #expect(rec < 1e-5 && orth < 1e-5, "\(rec) \(orth)")
    }

    @Test func resultsOfATrackedInputAreTracked() throws {
        let h = try Tensor(shape: [2, 2], values: [1, 0, 0, 2], dtype: .float64).requiringGrad()
        let (w, v) = try Linalg.eigh(h)
        #expect(w.isTracked && v.isTracked, "eigh is differentiable (the rule is in Linalg+EighGrad.swift)")
        #expect(w.doubles == [1, 2])
        #expect(try Linalg.eigh(try Tensor.zeros([0, 0])).values.shape == [0])
    }

    @Test func misuseIsExplained() throws {
        #expect(throws: TensorError(op: "eigh", "expected a square matrix, got shape [2, 3]")) {
            try Linalg.eigh(try Tensor.zeros([2, 3]))
        }
        #expect(throws: TensorError(op: "eigvalsh", "expected a square matrix, got shape [4]")) {
            try Linalg.eigvalsh(try Tensor.zeros([4]))
        }
        #expect(throws: TensorError(op: "eigh", "the matrix contains nan at [1, 0]")) {
            try Linalg.eigh(try Tensor(shape: [2, 2], values: [1, 0, .nan, 1], dtype: .float64))
        }
        #expect(throws: TensorError(op: "eigh", "the matrix contains inf at [0, 0]")) {
            try Linalg.eigh(try Tensor(shape: [1, 1], values: [.infinity], dtype: .float64))
        }
        #expect(throws: TensorError(op: "eigh", "the matrix is not symmetric: a[0, 1] = 0.5 but a[1, 0] = -0.5 (difference 1.0 exceeds the tolerance 1e-08)")) {
            try Linalg.eigh(try Tensor(shape: [2, 2], values: [1, 0.5, -0.5, 1], dtype: .float64))
        }
        #expect(throws: TensorError(op: "eigvalsh", "the matrix is not symmetric: a[0, 1] = 0.5 but a[1, 0] = 0.25 (difference 0.25 exceeds the tolerance 0.0001)")) {
            try Linalg.eigvalsh(try Tensor(shape: [2, 2], values: [1, 0.5, 0.25, 1]))
        }
        // Within tolerance it is symmetrised: [[1, 1 + 1e-12], [1, 1]] has eigenvalues 0 and 2.
        let nearly = try Tensor(shape: [2, 2], values: [1, 1 + 1e-12, 1, 1], dtype: .float64)
        #expect(close(try Linalg.eigvalsh(nearly).doubles, [0, 2], atol: 1e-11, rtol: 0))
        if !BLAS.isAvailable {
            #expect(throws: TensorError(op: "eigh", "LAPACK is not available: nn was built without the BLAS trait")) {
                try Linalg.eigh(try Tensor.zeros([2, 2]), backend: .lapack)
            }
        }
    }
}

/// Derivatives of `eigh` and `eigvalsh` (the finite-difference checks are in
/// `GradCases+Linalg.swift`).
@Suite struct EighGradientTests {
    @Test func theSumOfTheEigenvaluesIsTheTrace() throws {
        let a = try Tensor(shape: [2, 2], values: [2, 1, 1, 3], dtype: .float64)
        let g = try Autodiff.grad({ try Linalg.eigvalsh($0).sum() }, at: a)
        #expect(g.doubles.enumerated().allSatisfy { abs($0.element - [1, 0, 0, 1][$0.offset]) < 1e-12 })
    }

    @Test func eigenvaluesOfARepeatedSpectrumStillDifferentiate() throws {
        let a = try Tensor.eye(3, dtype: .float64)
        let g = try Autodiff.grad({ try Linalg.eigvalsh($0).max() }, at: a)
        let finite = g.doubles.allSatisfy { $0.isFinite }
        #expect(finite)
    }

    @Test func eigenvectorsOfARepeatedEigenvalueAreAnError() throws {
        let a = try Tensor.eye(2, dtype: .float64)
        #expect(throws: TensorError.self) {
            _ = try Autodiff.grad({ try Linalg.eigh($0).vectors.pow(2).sum(axes: [0]).index([0]).sum() }, at: a)
        }
    }

    @Test func untrackedInputsStayUntracked() throws {
        let a = try Tensor(shape: [2, 2], values: [2, 1, 1, 3], dtype: .float64)
        let e = try Linalg.eigh(a)
        #expect(!e.values.isTracked && !e.vectors.isTracked)
    }
}
