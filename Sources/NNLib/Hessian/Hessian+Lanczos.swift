import NNTensor

/// Extreme eigenvalues of a Hessian too large to form, by Lanczos on HVPs.
extension Hessian {
    /// Which end of the spectrum `topEigenvalues` returns.
    public enum Which: String, Sendable, CaseIterable {
        /// The `k` algebraically largest, descending.
        case largest
        /// The `k` algebraically smallest (most negative), ascending.
        case smallest
        /// Both: the `k` smallest and the `k` largest, ascending overall.
        case both
    }

    /// Eigenvalues found by Lanczos, with their Ritz vectors and residuals.
    public struct Ritz: Sendable {
        /// The eigenvalues, ordered as `Which` says.
        public let eigenvalues: [Double]
        /// The unit Ritz vectors `y = Q s` (when asked for), aligned with `eigenvalues`.
        public let vectors: [[Double]]?
        /// `‖H y − θ y‖ = β_m |s_m|` for each, a bound on each eigenvalue's error.
        public let residuals: [Double]
        /// The Lanczos steps taken (one HVP each).
        public let iterations: Int
        /// True when every residual is at most `tolerance · ‖T‖`.
        public let converged: Bool
    }

    /// The `k` extreme eigenvalues of `H(θ)` (the objective's point when nil)
    /// by Lanczos with full reorthogonalisation on Hessian-vector products.
    /// See `topEigenvalues(dimension:k:which:iterations:tolerance:seed:vectors:hvp:)`.
    /// For an objective that computes in Float32 the basis is kept in
    /// Float32 too (`LanczosBasis`): its residuals then level off near
    /// `1e-7 · ‖T‖`, so ask for a tolerance above that (or a fixed count
    /// of iterations with tolerance 0).
    public static func topEigenvalues(of f: Objective, at θ: [Double]? = nil, k: Int = 1,
                                      which: Which = .largest, iterations: Int = 100,
                                      tolerance: Double = 1e-9, seed: UInt64 = 0,
                                      vectors: Bool = false) throws -> Ritz {
        try f.probe(at: θ ?? f.point, op: "top_eigenvalues") { p in
            try lanczos(dimension: f.dimension, k: k, which: which, iterations: iterations,
                        tolerance: tolerance, seed: seed, vectors: vectors, op: "top_eigenvalues",
                        float32Basis: f.dtype == .float32, hvp: p.hvp)
        }
    }

    /// The `k` extreme eigenvalues of the symmetric operator `v ↦ hvp(v)` on
    /// vectors of length `dimension`, by Lanczos with full reorthogonalisation.
    ///
    /// From a random unit `q₁` (drawn from `seed`), each step is one product:
    ///
    /// ```
    /// w = H q_j;  α_j = q_jᵀw;  w −= Σ_{i≤j} (q_iᵀw) q_i   (twice);  β_j = ‖w‖;  q_{j+1} = w / β_j
    /// T = tridiag(β, α, β),  T s = θ s,  Ritz pair (θ, Q s),  residual β_j |s_j|
    /// ```
    ///
    /// The eigenproblem of the small `T` is solved by `eigh`. Stops when the
    /// wanted Ritz values' residuals are at most `tolerance · ‖T‖` (checked
    /// every 5 steps), after `iterations` steps, or after `dimension` steps
    /// (then the Ritz values are the exact eigenvalues). When the Krylov
    /// space becomes invariant (`β ≈ 0`) a fresh random vector orthogonal to
    /// it continues the search. Costs one HVP and `O(j · dimension)` per step,
    /// and `iterations · dimension` doubles of memory.
    public static func topEigenvalues(dimension n: Int, k: Int = 1, which: Which = .largest,
                                      iterations: Int = 100, tolerance: Double = 1e-9,
                                      seed: UInt64 = 0, vectors: Bool = false,
                                      hvp: ([Double]) throws -> [Double]) throws -> Ritz {
        try lanczos(dimension: n, k: k, which: which, iterations: iterations, tolerance: tolerance,
                    seed: seed, vectors: vectors, op: "top_eigenvalues", hvp: hvp)
    }

