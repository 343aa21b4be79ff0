import NNLib
import NNTensor

/// Convolution benchmarks through the NN library.
extension Bench {
    /// One forward and backward pass of `Conv2d(16, 32, 3, padding: 1)` on a
    /// float32 batch `[32, 16, 16, 16]`: `loss = sum(y * r)`, gradients for
    /// the input, the weight and the bias (ms per pass). im2col + GEMM.
    static func convStep() -> BenchItem {
        BenchItem(key: "conv_step_32", label: "Conv2d 16->32 3x3 fwd+bwd, [32, 16, 16, 16]", unit: .ms) {
            var rng = RandomGenerator(seed: 4)
            let conv = try Conv2d(16, 32, kernel: (3, 3), padding: (1, 1), rng: &rng)
            let x = try Tensor.randn([32, 16, 16, 16], using: &rng).requiringGrad()
            let r = try Tensor.randn([32, 32, 16, 16], using: &rng)
            let t = try Timer.median(warmup: 3, minRuns: 10, maxRuns: 200) {
                conv.zeroGrad()
                x.zeroGrad()
                let loss = try (conv(x) * r).sum()
                try loss.backward()
            }
            return t * 1e3
        }
    }
}
