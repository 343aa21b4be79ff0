import Foundation
import Testing
import NNTensor
@testable import NNLib

/// Losses and metrics against values worked out by hand.
///
/// The logits row `[0, ln 2, ln 3]` has softmax `[1/6, 1/3, 1/2]`, so its
/// log-probabilities are `[-ln 6, -ln 3, -ln 2]`; the row `[0, 0, 0]` has
/// log-probabilities `-ln 3` everywhere.
@Suite struct LossTests {
    let ln2 = log(2.0), ln3 = log(3.0), ln6 = log(6.0)

    func logits() throws -> Tensor {
        try Tensor(shape: [2, 3], values: [0, log(2.0), log(3.0), 0, 0, 0], dtype: .float64).requiringGrad()
    }

    func close(_ a: Double, _ b: Double, _ tol: Double = 1e-12) -> Bool { abs(a - b) <= tol }

    @Test func crossEntropyWithLabels() throws {
        let z = try logits()
        let y = try Tensor(shape: [2], values: [2, 0], dtype: .float64)
        let l = try crossEntropy(z, y)
        #expect(close(try l.item(), (ln2 + ln3) / 2))
        #expect(close(try crossEntropy(z, y, reduction: .sum).item(), ln2 + ln3))
        let none = try crossEntropy(z, y, reduction: .none).doubles
        #expect(close(none[0], ln2) && close(none[1], ln3))
        // gradient: (softmax - onehot) / N
        try l.backward()
        let g = z.grad?.doubles ?? []
        let third = 1.0 / 3, sixth = 1.0 / 6
        let want: [Double] = [sixth / 2, third / 2, -0.25, (third - 1) / 2, third / 2, third / 2]
        for (a, b) in zip(g, want) { #expect(close(a, b)) }
    }

    @Test func labelSmoothingMixesWithTheUniformDistribution() throws {
        // ε = 0.3, C = 3: q = 0.7 onehot + 0.1.
        // Row 0, label 2: q = [0.1, 0.1, 0.8] → 0.1 ln 6 + 0.1 ln 3 + 0.8 ln 2.
        // Row 1, label 0: all log-probabilities are -ln 3 and q sums to 1 → ln 3.
        let z = try logits()
        let y = try Tensor(shape: [2], values: [2, 0], dtype: .float64)
        let l = try crossEntropy(z, y, labelSmoothing: 0.3, reduction: .none).doubles
        #expect(close(l[0], 0.1 * ln6 + 0.1 * ln3 + 0.8 * ln2))
        #expect(close(l[1], ln3))
        // The same as PyTorch's written form (1 - ε) nll + ε mean_c(-log p).
        #expect(close(l[0], 0.7 * ln2 + 0.3 * (ln6 + ln3 + ln2) / 3))
    }

    @Test func crossEntropyWithProbabilityTargets() throws {
        let z = try logits()
        let p = try Tensor(shape: [2, 3], values: [0.5, 0.5, 0, 0, 0, 1], dtype: .float64)
        let l = try crossEntropy(z, p, reduction: .none).doubles
        #expect(close(l[0], 0.5 * ln6 + 0.5 * ln3))
        #expect(close(l[1], ln3))
        // smoothing 0.3: q = 0.7 p + 0.1 = [0.45, 0.45, 0.1]
        let s = try crossEntropy(z, p, labelSmoothing: 0.3, reduction: .none).doubles
        #expect(close(s[0], 0.45 * ln6 + 0.45 * ln3 + 0.1 * ln2))
    }

    /// Bool logits were cast to float32 (and a probabilities target to
    /// bool with them, losing it): now an error naming what is expected.
    @Test func boolLogitsAreAnError() throws {
        let mask = try Tensor(shape: [2, 2], values: [1, 0, 0, 1], dtype: .bool)
        for target in [try Tensor(shape: [2], values: [0, 1]), try Tensor(shape: [2, 2], values: [0.5, 0.5, 1, 0])] {
            do {
                _ = try crossEntropy(mask, target)
                Issue.record("bool logits were accepted")
            } catch let e as TensorError {
                #expect("\(e)".contains("expected float logits"), "\(e)")
            }
        }
    }

    @Test func badLabelsAreNamed() throws {
        let z = try logits()
        #expect(throws: TensorError(op: "cross_entropy", "target label 3 at index 1 is out of range for 3 classes (labels must be in 0..<3)")) {
            try crossEntropy(z, try Tensor(shape: [2], values: [0, 3], dtype: .float64))
        }
        #expect(throws: TensorError(op: "cross_entropy", "target label 0.5 at index 0 is not an integer (class labels must be whole numbers in 0..<3)")) {
            try crossEntropy(z, try Tensor(shape: [2], values: [0.5, 1], dtype: .float64))
        }
        #expect(throws: TensorError.self) { try crossEntropy(z, try Tensor(shape: [3], values: [0, 1, 2])) }
        #expect(throws: TensorError.self) { try crossEntropy(z, try Tensor(shape: [2], values: [0, -1])) }
        #expect(throws: TensorError.self) { try crossEntropy(z, try Tensor.zeros([2]), labelSmoothing: 1.5) }
    }

    @Test func nllPicksTheLabelledLogProbability() throws {
        let lp = try logits().logSoftmax(axis: 1)
        let l = try nll(lp, try Tensor(shape: [2], values: [1, 2], dtype: .float64), reduction: .none).doubles
        #expect(close(l[0], ln3) && close(l[1], ln3))
    }

    @Test func binaryCrossEntropyIsStableAtHundred() throws {
        let z = try Tensor(shape: [5], values: [100, 100, -100, -100, 0], dtype: .float64).requiringGrad()
        let y = try Tensor(shape: [5], values: [1, 0, 0, 1, 1], dtype: .float64)
        let l = try binaryCrossEntropy(logits: z, target: y, reduction: .none).doubles
        // softplus(z) - z y: log(1 + e^-100) ≈ 3.7201e-44 (kept, not rounded to 0), 100, the same, 100, ln 2
        let tail = log1p(exp(-100.0))
        #expect(close(l[0], tail) && l[1] == 100 && close(l[2], tail) && l[3] == 100 && close(l[4], ln2))
        try binaryCrossEntropy(logits: z, target: y, reduction: .sum).backward()
        // gradient sigmoid(z) - y, including exactly at z = 0
        let g = z.grad?.doubles ?? []
        #expect(close(g[0], 0) && close(g[1], 1) && close(g[2], 0) && close(g[3], -1) && close(g[4], -0.5))
        // float32 too
        let z32 = try Tensor(shape: [2], values: [100, -100])
        let l32 = try binaryCrossEntropy(logits: z32, target: try Tensor(shape: [2], values: [0, 1])).item()
        #expect(l32 == 100)
        #expect(throws: TensorError.self) { try binaryCrossEntropy(logits: z32, target: try Tensor(shape: [2], values: [2, 0])) }
    }

    @Test func regressionLossesRefuseMismatchedShapes() throws {
        let p = try Tensor(shape: [3], values: [1, 2, 3], dtype: .float64)
        let t = try Tensor(shape: [3], values: [1, 0, 6], dtype: .float64)
        #expect(close(try mse(p, t).item(), (0 + 4 + 9) / 3))
        #expect(close(try l1(p, t).item(), (0 + 2 + 3) / 3))
        #expect(throws: TensorError(op: "mse", "prediction shape [3, 1] and target shape [3] differ; reshape one (for example pred.reshape([-1])) so they match")) {
            try mse(try p.reshape([3, 1]), t)
        }
    }

    @Test func oneHotAccuracyAndConfusionMatrix() throws {
        let labels = try Tensor(shape: [3], values: [2, 0, 1])
        #expect(try oneHot(labels, classes: 3).doubles == [0, 0, 1, 1, 0, 0, 0, 1, 0])
        let scores = try Tensor(shape: [4, 3], values: [0, 1, 5, 9, 0, 0, 0, 0, 1, 0, 3, 1])
        let truth = try Tensor(shape: [4], values: [2, 0, 1, 0])
        // predictions 2, 0, 2, 1: two right of four
        #expect(try accuracy(scores, truth) == 0.5)
        #expect(try confusionMatrix(scores, truth).doubles == [1, 1, 0, 0, 0, 1, 0, 0, 1])
        let binary = try Tensor(shape: [4], values: [-2, 3, 0.5, -1])
        #expect(try accuracy(binary, try Tensor(shape: [4], values: [0, 1, 0, 0])) == 0.75)
        #expect(throws: TensorError.self) { try oneHot(labels, classes: 2) }
    }

    @Test func float32LossesOverManyElementsKeepFloat32Precision() throws {
        // mse and cross-entropy reduce through the pairwise sums: a serial
        // float32 sum of 10⁶ terms would be off by ~1e-4 relative
        let n = 1_000_000
        let x = (0..<n).map { Float(0.5 + Double(($0 &* 7919) % 1000) / 1000) }
        let pred = try Tensor(shape: [n], array: x), zero = try Tensor.zeros([n])
        let want = x.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(n)
        #expect(abs(try mse(pred, zero).item() - want) / want <= 16 * Double(Float.ulpOfOne))
        // one sample of n classes, label 0: loss = log Σ exp(x) - x₀
        let logits = try pred.reshape([1, n]), label = try Tensor(shape: [1], values: [0])
        let lse = log(x.reduce(0.0) { $0 + exp(Double($1)) })
        let ce = lse - Double(x[0])
        #expect(abs(try crossEntropy(logits, label).item() - ce) / ce <= 16 * Double(Float.ulpOfOne) * lse / ce)
    }
}
