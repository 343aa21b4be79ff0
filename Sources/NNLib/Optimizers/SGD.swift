import NNTensor

/// Stochastic gradient descent with optional momentum, dampening, Nesterov
/// momentum and L2 weight decay, exactly as `torch.optim.SGD`.
///
/// For each parameter `θ` with gradient `∇`, at its step `t` (from 1):
/// ```
/// g = ∇ + weightDecay * θ
/// if momentum != 0:
///     b = (t == 1) ? g : momentum * b + (1 - dampening) * g
///     g = nesterov ? g + momentum * b : b
/// θ = θ - lr * g
/// ```
/// Momentum is Polyak's heavy ball (1964) in the form of Sutskever et al.
/// (2013), "On the importance of initialization and momentum in deep
/// learning"; the Nesterov variant is theirs too. Note the learning rate
/// multiplies the buffer, not the gradient inside it (see docs/optimizers.md).
public final class SGD: Optimizer {
    public let momentum: Double
    public let dampening: Double
    public let weightDecay: Double
    public let nesterov: Bool

    /// Checks every hyperparameter: all finite and >= 0; Nesterov needs
    /// `momentum > 0` and `dampening == 0` (as PyTorch requires).
    public init(_ parameters: [Tensor], lr: Double, momentum: Double = 0, dampening: Double = 0,
                weightDecay: Double = 0, nesterov: Bool = false) throws {
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        try super.init(name: "SGD", parameters: parameters, lr: lr)
        try Optimizer.check(name, "momentum", momentum, momentum >= 0)
        try Optimizer.check(name, "dampening", dampening, dampening >= 0)
        try Optimizer.check(name, "weight_decay", weightDecay, weightDecay >= 0)
        if nesterov && (momentum <= 0 || dampening != 0) {
            throw TensorError(op: name, "Nesterov momentum requires momentum > 0 and dampening = 0 (got momentum \(momentum), dampening \(dampening))")
        }
    }

    override var settings: [(String, String)] {
        [("momentum", "\(momentum)"), ("dampening", "\(dampening)"), ("weight_decay", "\(weightDecay)"), ("nesterov", "\(nesterov)")]
    }
    override var stateCount: Int { momentum != 0 ? 1 : 0 }
    override var stateNames: [String] { ["momentum_buffer"] }
    override func update(_ b: UpdateBuffers<Float>, step t: Int) { rule(b, t) }
    override func update(_ b: UpdateBuffers<Double>, step t: Int) { rule(b, t) }

    @inline(__always) private func rule<T: TensorScalar>(_ b: UpdateBuffers<T>, _ t: Int) {
        let lr = T(self.lr), wd = T(weightDecay), mu = T(momentum), keep = T(1 - dampening)
        let x = b.x, g = b.g, nest = nesterov, first = t == 1
        typealias L = Lanes<T>
        let n8 = b.vectorCount  // the same arithmetic, eight at a time (Optimizer+Lanes.swift)
        guard momentum != 0 else {
            var i = 0
            while i < n8 {  // i + 8 <= n8 <= every buffer's count
                let xv = L.load(x, i), gv = L.load(g, i)
                L.store(xv - lr * (wd == 0 ? gv : gv + wd * xv), x, i)
                i &+= L.width
            }
            for i in n8..<x.count { x[i] -= lr * (wd == 0 ? g[i] : g[i] + wd * x[i]) }
            return
        }
        let buf = b.state[0]
        var i = 0
        while i < n8 {
            let xv = L.load(x, i), gv = L.load(g, i)
            let d = wd == 0 ? gv : gv + wd * xv
            let bv = first ? d : mu * L.load(buf, i) + keep * d
            L.store(bv, buf, i)
            L.store(xv - lr * (nest ? d + mu * bv : bv), x, i)
            i &+= L.width
        }
        for i in n8..<x.count {
            let d = wd == 0 ? g[i] : g[i] + wd * x[i]
            buf[i] = first ? d : mu * buf[i] + keep * d
            x[i] -= lr * (nest ? d + mu * buf[i] : buf[i])
        }
    }
}