    static func lanczos(dimension n: Int, k: Int, which: Which, iterations: Int, tolerance: Double = 1e-9,
                        seed: UInt64, vectors: Bool, op: String, float32Basis: Bool = false,
                        hvp: ([Double]) throws -> [Double]) throws -> Ritz {
        guard n >= 1 else { throw TensorError(op: op, "the dimension must be at least 1, got \(n)") }
        guard k >= 1, k <= n else {
            throw TensorError(op: op, "k must be between 1 and the dimension \(n), got \(k)")
        }
        guard iterations >= 1 else { throw TensorError(op: op, "iterations must be at least 1, got \(iterations)") }
        guard tolerance >= 0, tolerance.isFinite else {
            throw TensorError(op: op, "the tolerance must be a finite number >= 0, got \(tolerance)")
        }
        var rng = RandomGenerator(seed: seed)
        func small(_ residual: Double, _ eig: Eigen) -> Bool {
            let scale = eig.values.reduce(0) { Swift.max($0, Swift.abs($1)) }
            return residual <= tolerance * Swift.max(scale, 1e-300)
        }
        let start = (0..<n).map { _ in rng.normal() }
        let kry = try krylov(n: n, steps: Swift.min(iterations, n), start: start,
                             rng: &rng, restart: true, op: op, float32Basis: float32Basis, hvp: hvp) { kry in
            let s = kry.alpha.count
            guard s >= k, s % 5 == 0 else { return false }
            let eig = try tridiagonalEigen(kry.alpha, kry.beta)
            let beta = kry.beta.last ?? 0
            return selection(s, k: k, which: which).allSatisfy { small(beta * Swift.abs(eig.vectors[$0].last ?? 0), eig) }
        }
        let s = kry.alpha.count
        let eig = try tridiagonalEigen(kry.alpha, kry.beta)
        let idx = selection(s, k: Swift.min(k, s), which: which)
        let last = kry.beta.last ?? 0
        let residuals = idx.map { last * Swift.abs(eig.vectors[$0].last ?? 0) }
        var ritzVectors: [[Double]]?
        if vectors {
            ritzVectors = idx.map { i in
                let y = kry.basis.combine(eig.vectors[i], n: n)
                let len = norm(y)
                return len > 0 ? y.map { $0 / len } : y
            }
        }
        let converged = s == n || residuals.allSatisfy { small($0, eig) }
        return Ritz(eigenvalues: idx.map { eig.values[$0] }, vectors: ritzVectors, residuals: residuals,
                    iterations: s, converged: converged)
    }

    /// The indices (into ascending Ritz values `0..<s`) that `which` wants, in its order.
    static func selection(_ s: Int, k: Int, which: Which) -> [Int] {
        let k = Swift.min(k, s)
        switch which {
        case .largest: return Array((s - k..<s).reversed())
        case .smallest: return Array(0..<k)
        case .both:
            let low = Array(0..<k), high = Array(s - k..<s)
            return low + high.filter { $0 >= k }
        }
    }

    /// The Lanczos basis `Q`, the diagonal `α` and the couplings `β`
    /// (`beta[j]` joins `q_j` and `q_{j+1}`; the last is the residual norm).
    struct Krylov {
        var basis: LanczosBasis
        var alpha: [Double] = []
        var beta: [Double] = []
    }

    /// Runs up to `steps` Lanczos steps with full reorthogonalisation from
    /// `start`, asking `stop` after each. On an invariant subspace it
    /// continues from a fresh random vector when `restart`, else stops.
    static func krylov(n: Int, steps: Int, start: [Double], rng: inout RandomGenerator, restart: Bool,
                       op: String, float32Basis: Bool = false, hvp: ([Double]) throws -> [Double],
                       stop: (Krylov) throws -> Bool) throws -> Krylov {
        let (cells, overflow) = Swift.min(steps, n).multipliedReportingOverflow(by: n)
        guard !overflow, cells <= 500_000_000 else {
            throw TensorError(op: op, "\(steps) Lanczos steps on \(n) parameters would keep more than 500,000,000 numbers (4 GB) of basis; use fewer iterations")
        }
        var kry = Krylov(basis: LanczosBasis(float32: float32Basis))
        var q = start
        var len = norm(q)
        guard len > 0 else { throw TensorError(op: op, "the start vector is zero") }
        q = q.map { $0 / len }
        var scale = 0.0
        for j in 0..<steps {
            kry.basis.append(q)
            var w = try hvp(q)
            guard w.count == n else {
                throw TensorError(op: op, "the Hessian-vector product has \(w.count) elements, expected \(n)")
            }
            guard w.allSatisfy(\.isFinite) else {
                throw TensorError(op: op, "the Hessian-vector product is not finite")
            }
            let a = dot(q, w)
            kry.alpha.append(a)
            kry.basis.reorthogonalize(&w)
            let b = norm(w)
            scale = Swift.max(scale, Swift.abs(a), b)
            if j + 1 == steps { kry.beta.append(b); break }
            if b <= 1e-10 * scale || b == 0 {
                kry.beta.append(0)
                guard restart else { break }
                var fresh = (0..<n).map { _ in rng.normal() }
                kry.basis.reorthogonalize(&fresh)
                len = norm(fresh)
                guard len > 1e-8 else { break }
                q = fresh.map { $0 / len }
                continue
            }
            kry.beta.append(b)
            if try stop(kry) { break }
            q = w.map { $0 / b }
        }
        return kry
    }

    /// `eigh` of the symmetric tridiagonal matrix with diagonal `alpha` and
    /// off-diagonal `beta[0..<s-1]`.
    static func tridiagonalEigen(_ alpha: [Double], _ beta: [Double]) throws -> Eigen {
        let s = alpha.count
        var t = [Double](repeating: 0, count: s * s)
        for i in 0..<s {
            t[i * s + i] = alpha[i]
            if i + 1 < s, i < beta.count {
                t[i * s + i + 1] = beta[i]
                t[(i + 1) * s + i] = beta[i]
            }
        }
        return try eigen(t, n: s)
    }
}
