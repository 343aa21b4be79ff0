import Foundation
import Testing
@testable import NNTensor

@Suite struct ReduceTests {
    /// [[1, 5, 3], [4, 2, 6]]
    static func matrix() throws -> Tensor {
        try Tensor(shape: [2, 3], values: [1, 5, 3, 4, 2, 6], dtype: .float64)
    }

    @Test func meanMaxMinOverAxesWithKeepdims() throws {
        let m = try Self.matrix()
        #expect(try m.mean().doubles == [3.5])
        #expect(try m.mean(axes: [0]).doubles == [2.5, 3.5, 4.5])
        #expect(try m.mean(axes: [-1], keepdims: true).shape == [2, 1])
        #expect(try m.mean(axes: [-1], keepdims: true).doubles == [3, 4])
        #expect(try m.max().doubles == [6] && m.max().shape == [])
        #expect(try m.max(axes: [1]).doubles == [5, 6])
        #expect(try m.min(axes: [0], keepdims: true).doubles == [1, 2, 3])
        #expect(try m.min(axes: [0], keepdims: true).shape == [1, 3])
        let t = try Tensor(shape: [2, 3, 2], values: (0..<12).map(Double.init), dtype: .float64)
        // axes 0 and 2 are not adjacent: [[0,1],[6,7]] -> 3.5 for j = 0, etc.
        #expect(try t.mean(axes: [0, 2]).doubles == [3.5, 5.5, 7.5])
        #expect(try t.max(axes: [2, 0]).doubles == [7, 9, 11])
        #expect(try t.min(axes: [0, 1], keepdims: true).shape == [1, 1, 2])
        #expect(try t.mean(axes: []).doubles == t.doubles, "no axes: nothing reduced")
    }

    /// max and min over leading axes (`[outer, r, inner]` with inner > 1)
    /// against a plain loop: widths around the vector lanes (tails), a NaN
    /// in some columns (it wins, as torch.amax), both float dtypes, and
    /// inner dimensions large enough to be split across cores.
    @Test(arguments: [DType.float32, .float64])
    func columnMaxAndMinMatchAPlainLoop(_ dtype: DType) throws {
        var rng = RandomGenerator(seed: 21)
        for (outer, r, inner) in [(1, 1, 3), (1, 5, 7), (1, 9, 8), (2, 6, 9), (1, 33, 17), (3, 4, 31), (1, 300, 1000), (1, 70, 70000)] {
            var v = (0..<(outer * r * inner)).map { _ in rng.normal() * 10 }
            for c in stride(from: 2, to: inner, by: 5) { v[((outer - 1) * r + r / 2) * inner + c] = .nan }
            let t = try Tensor(shape: [outer, r, inner], values: v, dtype: dtype)
            let got = (try t.max(axes: [1]).doubles, try t.min(axes: [1]).doubles)
            // the infinity norms, read in place, against abs() then max/min
            #expect(try t.norm(p: .infinity, axes: [1]).doubles.map(\.bitPattern) == t.abs().max(axes: [1]).doubles.map(\.bitPattern))
            #expect(try t.norm(p: -.infinity, axes: [1]).doubles.map(\.bitPattern) == t.abs().min(axes: [1]).doubles.map(\.bitPattern))
            #expect(try t.norm(p: .infinity, axes: [0, 2]).doubles.map(\.bitPattern) == t.abs().max(axes: [0, 2]).doubles.map(\.bitPattern))
            #expect(try t.norm(p: .infinity).doubles.map(\.bitPattern) == t.abs().max().doubles.map(\.bitPattern))
            let x = t.doubles  // the stored values (float32 rounded)
            for o in 0..<outer {
                for j in 0..<inner {
                    let column = (0..<r).map { x[(o * r + $0) * inner + j] }
                    let i = o * inner + j
                    if column.contains(where: \.isNaN) {
                        #expect(got.0[i].isNaN && got.1[i].isNaN, "[\(outer), \(r), \(inner)] column \(i)")
                    } else {
                        #expect(got.0[i] == column.max() && got.1[i] == column.min(), "[\(outer), \(r), \(inner)] column \(i)")
                    }
                }
            }
        }
    }

    @Test func argmaxAndArgminGiveFirstIndices() throws {
        let m = try Self.matrix()
        #expect(try m.argmax().doubles == [5])
        #expect(try m.argmax(axis: 1).doubles == [1, 2])
        #expect(try m.argmin(axis: 0).doubles == [0, 1, 0])
        #expect(try m.argmax(axis: -1, keepdims: true).shape == [2, 1])
        let ties = try Tensor(shape: [5], values: [1, 3, 3, 0, 0])
        #expect(try ties.argmax().floats == [1] && ties.argmin().floats == [3], "the first of tied extremes")
        let nan = try Tensor(shape: [4], values: [1, .nan, 9, .nan])
        #expect(try nan.argmax().floats == [1] && nan.argmin().floats == [1], "the first NaN, as torch.argmax")
        #expect(try nan.max().floats[0].isNaN && nan.min().floats[0].isNaN)
        #expect(try !m.requiringGrad().argmax().isTracked)
    }

