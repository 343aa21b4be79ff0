import Foundation
import Testing
@testable import NNTensor

/// A Float64 tensor (a vector unless `shape` is given).
private func t(_ values: [Double], _ shape: [Int]? = nil) throws -> Tensor {
    try Tensor(shape: shape ?? [values.count], values: values, dtype: .float64)
}

private func near(_ a: [Double], _ b: [Double], _ tol: Double = 1e-12) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tol * max(1, abs($1)) }
}

@Suite struct TransformTests {
    /// The lecture's loss `L(w) = (1 - w0 * w1)^2` (one datum x = 1, y = 1).
    static func lectureLoss(_ w: Tensor) throws -> Tensor {
        let r = try 1 - w[0] * w[1]
        return try r * r
    }

    @Test func hessianOfLectureLossAtTheSaddle() throws {
        let h = try Autodiff.hessian(Self.lectureLoss, at: t([0, 0]))
        #expect(h.shape == [2, 2])
        #expect(h.doubles == [0, -2, -2, 0])
    }

    @Test func hessianOfLectureLossAwayFromTheSaddle() throws {
        // ∂²L/∂w0² = 2 w1², ∂²L/∂w1² = 2 w0², ∂²L/∂w0∂w1 = 4 w0 w1 - 2.
        // At (1, 2): [[8, 6], [6, 2]].
        let h = try Autodiff.hessian(Self.lectureLoss, at: t([1, 2]))
        #expect(h.doubles == [8, 6, 6, 2])
    }

    @Test func gradientOfLectureLoss() throws {
        // ∂L/∂w0 = -2 w1 (1 - w0 w1) = -2·2·(1-2) = 4 ; ∂L/∂w1 = -2 w0 (1 - w0 w1) = 2.
        let (value, g) = try Autodiff.valueAndGrad(Self.lectureLoss, at: t([1, 2]))
        #expect(try value.item() == 1)
        #expect(g.doubles == [4, 2])
        #expect(!g.isTracked && !value.isTracked, "a top-level transform returns constants")
    }

    @Test func thirdDerivativeOfQuarticByNestedGrads() throws {
        // d³/dx³ x⁴ = 24 x.
        func f(_ x: Tensor) throws -> Tensor { try x * x * x * x }
        let d3 = { (x: Tensor) in
            try Autodiff.grad({ x in try Autodiff.grad({ x in try Autodiff.grad(f, at: x) }, at: x) }, at: x)
        }
        for x in [-1.5, 0.5, 2.0] {
            #expect(abs(try d3(Tensor(scalar: x, dtype: .float64)).item() - 24 * x) < 1e-12)
        }
    }

    @Test func hvpEqualsHessianTimesVector() throws {
        // f(x) = (Σ x³)(Σ x) + Σ x / (1 + x²): a dense, non-trivial Hessian.
        func f(_ x: Tensor) throws -> Tensor {
            try (x * x * x).sum() * x.sum() + (x / (x * x + 1)).sum()
        }
        let x = try t([0.3, -1.2, 0.8, 2.0])
        let v = try t([1, -0.5, 0.25, 2])
        let h = try Autodiff.hessian(f, at: x).doubles
        let hv = try Autodiff.hvp(f, at: x, v: v)
        let n = 4
        let expected = (0..<n).map { i in (0..<n).reduce(0.0) { $0 + h[i * n + $1] * v.doubles[$1] } }
        #expect(hv.shape == [4])
        #expect(near(hv.doubles, expected, 1e-12))
    }

