#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NNTensor

/// Randomised estimates of a large Hessian's trace and eigenvalue density.
extension Hessian {
    /// A Hutchinson trace estimate and its standard error.
    public struct TraceEstimate: Sendable {
        /// `tr(H) ≈ mean_s z_sᵀ H z_s`.
        public let trace: Double
        /// `std_s(z_sᵀ H z_s) / √S`: the estimate is within about two of these of the trace.
        public let standardError: Double
        /// `S`, the number of HVPs.
        public let samples: Int
    }

    /// `tr H(θ)` by Hutchinson's estimator with Rademacher vectors.
    /// See `hessianTrace(dimension:samples:seed:hvp:)`.
    public static func hessianTrace(of f: Objective, at θ: [Double]? = nil, samples: Int = 100,
                                    seed: UInt64 = 0) throws -> TraceEstimate {
        try f.probe(at: θ ?? f.point, op: "hessian_trace") { p in
            try hessianTrace(dimension: f.dimension, samples: samples, seed: seed, hvp: p.hvp)
        }
    }

    /// The trace of the symmetric operator `v ↦ hvp(v)` by Hutchinson's
    /// estimator (Hutchinson 1990): for `z` with independent ±1 entries
    /// `E[zᵀHz] = tr H`, so
    ///
    /// ```
    /// tr H ≈ (1/S) Σ_s z_sᵀ H z_s,     SE = std_s(z_sᵀ H z_s) / √S
    /// Var(zᵀHz) = 2 Σ_{i≠j} H_ij²      (Rademacher: the diagonal adds no variance)
    /// ```
    ///
    /// One HVP per sample; `z` drawn from `seed`.
    public static func hessianTrace(dimension n: Int, samples: Int = 100, seed: UInt64 = 0,
                                    hvp: ([Double]) throws -> [Double]) throws -> TraceEstimate {
        guard samples >= 1 else {
            throw TensorError(op: "hessian_trace", "samples must be at least 1, got \(samples)")
        }
        guard n >= 1 else { throw TensorError(op: "hessian_trace", "the dimension must be at least 1, got \(n)") }
        var rng = RandomGenerator(seed: seed)
        var values: [Double] = []
        values.reserveCapacity(samples)
        var z = [Double](repeating: 0, count: n)
        for _ in 0..<samples {
            var bits: UInt64 = 0
            for i in 0..<n {
                if i % 64 == 0 { bits = rng.next() }
                z[i] = (bits >> UInt64(i % 64)) & 1 == 1 ? 1 : -1
            }
            let hz = try hvp(z)
            guard hz.count == n else {
                throw TensorError(op: "hessian_trace", "the Hessian-vector product has \(hz.count) elements, expected \(n)")
            }
            values.append(dot(z, hz))
        }
        let mean = values.reduce(0, +) / Double(samples)
        var se = 0.0
        if samples > 1 {
            let v = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(samples - 1)
            se = (v / Double(samples)).squareRoot()
        }
        return TraceEstimate(trace: mean, standardError: se, samples: samples)
    }

    /// An eigenvalue density from stochastic Lanczos quadrature.
    public struct SpectralDensity: Sendable {
        /// The points `t` the density is evaluated at, evenly spaced, ascending.
        public let grid: [Double]
        /// `φ(t)` at each grid point; `∫ φ = 1`, so `P · φ(t) dt` is the number
        /// of eigenvalues in `[t, t + dt]`.
        public let density: [Double]
        /// The Gaussian width `σ` used.
        public let sigma: Double
        /// For each run, the Ritz values (quadrature nodes) and their weights
        /// (squared first components of `T`'s eigenvectors, summing to 1).
        public let nodes: [[Double]], weights: [[Double]]
        /// The operator's dimension `P`.
        public let dimension: Int

        init(grid: [Double], density: [Double], sigma: Double, nodes: [[Double]], weights: [[Double]], dimension: Int) {
            self.grid = grid
            self.density = density
            self.sigma = sigma
            self.nodes = nodes
            self.weights = weights
            self.dimension = dimension
        }

