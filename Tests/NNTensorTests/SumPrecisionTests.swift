import Foundation
import Testing
@testable import NNTensor

/// Float32 sums keep float32 precision at any length (pairwise summation,
/// `Kernels+Sum.swift`): every reduction built on a sum is compared with a
/// float64 reference over lengths swept log-spaced up to 10⁷.
///
/// The terms are positive, so the relative error of the sum is the relative
/// rounding error (no cancellation). A serial float32 sum of `n` such terms
/// is off by up to `n ε` (0.27% for 10⁷ times 0.1); pairwise, by
/// `O(ε log n)`. The bound used, `16 ε` (ε = 2⁻²³ ≈ 1.2e-7, so ≈ 1.9e-6),
/// is far below what serial summation gives from about 10⁵ terms on, and
/// above the worst case the pairwise tree can reach (the measured errors are
/// about 1 ε).
@Suite struct SumPrecisionTests {
    static let eps = Double(Float.ulpOfOne)
    static let tol = 16 * eps
    static let lengths = [10, 1_000, 100_000, 10_000_000]

    /// `n` float32 values uniform in [0.5, 1.5), from a fixed seed.
    static func values(_ n: Int, seed: UInt64) -> [Float] {
        var g = RandomGenerator(seed: seed)
        return (0..<n).map { _ in Float(0.5 + Double(g.next() >> 11) * 0x1p-53) }
    }

    /// The float64 sum of float32 values (exact to about 1e-16 · n relative).
    static func reference(_ x: [Float]) -> Double {
        x.reduce(0.0) { $0 + Double($1) }
    }

    static func relErr(_ got: Double, _ want: Double) -> Double { abs(got - want) / abs(want) }

    @Test func fullOfOneTenthSumsToAMillionth() throws {
        // the case: 10⁷ × 0.1f was 997297.5625 (NumPy: 1.0000001e+06)
        let t = try Tensor.full([10_000_000], 0.1)
        let want = 10_000_000 * Double(Float(0.1))
        #expect(Self.relErr(try t.sum().item(), want) <= Self.tol)
        #expect(Self.relErr(try t.mean().item(), Double(Float(0.1))) <= Self.tol)
    }

    @Test(arguments: lengths)
    func sumsAlongAContiguousRow(_ n: Int) throws {
        let x = Self.values(n, seed: UInt64(n))
        let t = try Tensor(shape: [n], array: x)
        let want = Self.reference(x)
        #expect(Self.relErr(try t.sum().item(), want) <= Self.tol, "sum, n = \(n)")
        #expect(Self.relErr(try t.mean().item(), want / Double(n)) <= Self.tol, "mean, n = \(n)")
        let sq = x.reduce(0.0) { $0 + Double($1) * Double($1) }
        #expect(Self.relErr(try t.norm().item(), sq.squareRoot()) <= Self.tol, "norm, n = \(n)")
        // logsumexp of the last axis: its own row kernel (exp and sum in one pass)
        let lse = log(x.reduce(0.0) { $0 + exp(Double($1)) })
        #expect(Self.relErr(try t.logsumexp(axes: [0]).item(), lse) <= Self.tol, "logsumexp, n = \(n)")
    }

    @Test(arguments: lengths)
    func sumsDownColumns(_ n: Int) throws {
        // [n/2, 2] reduced over axis 0: elementwise across rows, the other layout
        let rows = n / 2
        let x = Self.values(rows * 2, seed: UInt64(n) + 1)
        let t = try Tensor(shape: [rows, 2], array: x)
        let want = (0..<2).map { j in stride(from: j, to: x.count, by: 2).reduce(0.0) { $0 + Double(x[$1]) } }
        let s = try t.sum(axes: [0]).doubles, m = try t.mean(axes: [0], keepdims: true).doubles
        for j in 0..<2 {
            #expect(Self.relErr(s[j], want[j]) <= Self.tol, "sum axis 0, n = \(n)")
            #expect(Self.relErr(m[j], want[j] / Double(rows)) <= Self.tol, "mean axis 0, n = \(n)")
        }
        // sum through broadcasting's adjoint, as gradients of a broadcast bias take it
        let st = try t.sumTo([2]).doubles
        #expect(Self.relErr(st[0], want[0]) <= Self.tol && Self.relErr(st[1], want[1]) <= Self.tol)
        // logsumexp down a column (exp, then the column mean)
        let lse = (0..<2).map { j in log(stride(from: j, to: x.count, by: 2).reduce(0.0) { $0 + exp(Double(x[$1])) }) }
        let got = try t.logsumexp(axes: [0]).doubles
        #expect(Self.relErr(got[0], lse[0]) <= Self.tol && Self.relErr(got[1], lse[1]) <= Self.tol)
    }

