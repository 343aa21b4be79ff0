import NNTensor

/// Classifying a point by its gradient and the signs of its Hessian's eigenvalues.
extension Hessian {
    /// What second-order analysis says a point is.
    public enum Kind: String, Sendable, CaseIterable {
        /// `‖g‖ ≤ tol_g` and every eigenvalue `> tol_λ`.
        case localMinimum = "local minimum"
        /// `‖g‖ ≤ tol_g` and every eigenvalue `< -tol_λ`.
        case localMaximum = "local maximum"
        /// `‖g‖ ≤ tol_g`, some eigenvalue `> tol_λ` and some `< -tol_λ`.
        case saddlePoint = "saddle point"
        /// `‖g‖ ≤ tol_g`, some eigenvalue within `±tol_λ` and no sign mix:
        /// the second-order terms cannot decide (`x⁴ + y⁴` and `x² + y³` at 0).
        case degenerate = "degenerate"
        /// `‖g‖ > tol_g`: the first-order term dominates near the point.
        case notCritical = "not a critical point"
    }

    /// The default gradient-norm tolerance at a point whose loss is `loss`:
    /// `1e-6 · (1 + |L|)`. One rule for every model: the tools compute in
    /// Float64 whatever the parameters' dtype (see `Hessian`).
    public static func defaultGradientTolerance(loss: Double) -> Double {
        1e-6 * (1 + Swift.abs(loss))
    }

    /// The default zero band for eigenvalues: `1e-6 · max(1, max|λ|)`, the
    /// one rule `criticalPoint`, `minimumRatio` and the counts use.
    public static func defaultEigenvalueTolerance(_ eigenvalues: [Double]) -> Double {
        var m = 0.0
        for v in eigenvalues { m = Swift.max(m, Swift.abs(v)) }
        return 1e-6 * Swift.max(1, m)
    }

    /// How many eigenvalues are `> tol`, `< -tol` and within `±tol`, with
    /// the `tol` used (`tolerance`, else `defaultEigenvalueTolerance`): the
    /// one computation behind `CriticalPoint`'s counts and `minimumRatio`.
    /// Throws on a NaN or infinite eigenvalue, which has no sign to count.
    static func signCounts(_ λ: [Double], tolerance: Double?, op: String)
        throws -> (positive: Int, negative: Int, zero: Int, tolerance: Double) {
        try checkTolerance(tolerance, name: "eigenvalue tolerance", op: op)
        if let i = λ.firstIndex(where: { !$0.isFinite }) {
            throw TensorError(op: op, "eigenvalue \(i) is \(λ[i]); a spectrum with NaN or infinite values has no minimum ratio or kind (is the loss finite near the point?)")
        }
        let tol = tolerance ?? defaultEigenvalueTolerance(λ)
        var pos = 0, neg = 0
        for v in λ {
            if v > tol { pos += 1 } else if v < -tol { neg += 1 }
        }
        return (pos, neg, λ.count - pos - neg, tol)
    }

    /// The outcome of `criticalPoint`: the gradient, the full spectrum, and the kind.
    public struct CriticalPoint: Sendable {
        /// The point examined, flat.
        public let point: [Double]
        /// `L(θ)`.
        public let loss: Double
        /// `∇L(θ)`, flat.
        public let gradient: [Double]
        /// `‖∇L(θ)‖₂`.
        public let gradientNorm: Double
        /// The gradient norm at or below which the point counts as critical.
        public let gradientTolerance: Double
        /// Every eigenvalue of `H`, ascending.
        public let eigenvalues: [Double]
        /// Eigenvalues within `±eigenvalueTolerance` count as zero.
        public let eigenvalueTolerance: Double
        /// How many eigenvalues are `> tol`, `< -tol`, and within `±tol`.
        public let positive: Int, negative: Int, zero: Int
        /// The classification.
        public let kind: Kind
        /// For a saddle point: the unit eigenvector of the most negative
        /// eigenvalue, the direction along which the loss falls as
        /// `½ η² λ`; signed so that `gᵀu ≤ 0` (else its largest component
        /// is positive). Nil for every other kind.
        public let escape: [Double]?
        /// The most negative eigenvalue, the curvature along `escape`.
        public let escapeEigenvalue: Double?

        /// The fraction of eigenvalues that are positive (the lecture's
        /// "minimum ratio"): `positive / P`, with the same zero band as the
        /// counts; `Hessian.minimumRatio(eigenvalues:tolerance:)` of
        /// `eigenvalues` and `eigenvalueTolerance` gives the same number.
        public var minimumRatio: Double { Double(positive) / Double(Swift.max(1, eigenvalues.count)) }
    }

