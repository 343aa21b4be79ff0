import Testing
@testable import NNTensor

@Suite struct ShapeTests {
    /// [[1, 2, 3], [4, 5, 6]]
    func m23() throws -> Tensor { try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6]) }

    @Test func transposeOfAMatrixSwapsRowsAndColumns() throws {
        let t = try m23().transpose(0, 1)
        #expect(t.shape == [3, 2])
        #expect(t.doubles == [1, 4, 2, 5, 3, 6])
        #expect(try m23().T.doubles == [1, 4, 2, 5, 3, 6])
        #expect(try m23().transpose(-1, -2).doubles == [1, 4, 2, 5, 3, 6])
    }

    @Test func bigTransposeUsesTilesAndStaysCorrect() throws {
        let r = 70, c = 45
        let x = try Tensor(shape: [r, c], values: (0..<(r * c)).map(Double.init), dtype: .float64)
        let t = x.T
        #expect(t.shape == [c, r])
        let v = t.doubles
        #expect((0..<c).allSatisfy { i in (0..<r).allSatisfy { j in v[i * r + j] == Double(j * c + i) } })
    }

    @Test func permuteOfThreeAxes() throws {
        // x[i][j][k] = 100 i + 10 j + k, shape [2, 3, 2]; permute([2, 0, 1]) gives y[k][i][j].
        var vals: [Double] = []
        for i in 0..<2 { for j in 0..<3 { for k in 0..<2 { vals.append(Double(100 * i + 10 * j + k)) } } }
        let x = try Tensor(shape: [2, 3, 2], values: vals)
        let y = try x.permute([2, 0, 1])
        #expect(y.shape == [2, 2, 3])
        #expect(y.doubles == [0, 10, 20, 100, 110, 120, 1, 11, 21, 101, 111, 121])
        #expect(try x.permute([0, 1, 2]) === x)
    }

    @Test func tReversesAllAxesAndMTSwapsTheLastTwo() throws {
        let x = try Tensor.zeros([2, 3, 4])
        #expect(x.T.shape == [4, 3, 2])
        #expect(try x.mT.shape == [2, 4, 3])
        let v = try Tensor(shape: [3], values: [1, 2, 3])
        #expect(v.T.doubles == [1, 2, 3])
        #expect(throws: TensorError(op: "mT", "expected a tensor of at least 2 dimensions, got shape [3]")) { try v.mT }
    }

    @Test func flattenMergesARangeOfAxes() throws {
        let x = try Tensor.zeros([2, 3, 4, 5])
        #expect(try x.flatten().shape == [120])
        #expect(try x.flatten(startAxis: 1).shape == [2, 60])
        #expect(try x.flatten(startAxis: 1, endAxis: 2).shape == [2, 12, 5])
        #expect(try Tensor(scalar: 3).flatten().shape == [1])
        #expect(throws: TensorError(op: "flatten", "start axis 2 comes after end axis 1 for a tensor of rank 4")) {
            try x.flatten(startAxis: 2, endAxis: 1)
        }
    }

    @Test func squeezeAndUnsqueeze() throws {
        let x = try Tensor.zeros([1, 3, 1, 2])
        #expect(try x.squeeze().shape == [3, 2])
        #expect(try x.squeeze(axes: [0]).shape == [3, 1, 2])
        #expect(try x.squeeze(axes: [-2]).shape == [1, 3, 2])
        #expect(throws: TensorError(op: "squeeze", "cannot squeeze axis 1 of shape [1, 3, 1, 2]: its size is 3, not 1")) {
            try x.squeeze(axes: [1])
        }
        // a 0-d tensor takes axis 0 and -1, as in PyTorch; others are out of range
        #expect(try Tensor(scalar: 1).squeeze(axes: [0]).shape == [])
        #expect(try Tensor(scalar: 1).squeeze(axes: [-1]).shape == [])
        #expect(throws: TensorError(op: "squeeze", "axis 1 is out of range for a tensor of rank 0")) {
            try Tensor(scalar: 1).squeeze(axes: [1])
        }
        #expect(try Tensor(scalar: 1).squeeze().shape == [])
        let v = try Tensor(shape: [3], values: [1, 2, 3])
        #expect(try v.unsqueeze(0).shape == [1, 3])
        #expect(try v.unsqueeze(-1).shape == [3, 1])
        #expect(try v.unsqueeze(1).shape == [3, 1])
        #expect(throws: TensorError(op: "unsqueeze", "axis 2 is out of range for a tensor of rank 2")) { try v.unsqueeze(2) }
    }

    @Test func concatJoinsAlongAnAxis() throws {
        let a = try m23()
        let b = try Tensor(shape: [2, 1], values: [7, 8])
        let c = try Tensor.concat([a, b], axis: 1)
        #expect(c.shape == [2, 4])
        #expect(c.doubles == [1, 2, 3, 7, 4, 5, 6, 8])
        let r = try Tensor.concat([a, try Tensor(shape: [1, 3], values: [9, 9, 9])], axis: 0)
        #expect(r.doubles == [1, 2, 3, 4, 5, 6, 9, 9, 9])
        #expect(try Tensor.concat([a, a], axis: -1).shape == [2, 6])
    }

    @Test func concatMisuseNamesTheShapes() throws {
        let a = try m23()
        #expect(throws: TensorError(op: "concat", "tensor 1 has shape [3, 3] but tensor 0 has shape [2, 3]; sizes must match except along axis 1")) {
            try Tensor.concat([a, try Tensor.zeros([3, 3])], axis: 1)
        }
        #expect(throws: TensorError(op: "concat", "expected at least one tensor")) { try Tensor.concat([], axis: 0) }
        #expect(throws: TensorError(op: "concat", "zero-dimensional tensors cannot be concatenated; use stack")) {
            try Tensor.concat([Tensor(scalar: 1), Tensor(scalar: 2)])
        }
        #expect(throws: TensorError(op: "concat", "dtypes float32 and float64 do not match; convert one with .to(\"float32\")")) {
            try Tensor.concat([a, try Tensor.zeros([2, 3], dtype: .float64)])
        }
        #expect(throws: TensorError(op: "concat", "axis 2 is out of range for a tensor of rank 2")) { try Tensor.concat([a, a], axis: 2) }
    }

    @Test func stackAddsANewAxis() throws {
        let a = try Tensor(shape: [2], values: [1, 2])
        let b = try Tensor(shape: [2], values: [3, 4])
        let s0 = try Tensor.stack([a, b])
        #expect(s0.shape == [2, 2])
        #expect(s0.doubles == [1, 2, 3, 4])
        let s1 = try Tensor.stack([a, b], axis: 1)
        #expect(s1.doubles == [1, 3, 2, 4])
        #expect(try Tensor.stack([Tensor(scalar: 1), Tensor(scalar: 2)]).doubles == [1, 2])
        #expect(throws: TensorError(op: "stack", "tensor 1 has shape [3] but tensor 0 has shape [2]; stacked tensors must have the same shape")) {
            try Tensor.stack([a, try Tensor.zeros([3])])
        }
    }

    @Test func permuteMisuseNamesTheAxes() throws {
        let x = try Tensor.zeros([2, 3])
        #expect(throws: TensorError(op: "permute", "axis 0 appears twice in [0, 0]")) { try x.permute([0, 0]) }
        #expect(throws: TensorError(op: "permute", "axes [0] do not match a tensor of rank 2 (shape [2, 3])")) { try x.permute([0]) }
        #expect(throws: TensorError(op: "transpose", "axis 5 is out of range for a tensor of rank 2")) { try x.transpose(0, 5) }
    }

    @Test func concatGradientSplitsTheIncomingGradient() throws {
        let a = try Tensor(shape: [2], values: [1, 2], dtype: .float64).requiringGrad()
        let b = try Tensor(shape: [1], values: [3], dtype: .float64).requiringGrad()
        let w = try Tensor(shape: [3], values: [10, 20, 30], dtype: .float64)
        try (Tensor.concat([a, b]) * w).sum().backward()
        #expect(a.grad?.doubles == [10, 20])
        #expect(b.grad?.doubles == [30])
    }
}