        /// A density rebuilt from its parts (as a script's result holds
        /// them), checked: one weight per node, weights `>= 0` summing to
        /// about 1 per run, every number finite, `σ > 0`.
        public init(checkingGrid grid: [Double], density: [Double], sigma: Double, nodes: [[Double]],
                    weights: [[Double]], dimension: Int) throws {
            let op = "spectral_density"
            guard !nodes.isEmpty, nodes.count == weights.count,
                  zip(nodes, weights).allSatisfy({ $0.count == $1.count && !$0.isEmpty }) else {
                throw TensorError(op: op, "a spectral density needs, for each run, one weight per quadrature node")
            }
            guard grid.count == density.count, sigma > 0, sigma.isFinite, dimension >= 1,
                  (grid + density).allSatisfy(\.isFinite) else {
                throw TensorError(op: op, "a spectral density needs a finite grid and density of one length, sigma > 0 and a dimension >= 1")
            }
            for w in weights {
                let total = w.reduce(0, +)
                guard w.allSatisfy({ $0 >= 0 && $0.isFinite }), Swift.abs(total - 1) <= 1e-6 else {
                    throw TensorError(op: op, "the quadrature weights of a run must be >= 0 and sum to 1, got a sum of \(total)")
                }
            }
            self.init(grid: grid, density: density, sigma: sigma, nodes: nodes, weights: weights, dimension: dimension)
        }

        /// The weight of the nodes above `tolerance`, averaged over runs: an
        /// estimate of the fraction of eigenvalues that are `> tolerance`.
        public func fraction(above tolerance: Double) -> Double {
            fractionWhere { $0 > tolerance }
        }

        /// The weight of the nodes below `-tolerance`, averaged over runs.
        public func fraction(below tolerance: Double) -> Double {
            fractionWhere { $0 < -tolerance }
        }

        func fractionWhere(_ keep: (Double) -> Bool) -> Double {
            guard !nodes.isEmpty else { return 0 }
            var total = 0.0
            for (θ, w) in zip(nodes, weights) {
                for (t, wt) in zip(θ, w) where keep(t) { total += wt }
            }
            return total / Double(nodes.count)
        }
    }

    /// The eigenvalue density of `H(θ)` by stochastic Lanczos quadrature.
    /// See `spectralDensity(dimension:iterations:runs:bins:sigma:seed:hvp:)`.
    public static func spectralDensity(of f: Objective, at θ: [Double]? = nil, iterations: Int = 80,
                                       runs: Int = 1, bins: Int = 100, sigma: Double? = nil,
                                       seed: UInt64 = 0) throws -> SpectralDensity {
        try f.probe(at: θ ?? f.point, op: "spectral_density") { p in
            try spectralDensity(dimension: f.dimension, iterations: iterations, runs: runs, bins: bins,
                                sigma: sigma, seed: seed, hvp: p.hvp)
        }
    }

    /// The smoothed eigenvalue density of the symmetric operator `v ↦ hvp(v)`
    /// by stochastic Lanczos quadrature (Ghorbani, Krishnan & Xiao 2019,
    /// after Lin, Saad & Yang 2016).
    ///
    /// Each run starts Lanczos (full reorthogonalisation, `iterations` steps)
    /// from a random unit `v`; `T = S diag(θ) Sᵀ` gives Gauss quadrature
    /// nodes `θ_j` with weights `τ_j = S[0, j]²`, since
    /// `vᵀ g(H) v ≈ Σ_j τ_j g(θ_j)`. With `g` a Gaussian of width `σ`:
    ///
    /// ```
    /// φ(t) = (1/runs) Σ_runs Σ_j τ_j · exp(−(t − θ_j)² / 2σ²) / (σ √(2π))
    /// ```
    ///
    /// The grid has `bins` points from `min θ − 4σ` to `max θ + 4σ`; `σ`
    /// defaults to 1% of the spread of the nodes (`(max θ − min θ) / 100`,
    /// or `1e-3 · max(1, |θ|)` when they coincide).
    public static func spectralDensity(dimension n: Int, iterations: Int = 80, runs: Int = 1, bins: Int = 100,
                                       sigma: Double? = nil, seed: UInt64 = 0,
                                       hvp: ([Double]) throws -> [Double]) throws -> SpectralDensity {
        let op = "spectral_density"
        guard n >= 1 else { throw TensorError(op: op, "the dimension must be at least 1, got \(n)") }
        guard iterations >= 1 else { throw TensorError(op: op, "iterations must be at least 1, got \(iterations)") }
        guard runs >= 1 else { throw TensorError(op: op, "runs must be at least 1, got \(runs)") }
        guard bins >= 2, bins <= 1_000_000 else { throw TensorError(op: op, "bins must be between 2 and 1000000, got \(bins)") }
        if let sigma, !(sigma > 0 && sigma.isFinite) {
            throw TensorError(op: op, "sigma must be a finite number > 0, got \(sigma)")
        }
        var rng = RandomGenerator(seed: seed)
        var nodes: [[Double]] = [], weights: [[Double]] = []
        for _ in 0..<runs {
            let start = (0..<n).map { _ in rng.normal() }
            let kry = try krylov(n: n, steps: Swift.min(iterations, n), start: start, rng: &rng,
                                 restart: false, op: op, hvp: hvp) { _ in false }
            let eig = try tridiagonalEigen(kry.alpha, kry.beta)
            nodes.append(eig.values)
            weights.append(eig.vectors.map { ($0.first ?? 0) * ($0.first ?? 0) })
        }
        let all = nodes.flatMap { $0 }
        let lo = all.min() ?? 0, hi = all.max() ?? 0
        let spread = hi - lo
        let σ = sigma ?? (spread > 0 ? spread / 100 : 1e-3 * Swift.max(1, Swift.abs(hi)))
        let a = lo - 4 * σ, b = hi + 4 * σ
        let step = (b - a) / Double(bins - 1)
        let grid = (0..<bins).map { a + Double($0) * step }
        let norm = 1 / (σ * (2 * Double.pi).squareRoot() * Double(runs))
        var density = [Double](repeating: 0, count: bins)
        for (θ, w) in zip(nodes, weights) {
            for (t0, wt) in zip(θ, w) {
                for (i, t) in grid.enumerated() {
                    let z = (t - t0) / σ
                    if Swift.abs(z) < 12 { density[i] += wt * norm * exp(-0.5 * z * z) }
                }
            }
        }
        return SpectralDensity(grid: grid, density: density, sigma: σ, nodes: nodes, weights: weights, dimension: n)
    }

