import Testing
@testable import NNTensor

/// Bool tensors: masks from comparisons, promotion in arithmetic, counting,
/// and NumPy's boolean and integer-array indexing.
@Suite struct BoolTests {
    let x = try! Tensor(shape: [2, 3], values: [1, -2, 3, -4, 5, -6], dtype: .float64)

    @Test func comparisonsMakeMasksThatIndexAsNumPy() throws {
        let m = try x.gt(0)
        #expect(m.dtype == .bool && m.bools == [true, false, true, false, true, false])
        #expect(try x.index([.mask(shape: m.shape, values: m.bools)]).doubles == [1, 3, 5])
        // a mask over the leading axis picks rows
        #expect(try x.index([.mask(shape: [2], values: [false, true])]).shape == [1, 3])
        // with an integer after it: rows where true, then column 2
        #expect(try x.index([.mask(shape: [2], values: [true, true]), .index(2)]).doubles == [3, -6])
    }

    @Test func aMaskOfTheWrongShapeIsAnError() throws {
        #expect(throws: TensorError(op: "index", "the mask of shape [3] does not match the indexed tensor of shape [2, 3] along axis 0 (size 2, mask size 3)")) {
            try x.index([.mask(shape: [3], values: [true, false, true])])
        }
    }

    @Test func integerArraysPutTheirShapeInPlaceOfTheAxis() throws {
        let v = try Tensor(shape: [3], values: [10, 11, 12])
        let g = try v.index([.array(shape: [2, 2], values: [0, 1, 1, 0])])
        #expect(g.shape == [2, 2] && g.doubles == [10, 11, 11, 10])
        // broadcast against a list on the next axis
        let h = try x.index([.array(shape: [2, 1], values: [0, 1]), .list([2, 0])])
        #expect(h.shape == [2, 2] && h.doubles == [3, 1, -6, -4])
    }

    @Test func gradientsFlowThroughMaskedSelection() throws {
        let w = try Tensor(shape: [3], values: [1, -2, 3], dtype: .float64).requiringGrad()
        let y = try w.index([.mask(shape: [3], values: [true, false, true])]).pow(2).sum()
        try y.backward()
        #expect(w.grad?.doubles == [2, 0, 6])
    }

    @Test func arithmeticPromotesBoolToTheOtherOperandsDtype() throws {
        let m = try x.gt(0)
        let p = try m * x
        #expect(p.dtype == .float64 && p.doubles == [1, -0.0, 3, -0.0, 5, -0.0])
        #expect(try (m + m).dtype == .float32)
        #expect(try m.sum().item() == 3)
        #expect(try m.mean().item() == 0.5)
        #expect(try m.sum(axes: [1]).doubles == [2, 1])
    }

    @Test func anyAndAllReduceMasks() throws {
        let m = try x.gt(0)
        #expect(try m.any().bools == [true] && m.all().bools == [false])
        #expect(try m.any(axes: [0]).bools == [true, true, true] && m.all(axes: [0]).bools == [false, false, false])
        #expect(try x.gt(-5).all(axes: [1]).bools == [true, false])
        #expect(try Tensor.zeros([0]).all().bools == [true])
        #expect(try Tensor.zeros([0]).any().bools == [false])
    }

    @Test func shapeOpsKeepBool() throws {
        let m = try x.gt(0)
        #expect(m.T.dtype == .bool && m.T.bools == [true, false, false, true, true, false])
        #expect(try m.reshape([6]).dtype == .bool)
        #expect(try Tensor.concat([m, m], axis: 0).dtype == .bool)
        #expect(try m.expand([2, 2, 3]).dtype == .bool)
        #expect(try Tensor.where(m, m, m.logicalNot()).bools == [true, true, true, true, true, true])
    }

    @Test func boolTensorsAreNeverDifferentiated() throws {
        let m = try x.gt(0)
        #expect(throws: TensorError(op: "grad", "cannot differentiate with respect to a bool tensor; convert it with .to(\"float32\") first")) {
            _ = try Autodiff.grad({ try $0.asFloat.sum() }, at: m)
        }
        let w = x.detach().requiringGrad()
        #expect(!(try w.gt(0)).isTracked)
    }

    @Test func printsAsPyTorch() throws {
        let m = try Tensor(shape: [3], bools: [false, true, true])
        #expect(m.description == "tensor([False,  True,  True], shape=[3], dtype=bool)")
    }
}