    @Test func varianceAndStdAgainstHandValues() throws {
        let m = try Self.matrix()
        // x = 1, 2, 3, 4: mean 2.5, Σ(x - mean)² = 5
        let x = try Tensor(shape: [4], values: [1, 2, 3, 4], dtype: .float64)
        #expect(close(try x.variance().doubles, [5.0 / 3], atol: 0, rtol: 1e-15))
        #expect(close(try x.variance(correction: 0).doubles, [1.25], atol: 0, rtol: 1e-15))
        #expect(close(try x.std().doubles, [(5.0 / 3).squareRoot()], atol: 0, rtol: 1e-15))
        // rows of m: [1, 5, 3] -> mean 3, Σd² = 8; [4, 2, 6] -> mean 4, Σd² = 8
        #expect(close(try m.variance(axes: [1]).doubles, [4, 4], atol: 0, rtol: 1e-15))
        #expect(close(try m.std(axes: [0], correction: 0, keepdims: true).doubles, [1.5, 1.5, 1.5], atol: 0, rtol: 1e-15))
        #expect(try Tensor(scalar: 2).variance().floats[0].isNaN, "one element, Bessel: 0/0, as torch.var")
    }

    @Test func normsAndTheirSubgradientAtZero() throws {
        let m = try Self.matrix()
        let v = try Tensor(shape: [2], values: [3, -4], dtype: .float64)
        #expect(try v.norm().doubles == [5])
        #expect(try v.norm(p: 1).doubles == [7])
        #expect(try v.norm(p: .infinity).doubles == [4])
        #expect(try v.norm(p: -.infinity).doubles == [3])
        #expect(try v.norm(p: 0).doubles == [2])
        #expect(close(try v.norm(p: 3).doubles, [Foundation.pow(91.0, 1.0 / 3)], atol: 0, rtol: 1e-14))
        #expect(try m.norm(axes: [0]).doubles == [Foundation.sqrt(17.0), Foundation.sqrt(29.0), Foundation.sqrt(45.0)])
        let z = try Tensor.zeros([3], dtype: .float64).requiringGrad()
        let g = try Tensor.gradients(of: z.norm(), wrt: [z])[0]
        #expect(g.doubles == [0, 0, 0], "subgradient 0 at the origin, not NaN")
        let w = try Tensor(shape: [2], values: [3, -4], dtype: .float64).requiringGrad()
        #expect(try Tensor.gradients(of: w.norm(), wrt: [w])[0].doubles == [0.6, -0.8])
    }

