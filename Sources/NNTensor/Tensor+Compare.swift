/// Comparisons (bool results), selection with `where`, elementwise
/// `maximum`/`minimum` and `clamp`, all with NumPy broadcasting.
extension Tensor {
    // MARK: Comparisons (bool, untracked: a step function has no useful gradient)

    /// `true` where `self == other`, broadcast (a bool result, as in PyTorch).
    public func eq(_ other: Tensor) throws -> Tensor {
        try Tensor.compare("eq", self, other, { $0 == $1 }, { $0 == $1 }, { $0 == $1 })
    }
    /// `true` where `self != other` (and where either is NaN).
    public func ne(_ other: Tensor) throws -> Tensor {
        try Tensor.compare("ne", self, other, { $0 != $1 }, { $0 != $1 }, { $0 != $1 })
    }
    /// `true` where `self < other`.
    public func lt(_ other: Tensor) throws -> Tensor {
        try Tensor.compare("lt", self, other, { $0 < $1 }, { $0 < $1 }, { $0 < $1 })
    }
    /// `true` where `self <= other`.
    public func le(_ other: Tensor) throws -> Tensor {
        try Tensor.compare("le", self, other, { $0 <= $1 }, { $0 <= $1 }, { $0 <= $1 })
    }
    /// `true` where `self > other`.
    public func gt(_ other: Tensor) throws -> Tensor {
        try Tensor.compare("gt", self, other, { $0 > $1 }, { $0 > $1 }, { $0 > $1 })
    }
    /// `true` where `self >= other`.
    public func ge(_ other: Tensor) throws -> Tensor {
        try Tensor.compare("ge", self, other, { $0 >= $1 }, { $0 >= $1 }, { $0 >= $1 })
    }

    /// `true` where `self == value`.
    public func eq(_ value: Double) throws -> Tensor { try eq(comparisonScalar(value)) }
    /// `true` where `self != value`.
    public func ne(_ value: Double) throws -> Tensor { try ne(comparisonScalar(value)) }
    /// `true` where `self < value`.
    public func lt(_ value: Double) throws -> Tensor { try lt(comparisonScalar(value)) }
    /// `true` where `self <= value`.
    public func le(_ value: Double) throws -> Tensor { try le(comparisonScalar(value)) }
    /// `true` where `self > value`.
    public func gt(_ value: Double) throws -> Tensor { try gt(comparisonScalar(value)) }
    /// `true` where `self >= value`.
    public func ge(_ value: Double) throws -> Tensor { try ge(comparisonScalar(value)) }

    // MARK: Selection

    /// `a` where `cond` is nonzero, else `b`, with the three shapes broadcast
    /// together (`torch.where(cond, a, b)`). `cond` is a bool mask (or
    /// numbers, read as `cond != 0`); `a` and `b` meet in one dtype as
    /// arithmetic does (`resultType`: int64 with a float gives the float,
    /// int64 with bool gives int64); both bool give bool. Gradient:
    /// `(g * c, g * (1 - c))` for the 0/1 mask `c` of `cond` (which itself
    /// gets none).
    public static func `where`(_ cond: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        if a.isBool && b.isBool {
            return try `where`(cond, a.asFloat, b.asFloat).converted(.bool)
        }
        let (a, b) = promoted(a, b)
        let ab = try Shape.broadcast(a.shape, b.shape, op: "where")
        let outShape = try Shape.broadcast(cond.shape, ab, op: "where")
        guard a.dtype == b.dtype else {
            throw TensorError(op: "where", "dtypes \(a.dtype) and \(b.dtype) do not match; convert one with .to(\"\(a.dtype)\")")
        }
        try Shape.reserve(outShape, dtype: a.dtype, op: "where")
        // through bool, so a float condition keeps every nonzero (0.5, or a
        // float64 1e-50 that float32 would round to 0) as true
        let c = cond.storage.converted(to: .bool).converted(to: a.dtype)
        let out: Tensor
        switch (c, a.storage, b.storage) {
        case let (.int64(pc), .int64(pa), .int64(pb)):
            return Tensor(shape: outShape, storage: .int64(Kernels.select(pc, cond.shape, pa, a.shape, pb, b.shape, outShape)))
        case let (.float32(pc), .float32(pa), .float32(pb)):
            out = Tensor(shape: outShape, storage: .float32(Kernels.select(pc, cond.shape, pa, a.shape, pb, b.shape, outShape)))
        case let (.float64(pc), .float64(pa), .float64(pb)):
            out = Tensor(shape: outShape, storage: .float64(Kernels.select(pc, cond.shape, pa, a.shape, pb, b.shape, outShape)))
        default:
            throw TensorError(op: "where", "dtypes \(a.dtype) and \(b.dtype) do not match")
        }
        let mask = Tensor(shape: cond.shape, storage: c).mask({ $0 != 0 }, { $0 != 0 })
        return record(.where, out, [a, b]) { g, ctx in
            [ctx.needs[0] ? try g * mask : nil, ctx.needs[1] ? try g * (1 - mask) : nil]
        }
    }

