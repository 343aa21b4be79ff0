import NNTensor

/// Kernel benchmarks: BLAS matmul throughput and a fused-looking elementwise chain.
extension Bench {
    /// `C = A @ B` for `n × n` matrices of `dtype`: `2 n³ / t` GFLOP/s.
    static func matmul(_ n: Int, _ dtype: DType) -> BenchItem {
        let name = dtype == .float32 ? "f32" : "f64"
        return BenchItem(key: "matmul_\(name)_\(n)", label: "matmul \(n)x\(n) \(dtype)", unit: .gflops) {
            var rng = RandomGenerator(seed: 1)
            let a = try Tensor.randn([n, n], dtype: dtype, using: &rng)
            let b = try Tensor.randn([n, n], dtype: dtype, using: &rng)
            let t = try Timer.median(warmup: 2, minRuns: 5, maxRuns: 100) { blackHole(try a.matmul(b)) }
            return 2 * Double(n) * Double(n) * Double(n) / t / 1e9
        }
    }

    /// `tanh(a * x + b)` on 1,000,000 float32 values, scalars `a = 0.5`, `b = 0.1` (ms).
    static func tanhAffine() -> BenchItem {
        BenchItem(key: "tanh_affine_1m", label: "tanh(a*x + b), 1M float32", unit: .ms) {
            var rng = RandomGenerator(seed: 2)
            let x = try Tensor.randn([1_000_000], using: &rng)
            let t = try Timer.median(warmup: 3, minRuns: 20, maxRuns: 500) {
                blackHole(try (x * 0.5 + 0.1).tanh())
            }
            return t * 1e3
        }
    }
}
