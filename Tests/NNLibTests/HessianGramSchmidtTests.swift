import Testing
import NNTensor
@testable import NNLib

/// Lanczos' reorthogonalisation (`Hessian.LanczosBasis`): the chunked,
/// fused, threaded sweeps equal two plain classical Gram–Schmidt passes, in
/// Float64 to rounding and with a Float32 basis to Float32's precision.
@Suite struct HessianGramSchmidtTests {
    /// `m` orthonormal vectors of length `n` and a vector `w`.
    func problem(n: Int, m: Int) -> (basis: [[Double]], w: [Double]) {
        var rng = RandomGenerator(seed: 21)
        var basis: [[Double]] = []
        for _ in 0..<m {
            var v = (0..<n).map { _ in rng.normal() }
            for _ in 0..<2 { naivePass(&v, basis) }
            let len = Hessian.norm(v)
            basis.append(v.map { $0 / len })
        }
        return (basis, (0..<n).map { _ in rng.normal() })
    }

    /// `w −= Σ (qᵀw) q`, one plain pass.
    func naivePass(_ w: inout [Double], _ basis: [[Double]]) {
        let c = basis.map { q in zip(q, w).reduce(0) { $0 + $1.0 * $1.1 } }
        for (q, cj) in zip(basis, c) { for i in w.indices { w[i] -= cj * q[i] } }
    }

    @Test(arguments: [1, 2, 3])
    func float64SweepsEqualTwoPlainPasses(parts: Int) {
        let n = 70_001, (basis, w) = problem(n: n, m: 5)
        var expected = w
        naivePass(&expected, basis); naivePass(&expected, basis)
        var b = Hessian.LanczosBasis(float32: false)
        for q in basis { b.append(q) }
        var got = w
        b.reorthogonalize(&got, parts: parts)
        let scale = Hessian.norm(w)
        #expect(zip(got, expected).allSatisfy { abs($0 - $1) <= 1e-12 * scale })
    }

    @Test func float32BasisOrthogonalisesToFloat32Precision() {
        let n = 70_001, (basis, w) = problem(n: n, m: 4)
        var b = Hessian.LanczosBasis(float32: true)
        for q in basis { b.append(q) }
        var got = w
        b.reorthogonalize(&got, parts: 2)
        let scale = Hessian.norm(w)
        for q in basis { #expect(abs(Hessian.dot(q, got)) <= 1e-6 * scale) }
        #expect(b.combine([1, 0, 0, 0], n: n).enumerated().allSatisfy { abs($1 - basis[0][$0]) <= 1e-7 })
    }

    /// A float32 basis on a long vector: Lanczos still finds an isolated
    /// top eigenvalue of a diagonal operator.
    @Test func lanczosWithAFloat32Basis() throws {
        let n = 70_000
        let d = (0..<n).map { $0 == 123 ? 10.0 : 1 + Double($0 % 7) / 10 }
        for float32 in [false, true] {
            let r = try Hessian.lanczos(dimension: n, k: 1, which: .largest, iterations: 12, tolerance: 0, seed: 3,
                                        vectors: false, op: "top_eigenvalues", float32Basis: float32) { v in
                zip(d, v).map { $0 * $1 }
            }
            #expect(abs(r.eigenvalues[0] - 10) <= (float32 ? 1e-5 : 1e-9), "float32 basis \(float32): \(r.eigenvalues)")
        }
    }
}