    /// The fraction of positive eigenvalues, with the counts behind it.
    public struct MinimumRatio: Sendable {
        /// `positive / P` (the lecture's "minimum ratio": 1 at a local
        /// minimum, about ½ at a typical saddle, 0 at a local maximum).
        public let ratio: Double
        /// The fraction `< -tolerance` and within `±tolerance`.
        public let negativeFraction: Double, zeroFraction: Double
        /// The zero band used.
        public let tolerance: Double
        /// True when estimated from a spectral density rather than counted.
        public let estimated: Bool
    }

    /// The minimum ratio from the full spectrum: eigenvalues `> tolerance`
    /// over all, counted as `CriticalPoint` counts them (`signCounts`:
    /// `tolerance` defaults to `defaultEigenvalueTolerance`, NaN or infinite
    /// eigenvalues throw), so `minimumRatio(eigenvalues: c.eigenvalues,
    /// tolerance: c.eigenvalueTolerance).ratio == c.minimumRatio`.
    public static func minimumRatio(eigenvalues λ: [Double], tolerance: Double? = nil) throws -> MinimumRatio {
        guard !λ.isEmpty else { throw TensorError(op: "minimum_ratio", "no eigenvalues given") }
        let c = try signCounts(λ, tolerance: tolerance, op: "minimum_ratio")
        let n = Double(λ.count)
        return MinimumRatio(ratio: Double(c.positive) / n, negativeFraction: Double(c.negative) / n,
                            zeroFraction: Double(c.zero) / n, tolerance: c.tolerance, estimated: false)
    }

    /// The minimum ratio estimated from a spectral density: the quadrature
    /// weight of the nodes above `tolerance` (default
    /// `defaultEigenvalueTolerance` of the nodes). An estimate: with few
    /// Lanczos steps the many near-zero eigenvalues of a network's Hessian
    /// are lumped into a few nodes, whose sign decides where their weight goes.
    public static func minimumRatio(density d: SpectralDensity, tolerance: Double? = nil) throws -> MinimumRatio {
        try checkTolerance(tolerance, name: "tolerance", op: "minimum_ratio")
        let all = d.nodes.flatMap { $0 }
        guard !all.isEmpty else { throw TensorError(op: "minimum_ratio", "the spectral density has no quadrature nodes") }
        if let bad = all.first(where: { !$0.isFinite }) {
            throw TensorError(op: "minimum_ratio", "the spectral density has a node at \(bad); NaN or infinite eigenvalue estimates have no sign")
        }
        let tol = tolerance ?? defaultEigenvalueTolerance(all)
        let pos = d.fraction(above: tol), neg = d.fraction(below: tol)
        return MinimumRatio(ratio: pos, negativeFraction: neg, zeroFraction: Swift.max(0, 1 - pos - neg),
                            tolerance: tol, estimated: true)
    }
}
