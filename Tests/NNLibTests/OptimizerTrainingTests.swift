import Foundation
import Testing
import NNTensor
@testable import NNLib

/// Trains the same tiny MLP (2 → 3 tanh → 1, MSE on four points, Float64)
/// from the same initial weights with each optimizer and every option, and
/// checks the loss after 20 steps against a reference written here
/// independently: the forward and backward pass by hand over `[Double]`, and
/// each update rule as PyTorch's documentation states it.
@Suite struct OptimizerTrainingTests {
    static let xs: [[Double]] = [[0, 0], [0, 1], [1, 0], [1, 1]]
    static let ys: [Double] = [0, 1, 1, 0]
    // Flat parameters: W1 [3, 2] row-major, b1 [3], W2 [1, 3], b2 [1].
    static let initial: [Double] = [0.5, -0.4, 0.3, 0.8, -0.6, 0.2, 0.1, -0.1, 0.05, 0.7, -0.5, 0.4, 0.05]

    /// Loss and gradient of the MLP at flat parameters `p`, by hand.
    static func lossAndGradient(_ p: [Double]) -> (Double, [Double]) {
        var g = [Double](repeating: 0, count: 13)
        var loss = 0.0
        let n = Double(xs.count)
        for (x, y) in zip(xs, ys) {
            var h = [Double](repeating: 0, count: 3)
            for j in 0..<3 { h[j] = tanh(p[2 * j] * x[0] + p[2 * j + 1] * x[1] + p[6 + j]) }
            let out = p[9] * h[0] + p[10] * h[1] + p[11] * h[2] + p[12]
            loss += (out - y) * (out - y) / n
            let d = 2 * (out - y) / n
            for j in 0..<3 {
                g[9 + j] += d * h[j]
                let dz = d * p[9 + j] * (1 - h[j] * h[j])
                g[2 * j] += dz * x[0]
                g[2 * j + 1] += dz * x[1]
                g[6 + j] += dz
            }
            g[12] += d
        }
        return (loss, g)
    }

    /// A reference rule: updates `p` in place from gradient `g` at step `t`.
    typealias Rule = (_ p: inout [Double], _ g: [Double], _ t: Int) -> Void

    /// Runs 20 reference steps and returns the loss at the final parameters.
    static func reference(_ rule: Rule) -> Double {
        var p = initial
        for t in 1...20 {
            let (_, g) = lossAndGradient(p)
            rule(&p, g, t)
        }
        return lossAndGradient(p).0
    }

    /// Runs 20 steps of a real optimizer on the same MLP built from `Linear` layers.
    static func trained(_ make: ([Tensor]) throws -> Optimizer) throws -> Double {
        let w1 = try Tensor(shape: [3, 2], values: Array(initial[0..<6]), dtype: .float64).requiringGrad()
        let b1 = try Tensor(shape: [3], values: Array(initial[6..<9]), dtype: .float64).requiringGrad()
        let w2 = try Tensor(shape: [1, 3], values: Array(initial[9..<12]), dtype: .float64).requiringGrad()
        let b2 = try Tensor(shape: [1], values: [initial[12]], dtype: .float64).requiringGrad()
        let model = Sequential(try Linear(weight: w1, bias: b1), Tanh(), try Linear(weight: w2, bias: b2))
        let X = try Tensor(shape: [4, 2], values: xs.flatMap { $0 }, dtype: .float64)
        let y = try Tensor(shape: [4, 1], values: ys, dtype: .float64)
        let opt = try make(model.parameters)
        for _ in 0..<20 {
            opt.zeroGrad()
            try mse(model(X), y).backward()
            try opt.step()
        }
        return try mse(model(X), y).item()
    }

    func check(_ name: String, _ make: ([Tensor]) throws -> Optimizer, _ rule: @escaping Rule) throws {
        let want = Self.reference(rule)
        let got = try Self.trained(make)
        #expect(abs(got - want) < 1e-5, "\(name): loss \(got), reference \(want)")
        #expect(abs(got - want) < 1e-10 * max(1, want), "\(name): Float64 agrees far below 1e-5")
        #expect(want < Self.lossAndGradient(Self.initial).0, "\(name) lowers the loss")
    }

