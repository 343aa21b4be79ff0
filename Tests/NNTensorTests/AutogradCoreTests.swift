import Testing
@testable import NNTensor

@Suite struct AutogradCoreTests {
    @Test func backwardAccumulatesIntoLeaves() throws {
        let x = try Tensor(shape: [3], values: [1, 2, 3], dtype: .float64).requiringGrad()
        let y = try (x * x * x).sum()
        try y.backward(retainGraph: true)
        #expect(x.grad?.doubles == [3, 12, 27])
        try y.backward()
        #expect(x.grad?.doubles == [6, 24, 54], "a second backward accumulates")
        #expect(throws: TensorError.self, "a third pass through a graph the second one consumed") { try y.backward() }
        let z = try (x * 2).sum()
        try z.backward()
        #expect(x.grad?.doubles == [8, 26, 56], "a new graph accumulates into the same leaves")
    }

    @Test func doubleBackwardGivesHessianVectorProduct() throws {
        // f(x) = Σ x³ ; ∇f = 3x² ; H v = 6 x ⊙ v
        let x = try Tensor(shape: [3], values: [1, 2, 3], dtype: .float64).requiringGrad()
        let v = try Tensor(shape: [3], values: [1, -1, 0.5], dtype: .float64)
        let f = try (x * x * x).sum()
        let g = try Tensor.gradients(of: f, wrt: [x], createGraph: true)[0]
        #expect(g.doubles == [3, 12, 27])
        let hv = try Tensor.gradients(of: try (g * v).sum(), wrt: [x])[0]
        #expect(hv.doubles == [6, -12, 9])
        #expect(x.grad == nil, "gradients(of:wrt:) leaves .grad alone")
    }

    @Test func broadcastGradientIsSummedToTheOperandShape() throws {
        let a = try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6], dtype: .float64).requiringGrad()
        let b = try Tensor(shape: [3], values: [10, 20, 30], dtype: .float64).requiringGrad()
        let y = try (a * b).sum()
        try y.backward()
        #expect(b.grad?.shape == [3])
        #expect(b.grad?.doubles == [5, 7, 9])
        #expect(a.grad?.doubles == [10, 20, 30, 10, 20, 30])
    }

    @Test func noGradRecordsNothing() throws {
        let x = try Tensor(shape: [2], values: [1, 2]).requiringGrad()
        let y = try GradMode.noGrad { try x * x }
        #expect(!y.isTracked)
        #expect(GradMode.isEnabled)
    }

    @Test func millionNodeChainIsBuiltDifferentiatedAndFreed() throws {
        let x = Tensor(scalar: 1, dtype: .float64).requiringGrad()
        var y = x
        for _ in 0..<1_000_000 { y = try y + 1e-6 }
        try y.backward()
        #expect(x.grad?.doubles == [1])
        y = x  // drops the whole chain; must not overflow the stack
        #expect(y === x)
    }

    @Test func misuseThrowsWithShapes() throws {
        let a = try Tensor.zeros([2, 3]); let b = try Tensor.zeros([4])
        #expect(throws: TensorError(op: "add", "shapes [2, 3] and [4] cannot be broadcast together (3 != 4 at dimension 1)")) { try a + b }
        #expect(throws: TensorError.self) { try Tensor.zeros([1 << 20, 1 << 20]) }
    }
}
