import Testing
@testable import NNTensor

/// Int64 tensors: creation and conversion rules, the promotion table,
/// integer arithmetic (wrapping, floored `%`, `**`), reductions, argmax,
/// matmul, indexing, printing, and that autodiff never tracks them.
@Suite struct Int64Tests {
    func ints(_ v: [Int64], _ shape: [Int]? = nil) throws -> Tensor { try Tensor(shape: shape ?? [v.count], int64s: v) }
    func f32(_ v: [Double]) throws -> Tensor { try Tensor(shape: [v.count], values: v) }
    func f64(_ v: [Double]) throws -> Tensor { try Tensor(shape: [v.count], values: v, dtype: .float64) }

    @Test func namesAndSizes() {
        for name in ["int64", "i64", "long", "int", "INT64"] { #expect(DType(name: name) == .int64) }
        #expect(DType.int64.byteSize == 8 && !DType.int64.isFloatingPoint)
        #expect(DType.float32.isFloatingPoint && !DType.bool.isFloatingPoint)
    }

    @Test func creationChecksEveryValue() throws {
        let t = try Tensor(shape: [3], values: [1, -2, 9_007_199_254_740_992], dtype: .int64)
        #expect(t.dtype == .int64 && t.int64s == [1, -2, 1 << 53])
        #expect(throws: TensorError(op: "tensor", "0.5 is not an integer; an int64 tensor holds integers (round first, or use a float dtype)")) {
            try Tensor(shape: [2], values: [1, 0.5], dtype: .int64)
        }
        #expect(throws: TensorError(op: "tensor", "nan is not an integer; an int64 tensor holds integers (round first, or use a float dtype)")) {
            try Tensor(shape: [1], values: [.nan], dtype: .int64)
        }
        #expect(throws: TensorError(op: "tensor", "inf is not an integer; an int64 tensor holds integers (round first, or use a float dtype)")) {
            try Tensor(shape: [1], values: [.infinity], dtype: .int64)
        }
        #expect(throws: TensorError(op: "tensor", "9.223372036854776e+18 is outside the int64 range [-2**63, 2**63)")) {
            try Tensor(shape: [1], values: [0x1p63], dtype: .int64)
        }
        // -2^63 itself is in range
        #expect(try Tensor(shape: [1], values: [-0x1p63], dtype: .int64).int64s == [.min])
        #expect(try Tensor.zeros([2], dtype: .int64).int64s == [0, 0])
        #expect(try Tensor.full([2], 7, dtype: .int64).int64s == [7, 7])
        #expect(throws: TensorError.self) { try Tensor.full([2], 7.5, dtype: .int64) }
        #expect(try Tensor.arange(4, dtype: .int64).int64s == [0, 1, 2, 3])
        #expect(throws: TensorError.self) { try Tensor.arange(0, 1, 0.5, dtype: .int64) }
    }

    @Test func floatToInt64TruncatesAndRefusesWhatHasNoValue() throws {
        #expect(try f32([1.7, -1.7, -0.5, 2]).to(.int64).int64s == [1, -1, 0, 2])
        #expect(try f64([-9.223372036854775e18]).to(.int64).int64s == [-9_223_372_036_854_774_784])
        for bad in [Double.nan, .infinity, -.infinity, 0x1p63, -0x1p64] {
            #expect(throws: TensorError.self, "\(bad)") { try f64([1, bad]).to(.int64) }
        }
        #expect(throws: TensorError(op: "to", "nan has no int64 value (int64 holds integers in [-2**63, 2**63)); drop or replace non-finite values first (where(is_finite(x), x, 0))")) {
            try f32([.nan]).to(.int64)
        }
        // int64 to float: nearest, exact below 2^24 (float32) and 2^53 (float64)
        let big = try ints([(1 << 24) + 1, (1 << 53) + 1])
        #expect(try big.to(.float32).doubles == [16_777_216, 9_007_199_254_740_992])
        #expect(try big.to(.float64).doubles == [16_777_217, 9_007_199_254_740_992])
        #expect(try ints([0, 3]).to(.bool).bools == [false, true])
        #expect(try Tensor(shape: [2], bools: [true, false]).to(.int64).int64s == [1, 0])
    }

    @Test func itemIsExactOrAnError() throws {
        #expect(try ints([1 << 53]).item() == 9_007_199_254_740_992)
        #expect(try ints([-(1 << 53)]).item() == -9_007_199_254_740_992)
        #expect(throws: TensorError.self) { try ints([(1 << 53) + 1]).item() }
        #expect(throws: TensorError.self) { try ints([1, (1 << 60)]).exactDoubles(op: "tolist") }
    }

    /// Every pair of dtypes in `+`, and what the result is.
    @Test func promotionTable() throws {
        let b = try Tensor(shape: [2], bools: [true, false])
        let i = try ints([2, 3]), s = try f32([0.5, 1]), d = try f64([0.5, 1])
        let table: [(Tensor, Tensor, DType?)] = [
            (b, b, .float32), (b, i, .int64), (b, s, .float32), (b, d, .float64),
            (i, b, .int64), (i, i, .int64), (i, s, .float32), (i, d, .float64),
            (s, b, .float32), (s, i, .float32), (s, s, .float32), (s, d, nil),
            (d, b, .float64), (d, i, .float64), (d, s, nil), (d, d, .float64),
        ]
        for (x, y, want) in table {
            if let want {
                #expect(try (x + y).dtype == want, "\(x.dtype) + \(y.dtype)")
                #expect(try Tensor.maximum(x, y).dtype == want, "maximum \(x.dtype) \(y.dtype)")
            } else {
                #expect(throws: TensorError.self, "\(x.dtype) + \(y.dtype)") { try x + y }
            }
        }
        #expect(try (i + s).doubles == [2.5, 4])
        #expect(try (i + b).int64s == [3, 3])
        #expect(Tensor.resultType(.int64, .float32) == .float32 && Tensor.resultType(.float32, .float64) == nil)
    }

    @Test func numbersAreReadByTheirValue() throws {
        let i = try ints([1, 2])
        #expect(try (i + 1).int64s == [2, 3])
        #expect(try (i * 2).int64s == [2, 4])
        #expect(try (i * -0.0).int64s == [0, 0])
        let h = try i * 0.5
        #expect(h.dtype == .float32 && h.doubles == [0.5, 1])
        #expect(try (i + 1e30).dtype == .float32)   // integral, but beyond int64: float32
        #expect(i.scalar(3).dtype == .int64 && i.scalar(0.25).dtype == .float32)
    }

    @Test func arithmeticWrapsAsNumPy() throws {
        let top = try ints([.max, .min])
        #expect(try (top + 1).int64s == [.min, .min + 1])
        #expect(try (top - 1).int64s == [.max - 1, .max])
        #expect(try (top * 2).int64s == [-2, 0])
        #expect((-top).int64s == [.min + 1, .min])
        #expect(top.abs().int64s == [.max, .min])
        #expect(try top.sum().int64s == [-1])
    }

    @Test func divisionIsTrueDivision() throws {
        let q = try ints([7, -7]) / ints([2, 2])
        #expect(q.dtype == .float32 && q.doubles == [3.5, -3.5])
        #expect(try (ints([1]) / 0).doubles == [.infinity])
    }

    @Test func remainderTakesTheDivisorsSign() throws {
        let a = try ints([7, -7, 7, -7, 0, .min]), b = try ints([3, 3, -3, -3, 5, -1])
        let r = try Tensor.remainder(a, b)
        #expect(r.dtype == .int64 && r.int64s == [1, 2, -2, -1, 0, 0])
        #expect(throws: TensorError(op: "remainder", "integer division by zero (an int64 divisor holds 0); convert to float first (.to(\"float32\")) for inf/nan results")) {
            try Tensor.remainder(a, ints([3, 0, 1, 1, 1, 1]))
        }
        // a float divisor makes it float (and 0 gives nan, as for floats)
        #expect(try Tensor.remainder(ints([7]), f32([0])).doubles[0].isNaN)
    }

    @Test func powersOfIntegers() throws {
        let a = try ints([2, -3, 10])
        #expect(try Tensor.pow(a, ints([3, 2, 0])).int64s == [8, 9, 1])
        #expect(a.pow(2).int64s == [4, 9, 100])
        #expect(try Tensor.pow(ints([2]), ints([64])).int64s == [0])   // wraps
        #expect(throws: TensorError(op: "pow", "integers to negative integer powers are not allowed; convert to float first (.to(\"float32\"))")) {
            try Tensor.pow(a, ints([1, -1, 1]))
        }
        // a fractional or negative scalar power computes in float32
        #expect(a.pow(0.5).dtype == .float32 && a.pow(-1).dtype == .float32)
        #expect(try Tensor.pow(a, f32([1, 1, 1])).dtype == .float32)
    }

    @Test func unaryMathComputesInFloat32AndIntegerOpsKeepInt64() throws {
        let a = try ints([-2, 0, 3])
        #expect(a.exp().dtype == .float32 && a.sqrt().dtype == .float32 && a.sigmoid().dtype == .float32)
        #expect(try a.softmax().dtype == .float32)
        #expect(a.sign().int64s == [-1, 0, 1] && a.relu().int64s == [0, 0, 3])
        #expect(try a.clamp(min: -1, max: 2).int64s == [-1, 0, 2])
        #expect(try a.clamp(min: 0.5).dtype == .float32)
        #expect(try a.clamp(max: .infinity).int64s == [-2, 0, 3])
        #expect(try a.clamp(min: 1e19).dtype == .float32)   // no int64 holds the bound: float32, never saturated
        #expect(try a.rounded(digits: 2).int64s == [-2, 0, 3])
        #expect(try ints([15, 25, -15, 149]).rounded(digits: -1).int64s == [20, 20, -20, 150])
        #expect(try ints([4_000_000_000_000_000_000]).rounded(digits: -19).int64s == [0])
        #expect(try ints([.max]).rounded(digits: -25).int64s == [0])
        #expect(throws: TensorError.self) { try ints([.max]).rounded(digits: -19) }   // 10^19 is beyond int64
        #expect(throws: TensorError.self) { try ints([.max]).rounded(digits: -1) }
    }

    @Test func reductions() throws {
        let a = try ints([1, 2, 3, 4, 5, 6], [2, 3])
        #expect(try a.sum().int64s == [21] && a.sum(axes: [0]).int64s == [5, 7, 9])
        #expect(try a.max().int64s == [6] && a.min(axes: [1]).int64s == [1, 4])
        let m = try a.mean(axes: [1])
        #expect(m.dtype == .float32 && m.doubles == [2, 5])
        #expect(try a.variance().dtype == .float32 && a.std().dtype == .float32 && a.norm().dtype == .float32)
        #expect(try a.variance().item() == 3.5)
        #expect(throws: TensorError.self) { try ints([]).max() }
        // a mean of large values is taken in float64 before rounding to float32
        #expect(try ints([(1 << 40) + 1, (1 << 40) + 3]).mean().item() == Double(Float(Double((1 << 40) + 2))))
    }

    @Test func argmaxAndArgminAreInt64() throws {
        #expect(try f32([1, 5, 2]).argmax().dtype == .int64)
        #expect(try f32([1, 5, 2]).argmax().int64s == [1])
        #expect(try f64([3, 1, 2, 0, 9, 4]).reshape([2, 3]).argmin(axis: 1).int64s == [1, 0])
        #expect(try ints([4, 9, 9]).argmax().int64s == [1])
        #expect(try Tensor(shape: [3], bools: [false, true, true]).argmax().int64s == [1])
        #expect(try f32([.nan, 1]).argmin().int64s == [0])
    }

    @Test func matmul() throws {
        let a = try ints([1, 2, 3, 4, 5, 6], [2, 3]), b = try ints([1, 0, 0, 1, 1, 1], [3, 2])
        let c = try a.matmul(b)
        #expect(c.dtype == .int64 && c.shape == [2, 2] && c.int64s == [4, 5, 10, 11])
        #expect(try a.matmul(a, transposeOther: true).int64s == [14, 32, 32, 77])
        #expect(try ints([1, 2]).matmul(ints([3, 4])).int64s == [11])
        // batched, broadcasting
        #expect(try ints([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]).matmul(ints([1, 1], [2, 1])).int64s == [3, 7, 11, 15])
        // with a float: in the float
        let f = try a.matmul(Tensor(shape: [3, 2], values: [1, 0, 0, 1, 1, 1], dtype: .float64))
        #expect(f.dtype == .float64 && f.doubles == [4, 5, 10, 11])
        #expect(try ints([.max, 2]).matmul(ints([2, 1])).int64s == [0])   // wraps
    }

    @Test func indexingWithInt64ActsAsIntegralFloatsDid() throws {
        let x = try Tensor(shape: [3], values: [10, 11, 12])
        let idx = try ints([2, 0, -1])
        #expect(try x.gather(axis: 0, indices: idx).doubles == [12, 10, 12])
        #expect(try Tensor.integers(idx, op: "index") == [2, 0, -1])
        let big = try ints([(1 << 53) + 1])
        #expect(try Tensor.integers(big, op: "index") == [(1 << 53) + 1])
        // indexing an int64 tensor keeps int64
        let i = try ints([5, 6, 7, 8], [2, 2])
        #expect(try i.index([.index(1)]).int64s == [7, 8] && i.T.int64s == [5, 7, 6, 8])
        #expect(try i.index([.list([1, 0])]).int64s == [7, 8, 5, 6])
        #expect(try Tensor.concat([i, i], axis: 0).int64s == [5, 6, 7, 8, 5, 6, 7, 8])
        #expect(try i.expand([2, 2, 2]).int64s == [5, 6, 7, 8, 5, 6, 7, 8])
    }

    @Test func indexAssignmentStoresIntegersOnly() throws {
        let i = try ints([1, 2, 3])
        #expect(try i.indexPut([.index(0)], value: 9).int64s == [9, 2, 3])
        #expect(try i.indexPut([.list([1, 2])], value: f32([4, 5])).int64s == [1, 4, 5])
        #expect(throws: TensorError(op: "indexPut", "cannot store 0.5 in an int64 tensor: it is not an integer in range; round the value (round(v)) or convert the tensor with .to(\"float32\") first")) {
            try i.indexPut([.index(0)], value: 0.5)
        }
        // an int64 value into a float tensor converts
        let f = try f64([0, 0]).indexPut([.index(1)], value: ints([7]).reshape([]))
        #expect(f.dtype == .float64 && f.doubles == [0, 7])
        // a tracked value written into an int64 tensor is a plain update
        let w = try f32([3]).requiringGrad()
        try i.writeIndexed([.index(2)], value: w.reshape([]) * 2)
        #expect(i.int64s == [1, 2, 6] && !i.isTracked)
        // assign (how buffers are updated and state dicts loaded) is as strict
        try i.assign(f32([7, 8, 9]))
        #expect(i.int64s == [7, 8, 9])
        #expect(throws: TensorError.self) { try i.assign(f32([1, 2.5, 3])) }
        #expect(i.int64s == [7, 8, 9])
    }

    @Test func concatAndWherePromote() throws {
        let i = try ints([1, 2]), s = try f32([0.5, 1.5])
        #expect(try Tensor.concat([i, s]).dtype == .float32)
        #expect(try Tensor.concat([i, Tensor(shape: [1], bools: [true])]).int64s == [1, 2, 1])
        #expect(throws: TensorError.self) { try Tensor.concat([s, f64([1])]) }
        #expect(try Tensor.stack([i, i]).shape == [2, 2])
        let c = try Tensor(shape: [2], bools: [true, false])
        #expect(try Tensor.where(c, i, ints([7, 8])).int64s == [1, 8])
        #expect(try Tensor.where(c, i, s).dtype == .float32)
        // a float condition is read as != 0 (0.5 is true, not truncated to 0)
        #expect(try Tensor.where(f32([0.5, 0]), i, ints([7, 8])).int64s == [1, 8])
    }

    @Test func comparisonsAreExact() throws {
        let big = try ints([(1 << 53) + 1, 3])
        #expect(try big.eq(ints([1 << 53, 3])).bools == [false, true])
        #expect(try big.gt(Double(1 << 53)).bools == [true, false])   // the number is an integer: int64 compare
        #expect(try ints([16_777_217]).gt(f32([16_777_216])).bools == [true])   // in float64, not float32
        #expect(try ints([2]).lt(2.5).bools == [true])
        // a fractional number is compared in float64, not rounded to float32's 16777216
        #expect(try ints([16_777_216]).lt(16_777_216.5).bools == [true])
    }

    @Test func autodiffNeverTracksInt64() throws {
        let i = try ints([1, 2])
        #expect(throws: TensorError(op: "grad", "cannot differentiate with respect to an int64 tensor; convert it with .to(\"float32\") first")) {
            _ = try Autodiff.grad({ try $0.asFloat.sum() }, at: i)
        }
        let w = try f32([1, 1]).requiringGrad()
        let y = try (w * i).sum()
        try y.backward()
        #expect(w.grad?.doubles == [1, 2])
        // an op with a tracked input and an int64 result is not recorded
        let asInt = try w.to(.int64), top = try w.argmax()
        #expect(!asInt.isTracked && !top.isTracked)
        #expect(throws: TensorError.self) { try Linalg.eigh(ints([1, 0, 0, 1], [2, 2])) }
    }

    @Test func randintIsInt64AndCoversWideRanges() throws {
        var g = RandomGenerator(seed: 3)
        let t = try Tensor.randint(-5, 5, [200], using: &g)
        #expect(t.dtype == .int64 && (t.int64s ?? []).allSatisfy { $0 >= -5 && $0 < 5 })
        let wide = try Tensor.randint(Int.min, Int.max, [50], using: &g)
        #expect(Set(wide.int64s ?? []).count == 50)
        // the same draws as the float dtype gave before, so seeded scripts keep their numbers
        var a = RandomGenerator(seed: 9), b = RandomGenerator(seed: 9)
        #expect(try Tensor.randint(0, 10, [20], using: &a).doubles == Tensor.randint(0, 10, [20], dtype: .float32, using: &b).doubles)
        #expect(throws: TensorError.self) { try Tensor.rand([2], dtype: .int64, using: &g) }
    }

    @Test func printsAsPyTorch() throws {
        #expect(try ints([1, -2, 30]).description == "tensor([ 1, -2, 30], shape=[3], dtype=int64)")
        #expect(try ints([7], []).description == "tensor(7, dtype=int64)")
        #expect(try ints([Int64.max, 0]).description == "tensor([9223372036854775807,                   0], shape=[2], dtype=int64)")
        #expect(try ints([1, 2, 3, 4], [2, 2]).description == "tensor([[1, 2],\n        [3, 4]], shape=[2, 2], dtype=int64)")
    }
}
