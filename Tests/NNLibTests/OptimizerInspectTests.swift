import Foundation
import Testing
import NNTensor
@testable import NNLib

/// `Optimizer.inspect`: σ is the very number each update divides by, bit for
/// bit, in float32 and float64, at every step; `effective_lr = η/σ` times
/// the direction the update uses reproduces the step to rounding.
@Suite struct OptimizerInspectTests {
    /// θ0 and the curvatures of `L(θ) = Σ c_i θ_i²` (gradients of varied size
    /// and sign): 19 elements, so the updates' eight-lane loop runs twice and
    /// its scalar tail three times.
    static let theta0: [Double] = (0..<19).map { (i: Int) -> Double in
        let base: [Double] = [1, -2, 0.5, 3, -0.25, 1e-3]
        return base[i % 6] * (1 + Double(i) / 7)
    }
    static let c: [Double] = (0..<19).map { (i: Int) -> Double in
        let base: [Double] = [1, 3, 0.01, 100, 7, 0.5]
        return base[i % 6] * (1 + Double(i % 5) / 3)
    }

    /// One step's record: θ before and after, the gradient, the inspection after.
    struct Step<T: TensorScalar> {
        let old: [T], new: [T], grad: [T]
        let state: ParameterInspection
        func array(_ t: Tensor) -> [T] { T.array(in: t.storage) ?? [] }
        var sigma: [T] { array(state.sigma) }
        var effective: [T] { array(state.effectiveLR) }
        func buffer(_ n: String) -> [T] { state.buffers.first { $0.name == n }.map { array($0.tensor) } ?? [] }
    }

