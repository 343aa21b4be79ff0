/// The portable symmetric eigensolver: the cyclic Jacobi method.
extension Linalg {
    /// Eigenvalues (ascending) and, when `vectors`, eigenvectors (columns of
    /// a row-major `n x n` array) of the symmetric row-major `a`, by cyclic
    /// Jacobi rotations (Golub & Van Loan, Algorithm 8.5.3; the rotation as
    /// in Numerical Recipes' `jacobi`).
    ///
    /// Each sweep visits every pair `p < q` and zeroes `a[p][q]` with the
    /// rotation
    ///
    ///     θ = (a_qq - a_pp) / (2 a_pq),  t = sign(θ) / (|θ| + √(θ² + 1)),
    ///     c = 1 / √(t² + 1),  s = t c,
    ///     a_pp -= t a_pq,  a_qq += t a_pq,
    ///     a_rp, a_rq = c a_rp - s a_rq, s a_rp + c a_rq   (r ≠ p, q)
    ///
    /// accumulating `V ← V J`. Sweeps stop when the off-diagonal mass
    /// `Σ_{p≠q} a_pq²` falls below `(ε ‖a‖_F)²`; convergence is quadratic,
    /// typically 6–10 sweeps. Accurate (small eigenvalues to high relative
    /// accuracy) but O(n³) per sweep: a fallback for when LAPACK is absent.
    static func jacobi(_ input: [Double], n: Int, vectors: Bool) -> ([Double], [Double]) {
        precondition(n >= 1 && input.count == n * n, "Linalg.jacobi: \(input.count) elements are not \(n) x \(n)")
        var a = input
        // Vᵀ, so each rotation updates two contiguous rows: vt[j * n + r] = V[r][j].
        var vt = [Double](repeating: 0, count: vectors ? n * n : 0)
        if vectors { for i in 0..<n { vt[i * n + i] = 1 } }
        var norm2 = 0.0
        for x in a { norm2 += x * x }
        let target = Double.ulpOfOne * Double.ulpOfOne * norm2
        // Every offset below is r * n + c with r, c < n: inside the n * n buffers.
        a.withUnsafeMutableBufferPointer { a in
            vt.withUnsafeMutableBufferPointer { vt in
                for _ in 0..<100 {
                    var off = 0.0
                    for p in 0..<n {
                        for q in 0..<n where q != p { off += a[p &* n &+ q] * a[p &* n &+ q] }
                    }
                    if off <= target || off == 0 { break }
                    for p in 0..<(n - 1) {
                        for q in (p + 1)..<n {
                            let pq = p &* n &+ q, qp = q &* n &+ p
                            let apq = a[pq]
                            if apq == 0 { continue }
                            let app = a[p &* n &+ p], aqq = a[q &* n &+ q]
                            // Skip entries negligible against both diagonal entries.
                            if abs(apq) * 1e18 < abs(app) && abs(apq) * 1e18 < abs(aqq) {
                                a[pq] = 0; a[qp] = 0
                                continue
                            }
                            let theta = (aqq - app) / (2 * apq)
                            var t = 1 / (abs(theta) + (theta * theta + 1).squareRoot())
                            if abs(theta) > 1e150 { t = 1 / (2 * abs(theta)) }
                            if theta < 0 { t = -t }
                            let c = 1 / (t * t + 1).squareRoot(), s = t * c
                            a[p &* n &+ p] = app - t * apq
                            a[q &* n &+ q] = aqq + t * apq
                            a[pq] = 0
                            a[qp] = 0
                            for r in 0..<n where r != p && r != q {
                                let rp = r &* n &+ p, rq = r &* n &+ q
                                let arp = a[rp], arq = a[rq]
                                let np = c * arp - s * arq, nq = s * arp + c * arq
                                a[rp] = np; a[p &* n &+ r] = np
                                a[rq] = nq; a[q &* n &+ r] = nq
                            }
                            if vectors {
                                let rp = p &* n, rq = q &* n
                                for r in 0..<n {
                                    let vrp = vt[rp &+ r], vrq = vt[rq &+ r]
                                    vt[rp &+ r] = c * vrp - s * vrq
                                    vt[rq &+ r] = s * vrp + c * vrq
                                }
                            }
                        }
                    }
                }
            }
        }
        let w = (0..<n).map { a[$0 * n + $0] }
        let order = (0..<n).sorted { w[$0] < w[$1] }
        let values = order.map { w[$0] }
        guard vectors else { return (values, []) }
        var sorted = [Double](repeating: 0, count: n * n)
        for (j, src) in order.enumerated() {
            for i in 0..<n { sorted[i * n + j] = vt[src * n + i] }
        }
        return (values, sorted)
    }
}
