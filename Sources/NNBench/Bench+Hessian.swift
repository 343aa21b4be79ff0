import NNLib
import NNTensor

/// Second-order benchmarks on the functional transforms (issue 5 adds the
/// comparison with jax.hessian / torch.func).
extension Bench {
    /// The full `[241, 241]` Hessian of the MSE loss of a 10-20-1 tanh MLP on
    /// 100 samples, float64, with respect to all parameters (ms).
    static func hessianSmallMLP() -> BenchItem {
        BenchItem(key: "hessian_mlp_241", label: "Hessian 10-20-1 MLP (241 params), f64", unit: .ms) {
            var rng = RandomGenerator(seed: 4)
            let x = try Tensor.randn([100, 10], dtype: .float64, using: &rng)
            let y = try Tensor.randn([100, 1], dtype: .float64, using: &rng)
            let params = [try Tensor.randn([10, 20], dtype: .float64, using: &rng) * 0.3,
                          try Tensor.zeros([20], dtype: .float64),
                          try Tensor.randn([20, 1], dtype: .float64, using: &rng) * 0.3,
                          try Tensor.zeros([1], dtype: .float64)]
            func loss(_ p: [Tensor]) throws -> Tensor {
                let h = try (x.matmul(p[0]) + p[1]).tanh()
                let r = try h.matmul(p[2]) + p[3] - y
                return try (r * r).mean()
            }
            let t = try Timer.median(warmup: 1, minRuns: 3, maxRuns: 20) {
                blackHole(try Autodiff.hessian(loss, at: params))
            }
            return t * 1e3
        }
    }

    /// The 784-256-128-10 ReLU MLP of the second-order items: its float32
    /// parameters (weights `[in, out]` scaled by `1/√in`, zero biases) and
    /// the mean cross-entropy of a random batch of 256 as a function of them.
    static func largeMLP(seed: UInt64) throws -> (params: [Tensor], loss: ([Tensor]) throws -> Tensor, rng: RandomGenerator) {
        var rng = RandomGenerator(seed: seed)
        let x = try Tensor.randn([256, 784], using: &rng)
        let labels = try Tensor.randint(0, 10, [256], using: &rng)
        var onehot = [Double](repeating: 0, count: 256 * 10)
        for (i, c) in labels.doubles.enumerated() { onehot[i * 10 + Int(c)] = 1 }
        let target = try Tensor(shape: [256, 10], values: onehot)
        let sizes = [784, 256, 128, 10]
        var params: [Tensor] = []
        for (i, o) in zip(sizes, sizes.dropFirst()) {
            params.append(try Tensor.randn([i, o], using: &rng) * (1 / Double(i).squareRoot()))
            params.append(try Tensor.zeros([o]))
        }
        func loss(_ p: [Tensor]) throws -> Tensor {
            let h1 = try (x.matmul(p[0]) + p[1]).relu()
            let h2 = try (h1.matmul(p[2]) + p[3]).relu()
            let z = try h2.matmul(p[4]) + p[5]
            return try -(z.logSoftmax(axis: 1) * target).sum() / 256
        }
        return (params, loss, rng)
    }

    /// One Hessian-vector product of the mean cross-entropy of a
    /// 784-256-128-10 ReLU MLP on a batch of 256, float32, by double backward (ms).
    static func hvpLargeMLP() -> BenchItem {
        BenchItem(key: "hvp_mlp_784", label: "HVP 784-256-128-10 MLP, batch 256", unit: .ms) {
            var (params, loss, rng) = try largeMLP(seed: 5)
            let v = try params.map { try Tensor.randn($0.shape, using: &rng) }
            let t = try Timer.median(warmup: 2, minRuns: 5, maxRuns: 100) {
                blackHole(try Autodiff.hvp(loss, at: params, v: v))
            }
            return t * 1e3
        }
    }

    /// The top Hessian eigenvalue of the same MLP's loss (235,146
    /// parameters) by Lanczos with exactly 20 Hessian-vector products
    /// (`Hessian.topEigenvalues`, tolerance 0 so it never stops early):
    /// one recorded gradient, then 20 backward passes through it (ms).
    static func topEigenvalueLargeMLP() -> BenchItem {
        BenchItem(key: "top_eig_784", label: "top Hessian eig 784-256-128-10, 20 HVPs", unit: .ms) {
            let (params, loss, _) = try largeMLP(seed: 5)
            // float32, as the peers: the tools widen to float64 by default,
            // which this loss's float32 data would not mix with.
            let objective = try Hessian.Objective(parameters: params, dtype: .float32, loss: loss)
            var result: Hessian.Ritz?
            let t = try Timer.median(warmup: 1, minRuns: 5, maxRuns: 50) {
                result = try Hessian.topEigenvalues(of: objective, k: 1, iterations: 20, tolerance: 0)
            }
            guard let r = result, r.iterations == 20, let top = r.eigenvalues.first, top.isFinite, top > 0 else {
                throw BenchError("Lanczos did not take 20 steps to a finite positive eigenvalue: \(String(describing: result))")
            }
            return t * 1e3
        }
    }
}
