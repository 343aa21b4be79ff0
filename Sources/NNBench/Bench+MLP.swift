import NNLib
import NNTensor

/// Training-step benchmarks through the NN library, as a script would run them.
extension Bench {
    /// One step of a 784-256-128-10 ReLU MLP on a batch of 64: forward,
    /// mean cross-entropy, backward, plain SGD update (ms per step).
    static func mlpStep() -> BenchItem {
        BenchItem(key: "mlp_step_64", label: "MLP 784-256-128-10 step, batch 64", unit: .ms) {
            var rng = RandomGenerator(seed: 3)
            let model = Sequential(
                try Linear(784, 256, rng: &rng), ReLU(),
                try Linear(256, 128, rng: &rng), ReLU(),
                try Linear(128, 10, rng: &rng))
            let x = try Tensor.randn([64, 784], using: &rng)
            let y = try Tensor.randint(0, 10, [64], using: &rng)
            let opt = try SGD(model.parameters, lr: 0.01)
            let t = try Timer.median(warmup: 5, minRuns: 20, maxRuns: 500) {
                opt.zeroGrad()
                let loss = try crossEntropy(model(x), y)
                try loss.backward()
                try opt.step()
            }
            return t * 1e3
        }
    }
}
