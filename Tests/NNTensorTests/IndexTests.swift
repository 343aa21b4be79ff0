import Testing
@testable import NNTensor

@Suite struct IndexTests {
    /// [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]
    func x() throws -> Tensor { try Tensor(shape: [3, 4], values: (0..<12).map(Double.init)) }
    /// 0 ..< 12 as a vector.
    func v() throws -> Tensor { try Tensor(shape: [12], values: (0..<12).map(Double.init)) }
    let all = TensorIndex.all
    func s(_ start: Int?, _ stop: Int?, _ step: Int? = nil) -> TensorIndex { .slice(start: start, stop: stop, step: step) }

    @Test func integersPickRowsAndElements() throws {
        #expect(try x()[0].doubles == [0, 1, 2, 3])
        #expect(try x()[-1].doubles == [8, 9, 10, 11])
        let e = try x()[1, 2]
        #expect(e.shape == [])
        #expect(try e.item() == 6)
        #expect(try x()[-1, -1].item() == 11)
    }

    @Test func slicesAsInPython() throws {
        let col = try x()[all, 1]
        #expect(col.shape == [3])
        #expect(col.doubles == [1, 5, 9])
        let block = try x()[s(1, nil), s(nil, -1)]
        #expect(block.shape == [2, 3])
        #expect(block.doubles == [4, 5, 6, 8, 9, 10])
        #expect(try x()[s(nil, nil, -1)].doubles == [8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3])
        #expect(try x()[all, s(nil, nil, -2)].doubles == [3, 1, 7, 5, 11, 9])
        #expect(try v()[s(10, 2, -3)].doubles == [10, 7, 4])
        #expect(try v()[s(nil, nil, -5)].doubles == [11, 6, 1])
        #expect(try v()[s(-1, -13, -4)].doubles == [11, 7, 3])
        #expect(try v()[s(nil, -20, -1)].doubles == (0..<12).reversed().map(Double.init))
        #expect(try v()[s(1, 10, 4)].doubles == [1, 5, 9])
    }

    @Test func outOfRangeSliceBoundsAreClamped() throws {
        #expect(try x()[s(1, 100)].shape == [2, 4])
        #expect(try x()[s(-100, 1)].doubles == [0, 1, 2, 3])
        #expect(try x()[s(5, nil)].shape == [0, 4])
        #expect(try v()[s(-20, nil, -1)].shape == [0])
        #expect(try v()[s(3, 3)].shape == [0])
    }

    @Test func listsGatherAndZip() throws {
        #expect(try x()[[0, 2]].doubles == [0, 1, 2, 3, 8, 9, 10, 11])
        #expect(try x()[[2, 0, 2]].shape == [3, 4])
        #expect(try x()[all, [0, -1]].doubles == [0, 3, 4, 7, 8, 11])
        #expect(try x()[[0, 1, 2], [3, 2, 1]].doubles == [3, 6, 9])
        #expect(try x()[[1], [0, 1, 2]].doubles == [4, 5, 6], "a list of length 1 broadcasts")
        #expect(try x().indexSelect(axis: 1, indices: [3, 0]).doubles == [3, 0, 7, 4, 11, 8])
    }

    @Test func advancedIndicesFollowNumPysPlacement() throws {
        // y = arange(24).reshape(2, 3, 4)
        let y = try Tensor(shape: [2, 3, 4], values: (0..<24).map(Double.init))
        // Separated by a slice: the list's axis goes first (NumPy: shape (2, 3)).
        let sep = try y[0, all, [0, 1]]
        #expect(sep.shape == [2, 3])
        #expect(sep.doubles == [0, 4, 8, 1, 5, 9])
        // Adjacent: it stays in place (NumPy: shape (2, 2)).
        let adj = try y[all, 0, [0, 1]]
        #expect(adj.shape == [2, 2])
        #expect(adj.doubles == [0, 1, 12, 13])
    }

    @Test func ellipsisAndNewAxis() throws {
        #expect(try x()[.ellipsis, 0].doubles == [0, 4, 8])
        #expect(try x()[.newAxis].shape == [1, 3, 4])
        let c = try x()[all, .newAxis, 0]
        #expect(c.shape == [3, 1])
        #expect(c.doubles == [0, 4, 8])
        #expect(try x()[.ellipsis].shape == [3, 4])
        #expect(try Tensor(scalar: 7)[.newAxis].shape == [1])
    }

