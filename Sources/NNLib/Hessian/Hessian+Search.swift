#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NNTensor

/// Searching for a critical point by driving the gradient norm to zero.
extension Hessian {
    /// The largest number of parameters for which `.automatic` searches with
    /// the full Hessian (Levenberg–Marquardt); above it, Adam on `½‖g‖²`.
    public static let searchFullHessianLimit = 2000

    /// How `findCriticalPoint` minimises `½‖∇L‖²`.
    public enum SearchMethod: Sendable, Equatable {
        /// Levenberg–Marquardt on the residual `g(θ)`, whose Jacobian is `H`:
        /// `δ = −(H² + μI)⁻¹ H g` from the eigendecomposition of the full
        /// Hessian; `μ` shrinks ×⅓ after a step that lowers `‖g‖` and grows
        /// ×4 (retrying) after one that does not. Converges fast to the
        /// nearest critical point of any kind; one full Hessian per step.
        case levenbergMarquardt
        /// Adam (Kingma & Ba 2015, β = (0.9, 0.999), ε = 1e-8) on `½‖g‖²`,
        /// whose gradient `H g` is one HVP: for models too large for a full Hessian.
        case adam(learningRate: Double)
        /// `levenbergMarquardt` when `P ≤ 2000`, else `adam(learningRate: 1e-3)`.
        case automatic
    }

    /// The outcome of `findCriticalPoint`.
    public struct Search: Sendable {
        /// The point reached, flat.
        public let point: [Double]
        /// The steps taken.
        public let steps: Int
        /// True when `‖g‖` fell to the tolerance.
        public let converged: Bool
        /// `L` and `‖g‖` at the start and after every step.
        public let losses: [Double], gradientNorms: [Double]
        /// The classification of the point reached (nil when `P` exceeds the
        /// full-Hessian limit: use `topEigenvalues` on `point`).
        public let classification: CriticalPoint?
        /// The method used.
        public let method: SearchMethod
    }

    /// Moves from `θ₀` (the objective's point when nil) toward a point where
    /// `∇L = 0` by minimising `½‖∇L(θ)‖²`, whose exact gradient is
    /// `∇(½‖g‖²) = H g` (one HVP), then classifies the point reached with
    /// `criticalPoint`.
    ///
    /// Unlike training, which flows downhill and is repelled by saddles,
    /// this finds whichever critical point is near: saddles and maxima
    /// included, as in the lecture's experiment. Stops when
    /// `‖g‖ ≤ gradientTolerance` (default `defaultGradientTolerance`) or
    /// after `maxSteps`.
    public static func findCriticalPoint(of f: Objective, from θ0: [Double]? = nil,
                                         method: SearchMethod = .automatic,
                                         gradientTolerance: Double? = nil, maxSteps: Int = 200,
                                         maxDimension: Int = 6000) throws -> Search {
        let op = "find_critical_point"
        try f.requireFloat64(op: op)
        guard maxSteps >= 0 else { throw TensorError(op: op, "maxSteps must be >= 0, got \(maxSteps)") }
        try checkTolerance(gradientTolerance, name: "gradient tolerance", op: op)
        let n = f.dimension
        var method = method
        if method == .automatic { method = n <= searchFullHessianLimit ? .levenbergMarquardt : .adam(learningRate: 1e-3) }
        if case .adam(let lr) = method, !(lr > 0 && lr.isFinite) {
            throw TensorError(op: op, "the learning rate must be a finite number > 0, got \(lr)")
        }
        if method == .levenbergMarquardt, n > maxDimension {
            throw TensorError(op: op, "Levenberg–Marquardt forms the full Hessian, but the model has \(n) parameters (more than \(maxDimension)); use method adam")
        }
        var θ = θ0 ?? f.point
        var losses: [Double] = [], norms: [Double] = []
        var steps = 0
        var converged = false
        var mu = -1.0
        var m = [Double](repeating: 0, count: n), v = m
        search: while true {
            let (value, g, hg, h) = try f.probe(at: θ, op: op) { p -> (Double, [Double], [Double], [Double]?) in
                if method == .levenbergMarquardt { return (p.value, p.gradient, [], try p.matrix()) }
                return (p.value, p.gradient, try p.hvp(p.gradient), nil)
            }
            let gnorm = norm(g)
            losses.append(value)
            norms.append(gnorm)
            let tol = gradientTolerance ?? defaultGradientTolerance(loss: value)
            if gnorm <= tol { converged = true; break }
            if steps >= maxSteps { break }
            steps += 1
            switch method {
            case .adam(let lr):
                let t = Double(steps)
                for i in 0..<n {
                    m[i] = 0.9 * m[i] + 0.1 * hg[i]
                    v[i] = 0.999 * v[i] + 0.001 * hg[i] * hg[i]
                    let mhat = m[i] / (1 - pow(0.9, t)), vhat = v[i] / (1 - pow(0.999, t))
                    θ[i] -= lr * mhat / (vhat.squareRoot() + 1e-8)
                }
            default:
                guard let h else { break search }
                let e = try eigen(h, n: n)
                if mu < 0 { mu = 1e-3 * (e.values.map { $0 * $0 }.max() ?? 1) }
                // Coefficients of g in the eigenbasis, reused by every retry.
                let c = e.vectors.map { dot($0, g) }
                var accepted = false
                for _ in 0..<30 {
                    var δ = [Double](repeating: 0, count: n)
                    for (i, u) in e.vectors.enumerated() {
                        let λ = e.values[i]
                        let s = -c[i] * λ / (λ * λ + mu)
                        for r in 0..<n { δ[r] += s * u[r] }
                    }
                    let trial = axpy(θ, 1, δ)
                    let tnorm = try? f.probe(at: trial, op: op) { norm($0.gradient) }
                    if let tnorm, tnorm < gnorm {
                        θ = trial
                        mu = Swift.max(mu / 3, 1e-300)
                        accepted = true
                        break
                    }
                    mu *= 4
                }
                if !accepted { break search }
            }
        }
        let classification = n <= maxDimension
            ? try criticalPoint(of: f, at: θ, gradientTolerance: gradientTolerance, maxDimension: maxDimension)
            : nil
        return Search(point: θ, steps: steps, converged: converged, losses: losses, gradientNorms: norms,
                      classification: classification, method: method)
    }
}
