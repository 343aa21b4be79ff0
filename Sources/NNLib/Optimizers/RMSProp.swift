import NNTensor

/// RMSProp: each coordinate's step is divided by the root of an
/// exponentially weighted *mean* of its squared gradients, exactly as
/// `torch.optim.RMSprop`, with optional centring and momentum.
///
/// Hinton, Lecture 6e of "Neural Networks for Machine Learning" (2012); the
/// centred form from Graves (2013), "Generating Sequences With Recurrent
/// Neural Networks". For each parameter:
/// ```
/// g = ∇ + weightDecay * θ
/// v = alpha * v + (1 - alpha) * g²
/// ṽ = v
/// if centered: gAvg = alpha * gAvg + (1 - alpha) * g;  ṽ = v - gAvg²
/// if momentum > 0: b = momentum * b + g / (sqrt(ṽ) + eps);  θ = θ - lr * b
/// else:            θ = θ - lr * g / (sqrt(ṽ) + eps)
/// ```
/// PyTorch takes the root before adding `eps` (TensorFlow adds it inside).
public final class RMSProp: Optimizer {
    public let alpha: Double
    public let eps: Double
    public let weightDecay: Double
    public let momentum: Double
    public let centered: Bool

    /// Defaults are PyTorch's: `lr` 0.01, `alpha` 0.99, `eps` 1e-8.
    public init(_ parameters: [Tensor], lr: Double = 0.01, alpha: Double = 0.99, eps: Double = 1e-8,
                weightDecay: Double = 0, momentum: Double = 0, centered: Bool = false) throws {
        self.alpha = alpha
        self.eps = eps
        self.weightDecay = weightDecay
        self.momentum = momentum
        self.centered = centered
        try super.init(name: "RMSProp", parameters: parameters, lr: lr)
        try Optimizer.check(name, "alpha", alpha, alpha >= 0 && alpha <= 1, "must be in [0, 1]")
        try Optimizer.check(name, "eps", eps, eps >= 0)
        try Optimizer.check(name, "weight_decay", weightDecay, weightDecay >= 0)
        try Optimizer.check(name, "momentum", momentum, momentum >= 0)
    }

    /// Buffers: the square average `v`, the momentum buffer `b`, the gradient average `gAvg`.
    override var settings: [(String, String)] {
        [("alpha", "\(alpha)"), ("eps", "\(eps)"), ("weight_decay", "\(weightDecay)"), ("momentum", "\(momentum)"), ("centered", "\(centered)")]
    }
    override var stateCount: Int { 3 }
    override var stateNames: [String] { ["square_avg", "momentum_buffer", "grad_avg"] }
    override func usesState(_ j: Int) -> Bool { j == 0 || (j == 1 && momentum > 0) || (j == 2 && centered) }
    override func update(_ b: UpdateBuffers<Float>, step t: Int) { rule(b) }
    override func update(_ b: UpdateBuffers<Double>, step t: Int) { rule(b) }

    @inline(__always) private func rule<T: TensorScalar>(_ b: UpdateBuffers<T>) {
        let lr = T(self.lr), a = T(alpha), ma = T(1 - alpha), eps = T(self.eps)
        let wd = T(weightDecay), mu = T(momentum), centred = centered, useMomentum = momentum > 0
        let x = b.x, g = b.g, v = b.state[0], buf = b.state[1], gAvg = b.state[2]
        typealias L = Lanes<T>
        let n8 = b.vectorCount  // the same arithmetic, eight at a time (Optimizer+Lanes.swift)
        var i = 0
        while i < n8 {  // i + 8 <= n8 <= every buffer's count
            var xv = L.load(x, i)
            let gv = L.load(g, i)
            let d = wd == 0 ? gv : gv + wd * xv
            let vv = a * L.load(v, i) + ma * d * d
            L.store(vv, v, i)
            var vt = vv
            if centred {
                let ga = a * L.load(gAvg, i) + ma * d
                L.store(ga, gAvg, i)
                vt -= ga * ga
            }
            let step = d / (L.sqrt(vt) + eps)
            if useMomentum {
                let bv = mu * L.load(buf, i) + step
                L.store(bv, buf, i)
                xv -= lr * bv
            } else {
                xv -= lr * step
            }
            L.store(xv, x, i)
            i &+= L.width
        }
        for i in n8..<x.count {
            let d = wd == 0 ? g[i] : g[i] + wd * x[i]
            v[i] = a * v[i] + ma * d * d
            var vt = v[i]
            if centred {
                gAvg[i] = a * gAvg[i] + ma * d
                vt -= gAvg[i] * gAvg[i]
            }
            let step = d / (vt.squareRoot() + eps)
            if useMomentum {
                buf[i] = mu * buf[i] + step
                x[i] -= lr * buf[i]
            } else {
                x[i] -= lr * step
            }
        }
    }
}