    @Test func handDerivedGradientMatchesAutodiff() throws {
        let (_, g) = Self.lossAndGradient(Self.initial)
        var params: [Tensor] = []
        _ = try Self.trained { ps in params = ps; return try SGD(ps, lr: 0) }
        let got = params.flatMap { $0.grad?.doubles ?? [] }
        #expect(got.count == 13)
        for (a, b) in zip(got, g) { #expect(abs(a - b) < 1e-12) }
    }

    @Test func sgdVariants() throws {
        try check("SGD", { try SGD($0, lr: 0.1) }) { p, g, _ in
            for i in p.indices { p[i] -= 0.1 * g[i] }
        }
        var b1 = [Double](repeating: 0, count: 13)
        try check("SGD momentum dampening wd", { try SGD($0, lr: 0.1, momentum: 0.9, dampening: 0.1, weightDecay: 0.01) }) { p, g, t in
            for i in p.indices {
                let gi = g[i] + 0.01 * p[i]
                b1[i] = t > 1 ? 0.9 * b1[i] + (1 - 0.1) * gi : gi
                p[i] -= 0.1 * b1[i]
            }
        }
        var b2 = [Double](repeating: 0, count: 13)
        try check("SGD nesterov wd", { try SGD($0, lr: 0.1, momentum: 0.9, weightDecay: 0.01, nesterov: true) }) { p, g, t in
            for i in p.indices {
                let gi = g[i] + 0.01 * p[i]
                b2[i] = t > 1 ? 0.9 * b2[i] + gi : gi
                p[i] -= 0.1 * (gi + 0.9 * b2[i])
            }
        }
    }

    @Test func adagradWithEveryOption() throws {
        var sum = [Double](repeating: 0.1, count: 13)
        try check("Adagrad", { try Adagrad($0, lr: 0.1, lrDecay: 0.01, weightDecay: 0.01, initialAccumulatorValue: 0.1) }) { p, g, t in
            let clr = 0.1 / (1 + Double(t - 1) * 0.01)
            for i in p.indices {
                let gi = g[i] + 0.01 * p[i]
                sum[i] += gi * gi
                p[i] -= clr * gi / (sum[i].squareRoot() + 1e-10)
            }
        }
    }

    @Test func rmspropPlainAndCenteredWithMomentum() throws {
        var v = [Double](repeating: 0, count: 13)
        try check("RMSProp", { try RMSProp($0, lr: 0.01, alpha: 0.9) }) { p, g, _ in
            for i in p.indices {
                v[i] = 0.9 * v[i] + 0.1 * g[i] * g[i]
                p[i] -= 0.01 * g[i] / (v[i].squareRoot() + 1e-8)
            }
        }
        var v2 = [Double](repeating: 0, count: 13), gAvg = v2, buf = v2
        try check("RMSProp centered momentum wd", { try RMSProp($0, lr: 0.01, alpha: 0.9, weightDecay: 0.01, momentum: 0.5, centered: true) }) { p, g, _ in
            for i in p.indices {
                let gi = g[i] + 0.01 * p[i]
                v2[i] = 0.9 * v2[i] + 0.1 * gi * gi
                gAvg[i] = 0.9 * gAvg[i] + 0.1 * gi
                let vt = v2[i] - gAvg[i] * gAvg[i]
                buf[i] = 0.5 * buf[i] + gi / (vt.squareRoot() + 1e-8)
                p[i] -= 0.01 * buf[i]
            }
        }
    }

    /// Adam as PyTorch's documentation writes it, with `decoupled` for AdamW.
    func adamRule(lr: Double, wd: Double, amsgrad: Bool, decoupled: Bool) -> Rule {
        var m = [Double](repeating: 0, count: 13), v = m, vMax = m
        return { p, g, t in
            for i in p.indices {
                var gi = g[i]
                if decoupled { p[i] *= 1 - lr * wd } else { gi += wd * p[i] }
                m[i] = 0.9 * m[i] + 0.1 * gi
                v[i] = 0.999 * v[i] + 0.001 * gi * gi
                let mHat = m[i] / (1 - pow(0.9, Double(t)))
                vMax[i] = max(vMax[i], v[i])
                let vHat = (amsgrad ? vMax[i] : v[i]) / (1 - pow(0.999, Double(t)))
                p[i] -= lr * mHat / (vHat.squareRoot() + 1e-8)
            }
        }
    }

    @Test func adamPlainAndAmsgradWithL2() throws {
        try check("Adam", { try Adam($0, lr: 0.05) }, adamRule(lr: 0.05, wd: 0, amsgrad: false, decoupled: false))
        try check("Adam amsgrad wd", { try Adam($0, lr: 0.05, weightDecay: 0.01, amsgrad: true) },
                  adamRule(lr: 0.05, wd: 0.01, amsgrad: true, decoupled: false))
    }

    @Test func adamwDecoupledDecay() throws {
        try check("AdamW", { try AdamW($0, lr: 0.05, weightDecay: 0.1) }, adamRule(lr: 0.05, wd: 0.1, amsgrad: false, decoupled: true))
        try check("AdamW amsgrad", { try AdamW($0, lr: 0.05, weightDecay: 0.1, amsgrad: true) },
                  adamRule(lr: 0.05, wd: 0.1, amsgrad: true, decoupled: true))
        // decoupled decay differs from L2 decay of the same strength
        let l2 = Self.reference(adamRule(lr: 0.05, wd: 0.1, amsgrad: false, decoupled: false))
        let dec = Self.reference(adamRule(lr: 0.05, wd: 0.1, amsgrad: false, decoupled: true))
        #expect(abs(l2 - dec) > 1e-6)
    }
}