    @Test func misuseNamesAxisAndSize() throws {
        #expect(throws: TensorError(op: "index", "index 3 is out of bounds for axis 0 with size 3")) { try x()[3] }
        #expect(throws: TensorError(op: "index", "index -5 is out of bounds for axis 1 with size 4")) { try x()[0, -5] }
        #expect(throws: TensorError(op: "index", "index 4 is out of bounds for axis 1 with size 4")) { try x()[all, [0, 4]] }
        #expect(throws: TensorError(op: "index", "slice step cannot be zero")) { try x()[s(nil, nil, 0)] }
        #expect(throws: TensorError(op: "index", "too many indices for a tensor of shape [3, 4]: 3 were given for 2 dimensions")) {
            try x()[0, 0, 0]
        }
        #expect(throws: TensorError(op: "index", "an index can only have a single ellipsis (...)")) { try x()[.ellipsis, .ellipsis] }
        #expect(throws: TensorError(op: "index", "index arrays of shapes [2], [3] cannot be broadcast together")) { try x()[[0, 1], [0, 1, 2]] }
        #expect(throws: TensorError(op: "index", "index \(Int.min) is out of bounds for axis 0 with size 3")) { try x()[.index(Int.min)] }
        #expect(try v()[s(Int.max, Int.min, Int.min)].doubles == [11], "extreme slice bounds clamp without overflow")
    }

    @Test func gradientOfAGatherAccumulatesRepeats() throws {
        let t = try Tensor(shape: [3, 2], values: [1, 2, 3, 4, 5, 6], dtype: .float64).requiringGrad()
        try t[[0, 0, 2]].sum().backward()
        #expect(t.grad?.doubles == [2, 2, 0, 0, 1, 1])
    }

    @Test func scatterAddIsTheAdjointOfIndex() throws {
        let vals = try Tensor(shape: [3], values: [1, 2, 3])
        #expect(try Tensor.scatterAdd(vals, at: [[0, 2, 0]], into: [3]).doubles == [4, 0, 2])
        #expect(throws: TensorError(op: "scatterAdd", "values of shape [3] do not match the indexed shape [2]")) {
            try Tensor.scatterAdd(vals, at: [[0, 1]], into: [3])
        }
    }

    @Test func torchGatherAndScatterAdd() throws {
        let t = try Tensor(shape: [2, 2], values: [1, 2, 3, 4])
        let idx = try Tensor(shape: [2, 2], values: [0, 0, 1, 0])
        #expect(try t.gather(axis: 1, indices: idx).doubles == [1, 1, 4, 3])
        let src = try Tensor(shape: [2, 2], values: [1, 2, 3, 4])
        let into = try Tensor.zeros([2, 3]).scatterAdd(axis: 1, indices: try Tensor(shape: [2, 2], values: [0, 2, 1, 1]), source: src)
        #expect(into.doubles == [1, 0, 2, 0, 7, 0])
        #expect(throws: TensorError(op: "gather", "index 2 is out of bounds for axis 1 with size 2")) {
            try t.gather(axis: 1, indices: try Tensor(shape: [1, 1], values: [2]))
        }
        #expect(throws: TensorError(op: "gather", "indices must be integers, got 0.5")) {
            try t.gather(axis: 0, indices: try Tensor(shape: [1, 1], values: [0.5]))
        }
    }

    @Test func indexPutReturnsAnUpdatedCopy() throws {
        let t = try x()
        let a = try t.indexPut([0], value: 5)
        #expect(a.doubles == [5, 5, 5, 5, 4, 5, 6, 7, 8, 9, 10, 11])
        #expect(t.doubles == (0..<12).map(Double.init), "the original is unchanged")
        let b = try t.indexPut([all, 1], value: try Tensor(shape: [3], values: [-1, -2, -3]))
        #expect(b.doubles == [0, -1, 2, 3, 4, -2, 6, 7, 8, -3, 10, 11])
        let z = try Tensor.zeros([4]).indexPut([[1, 1]], value: try Tensor(shape: [2], values: [5, 6]))
        #expect(z.doubles == [0, 6, 0, 0], "the last write wins, as in NumPy")
        #expect(throws: TensorError(op: "indexPut", "value of shape [2] cannot be broadcast to the indexed shape [4]")) {
            try t.indexPut([0], value: try Tensor.zeros([2]))
        }
    }

    @Test func indexPutGradientSkipsOverwrittenPositions() throws {
        let t = try Tensor(shape: [3], values: [1, 2, 3], dtype: .float64).requiringGrad()
        let val = Tensor(scalar: 10, dtype: .float64).requiringGrad()
        let w = try Tensor(shape: [3], values: [1, 2, 4], dtype: .float64)
        let y = try t.indexPut([[0, 2]], value: val)
        #expect(y.doubles == [10, 2, 10])
        try (y * w).sum().backward()
        #expect(t.grad?.doubles == [0, 2, 0])
        #expect(val.grad?.doubles == [5])
    }
}
