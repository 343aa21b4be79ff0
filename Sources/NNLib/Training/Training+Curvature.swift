import NNTensor

/// What `fit(..., watch: "curvature", every: N)` recorded: one entry per
/// estimate, each taken before the optimizer step it is numbered by.
///
/// ```
/// steps[i]        the optimizer steps taken before the estimate (0, N, 2N, …; 0 = the starting point)
/// grad_norm[i]    ‖∇L(θ)‖₂ of the training loss on that step's batch, all parameters together
/// lambda_min[i]   the smallest Ritz value of H = ∇²L(θ) after CurvatureWatcher.lanczosSteps Lanczos steps
/// lambda_max[i]   the largest one
/// ```
/// Ritz values lie inside the spectrum, so `lambda_min` is never below the
/// true smallest eigenvalue: a negative `lambda_min` is true negative
/// curvature (up to rounding), never an artefact of too few steps.
public struct CurvatureLog: Sendable, Equatable {
    public internal(set) var steps: [Int] = []
    public internal(set) var gradNorm: [Double] = []
    public internal(set) var lambdaMin: [Double] = []
    public internal(set) var lambdaMax: [Double] = []

    public init() {}

    /// The number of estimates.
    public var count: Int { steps.count }

    mutating func append(step: Int, _ e: CurvatureWatcher.Estimate) {
        steps.append(step)
        gradNorm.append(e.gradientNorm)
        lambdaMin.append(e.lambdaMin)
        lambdaMax.append(e.lambdaMax)
    }

    /// Where training passed near a critical point.
    public enum Near: String, Sendable {
        /// Small gradient, `λ_min < 0`: a saddle (or a plateau around one).
        case saddle
        /// Small gradient, `λ_min ≥ 0` within the tolerance: a minimum.
        case minimum
        /// A large gradient: not near a critical point.
        case none = ""
    }

    /// The gradient is small at estimate `i` when `grad_norm[i] ≤ gradientFraction · max grad_norm`.
    public static let gradientFraction = 0.1
    /// `λ_min` counts as negative when `λ_min < −eigenvalueFraction · max(|λ_min|, |λ_max|)`.
    public static let eigenvalueFraction = 1e-3

    /// Each estimate's verdict:
    /// ```
    /// small gradient:  g_i ≤ 0.1 · max_j g_j                       (over the run's estimates)
    /// negative:        λmin_i < −1e-3 · max(|λmin_i|, |λmax_i|)
    /// saddle  = small and negative;   minimum = small and not negative;   otherwise none
    /// ```
    /// The gradient test is relative to the run, so it says "much flatter
    /// than elsewhere in this run", not "critical" in `critical_point`'s
    /// absolute sense. A NaN estimate is `none`.
    public var near: [Near] {
        let top = gradNorm.filter(\.isFinite).max() ?? 0
        return (0..<count).map { i in
            let g = gradNorm[i], lo = lambdaMin[i], hi = lambdaMax[i]
            guard g.isFinite, lo.isFinite, hi.isFinite, g <= Self.gradientFraction * top else { return .none }
            let tol = Self.eigenvalueFraction * Swift.max(Swift.abs(lo), Swift.abs(hi))
            return lo < -tol ? .saddle : .minimum
        }
    }
}

/// The curvature watcher of `fit(..., watch: "curvature", every: N)`.
///
/// Every `every` optimizer steps, before the step and on its batch, it
/// estimates the gradient norm and the extreme Hessian eigenvalues of the
/// training loss at the current parameters: the gradient is recorded once
/// (`Hessian.Objective.probe`) and `lanczosSteps` Lanczos steps with full
/// reorthogonalisation (one Hessian-vector product each, no early stop,
/// start vector from seed 0) give the smallest and largest Ritz values.
/// All in float64 whatever the model's dtype (the objective widens the
/// parameters and buffers and puts them back, values and dtype).
///
/// The model is left exactly as it was: parameters and buffers are
/// restored by the objective, gradients are not touched (`Tensor.gradients`
/// returns them without accumulating into `.grad`, and the estimate runs
/// before the step's `zeroGrad`), and the caller evaluates the loss in
/// eval mode (no dropout mask is drawn, so no random number is consumed;
/// BatchNorm uses and keeps its running statistics). Training with and
/// without the watcher is therefore bit-identical.
public final class CurvatureWatcher {
    /// The quantities `watch:` accepts.
    public static let known = ["curvature"]
    /// Lanczos steps per estimate (fewer when the model has fewer parameters: then the values are exact).
    public static let lanczosSteps = 20

    /// Take an estimate every `every` optimizer steps.
    public let every: Int
    let parameters: [(name: String, tensor: Tensor)]
    let buffers: [Tensor]
    let loss: (Tensor, Tensor) throws -> Tensor

    /// One estimate.
    public struct Estimate: Sendable, Equatable {
        public let gradientNorm: Double, lambdaMin: Double, lambdaMax: Double
    }

    /// - Parameters:
    ///   - watch: the quantity, one of ``known`` (the error lists them).
    ///   - every: a positive step count.
    ///   - parameters: the tensors the Hessian is taken over (a model's `namedParameters`).
    ///   - buffers: tensors the loss reads that are widened too (a model's `namedBuffers`).
    ///   - loss: the loss of the model on a float64 batch `(X, y)`, in eval mode.
    public init(watch: String, every: Int, parameters: [(name: String, tensor: Tensor)], buffers: [Tensor] = [],
                loss: @escaping (Tensor, Tensor) throws -> Tensor) throws {
        guard Self.known.contains(watch) else {
            throw TensorError(op: "fit", "watch: unknown quantity \"\(watch)\"; the known ones are " + Self.known.map { "\"\($0)\"" }.joined(separator: ", "))
        }
        guard every >= 1 else { throw TensorError(op: "fit", "every: must be a positive integer (optimizer steps between estimates), got \(every)") }
        guard !parameters.isEmpty else { throw TensorError(op: "fit", "watch: the model has no parameters to take the Hessian over") }
        self.every = every
        self.parameters = parameters
        self.buffers = buffers
        self.loss = loss
    }

    /// The gradient norm and the extreme Ritz values of the loss on `(X, y)` at the current parameters.
    public func estimate(_ X: Tensor, _ y: Tensor) throws -> Estimate {
        // int64 labels stay int64 (the loss reads them as labels); float data widens
        let x64 = try X.detach().to(.float64), y64 = y.dtype.isFloatingPoint ? try y.detach().to(.float64) : y.detach()
        let f = try Hessian.Objective(parameters: parameters, buffers: buffers) { [loss] in try loss(x64, y64) }
        return try f.probe(at: f.point, op: "fit") { p in
            let r = try Hessian.lanczos(dimension: f.dimension, k: 1, which: .both,
                                        iterations: Swift.min(Self.lanczosSteps, f.dimension), tolerance: 0,
                                        seed: 0, vectors: false, op: "fit", hvp: p.hvp)
            let lo = r.eigenvalues.first ?? .nan, hi = r.eigenvalues.last ?? .nan
            return Estimate(gradientNorm: p.gradientNorm, lambdaMin: lo, lambdaMax: hi)
        }
    }
}