    // MARK: Elementwise extremes

    /// The elementwise larger of `a` and `b`, broadcast (NaN wins, as
    /// `torch.maximum`; int64 stays int64). Gradient: `g` to the larger;
    /// where they tie, `g/2` to each.
    public static func maximum(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        let out = try binary("maximum", a, b, { ($0 > $1 || $0 != $0) ? $0 : $1 }, { ($0 > $1 || $0 != $0) ? $0 : $1 },
                             { Swift.max($0, $1) })
        return record(.maximum, out, [a, b]) { g, ctx in
            try extremeGrads(g, ctx, "maximum", { $0 > $1 ? 1 : ($0 == $1 ? 0.5 : 0) }, { $0 > $1 ? 1 : ($0 == $1 ? 0.5 : 0) })
        }
    }

    /// The elementwise smaller of `a` and `b`, broadcast (NaN wins, as
    /// `torch.minimum`; int64 stays int64). Gradient: `g` to the smaller;
    /// where they tie, `g/2` to each.
    public static func minimum(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        let out = try binary("minimum", a, b, { ($0 < $1 || $0 != $0) ? $0 : $1 }, { ($0 < $1 || $0 != $0) ? $0 : $1 },
                             { Swift.min($0, $1) })
        return record(.minimum, out, [a, b]) { g, ctx in
            try extremeGrads(g, ctx, "minimum", { $0 < $1 ? 1 : ($0 == $1 ? 0.5 : 0) }, { $0 < $1 ? 1 : ($0 == $1 ? 0.5 : 0) })
        }
    }

    /// `(g * w, g * w')` for `maximum`/`minimum`, where `w(a, b)` is 1 where
    /// `a` wins, 1/2 on ties, 0 where `b` wins, and `w' = w(b, a)`.
    private static func extremeGrads(_ g: Tensor, _ ctx: GradContext, _ op: String,
                                     _ w32: (Float, Float) -> Float, _ w64: (Double, Double) -> Double) throws -> [Tensor?] {
        let (a, b) = (ctx.inputs[0].detach(), ctx.inputs[1].detach())
        return [ctx.needs[0] ? try g * binary(op, a, b, w32, w64) : nil,
                ctx.needs[1] ? try g * binary(op, b, a, w32, w64) : nil]
    }

    /// Each element limited to `[min, max]` (either bound may be omitted), as
    /// `torch.clamp`: `min(max(x, lo), hi)`, so `hi` wins when `lo > hi`, and
    /// NaN stays NaN. An int64 tensor with integral bounds (or infinite
    /// ones) stays int64; with a fractional bound it is clamped in float32,
    /// as arithmetic with that number would be. Gradient: `g` where
    /// `lo <= x <= hi`, else 0.
    public func clamp(min lo: Double? = nil, max hi: Double? = nil) throws -> Tensor {
        guard lo != nil || hi != nil else {
            throw TensorError(op: "clamp", "at least one of min and max must be given")
        }
        if let lo, lo.isNaN { throw TensorError(op: "clamp", "min is NaN") }
        if let hi, hi.isNaN { throw TensorError(op: "clamp", "max is NaN") }
        if isInt64, let l = Tensor.integerBound(lo, below: true), let h = Tensor.integerBound(hi, below: false),
           let out = Tensor.unaryInt64(self, { Swift.min(Swift.max($0, l), h) }) {
            return out
        }
        let l = lo ?? -.infinity, h = hi ?? .infinity
        let l32 = Float(l), h32 = Float(h)
        let out = Tensor.unary(self, { x in let y = x < l32 ? l32 : x; return y > h32 ? h32 : y },
                               { x in let y = x < l ? l : x; return y > h ? h : y })
        return Tensor.record(.clamp, out, [self]) { g, ctx in
            [try g * ctx.inputs[0].detach().mask({ $0 >= l32 && $0 <= h32 }, { $0 >= l && $0 <= h })]
        }
    }
}

extension Tensor {
    /// A clamp bound of an int64 tensor as an integer: nil or an infinity
    /// (no bound) is the end of the range; nil (clamp in float32, as a
    /// number meeting the tensor is read) for a fraction or an integer
    /// beyond the range.
    static func integerBound(_ v: Double?, below: Bool) -> Int64? {
        guard let v, v.isFinite else {
            if let v { return v < 0 ? .min : .max }
            return below ? .min : .max
        }
        return Int64(exactly: v)
    }
}
