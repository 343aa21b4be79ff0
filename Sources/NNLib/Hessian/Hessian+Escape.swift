import NNTensor

/// Stepping off a saddle point, and checking the second-order Taylor model.
extension Hessian {
    /// The outcome of `escapeSaddle`: the step taken and what the Taylor
    /// model predicted for it.
    public struct Escape: Sendable {
        /// The point stepped from, and the point reached `θ' = θ + η u`.
        public let from: [Double], to: [Double]
        /// The unit direction `u` (an eigenvector of the most negative eigenvalue).
        public let direction: [Double]
        /// The curvature along `u`: `λ = uᵀHu`.
        public let eigenvalue: Double
        /// The step size `η`.
        public let stepSize: Double
        /// `L(θ)` and `L(θ')`.
        public let lossBefore: Double, lossAfter: Double
        /// The first-order term `η gᵀu` (0 at an exact critical point).
        public let firstOrder: Double
        /// The second-order term `½ η² λ`.
        public let secondOrder: Double
        /// The predicted change `η gᵀu + ½ η² λ`.
        public var predicted: Double { firstOrder + secondOrder }
        /// The actual change `L(θ') − L(θ)`.
        public var actual: Double { lossAfter - lossBefore }
    }

    /// Steps from `θ` along the direction of most negative curvature:
    /// `θ' = θ + η u`, and reports the change the Taylor expansion predicts,
    ///
    /// ```
    /// L(θ + η u) ≈ L(θ) + η gᵀu + ½ η² uᵀHu = L(θ) + η gᵀu + ½ η² λ
    /// ```
    ///
    /// next to the actual change. At a critical point (`g = 0`) a negative
    /// `λ` makes the change negative whichever sign `u` has: the saddle is
    /// escaped. `u` is the eigenvector of the smallest eigenvalue, from the
    /// full Hessian when `P ≤ fullLimit`, else from Lanczos (`iterations`
    /// HVPs); pass `direction` to step along a vector of your own (it is
    /// normalised, and `λ` becomes its Rayleigh quotient `uᵀHu`). The
    /// sign of `u` is chosen so that `gᵀu ≤ 0`. Throws when the smallest
    /// curvature is not negative: there is no saddle to escape.
    public static func escapeSaddle(of f: Objective, at θ: [Double]? = nil, stepSize η: Double,
                                    direction: [Double]? = nil, fullLimit: Int = 2000,
                                    iterations: Int = 100, seed: UInt64 = 0) throws -> Escape {
        guard η.isFinite, η > 0 else {
            throw TensorError(op: "escape_saddle", "the step size must be a finite number > 0, got \(η)")
        }
        try f.requireFloat64(op: "escape_saddle")
        let θ = θ ?? f.point
        let n = f.dimension
        let (value, gradient, u, λ) = try f.probe(at: θ, op: "escape_saddle") { p -> (Double, [Double], [Double], Double) in
            if let d = direction {
                try f.layout.checkLength(d.count, op: "escape_saddle", what: "the direction")
                let len = norm(d)
                guard len > 0, len.isFinite else {
                    throw TensorError(op: "escape_saddle", "the direction must be a finite, non-zero vector")
                }
                let u = d.map { $0 / len }
                return (p.value, p.gradient, orient(u, gradient: p.gradient), dot(u, try p.hvp(u)))
            }
            if n <= fullLimit {
                let e = try eigen(p.matrix(), n: n)
                guard let u = e.vectors.first, let l = e.values.first else {
                    throw TensorError(op: "escape_saddle", "the loss has no parameters")
                }
                return (p.value, p.gradient, orient(u, gradient: p.gradient), l)
            }
            let r = try lanczos(dimension: n, k: 1, which: .smallest, iterations: iterations,
                                seed: seed, vectors: true, op: "escape_saddle", hvp: p.hvp)
            guard let u = r.vectors?.first, let l = r.eigenvalues.first else {
                throw TensorError(op: "escape_saddle", "Lanczos found no eigenvalue")
            }
            return (p.value, p.gradient, orient(u, gradient: p.gradient), l)
        }
        guard λ < 0 else {
            throw TensorError(op: "escape_saddle", "the smallest curvature here is \(λ), not negative: no direction of negative curvature to escape along (this is not a saddle point)")
        }
        let to = axpy(θ, η, u)
        let after = try f.value(at: to)
        return Escape(from: θ, to: to, direction: u, eigenvalue: λ, stepSize: η,
                      lossBefore: value, lossAfter: after,
                      firstOrder: η * dot(gradient, u), secondOrder: 0.5 * η * η * λ)
    }