    @Test func hessiansAreSymmetricInFloat64() throws {
        func f(_ x: Tensor) throws -> Tensor {
            let s = try (x * x).sum()
            return try s * s / (x.sum() * x.sum() + 1) + (x * x * x).sum() * x[0, 0]
        }
        let x = try t([0.7, -0.3, 1.1, 0.2, -0.9, 0.4], [2, 3])
        let h = try Autodiff.hessian(f, at: x)
        #expect(h.shape == [2, 3, 2, 3])
        let d = h.doubles
        for i in 0..<6 { for j in 0..<6 { #expect(abs(d[i * 6 + j] - d[j * 6 + i]) <= 1e-10) } }
    }

    @Test func jacobianOfElementwiseFunctionIsDiagonal() throws {
        // f(x) = x³ elementwise: J = diag(3 x²).
        let x = try t([1, -2, 0.5])
        let j = try Autodiff.jacobian({ try $0 * $0 * $0 }, at: x)
        #expect(j.shape == [3, 3])
        #expect(j.doubles == [3, 0, 0, 0, 12, 0, 0, 0, 0.75])
    }

    @Test func jacobianShapeIsOutputThenInput() throws {
        // f(x) = x (outer) 1: f[i, k] = x[i] for a [2] input and [2, 3] output.
        let x = try t([1, 2])
        let j = try Autodiff.jacobian({ try $0.reshape([2, 1]).expand([2, 3]) }, at: x)
        #expect(j.shape == [2, 3, 2])
        #expect(j.doubles == [1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1])
    }

    @Test func jacobianOfGradientIsTheHessian() throws {
        let x = try t([0.5, 1.5])
        let viaJacobian = try Autodiff.jacobian({ try Autodiff.grad(Self.lectureLoss, at: $0) }, at: x)
        let direct = try Autodiff.hessian(Self.lectureLoss, at: x)
        #expect(near(viaJacobian.doubles, direct.doubles))
        // By hand at (0.5, 1.5): [[2·1.5², 4·0.75 - 2], [1, 2·0.25]] = [[4.5, 1], [1, 0.5]].
        #expect(near(direct.doubles, [4.5, 1, 1, 0.5]))
    }

    @Test func gradientOfAHessianIsExact() throws {
        // f(x) = Σ x⁴: H = diag(12 x²), Σ H = 12 Σ x², whose gradient is 24 x.
        let x = try t([1, -2, 0.5])
        let g = try Autodiff.grad({ x in
            try Autodiff.hessian({ x in try (x * x * x * x).sum() }, at: x).sum()
        }, at: x)
        #expect(near(g.doubles, [24, -48, 12]))
    }

    @Test func nestedTransformsDoNotConfuseTheirVariables() throws {
        // f(x) = x · (d/dy (x·y) at y = x) = x · x, so f'(x) = 2x. Using x
        // itself as the inner variable would wrongly give d/dx (x · 2x) = 4x.
        let g = try Autodiff.grad({ x in
            try x * Autodiff.grad({ y in try x * y }, at: x)
        }, at: Tensor(scalar: 3, dtype: .float64))
        #expect(try g.item() == 6)
    }

    @Test func closedOverTensorsStayDifferentiable() throws {
        // inner(y) = d/dx Σ (x ⊙ y) = y, with x a constant and y closed over,
        // so d/dy Σ inner(y) = 1 for every element.
        let x0 = try t([2, 3])
        let g = try Autodiff.grad({ y in
            try Autodiff.grad({ x in try (x * y).sum() }, at: x0).sum()
        }, at: t([5, 7]))
        #expect(g.doubles == [1, 1])
        // The inner call on its own returns y itself, still differentiable in y.
        let y = try t([5, 7]).requiringGrad()
        let inner = try Autodiff.grad({ x in try (x * y).sum() }, at: x0)
        #expect(inner.doubles == [5, 7] && inner.isTracked)
        #expect(try Tensor.gradients(of: inner.sum(), wrt: [y])[0].doubles == [1, 1])
    }

    @Test func resultsOfNestedCallsAreConstantsAtTopLevel() throws {
        // The inner stand-in leaf is private to the inner call; once it has
        // returned, the outer call sees no outside variable and records nothing.
        let g = try Autodiff.grad({ y in
            try Autodiff.grad({ x in try (x * y).sum() }, at: t([2, 3])).sum() * y.sum()
        }, at: t([5, 7]))
        // f(y) = (Σ y)², f' = 2 Σ y = 24.
        #expect(g.doubles == [24, 24])
        #expect(!g.isTracked)
    }

    @Test func vjpContractsTheCotangent() throws {
        // f(x) = x² elementwise; uᵀ J = 2 x ⊙ u.
        let (value, g) = try Autodiff.vjp({ try $0[0] * $0[0] }, at: [t([1, 2, 3])], cotangent: t([1, 0.5, -1]))
        #expect(value.doubles == [1, 4, 9])
        #expect(g[0].doubles == [2, 2, -6])
    }

    @Test func severalInputsGiveOneGradientEach() throws {
        // f(a, b) = Σ a ⊙ b²: ∂a = b², ∂b = 2 a ⊙ b.
        let g = try Autodiff.grad({ try ($0[0] * $0[1] * $0[1]).sum() }, at: [t([1, 2]), t([3, -1])])
        #expect(g[0].doubles == [9, 1])
        #expect(g[1].doubles == [6, -4])
    }

    @Test func flatHessianOfSeveralInputs() throws {
        // f(a, b) = Σ a ⊙ b with a, b of shape [2]: H = [[0, I], [I, 0]].
        let h = try Autodiff.hessian({ try ($0[0] * $0[1]).sum() }, at: [t([1, 2]), t([3, 4])])
        #expect(h.shape == [4, 4])
        #expect(h.doubles == [0, 0, 1, 0,  0, 0, 0, 1,  1, 0, 0, 0,  0, 1, 0, 0])
        let ranges = Autodiff.flatRanges([try t([1, 2]), try t([3, 4, 5], [3, 1])])
        #expect(ranges == [0..<2, 2..<5])
    }

    @Test func hessianAndHvpWithRespectToParametersInPlace() throws {
        // L = (1 - w1 w2)² with two 0-d parameters, as a model would hold them.
        let w1 = Tensor(scalar: 0, dtype: .float64), w2 = Tensor(scalar: 0, dtype: .float64).requiringGrad()
        func loss() throws -> Tensor { let r = try 1 - w1 * w2; return try r * r }
        let h = try Autodiff.hessian(of: loss, wrt: [w1, w2])
        #expect(h.doubles == [0, -2, -2, 0])
        #expect(!w1.requiresGrad && w2.requiresGrad, "requiresGrad flags are restored")
        let hv = try Autodiff.hvp(of: loss, wrt: [w1, w2], v: [Tensor(scalar: 1, dtype: .float64), Tensor(scalar: 1, dtype: .float64)])
        #expect(hv.map { $0.doubles } == [[-2], [-2]])
    }

    @Test func transformsWorkInsideNoGrad() throws {
        let h = try GradMode.noGrad { try Autodiff.hessian(Self.lectureLoss, at: t([0, 0])) }
        #expect(h.doubles == [0, -2, -2, 0])
        #expect(!h.isTracked)
    }

    @Test func float32Works() throws {
        let x = try Tensor(shape: [2], values: [1, 2])
        let g = try Autodiff.grad({ try ($0 * $0).sum() }, at: x)
        #expect(g.dtype == .float32 && g.floats == [2, 4])
    }

    @Test func hessianOfMeanCrossEntropyInTheLogits() throws {
        // L(z) = -(1/N) Σ_n log softmax(z_n)[y_n]. Per sample the Hessian
        // block is (diag(p_n) - p_n p_nᵀ) / N; samples do not interact.
        let z = try t([0.5, -1, 2, 0, 0.3, -0.7], [2, 3])
        let onehot = try t([0, 0, 1, 1, 0, 0], [2, 3])
        let h = try Autodiff.hessian({ z in try -(z.logSoftmax(axis: 1) * onehot).sum() / 2 }, at: z)
        #expect(h.shape == [2, 3, 2, 3])
        let zs = z.doubles
        var expected = [Double](repeating: 0, count: 36)
        for n in 0..<2 {
            let e = (0..<3).map { Foundation.exp(zs[n * 3 + $0]) }
            let p = e.map { $0 / e.reduce(0, +) }
            for i in 0..<3 { for j in 0..<3 {
                expected[(n * 3 + i) * 6 + n * 3 + j] = ((i == j ? p[i] : 0) - p[i] * p[j]) / 2
            } }
        }
        #expect(near(h.doubles, expected, 1e-12))
    }

    @Test func hvpMatchesHessianMatmulForATanhModel() throws {
        // f(w) = Σ tanh(X w)²: a small regression model's loss in its weights.
        let X = try t([0.2, -0.4, 1.0, 0.5, 0.3, -0.8, -0.1, 0.9, 0.6, 0.7, -0.5, 0.2], [4, 3])
        func f(_ w: Tensor) throws -> Tensor { let a = try X.matmul(w).tanh(); return try (a * a).sum() }
        let w = try t([0.3, -0.2, 0.5])
        let v = try t([1, 2, -1])
        let h = try Autodiff.hessian(f, at: w)
        let expected = try h.matmul(v)
        #expect(near(try Autodiff.hvp(f, at: w, v: v).doubles, expected.doubles, 1e-12))
        for i in 0..<3 { for j in 0..<3 { #expect(abs(h.doubles[i * 3 + j] - h.doubles[j * 3 + i]) <= 1e-10) } }
    }

    @Test func jacobianOfTanhIsDiagonalSech2() throws {
        let x = try t([0.5, -1, 2])
        let j = try Autodiff.jacobian({ $0.tanh() }, at: x).doubles
        for a in 0..<3 { for b in 0..<3 {
            let th = Foundation.tanh(x.doubles[a])
            #expect(abs(j[a * 3 + b] - (a == b ? 1 - th * th : 0)) < 1e-15)
        } }
    }

    @Test func misuseThrows() throws {
        let x = try t([1, 2])
        #expect(throws: TensorError(op: "grad", "the function must return a one-element tensor, got shape [2]; use jacobian for other outputs, or reduce them to one number first (for example with sum)")) {
            try Autodiff.grad({ try $0 * $0 }, at: x)
        }
        #expect(throws: TensorError(op: "hvp", "direction shape [3] does not match the input shape [2]")) {
            try Autodiff.hvp({ try ($0 * $0).sum() }, at: x, v: t([1, 2, 3]))
        }
        #expect(throws: TensorError(op: "vjp", "cotangent shape [3] does not match the output shape [2]")) {
            try Autodiff.vjp({ try $0[0] * $0[0] }, at: [x], cotangent: t([1, 2, 3]))
        }
    }
}