    func run<T: TensorScalar>(_ type: T.Type, steps: Int = 4, _ make: ([Tensor]) throws -> Optimizer) throws -> [Step<T>] {
        let theta = try Tensor(shape: [Self.theta0.count], values: Self.theta0, dtype: T.dtype).requiringGrad()
        let c = try Tensor(shape: [Self.c.count], values: Self.c, dtype: T.dtype)
        let opt = try make([theta])
        #expect(throws: TensorError.self) { try opt.inspect(0) }
        #expect(try opt.inspect(lr: nil).allSatisfy { $0 == nil })
        var out: [Step<T>] = []
        for _ in 0..<steps {
            opt.zeroGrad()
            try (c * theta * theta).sum().backward()
            let old = T.array(in: theta.storage) ?? []
            let g = T.array(in: try #require(theta.grad).storage) ?? []
            try opt.step()
            out.append(Step(old: old, new: T.array(in: theta.storage) ?? [], grad: g, state: try opt.inspect(0)))
        }
        #expect(throws: TensorError.self) { try opt.inspect(1) }
        return out
    }

    /// `θ_new == θ_old - T(η) * g / σ` bit for bit (Adagrad's arrangement;
    /// RMSProp's is `θ_old - T(η) * (g / σ)`), and `θ_old - (η/σ) * g` within 4 ulps.
    func expectDividesBySigma<T: TensorScalar>(_ steps: [Step<T>], _ label: String, rateFirst: Bool = true) {
        for (k, s) in steps.enumerated() {
            let eta = T(s.state.lr)
            for i in s.old.indices {
                let exact = rateFirst ? s.old[i] - eta * s.grad[i] / s.sigma[i] : s.old[i] - eta * (s.grad[i] / s.sigma[i])
                #expect(exact == s.new[i], "\(label) step \(k + 1) coord \(i): \(exact) vs \(s.new[i])")
                let viaRate = s.old[i] - s.effective[i] * s.grad[i]
                #expect(abs(viaRate - s.new[i]) <= 4 * s.new[i].ulp + 4 * s.old[i].ulp, "\(label) effective_lr step \(k + 1) coord \(i)")
                #expect(s.effective[i] == eta / s.sigma[i])
            }
        }
    }

    @Test func adagradSigmaIsItsDivisor() throws {
        expectDividesBySigma(try run(Float.self) { try Adagrad($0, lr: 0.1) }, "Adagrad f32")
        expectDividesBySigma(try run(Double.self) { try Adagrad($0, lr: 0.1) }, "Adagrad f64")
        let decayed = try run(Double.self) { try Adagrad($0, lr: 0.1, lrDecay: 0.5, initialAccumulatorValue: 0.2) }
        expectDividesBySigma(decayed, "Adagrad lr_decay")
        #expect(decayed[2].state.lr == 0.1 / (1 + 2 * 0.5))
        // Adagrad's σ never shrinks: the sum only grows.
        for (a, b) in zip(decayed, decayed.dropFirst()) {
            #expect(zip(a.sigma, b.sigma).allSatisfy { $0 <= $1 })
        }
    }

    @Test func rmspropSigmaIsItsDivisor() throws {
        expectDividesBySigma(try run(Float.self) { try RMSProp($0, lr: 0.01) }, "RMSProp f32", rateFirst: false)
        expectDividesBySigma(try run(Double.self) { try RMSProp($0, lr: 0.01, centered: true) }, "RMSProp centred", rateFirst: false)
        // With momentum the buffer accumulates g / σ: b = μ b + g / σ, θ -= lr b.
        let steps = try run(Float.self) { try RMSProp($0, lr: 0.01, momentum: 0.9) }
        var b = [Float](repeating: 0, count: Self.c.count)
        for s in steps {
            for i in b.indices {
                b[i] = 0.9 * b[i] + s.grad[i] / s.sigma[i]
                #expect(b[i] == s.buffer("momentum_buffer")[i])
                #expect(s.old[i] - 0.01 * b[i] == s.new[i])
            }
        }
    }

    /// Adam: `θ_new == θ_old - T(lr / (1 - β1^t)) * m / σ` bit for bit (PyTorch's arrangement).
    @Test(arguments: [false, true]) func adamSigmaIsItsDivisor(amsgrad: Bool) throws {
        func check<T: TensorScalar>(_ steps: [Step<T>]) {
            for (k, s) in steps.enumerated() {
                let (bc1, bc2) = s.state.biasCorrections ?? (.nan, .nan)
                #expect(bc1 == 1 - pow(0.9, Double(k + 1)) && bc2 == 1 - pow(0.999, Double(k + 1)))
                let m = s.buffer("exp_avg"), stepSize = T(0.01 / bc1)
                for i in s.old.indices {
                    #expect(s.old[i] - stepSize * m[i] / s.sigma[i] == s.new[i], "Adam step \(k + 1) coord \(i)")
                    let mHat = m[i] / T(bc1)
                    #expect(abs(s.old[i] - s.effective[i] * mHat - s.new[i]) <= 8 * s.old[i].ulp + 8 * s.new[i].ulp)
                }
            }
        }
        check(try run(Float.self) { try Adam($0, lr: 0.01, amsgrad: amsgrad) })
        check(try run(Double.self) { try Adam($0, lr: 0.01, amsgrad: amsgrad) })
    }

    @Test func sgdDividesByOne() throws {
        let steps = try run(Double.self) { try SGD($0, lr: 0.05, momentum: 0.9) }
        for s in steps {
            #expect(s.sigma.allSatisfy { $0 == 1 })
            #expect(s.effective.allSatisfy { $0 == 0.05 })
            #expect(s.buffer("momentum_buffer").count == Self.c.count)
        }
    }

    /// The rate can be given (fit passes the one the last step used).
    @Test func givenRate() throws {
        let theta = try Tensor(shape: [2], values: [1, 2], dtype: .float64).requiringGrad()
        let opt = try Adagrad([theta], lr: 0.1)
        try (theta * theta).sum().backward()
        try opt.step()
        opt.lr = 0.5
        let now = try opt.inspect(0), then = try opt.inspect(0, lr: 0.1)
        #expect(now.lr == 0.5 && then.lr == 0.1)
        #expect(now.sigma.doubles == then.sigma.doubles)
    }
}
