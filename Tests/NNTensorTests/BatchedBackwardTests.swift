import Testing
@testable import NNTensor

/// The batched backward pass (`Tensor.batchedGradients`, the Hessian's rows
/// in blocks) equals `k` single backward passes, for every op of the
/// gradient-check table: the batched rules, the shape-only ones, the
/// batch-safe ordinary rules and the slice-by-slice fallback.
@Suite struct BatchedBackwardTests {
    /// `|a - b| <= 1e-12 (1 + |b|)` elementwise: equal to rounding.
    func same(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 1e-12 * (1 + abs($1)) }
    }

    /// Per case: the recorded gradient `g` of `Σ w ⊙ f(xs)`, then its
    /// Hessian rows one single pass each (the reference) against blocks of
    /// 1, 2 and all rows; and three random seeds at once against three passes.
    @Test(arguments: GradCases.all)
    func batchedRowsEqualSinglePasses(_ c: GradCase) throws {
        var rng = TestRNG(state: 777)
        let xs = try c.shapes.enumerated().map { try rng.tensor($0.element, c.domain, index: $0.offset) }
        let w = try rng.tensor(try c.f(xs).shape, .any, index: 0)
        let ts = xs.map { $0.detach().requiringGrad() }
        let y = try GradMode.with(enabled: true) { try (c.f(ts) * w).sum() }
        let gs = try GradMode.with(enabled: true) { try Tensor.gradients(of: y, wrt: ts, createGraph: true) }
        for g in gs where g.isTracked {
            var reference: [[Double]] = []
            for j in 0..<g.count {
                let seed = Autodiff.oneHot(j, shape: g.shape, dtype: g.dtype)
                let hs = try GradMode.with(enabled: true) { try Tensor.gradients(of: g, wrt: ts, seed: seed) }
                reference.append(hs.flatMap(\.doubles))
            }
            for block in [1, 2, g.count] {
                var rows: [[Double]] = []
                try Autodiff.hessianRows(of: g, wrt: ts, rows: 0..<g.count, blockRows: block) { j, pieces in
                    #expect(j == rows.count)
                    rows.append(pieces.flatMap { Array($0) })
                }
                #expect(rows.count == reference.count)
                for (j, (a, b)) in zip(rows, reference).enumerated() {
                    #expect(same(a, b), "\(c) block \(block) row \(j): \(a) vs \(b)")
                }
            }
            let seeds = try rng.tensor([3] + g.shape, .any, index: 0)
            let batched = try Tensor.batchedGradients(of: g, wrt: ts, seeds: seeds)
            for b in 0..<3 {
                let seed = seeds.batchSlice(b, shape: g.shape)
                let single = try GradMode.with(enabled: true) { try Tensor.gradients(of: g, wrt: ts, seed: seed) }
                for (i, s) in single.enumerated() {
                    #expect(batched[i].shape == [3] + ts[i].shape)
                    #expect(same(batched[i].batchSlice(b, shape: ts[i].shape).doubles, s.doubles), "\(c) seed \(b) input \(i)")
                }
            }
        }
    }

    /// The full Hessian of a small tanh MLP by the blocked rows equals the
    /// single-pass rows (a nested `hessian`, which records, takes them one by
    /// one) and is symmetric to rounding.
    @Test func mlpHessianByBlocksEqualsRowByRow() throws {
        var rng = RandomGenerator(seed: 11)
        let x = try Tensor.randn([7, 3], dtype: .float64, using: &rng)
        let t = try Tensor.randn([7, 2], dtype: .float64, using: &rng)
        let ps = [try Tensor.randn([3, 4], dtype: .float64, using: &rng), try Tensor.randn([4], dtype: .float64, using: &rng),
                  try Tensor.randn([4, 2], dtype: .float64, using: &rng), try Tensor.randn([2], dtype: .float64, using: &rng)]
        func loss(_ p: [Tensor]) throws -> Tensor {
            let h = try (x.matmul(p[0]) + p[1]).tanh()
            let z = try h.matmul(p[2], transposeSelf: false) + p[3]
            return try ((z - t) * (z - t)).mean() + z.softmax(axis: 1).logsumexp(axes: [0]).sum()
        }
        let batched = try Autodiff.hessian(loss, at: ps)
        let n = 26
        var reference: [Double] = []
        for j in 0..<n {
            var e = [Double](repeating: 0, count: n); e[j] = 1
            let vs = try Autodiff.flatRanges(ps).enumerated().map { i, r in
                try Tensor(shape: ps[i].shape, values: Array(e[r]), dtype: .float64)
            }
            reference += try Autodiff.hvp(loss, at: ps, v: vs).flatMap(\.doubles)
        }
        let h = batched.doubles
        #expect(batched.shape == [n, n] && same(h, reference))
        for i in 0..<n { for j in 0..<n { #expect(abs(h[i * n + j] - h[j * n + i]) <= 1e-12 * (1 + abs(h[i * n + j]))) } }
    }

    /// `withHVP` records the gradient once; one direction and a batch of
    /// directions through it equal `hvp(of:wrt:v:)` (a fresh gradient each).
    @Test func hvpsThroughOneRecordedGradient() throws {
        var rng = RandomGenerator(seed: 12)
        let x = try Tensor.randn([9, 4], dtype: .float64, using: &rng)
        let w = try Tensor.randn([4, 3], dtype: .float64, using: &rng), b = try Tensor.randn([3], dtype: .float64, using: &rng)
        let loss = { () throws -> Tensor in try (x.matmul(w) + b).logSoftmax(axis: 1).exp().square().sum() }
        let vs = try (0..<3).map { _ in [try Tensor.randn([4, 3], dtype: .float64, using: &rng), try Tensor.randn([3], dtype: .float64, using: &rng)] }
        let reference = try vs.map { try Autodiff.hvp(of: loss, wrt: [w, b], v: $0) }
        try Autodiff.withHVP(of: loss, wrt: [w, b]) { hvp in
            #expect(hvp.dimension == 15)
            for (v, r) in zip(vs, reference) {
                let h = try hvp(v)
                #expect(same(h[0].doubles, r[0].doubles) && same(h[1].doubles, r[1].doubles))
            }
            let batch = try hvp.batch([Tensor.stack(vs.map { $0[0] }), Tensor.stack(vs.map { $0[1] })])
            #expect(batch[0].shape == [3, 4, 3] && batch[1].shape == [3, 3])
            for (i, r) in reference.enumerated() {
                #expect(same(batch[0].batchSlice(i, shape: [4, 3]).doubles, r[0].doubles))
                #expect(same(batch[1].batchSlice(i, shape: [3]).doubles, r[1].doubles))
            }
            #expect(throws: TensorError.self) { try hvp([w]) }
            #expect(throws: TensorError.self) { try hvp.batch([w, b]) }
        }
        #expect(!w.requiresGrad && !b.requiresGrad)
    }

    @Test func badSeedsThrow() throws {
        let x = try Tensor(shape: [2], values: [1, 2], dtype: .float64).requiringGrad()
        let y = try GradMode.with(enabled: true) { try (x * x).sum() }
        #expect(throws: TensorError.self) { try Tensor.batchedGradients(of: y, wrt: [x], seeds: Tensor(shape: [2, 2], values: [1, 1, 0, 0])) }
        #expect(throws: TensorError.self) {
            try Autodiff.hessianRows(of: y, wrt: [x], rows: 0..<5) { _, _ in }
        }
    }
}