    /// Classifies `θ` (the objective's point when nil) from the gradient
    /// norm and the full spectrum of the exact Hessian.
    ///
    /// ```
    /// ‖g‖ > tol_g                         → not a critical point
    /// all λ > tol_λ                       → local minimum
    /// all λ < -tol_λ                      → local maximum
    /// some λ > tol_λ and some λ < -tol_λ  → saddle point  (escape = eigenvector of min λ)
    /// otherwise (zeros, no sign mix)      → degenerate
    /// ```
    ///
    /// Tolerances default to `defaultGradientTolerance` and
    /// `defaultEigenvalueTolerance`. Computed in Float64 whatever the
    /// parameters' dtype, so a Float32 and a Float64 copy of one point get
    /// one verdict. Forms the `[P, P]` Hessian and its eigenvectors: throws
    /// when `P > maxDimension`.
    public static func criticalPoint(of f: Objective, at θ: [Double]? = nil,
                                     gradientTolerance: Double? = nil,
                                     eigenvalueTolerance: Double? = nil,
                                     maxDimension: Int = 6000) throws -> CriticalPoint {
        try f.requireFloat64(op: "critical_point")
        let θ = θ ?? f.point
        let n = f.dimension
        guard n <= maxDimension else {
            throw TensorError(op: "critical_point", "the model has \(n) parameters, more than the \(maxDimension) a full Hessian is formed for; use top_eigenvalues or spectral_density")
        }
        try checkTolerance(gradientTolerance, name: "gradient tolerance", op: "critical_point")
        try checkTolerance(eigenvalueTolerance, name: "eigenvalue tolerance", op: "critical_point")
        let (value, gradient, h) = try f.probe(at: θ, op: "critical_point") { p in
            (p.value, p.gradient, try p.matrix())
        }
        let eig = try eigen(h, n: n)
        return try classify(point: θ, loss: value, gradient: gradient, eigen: eig,
                            gradientTolerance: gradientTolerance, eigenvalueTolerance: eigenvalueTolerance)
    }

    /// The classification from a gradient and the eigendecomposition of `H`.
    static func classify(point: [Double], loss: Double, gradient: [Double], eigen: Eigen,
                         gradientTolerance: Double?, eigenvalueTolerance: Double?) throws -> CriticalPoint {
        let λ = eigen.values
        let gnorm = norm(gradient)
        let gtol = gradientTolerance ?? defaultGradientTolerance(loss: loss)
        let (pos, neg, zero, etol) = try signCounts(λ, tolerance: eigenvalueTolerance, op: "critical_point")
        let kind: Kind
        if gnorm > gtol { kind = .notCritical }
        else if pos > 0 && neg > 0 { kind = .saddlePoint }
        else if zero > 0 { kind = .degenerate }
        else if neg == 0 { kind = .localMinimum }
        else { kind = .localMaximum }
        var escape: [Double]?
        var escapeValue: Double?
        if kind == .saddlePoint, let u = eigen.vectors.first, let l = λ.first {
            escape = orient(u, gradient: gradient)
            escapeValue = l
        }
        return CriticalPoint(point: point, loss: loss, gradient: gradient, gradientNorm: gnorm,
                             gradientTolerance: gtol, eigenvalues: λ, eigenvalueTolerance: etol,
                             positive: pos, negative: neg, zero: zero, kind: kind,
                             escape: escape, escapeEigenvalue: escapeValue)
    }

    /// `u` or `-u`, whichever points downhill (`gᵀu < 0`); when `u` is
    /// orthogonal to `g`, the sign that makes the largest component positive.
    static func orient(_ u: [Double], gradient g: [Double]) -> [Double] {
        let gu = dot(g, u)
        let scale = norm(g) * norm(u)
        if Swift.abs(gu) > 1e-12 * scale {
            return gu > 0 ? u.map { -$0 } : u
        }
        var best = 0
        for i in u.indices where Swift.abs(u[i]) > Swift.abs(u[best]) + 1e-12 { best = i }
        return (u.indices.contains(best) && u[best] < 0) ? u.map { -$0 } : u
    }

    static func checkTolerance(_ t: Double?, name: String, op: String) throws {
        if let t, !(t >= 0 && t.isFinite) {
            throw TensorError(op: op, "the \(name) must be a finite number >= 0, got \(t)")
        }
    }
}