    @Test func logsumexpIsStableAtLargeMagnitudes() throws {
        let big = try Tensor(shape: [2], values: [1e4, 1e4])
        #expect(try big.logsumexp().floats == [Float(1e4 + Foundation.log(2.0))])
        let mixed = try Tensor(shape: [2, 3], values: [1e4, 0, -1e4, 0, 0, 0], dtype: .float64)
        #expect(close(try mixed.logsumexp(axes: [1]).doubles, [1e4, Foundation.log(3.0)], atol: 0, rtol: 1e-15))
        #expect(close(try mixed.logsumexp(axes: [0]).doubles, [1e4, Foundation.log(2.0), Foundation.log(1 + Foundation.exp(-1e4))],
                      atol: 1e-15, rtol: 1e-15))
        let inf = try Tensor(shape: [2, 2], values: [-.infinity, -.infinity, .infinity, 0])
        #expect(try inf.logsumexp(axes: [1]).floats == [-.infinity, .infinity])
        #expect(try Tensor.zeros([2, 0]).logsumexp(axes: [1]).floats == [-.infinity, -.infinity])
    }

    @Test func softmaxRowsSumToOneAndSurviveHugeLogits() throws {
        let s = try Tensor(shape: [3], values: [1e4, 0, -1e4]).softmax()
        #expect(s.floats == [1, 0, 0])
        let l = try Tensor(shape: [2], values: [1e4, 1e4]).logSoftmax()
        #expect(l.floats == [-Float(Foundation.log(2.0)), -Float(Foundation.log(2.0))])
        // softmax([1, 2, 3]) = e^k / (e + e² + e³)
        let e = [M_E, M_E * M_E, M_E * M_E * M_E], total = e.reduce(0, +)
        let x = try Tensor(shape: [3], values: [1, 2, 3], dtype: .float64)
        #expect(close(try x.softmax().doubles, e.map { $0 / total }, atol: 0, rtol: 1e-15))
        #expect(close(try x.logSoftmax().doubles, [1, 2, 3].map { $0 - Foundation.log(total) }, atol: 0, rtol: 1e-15))
        // along the first axis of a [3, 2] matrix: columns [1, 2, 3] and [0, 0, 0]
        let c = try Tensor(shape: [3, 2], values: [1, 0, 2, 0, 3, 0], dtype: .float64).softmax(axis: 0)
        #expect(close(c.doubles, [e[0] / total, 1.0 / 3, e[1] / total, 1.0 / 3, e[2] / total, 1.0 / 3], atol: 0, rtol: 1e-15))
    }

    /// Rows of every length from 1 to 40 exercise the 16-wide body, the
    /// 8-wide step and the partial tail of the row kernels.
    @Test func softmaxAndLogsumexpAgreeWithTheFormulaForEveryRowLength() throws {
        for n in 1...40 {
            let vals = (0..<(3 * n)).map { Double(($0 * 37) % 11) / 3 - 1.5 }
            let t = try Tensor(shape: [3, n], values: vals, dtype: .float64)
            let sm = try t.softmax(axis: 1).doubles, ls = try t.logSoftmax(axis: 1).doubles
            let lse = try t.logsumexp(axes: [1]).doubles
            for r in 0..<3 {
                let row = Array(vals[(r * n)..<((r + 1) * n)])
                let m = row.max() ?? 0
                let z = row.reduce(0) { $0 + Foundation.exp($1 - m) }
                #expect(Swift.abs(lse[r] - (m + Foundation.log(z))) < 1e-12, "n = \(n)")
                for j in 0..<n {
                    #expect(Swift.abs(sm[r * n + j] - Foundation.exp(row[j] - m) / z) < 1e-12, "n = \(n)")
                    #expect(Swift.abs(ls[r * n + j] - (row[j] - m - Foundation.log(z))) < 1e-12, "n = \(n)")
                }
            }
        }
    }

    @Test func largeReductionsTakeTheFastPathsAndAgree() throws {
        // 300 x 1000 (> 64K elements): row kernels split across cores
        let rows = 300, cols = 1000
        let vals = (0..<(rows * cols)).map { Double(($0 * 7919) % 1000) / 100 - 5 }
        let t = try Tensor(shape: [rows, cols], values: vals)
        let sm = try t.softmax().floats, mean = try t.mean(axes: [1]).floats, mx = try t.max(axes: [1]).floats
        let lse = try t.logsumexp(axes: [1]).floats, mx0 = try t.max(axes: [0]).floats, mean0 = try t.mean(axes: [0]).floats
        for r in stride(from: 0, to: rows, by: 37) {
            let row = vals[(r * cols)..<((r + 1) * cols)].map { Double(Float($0)) }
            let m = row.max() ?? 0
            let z = row.reduce(0) { $0 + Foundation.exp($1 - m) }
            #expect(Swift.abs(Double(mean[r]) - row.reduce(0, +) / Double(cols)) < 1e-5)
            #expect(Double(mx[r]) == m)
            #expect(Swift.abs(Double(lse[r]) - (m + Foundation.log(z))) < 1e-5)
            let s = sm[(r * cols)..<((r + 1) * cols)].reduce(Float(0), +)
            #expect(Swift.abs(s - 1) < 1e-5, "softmax row \(r) sums to \(s)")
        }
        for j in stride(from: 0, to: cols, by: 97) {
            let col = (0..<rows).map { Double(Float(vals[$0 * cols + j])) }
            #expect(Double(mx0[j]) == col.max())
            #expect(Swift.abs(Double(mean0[j]) - col.reduce(0, +) / Double(rows)) < 1e-5)
        }
    }

    @Test func maxGradientSplitsEvenlyAmongTies() throws {
        let x = try Tensor(shape: [2, 3], values: [1, 3, 3, 7, 2, 7], dtype: .float64).requiringGrad()
        #expect(try Tensor.gradients(of: x.max(), wrt: [x])[0].doubles == [0, 0, 0, 0.5, 0, 0.5])
        #expect(try Tensor.gradients(of: x.max(axes: [1]).sum(), wrt: [x])[0].doubles == [0, 0.5, 0.5, 0.5, 0, 0.5])
        #expect(try Tensor.gradients(of: x.min(axes: [0]).sum(), wrt: [x])[0].doubles == [1, 0, 1, 0, 1, 0])
    }

    /// `f(z) = logsumexp(z) - z[y]` is cross-entropy in the logits; its
    /// Hessian is `diag(p) - p pᵀ` with `p = softmax(z)`, whatever `y` is.
    @Test func crossEntropyHessianIsDiagPMinusPPT() throws {
        let zv = [0.5, -1.0, 2.0, 0.1]
        let e = zv.map { Foundation.exp($0) }, sum = e.reduce(0, +)
        let p = e.map { $0 / sum }
        let z = try Tensor(shape: [4], values: zv, dtype: .float64).requiringGrad()
        let oneHot = try Tensor(shape: [4], values: [0, 0, 1, 0], dtype: .float64)
        let f = try z.logsumexp() - (z * oneHot).sum()
        let g = try Tensor.gradients(of: f, wrt: [z], createGraph: true)[0]
        for i in 0..<4 {
            let seed = try Tensor(shape: [4], values: (0..<4).map { $0 == i ? 1 : 0 }, dtype: .float64)
            let row = try Tensor.gradients(of: (g * seed).sum(), wrt: [z])[0].doubles
            let expected = (0..<4).map { j in (i == j ? p[i] : 0) - p[i] * p[j] }
            #expect(close(row, expected, atol: 1e-14, rtol: 1e-12), "Hessian row \(i)")
        }
    }

    /// Mean cross-entropy over a batch through `logSoftmax`: per sample the
    /// Hessian block is `(diag(p) - p pᵀ) / N`, and samples do not interact.
    @Test func batchCrossEntropyHessianThroughLogSoftmax() throws {
        let zv = [0.2, 1.0, -0.5, 3.0, 0.0, -2.0]
        let z = try Tensor(shape: [2, 3], values: zv, dtype: .float64).requiringGrad()
        let y = try Tensor(shape: [2, 3], values: [1, 0, 0, 0, 0, 1], dtype: .float64)
        let loss = try -(z.logSoftmax(axis: 1) * y).sum() / 2
        let g = try Tensor.gradients(of: loss, wrt: [z], createGraph: true)[0]
        for i in 0..<6 {
            let seed = try Tensor(shape: [2, 3], values: (0..<6).map { $0 == i ? 1 : 0 }, dtype: .float64)
            let row = try Tensor.gradients(of: (g * seed).sum(), wrt: [z])[0].doubles
            let s = i / 3
            let e = (0..<3).map { Foundation.exp(zv[s * 3 + $0]) }, sum = e.reduce(0, +)
            let p = e.map { $0 / sum }
            let expected = (0..<6).map { k -> Double in
                guard k / 3 == s else { return 0 }
                return ((i == k ? p[i % 3] : 0) - p[i % 3] * p[k % 3]) / 2
            }
            #expect(close(row, expected, atol: 1e-14, rtol: 1e-12), "Hessian row \(i)")
        }
    }

    @Test func misuseThrowsNamingTheOpAndShapes() throws {
        let m = try Self.matrix()
        #expect(throws: TensorError(op: "max", "axis 2 is out of range for a tensor of rank 2")) { try m.max(axes: [2]) }
        #expect(throws: TensorError(op: "mean", "axis -3 is out of range for a tensor of rank 2")) { try m.mean(axes: [-3]) }
        #expect(throws: TensorError(op: "var", "axis -1 appears twice")) { try m.variance(axes: [1, -1]) }
        #expect(throws: TensorError(op: "argmax", "axis 5 is out of range for a tensor of rank 2")) { try m.argmax(axis: 5) }
        #expect(throws: TensorError(op: "softmax", "axis 2 is out of range for a tensor of rank 2")) { try m.softmax(axis: 2) }
        #expect(throws: TensorError(op: "logSoftmax", "axis -3 is out of range for a tensor of rank 2")) { try m.logSoftmax(axis: -3) }
        #expect(throws: TensorError(op: "logsumexp", "axis 2 is out of range for a tensor of rank 2")) { try m.logsumexp(axes: [2]) }
        #expect(throws: TensorError(op: "norm", "axis 3 is out of range for a tensor of rank 2")) { try m.norm(axes: [3]) }
        let empty = try Tensor.zeros([0, 3])
        #expect(throws: TensorError(op: "max", "cannot reduce over the empty dimension 0 of a tensor of shape [0, 3]")) { try empty.max() }
        #expect(throws: TensorError(op: "argmin", "cannot take the argmin of an empty tensor (shape [0, 3])")) { try empty.argmin() }
        #expect(throws: TensorError(op: "argmax", "cannot take the argmax of an empty dimension (shape [0, 3])")) { try empty.argmax(axis: 0) }
        #expect(try empty.max(axes: [1]).shape == [0], "reducing a non-empty axis of an empty tensor is fine")
        #expect(try empty.mean(axes: [0]).floats.allSatisfy(\.isNaN), "mean over an empty axis is NaN, as PyTorch")
    }
}