    @Test(arguments: [1_000, 1_000_000])
    func varianceAndStdOfAConstantPlusNoise(_ n: Int) throws {
        // variance of 0.1 + u/8, u uniform in [0.5, 1.5): n squared
        // deviations of one sign summed (serially off by ~n ε)
        let u = Self.values(n, seed: 7)
        let x = u.map { Float(0.1) + $0 / 8 }
        let t = try Tensor(shape: [n], array: x)
        let mean = Self.reference(x) / Double(n)
        let v = x.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(n - 1)
        // the deviations are float32 differences (each off by up to ε·0.23,
        // in random directions); the mean of their squares is pairwise
        #expect(Self.relErr(try t.variance().item(), v) <= Self.tol)
        #expect(Self.relErr(try t.std(axes: [0]).item(), v.squareRoot()) <= Self.tol)
    }

    @Test(arguments: [1_000, 1_000_000])
    func softmaxRowsAndColumns(_ n: Int) throws {
        // logits uniform in [0.5, 1.5): every probability depends on the
        // row's Σ exp, which a serial float32 sum gets wrong by ~n ε
        let x = Self.values(n, seed: 11)
        let m = Double(x.max() ?? 0)
        let s = x.reduce(0.0) { $0 + exp(Double($1) - m) }
        let p0 = exp(Double(x[0]) - m) / s, pl = exp(Double(x[n - 1]) - m) / s
        let row = try Tensor(shape: [n], array: x)
        let p = try row.softmax().floats, lp = try row.logSoftmax().floats
        #expect(Self.relErr(Double(p[0]), p0) <= Self.tol && Self.relErr(Double(p[n - 1]), pl) <= Self.tol)
        #expect(Self.relErr(Double(lp[0]), log(p0)) <= Self.tol)
        // the same logits down a column ([n, 1] along axis 0, beside a second column)
        let col = try Tensor(shape: [n, 2], array: x.flatMap { [$0, 0] })
        let pc = try col.softmax(axis: 0).floats, lc = try col.logSoftmax(axis: 0).floats
        #expect(Self.relErr(Double(pc[0]), p0) <= Self.tol && Self.relErr(Double(pc[2 * n - 2]), pl) <= Self.tol)
        #expect(Self.relErr(Double(lc[0]), log(p0)) <= Self.tol)
        #expect(Self.relErr(Double(lc[1]), -log(Double(n))) <= Self.tol)
    }

    @Test func normsWhoseSquaresOverflowOrUnderflowAreScaled() throws {
        // Σ x² overflows (float32 beyond ~1.8e19) or underflows, the norm does not
        let big = try Tensor(shape: [2, 2], values: [3e20, 4e20, 3, 4])
        #expect(close(try big.norm(axes: [1]).doubles, [5e20, 5], atol: 0, rtol: 1e-6))
        #expect(close(try big.norm().doubles, [5e20], atol: 0, rtol: 1e-6))
        let small = try Tensor(shape: [2], values: [3e-30, 4e-30])
        #expect(close(try small.norm().doubles, [5e-30], atol: 0, rtol: 1e-6))
        let wide = try Tensor(shape: [2], values: [3e200, -4e200], dtype: .float64)
        #expect(close(try wide.norm().doubles, [5e200], atol: 0, rtol: 1e-15))
        // infinities, nan and zeros keep their norms
        let odd = try Tensor(shape: [3, 2], values: [.infinity, 1, .nan, 1e30, 0, 0])
        let n = try odd.norm(axes: [1]).floats
        #expect(n[0] == .infinity && n[1].isNaN && n[2] == 0)
        // the gradient x / ‖x‖ is unchanged
        let x = try Tensor(shape: [2], values: [3e20, 4e20]).requiringGrad()
        try x.norm().backward()
        #expect(close(x.grad?.doubles ?? [], [0.6, 0.8], atol: 0, rtol: 1e-6))
    }

    @Test func longRowsSummedOnSeveralCoresGiveTheSameBits() {
        // the subtrees of the pairwise tree are summed on several cores and
        // added back in the same tree: the same bits as one core, any core count
        for n in [Kernels.parallelSumLength, 1_000_003, 3 << 19] {
            let x = Self.values(n, seed: UInt64(n) &* 3)
            let d = x.map(Double.init)
            x.withUnsafeBufferPointer { p in
                guard let b = p.baseAddress else { return }
                #expect(Kernels.parallelRowSum(b, n).bitPattern == Kernels.rowSum(b, n).bitPattern, "float, n = \(n)")
            }
            d.withUnsafeBufferPointer { p in
                guard let b = p.baseAddress else { return }
                #expect(Kernels.parallelRowSum(b, n).bitPattern == Kernels.rowSum(b, n).bitPattern, "double, n = \(n)")
            }
        }
    }

    @Test func pairwiseSplitsStayInsideTheRowAtBlockMultiples() {
        for n in [513, 600, 1_023, 1_024, 1_025, 2_000, 4_097, 1 << 20] {
            let h = Kernels.pairwiseSplit(n)
            #expect(h > 0 && h < n && h % Kernels.rowBlock == 0, "n = \(n): split at \(h)")
        }
    }
}
