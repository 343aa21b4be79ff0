import NNTensor

/// The GEMM shapes of issue 20's items, one product at a time through
/// `matmul` (output allocation included, as the training step sees it), in
/// GFLOP/s. `--gemm` picks the backend (nn's kernels, OpenBLAS, Swift), so
/// the same binary measures each side of docs/benchmarks.md's per-shape
/// table.
extension Bench {
    /// (m, k, n, transA, transB, dtype): the epoch's forward products
    /// (64 x 784 @ 784 x 256, ...), its weight gradients xᵀ g (transA,
    /// k = 64) and input gradients g Wᵀ (transB); the Hessian item's float64
    /// products; a cube and an odd shape.
    static let gemmShapes: [(Int, Int, Int, Bool, Bool, DType)] = [
        (64, 784, 256, false, false, .float32), (64, 256, 128, false, false, .float32),
        (64, 128, 10, false, false, .float32),
        (784, 64, 256, true, false, .float32), (256, 64, 128, true, false, .float32),
        (128, 64, 10, true, false, .float32),
        (64, 10, 128, false, true, .float32), (64, 128, 256, false, true, .float32),
        (256, 256, 256, false, false, .float32), (67, 259, 513, false, false, .float32),
        (512, 512, 512, false, false, .float32),
        (800, 20, 20, false, false, .float64), (10, 20, 1, false, false, .float64),
        (20, 800, 20, true, false, .float64), (256, 256, 256, false, false, .float64),
    ]

    static var gemmItems: [BenchItem] {
        gemmShapes.map { m, k, n, tA, tB, dtype in
            let name = dtype == .float32 ? "f32" : "f64"
            let layout = tA ? "_tA" : tB ? "_tB" : ""
            return BenchItem(key: "gemm_\(name)_\(m)x\(k)x\(n)\(layout)",
                             label: "gemm \(name) \(m)x\(k) @ \(k)x\(n)\(layout)", unit: .gflops) {
                var rng = RandomGenerator(seed: 3)
                let a = try Tensor.randn(tA ? [k, m] : [m, k], dtype: dtype, using: &rng)
                let b = try Tensor.randn(tB ? [n, k] : [k, n], dtype: dtype, using: &rng)
                let flops = 2 * Double(m) * Double(n) * Double(k)
                let reps = Swift.max(1, Int(2e7 / flops))
                let t = try Timer.median(warmup: 2, minRuns: 5, maxRuns: 200) {
                    for _ in 0..<reps { blackHole(try a.matmul(b, transposeSelf: tA, transposeOther: tB)) }
                }
                return flops * Double(reps) / t / 1e9
            }
        }
    }
}
