import Foundation
import Testing
import NNTensor
@testable import NNLib

/// Three steps of each optimizer on `L(θ) = Σ c_i θ_i²` (so `∇ = 2 c θ`),
/// from `θ = [1, -2]` with `c = [1, 3]`, in Float64, against the published
/// update rule evaluated by hand, one coordinate at a time.
@Suite struct OptimizerStepTests {
    static let c: [Double] = [1, 3]

    /// Runs `steps` optimizer steps and returns θ after each.
    func trajectory(_ make: ([Tensor]) throws -> Optimizer, steps: Int = 3) throws -> [[Double]] {
        let theta = try Tensor(shape: [2], values: [1, -2], dtype: .float64).requiringGrad()
        let c = try Tensor(shape: [2], values: Self.c, dtype: .float64)
        let opt = try make([theta])
        var out: [[Double]] = []
        for _ in 0..<steps {
            opt.zeroGrad()
            try (c * theta * theta).sum().backward()
            try opt.step()
            out.append(theta.doubles)
        }
        return out
    }

    /// The same three steps from a scalar rule `(θ, g, t) -> θ'`, applied per coordinate.
    func byHand(_ rule: (_ coord: Int) -> (Double, Double, Int) -> Double) -> [[Double]] {
        var theta = [1.0, -2.0]
        let rules = (0..<2).map { rule($0) }
        var out: [[Double]] = []
        for t in 1...3 {
            for i in 0..<2 { theta[i] = rules[i](theta[i], 2 * Self.c[i] * theta[i], t) }
            out.append(theta)
        }
        return out
    }

    func expectClose(_ a: [[Double]], _ b: [[Double]], tol: Double = 1e-12) {
        for (x, y) in zip(a.joined(), b.joined()) {
            #expect(abs(x - y) <= tol * max(1, abs(y)), "\(a) vs \(b)")
        }
    }

    @Test func sgdPlainIsGradientTimesLr() throws {
        // θ0 = 1, g = 2θ: 1 → 1 - 0.1·2 = 0.8 → 0.64 → 0.512 ; θ1 = -2, g = 6θ: -2 → -0.8 → -0.32 → -0.128
        let got = try trajectory { try SGD($0, lr: 0.1) }
        expectClose(got, [[0.8, -0.8], [0.64, -0.32], [0.512, -0.128]])
    }

    @Test func sgdMomentumFirstBufferIsTheGradient() throws {
        // coordinate 0: g=2, b=2, θ=0.8; g=1.6, b=0.9·2+1.6=3.4, θ=0.46; g=0.92, b=3.98, θ=0.062
        let got = try trajectory { try SGD($0, lr: 0.1, momentum: 0.9) }
        #expect(abs(got[0][0] - 0.8) < 1e-12 && abs(got[1][0] - 0.46) < 1e-12 && abs(got[2][0] - 0.062) < 1e-12)
    }

    @Test func sgdWithDampeningNesterovAndWeightDecay() throws {
        let damp = try trajectory { try SGD($0, lr: 0.05, momentum: 0.8, dampening: 0.3, weightDecay: 0.1) }
        expectClose(damp, byHand { _ in
            var b = 0.0
            return { th, grad, t in
                let g = grad + 0.1 * th
                b = t == 1 ? g : 0.8 * b + (1 - 0.3) * g
                return th - 0.05 * b
            }
        })
        let nesterov = try trajectory { try SGD($0, lr: 0.05, momentum: 0.9, weightDecay: 0.01, nesterov: true) }
        expectClose(nesterov, byHand { _ in
            var b = 0.0
            return { th, grad, t in
                let g = grad + 0.01 * th
                b = t == 1 ? g : 0.9 * b + g
                return th - 0.05 * (g + 0.9 * b)
            }
        })
    }

    @Test func adagradAccumulatesSquaredGradients() throws {
        // coordinate 0 by hand: g=2, s=0.1+4=4.1, θ = 1 - 0.5·2/√4.1
        let got = try trajectory { try Adagrad($0, lr: 0.5, lrDecay: 0.1, weightDecay: 0.05, initialAccumulatorValue: 0.1, eps: 1e-10) }
        #expect(abs(got[0][0] - (1 - 0.5 * (2 + 0.05) / ((0.1 + 2.05 * 2.05).squareRoot() + 1e-10))) < 1e-12)
        expectClose(got, byHand { _ in
            var s = 0.1
            return { th, grad, t in
                let lr = 0.5 / (1 + Double(t - 1) * 0.1)
                let g = grad + 0.05 * th
                s += g * g
                return th - lr * g / (s.squareRoot() + 1e-10)
            }
        })
    }

    @Test func rmspropPlainCenteredAndMomentum() throws {
        for (centered, momentum, wd) in [(false, 0.0, 0.0), (true, 0.0, 0.0), (false, 0.9, 0.1), (true, 0.5, 0.01)] {
            let got = try trajectory { try RMSProp($0, lr: 0.01, alpha: 0.9, eps: 1e-8, weightDecay: wd, momentum: momentum, centered: centered) }
            expectClose(got, byHand { _ in
                var v = 0.0, gAvg = 0.0, b = 0.0
                return { th, grad, _ in
                    let g = grad + wd * th
                    v = 0.9 * v + 0.1 * g * g
                    var vt = v
                    if centered { gAvg = 0.9 * gAvg + 0.1 * g; vt = v - gAvg * gAvg }
                    if momentum > 0 { b = momentum * b + g / (vt.squareRoot() + 1e-8); return th - 0.01 * b }
                    return th - 0.01 * g / (vt.squareRoot() + 1e-8)
                }
            })
        }
        // First plain step by hand: v = 0.1 g², so θ moves by lr·g/√(0.1 g²) = 0.01·√10 against the gradient's sign.
        let first = try trajectory({ try RMSProp($0, lr: 0.01, alpha: 0.9, eps: 0) }, steps: 1)
        expectClose(first, [[1 - 0.01 * 10.0.squareRoot(), -2 + 0.01 * 10.0.squareRoot()]])
    }

