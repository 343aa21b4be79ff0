import Testing
@testable import NNTensor

/// `t[i] = v` (`Tensor.writeIndexed`) is recorded when a tracked tensor is
/// involved, as PyTorch's in-place `index_put_`; it used to copy the numbers
/// only, dropping the gradient silently.
@Suite struct IndexWriteTests {
    func vector(_ values: [Double]) throws -> Tensor {
        try Tensor(shape: [values.count], values: values, dtype: .float64)
    }

    @Test func writtenValueGetsTheGradient() throws {
        let x = try vector([3, 4]).requiringGrad()
        let y = try vector([0, 0, 0])
        try y.writeIndexed([.index(0)], value: try x[.index(1)] * 2)
        try y.writeIndexed([.array(shape: [2], values: [1, 2])], value: try x[.index(0)] * x[.index(0)])
        #expect(y.doubles == [8, 9, 9])
        try (y * (try vector([1, 10, 100]))).sum().backward()
        #expect(x.grad?.doubles == [660, 2])
    }

    @Test func opsThatReadTheTensorBeforeKeepItsOldState() throws {
        // y = x * 1; y[1] = y[2] * 3 reads the old y[2]; sum(y²) = x0² + 9 x2² + x2²
        let x = try vector([1, 2, 3]).requiringGrad()
        let y = try x * 1
        try y.writeIndexed([.index(1)], value: try y[.index(2)] * 3)
        #expect(y.doubles == [1, 9, 3])
        try (y * y).sum().backward()
        #expect(x.grad?.doubles == [2, 0, 60])
    }

    @Test func aRecurrenceDifferentiatesThroughEachStep() throws {
        // s[i] = s[i - 1] * w, s[0] = 1: s[3] = w³
        let w = try Tensor(shape: [], values: [1.5], dtype: .float64).requiringGrad()
        let s = try vector([0, 0, 0, 0])
        try s.writeIndexed([.index(0)], value: 1)
        for i in 1..<4 { try s.writeIndexed([.index(i)], value: try s[.index(i - 1)] * w) }
        try s[.index(3)].backward()
        #expect(abs((w.grad?.doubles[0] ?? 0) - 6.75) < 1e-12)
    }

    @Test func aTrackedValueIntoAParameterIsRefused() throws {
        let p = try vector([1, 2]).requiringGrad()
        let q = try vector([3]).requiringGrad()
        try p.writeIndexed([.index(0)], value: 5)
        #expect(p.doubles == [5, 2], "a number is a plain update")
        #expect(throws: TensorError.self) { try p.writeIndexed([.index(1)], value: try q[.index(0)] * 2) }
        #expect(p.doubles == [5, 2])
    }
}