    /// One step size of a `taylorCheck`.
    public struct TaylorRow: Sendable {
        /// The step size `t`.
        public let step: Double
        /// `L(θ + t d)`.
        public let actual: Double
        /// `L + t gᵀd`.
        public let firstOrder: Double
        /// `L + t gᵀd + ½ t² dᵀHd`.
        public let secondOrder: Double
        /// `|actual − firstOrder|`, which shrinks like `t²`.
        public var firstOrderError: Double { Swift.abs(actual - firstOrder) }
        /// `|actual − secondOrder|`, which shrinks like `t³`.
        public var secondOrderError: Double { Swift.abs(actual - secondOrder) }
    }

    /// The outcome of `taylorCheck`.
    public struct Taylor: Sendable {
        /// `L(θ)`.
        public let loss: Double
        /// The unit direction `d` used.
        public let direction: [Double]
        /// The slope `gᵀd` and the curvature `dᵀHd` along `d`.
        public let slope: Double, curvature: Double
        /// One row per step size, in the order given.
        public let rows: [TaylorRow]
    }

    /// The loss along `θ + t d` against its first- and second-order Taylor
    /// models, for each step size `t`:
    ///
    /// ```
    /// L(θ + t d) ≈ L(θ) + t gᵀd                  error O(t²)
    /// L(θ + t d) ≈ L(θ) + t gᵀd + ½ t² dᵀHd      error O(t³)
    /// ```
    ///
    /// `d` is normalised to unit length; when nil it is a random unit
    /// vector drawn from `seed`. Halving `t` should divide the second-order
    /// error by about 8 until rounding (near `1e-16 · |L|` in Float64) takes over.
    public static func taylorCheck(of f: Objective, at θ: [Double]? = nil, direction: [Double]? = nil,
                                   steps: [Double] = [1, 0.5, 0.25, 0.125, 0.0625],
                                   seed: UInt64 = 0) throws -> Taylor {
        let θ = θ ?? f.point
        var d = direction ?? randomNormal(f.dimension, seed: seed)
        try f.layout.checkLength(d.count, op: "taylor_check", what: "the direction")
        let len = norm(d)
        guard len > 0, len.isFinite else {
            throw TensorError(op: "taylor_check", "the direction must be a finite, non-zero vector")
        }
        d = d.map { $0 / len }
        for t in steps where !t.isFinite {
            throw TensorError(op: "taylor_check", "every step size must be finite, got \(t)")
        }
        let dir = d
        let (value, slope, curvature) = try f.probe(at: θ, op: "taylor_check") { p in
            (p.value, dot(p.gradient, dir), dot(dir, try p.hvp(dir)))
        }
        var rows: [TaylorRow] = []
        for t in steps {
            let actual = try f.value(at: axpy(θ, t, d))
            let first = value + t * slope
            rows.append(TaylorRow(step: t, actual: actual, firstOrder: first,
                                  secondOrder: first + 0.5 * t * t * curvature))
        }
        return Taylor(loss: value, direction: d, slope: slope, curvature: curvature, rows: rows)
    }

    /// `n` standard normal numbers from `seed`.
    static func randomNormal(_ n: Int, seed: UInt64) -> [Double] {
        var g = RandomGenerator(seed: seed)
        return (0..<n).map { _ in g.normal() }
    }
}