    @Test func adamFirstStepMovesByLr() throws {
        // m̂ = g and v̂ = g² at t = 1, so θ moves by lr·g/(|g| + eps) ≈ lr.
        let got = try trajectory({ try Adam($0, lr: 0.1, eps: 0) }, steps: 1)
        expectClose(got, [[0.9, -1.9]])
    }

    @Test func adamAmsgradAndL2Decay() throws {
        for (amsgrad, wd) in [(false, 0.0), (true, 0.0), (false, 0.1), (true, 0.2)] {
            let got = try trajectory { try Adam($0, lr: 0.1, betas: (0.8, 0.9), eps: 1e-8, weightDecay: wd, amsgrad: amsgrad) }
            expectClose(got, byHand { _ in
                var m = 0.0, v = 0.0, vMax = 0.0
                return { th, grad, t in
                    let g = grad + wd * th
                    m = 0.8 * m + 0.2 * g
                    v = 0.9 * v + 0.1 * g * g
                    vMax = max(vMax, v)
                    let mHat = m / (1 - pow(0.8, Double(t)))
                    let vHat = (amsgrad ? vMax : v) / (1 - pow(0.9, Double(t)))
                    return th - 0.1 * mHat / (vHat.squareRoot() + 1e-8)
                }
            })
        }
    }

    @Test func adamwDecaysTheParameterNotTheGradient() throws {
        for amsgrad in [false, true] {
            let got = try trajectory { try AdamW($0, lr: 0.1, betas: (0.8, 0.9), eps: 1e-8, weightDecay: 0.5, amsgrad: amsgrad) }
            expectClose(got, byHand { _ in
                var m = 0.0, v = 0.0, vMax = 0.0
                return { th, g, t in
                    let shrunk = th * (1 - 0.1 * 0.5)
                    m = 0.8 * m + 0.2 * g
                    v = 0.9 * v + 0.1 * g * g
                    vMax = max(vMax, v)
                    let mHat = m / (1 - pow(0.8, Double(t)))
                    let vHat = (amsgrad ? vMax : v) / (1 - pow(0.9, Double(t)))
                    return shrunk - 0.1 * mHat / (vHat.squareRoot() + 1e-8)
                }
            })
        }
    }

    @Test func parametersWithoutGradAreSkippedAndKeepTheirStepCount() throws {
        let a = try Tensor(shape: [1], values: [1], dtype: .float64).requiringGrad()
        let b = try Tensor(shape: [1], values: [5], dtype: .float64).requiringGrad()
        let opt = try Adam([a, b], lr: 0.1)
        try (a * a).sum().backward()
        try opt.step()
        #expect(b.doubles == [5])
        #expect(opt.stepCounts == [1, 0])
    }

    @Test func lrIsSettableAndUsedByTheNextStep() throws {
        let p = try Tensor(shape: [1], values: [1], dtype: .float64).requiringGrad()
        let opt = try SGD([p], lr: 0.1)
        opt.lr = 0.5
        try (p * p).sum().backward()
        try opt.step()
        #expect(p.doubles == [0])
    }

    @Test func optimizersPrintTheirSettings() throws {
        let p = try Tensor(shape: [1], values: [1]).requiringGrad()
        #expect(try Adam([p]).description == "Adam(lr: 0.001, betas: [0.9, 0.999], eps: 1e-08, weight_decay: 0.0, amsgrad: false; 1 parameter)")
        #expect(try SGD([p], lr: 0.1, momentum: 0.9).description.hasPrefix("SGD(lr: 0.1, momentum: 0.9"))
    }

    @Test func float32ParametersStayFloat32() throws {
        let p = try Tensor(shape: [2], values: [1, -2]).requiringGrad()
        let opt = try Adam([p], lr: 0.1)
        try (p * p).sum().backward()
        try opt.step()
        #expect(p.dtype == .float32)
        #expect(abs(p.doubles[0] - 0.9) < 1e-6)
    }

    @Test func badHyperparametersAreRefusedAtConstruction() throws {
        let p = try Tensor(shape: [1], values: [1]).requiringGrad()
        #expect(throws: TensorError(op: "SGD", "invalid lr -1.0: must be >= 0")) { try SGD([p], lr: -1) }
        #expect(throws: TensorError.self) { try SGD([p], lr: 0.1, nesterov: true) }
        #expect(throws: TensorError.self) { try SGD([p], lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true) }
        #expect(throws: TensorError(op: "Adam", "invalid beta1 1.0: must be in [0, 1)")) { try Adam([p], betas: (1, 0.999)) }
        #expect(throws: TensorError.self) { try RMSProp([p], alpha: 1.5) }
        #expect(throws: TensorError.self) { try Adagrad([p], eps: -1) }
        #expect(throws: TensorError.self) { try AdamW([p], lr: .nan) }
        #expect(throws: TensorError.self) { try SGD([], lr: 0.1) }
        #expect(throws: TensorError.self) { try SGD([p, p], lr: 0.1) }
        let nonLeaf = try p * 2
        #expect(throws: TensorError.self) { try SGD([nonLeaf], lr: 0.1) }
    }
}
