import Testing
@testable import NNTensor

/// Printed forms, written out by hand from PyTorch's `_tensor_str` rules
/// (precision 4, threshold 1000, edge items 3, line width 80).
@Suite struct FormatTests {
    private func t(_ v: [Double], _ shape: [Int]? = nil, _ dtype: DType = .float32) throws -> Tensor {
        try Tensor(shape: shape ?? [v.count], values: v, dtype: dtype)
    }

    @Test func integralMatrix() throws {
        #expect(try t([1, 2, 3, 4], [2, 2]).description == """
            tensor([[1., 2.],
                    [3., 4.]], shape=[2, 2], dtype=float32)
            """)
    }

    @Test func scalarHasNoShape() {
        #expect(Tensor(scalar: 0.25).description == "tensor(0.2500, dtype=float32)")
        #expect(Tensor(scalar: 3, dtype: .float64).description == "tensor(3., dtype=float64)")
    }

    @Test func fixedPointWithFourDecimals() throws {
        #expect(try t([0.12345, 1, 2.5], nil, .float64).description
                == "tensor([0.1235, 1.0000, 2.5000], shape=[3], dtype=float64)")
        #expect(try t([-0.5, 0.25]).description == "tensor([-0.5000,  0.2500], shape=[2], dtype=float32)")
    }

    @Test func scientificWhenTheRangeIsWide() throws {
        #expect(try t([1e-8, 1e5]).description == "tensor([1.0000e-08, 1.0000e+05], shape=[2], dtype=float32)")
        // Integral but larger than 1e8.
        #expect(try t([1, 1e9], nil, .float64).description
                == "tensor([1.0000e+00, 1.0000e+09], shape=[2], dtype=float64)")
        // Not integral and below 1e-4, although the ratio is only 2.
        #expect(try t([0.00005, 0.0001], nil, .float64).description
                == "tensor([5.0000e-05, 1.0000e-04], shape=[2], dtype=float64)")
    }

    @Test func integralValuesAlignRight() throws {
        #expect(try t([0, -1, 10]).description == "tensor([ 0., -1., 10.], shape=[3], dtype=float32)")
        #expect(try Tensor.zeros([2]).description == "tensor([0., 0.], shape=[2], dtype=float32)")
    }

    @Test func nonFiniteValues() throws {
        #expect(try t([1.5, .nan, .infinity, -.infinity]).description
                == "tensor([1.5000,    nan,    inf,   -inf], shape=[4], dtype=float32)")
    }

    @Test func longRowsWrapAtEightyColumns() throws {
        // width 3 ("29."), 5 per element with ", ": (80 - 7) / 5 = 14 per line.
        #expect(try Tensor.arange(0, 30).description == """
            tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,
                    14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27.,
                    28., 29.], shape=[30], dtype=float32)
            """)
    }

    @Test func suffixesMoveToANewLineWhenTheyDoNotFit() throws {
        #expect(try Tensor.full([8], 1.5).description == """
            tensor([1.5000, 1.5000, 1.5000, 1.5000, 1.5000, 1.5000, 1.5000, 1.5000],
                   shape=[8], dtype=float32)
            """)
    }

    @Test func threeDimensionsSeparateBlocksWithABlankLine() throws {
        #expect(try t([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]).description == """
            tensor([[[1., 2.],
                     [3., 4.]],

                    [[5., 6.],
                     [7., 8.]]], shape=[2, 2, 2], dtype=float32)
            """)
    }

    @Test func largeTensorsAreSummarised() throws {
        #expect(try Tensor.full([40, 30], 7).description == """
            tensor([[7., 7., 7.,  ..., 7., 7., 7.],
                    [7., 7., 7.,  ..., 7., 7., 7.],
                    [7., 7., 7.,  ..., 7., 7., 7.],
                    ...,
                    [7., 7., 7.,  ..., 7., 7., 7.],
                    [7., 7., 7.,  ..., 7., 7., 7.],
                    [7., 7., 7.,  ..., 7., 7., 7.]], shape=[40, 30], dtype=float32)
            """)
        // The format is chosen from the values shown: 0, 1, 2, 1997, 1998,
        // 1999 span more than 1e3, so scientific; 6 per line.
        #expect(try Tensor.arange(0, 2000).description == """
            tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,
                    1.9990e+03], shape=[2000], dtype=float32)
            """)
        // Exactly 1000 elements are printed in full.
        #expect(!(try Tensor.zeros([1000]).description.contains("...")))
    }

    @Test func gradientStatusFollowsTheDtype() throws {
        let x = try t([1, 2]).requiringGrad()
        #expect(x.description == "tensor([1., 2.], shape=[2], dtype=float32, requires_grad=true)")
        #expect(try (x * x).description == "tensor([1., 4.], shape=[2], dtype=float32, grad_fn=<MulBackward>)")
    }

    @Test func emptyTensors() throws {
        #expect(try Tensor.zeros([0, 3]).description == "tensor([], shape=[0, 3], dtype=float32)")
        #expect(try Tensor.arange(3, 1).description == "tensor([], shape=[0], dtype=float32)")
    }
}

/// arange, linspace and eye, checked against NumPy's definitions.
@Suite struct RangeTests {
    @Test func arangeFollowsNumPysLengthRule() throws {
        #expect(try Tensor.arange(0, 10, 2).doubles == [0, 2, 4, 6, 8])
        #expect(try Tensor.arange(0, 1, 0.3, dtype: .float64).doubles == [0, 0.3, 0.6, 0.8999999999999999])
        #expect(try Tensor.arange(5, 0, -2).doubles == [5, 3, 1])
        #expect(try Tensor.arange(4).doubles == [0, 1, 2, 3])
        #expect(throws: TensorError(op: "arange", "step must not be zero")) { try Tensor.arange(0, 1, 0) }
        #expect(throws: TensorError.self) { try Tensor.arange(0, 1e300, 1e-300) }
    }

    @Test func linspaceIncludesBothEnds() throws {
        #expect(try Tensor.linspace(-2, 2, 5, dtype: .float64).doubles == [-2, -1, 0, 1, 2])
        #expect(try Tensor.linspace(0, 1, 3, dtype: .float64).doubles == [0, 0.5, 1])
        #expect(try Tensor.linspace(3, 7, 1).doubles == [3])
        #expect(try Tensor.linspace(3, 7, 0).shape == [0])
        #expect(throws: TensorError.self) { try Tensor.linspace(0, 1, -1) }
    }

    @Test func eyeHasOnesOnTheDiagonal() throws {
        #expect(try Tensor.eye(2).doubles == [1, 0, 0, 1])
        let r = try Tensor.eye(2, 3)
        #expect(r.shape == [2, 3] && r.doubles == [1, 0, 0, 0, 1, 0])
        #expect(throws: TensorError.self) { try Tensor.eye(-1) }
    }
}
