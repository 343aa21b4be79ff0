import NNTensor

/// Adagrad: each coordinate's step is divided by the root of the sum of all
/// its squared gradients so far, exactly as `torch.optim.Adagrad`.
///
/// Duchi, Hazan, Singer (2011), "Adaptive Subgradient Methods for Online
/// Learning and Stochastic Optimization". For each parameter at step `t`:
/// ```
/// lr_t = lr / (1 + (t - 1) * lrDecay)
/// g    = ∇ + weightDecay * θ
/// s    = s + g²                        # s starts at initialAccumulatorValue
/// θ    = θ - lr_t * g / (sqrt(s) + eps)
/// ```
/// `sqrt(s)` is the root of the *accumulated* (summed, not averaged) squared
/// gradients, so steps only ever shrink (see docs/optimizers.md).
public final class Adagrad: Optimizer {
    public let lrDecay: Double
    public let weightDecay: Double
    public let initialAccumulatorValue: Double
    public let eps: Double

    /// Defaults are PyTorch's: `lr` 0.01, `eps` 1e-10, everything else 0.
    public init(_ parameters: [Tensor], lr: Double = 0.01, lrDecay: Double = 0, weightDecay: Double = 0,
                initialAccumulatorValue: Double = 0, eps: Double = 1e-10) throws {
        self.lrDecay = lrDecay
        self.weightDecay = weightDecay
        self.initialAccumulatorValue = initialAccumulatorValue
        self.eps = eps
        try super.init(name: "Adagrad", parameters: parameters, lr: lr)
        try Optimizer.check(name, "lr_decay", lrDecay, lrDecay >= 0)
        try Optimizer.check(name, "weight_decay", weightDecay, weightDecay >= 0)
        try Optimizer.check(name, "initial_accumulator_value", initialAccumulatorValue, initialAccumulatorValue >= 0)
        try Optimizer.check(name, "eps", eps, eps >= 0)
    }

    override var settings: [(String, String)] {
        [("lr_decay", "\(lrDecay)"), ("weight_decay", "\(weightDecay)"), ("initial_accumulator_value", "\(initialAccumulatorValue)"), ("eps", "\(eps)")]
    }
    override var stateCount: Int { 1 }
    override var stateNames: [String] { ["sum"] }
    override var initialState: Double { initialAccumulatorValue }
    override func update(_ b: UpdateBuffers<Float>, step t: Int) { rule(b, t) }
    override func update(_ b: UpdateBuffers<Double>, step t: Int) { rule(b, t) }

    @inline(__always) private func rule<T: TensorScalar>(_ b: UpdateBuffers<T>, _ t: Int) {
        let clr = T(lr / (1 + Double(t - 1) * lrDecay)), wd = T(weightDecay), eps = T(self.eps)
        let x = b.x, g = b.g, s = b.state[0]
        typealias L = Lanes<T>
        let n8 = b.vectorCount  // the same arithmetic, eight at a time (Optimizer+Lanes.swift)
        var i = 0
        while i < n8 {  // i + 8 <= n8 <= every buffer's count
            let xv = L.load(x, i), gv = L.load(g, i)
            let d = wd == 0 ? gv : gv + wd * xv
            let sv = L.load(s, i) + d * d
            L.store(sv, s, i)
            L.store(xv - clr * d / (L.sqrt(sv) + eps), x, i)
            i &+= L.width
        }
        for i in n8..<x.count {
            let d = wd == 0 ? g[i] : g[i] + wd * x[i]
            s[i] += d * d
            x[i] -= clr * d / (s[i].squareRoot() + eps)
        }
    }
}
