#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NNTensor

/// Adam: RMSProp's per-coordinate scaling plus momentum, both as
/// exponential moving averages with bias correction, exactly as
/// `torch.optim.Adam` (L2 weight decay added to the gradient) and, in the
/// subclass `AdamW`, `torch.optim.AdamW` (decoupled weight decay).
///
/// Kingma, Ba (2015), "Adam: A Method for Stochastic Optimization"; AMSGrad
/// from Reddi, Kale, Kumar (2018), "On the Convergence of Adam and Beyond".
/// For each parameter at its step `t` (from 1):
/// ```
/// g  = ∇ + weightDecay * θ              # Adam only
/// θ  = θ * (1 - lr * weightDecay)       # AdamW only (decoupled)
/// m  = β1 * m + (1 - β1) * g
/// v  = β2 * v + (1 - β2) * g²
/// m̂  = m / (1 - β1^t)
/// v̂  = (amsgrad ? vMax = max(vMax, v) : v) / (1 - β2^t)
/// θ  = θ - lr * m̂ / (sqrt(v̂) + eps)
/// ```
public class Adam: Optimizer {
    public let beta1: Double
    public let beta2: Double
    public let eps: Double
    public let weightDecay: Double
    public let amsgrad: Bool
    /// True for AdamW: the decay shrinks θ directly instead of entering g.
    public let decoupled: Bool

    /// Defaults are PyTorch's: `lr` 1e-3, `betas` (0.9, 0.999), `eps` 1e-8.
    public convenience init(_ parameters: [Tensor], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
                            eps: Double = 1e-8, weightDecay: Double = 0, amsgrad: Bool = false) throws {
        try self.init(name: "Adam", parameters, lr: lr, betas: betas, eps: eps, weightDecay: weightDecay,
                      amsgrad: amsgrad, decoupled: false)
    }

    init(name: String, _ parameters: [Tensor], lr: Double, betas: (Double, Double), eps: Double,
         weightDecay: Double, amsgrad: Bool, decoupled: Bool) throws {
        (beta1, beta2) = betas
        self.eps = eps
        self.weightDecay = weightDecay
        self.amsgrad = amsgrad
        self.decoupled = decoupled
        try super.init(name: name, parameters: parameters, lr: lr)
        try Optimizer.check(name, "beta1", beta1, beta1 >= 0 && beta1 < 1, "must be in [0, 1)")
        try Optimizer.check(name, "beta2", beta2, beta2 >= 0 && beta2 < 1, "must be in [0, 1)")
        try Optimizer.check(name, "eps", eps, eps >= 0)
        try Optimizer.check(name, "weight_decay", weightDecay, weightDecay >= 0)
    }

    /// Buffers: the first moment `m`, the second moment `v`, and `vMax` for AMSGrad.
    override var settings: [(String, String)] {
        [("betas", "[\(beta1), \(beta2)]"), ("eps", "\(eps)"), ("weight_decay", "\(weightDecay)"), ("amsgrad", "\(amsgrad)")]
    }
    override var stateCount: Int { amsgrad ? 3 : 2 }
    override var stateNames: [String] { ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"] }
    override func update(_ b: UpdateBuffers<Float>, step t: Int) { rule(b, t) }
    override func update(_ b: UpdateBuffers<Double>, step t: Int) { rule(b, t) }

    /// `(1 - β1^t, 1 - β2^t)`, computed once per step number (every
    /// parameter of a step shares it; `pow` is a few hundred instructions)
    /// before the update, which may run on several threads and only reads it.
    override func prepare(step t: Int) {
        if t != correctedStep {
            corrections = (1 - pow(beta1, Double(t)), 1 - pow(beta2, Double(t)))
            correctedStep = t
        }
    }
    private var correctedStep = 0
    private var corrections = (0.0, 0.0)

    /// PyTorch's arrangement of the same formula: `stepSize = lr / (1 - β1^t)`,
    /// `denom = sqrt(v) / sqrt(1 - β2^t) + eps`, `θ -= stepSize * m / denom`.
    @inline(__always) private func rule<T: TensorScalar>(_ b: UpdateBuffers<T>, _ t: Int) {
        let (bc1, bc2) = corrections  // of step t: prepare(step: t) ran first
        let stepSize = T(lr / bc1), bc2Root = T(bc2.squareRoot()), eps = T(self.eps)
        let b1 = T(beta1), b2 = T(beta2), mb1 = T(1 - beta1), mb2 = T(1 - beta2)
        let l2 = decoupled ? 0 : T(weightDecay), shrink = T(1 - (decoupled ? lr * weightDecay : 0))
        let decay = decoupled, ams = amsgrad   // locals, so the loop can be unswitched and vectorised
        let x = b.x, g = b.g, m = b.state[0], v = b.state[1], vMax = ams ? b.state[2] : b.state[1]
        // The same arithmetic, eight elements at a time (Optimizer+Lanes.swift).
        typealias L = Lanes<T>
        let n8 = b.vectorCount
        var i = 0
        while i < n8 {  // i + 8 <= n8 <= every buffer's count
            var xv = L.load(x, i)
            if decay { xv *= shrink }
            let gv = L.load(g, i)
            let d = l2 == 0 ? gv : gv + l2 * xv
            let mv = b1 * L.load(m, i) + mb1 * d
            let vv = b2 * L.load(v, i) + mb2 * d * d
            L.store(mv, m, i)
            L.store(vv, v, i)
            var vHat = vv
            if ams {
                vHat = pointwiseMax(L.load(vMax, i), vv)
                L.store(vHat, vMax, i)
            }
            xv -= stepSize * mv / (L.sqrt(vHat) / bc2Root + eps)
            L.store(xv, x, i)
            i &+= L.width
        }
        for i in n8..<x.count {
            if decay { x[i] *= shrink }
            let d = l2 == 0 ? g[i] : g[i] + l2 * x[i]
            m[i] = b1 * m[i] + mb1 * d
            v[i] = b2 * v[i] + mb2 * d * d
            if ams { vMax[i] = Swift.max(vMax[i], v[i]) }
            x[i] -= stepSize * m[i] / ((ams ? vMax[i] : v[i]).squareRoot() / bc2Root + eps)
        }
    }
}

/// AdamW: Adam with decoupled weight decay, exactly as `torch.optim.AdamW`.
///
/// Loshchilov, Hutter (2019), "Decoupled Weight Decay Regularization". The
/// decay shrinks the parameter before the Adam step instead of being added
/// to the gradient, so it is not rescaled by `1 / sqrt(v̂)`:
/// ```
/// θ = θ * (1 - lr * weightDecay)
/// (then Adam's update with weightDecay 0)
/// ```
/// PyTorch's default `weightDecay` for AdamW is 0.01.
public final class AdamW: Adam {
    public init(_ parameters: [Tensor], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
                eps: Double = 1e-8, weightDecay: Double = 0.01, amsgrad: Bool = false) throws {
        try super.init(name: "AdamW", parameters, lr: lr, betas: betas, eps: eps, weightDecay: weightDecay,
                       amsgrad: amsgrad, decoupled: true)
    }
}
