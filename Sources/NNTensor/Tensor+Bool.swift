/// Bool tensors: what comparisons give, and what masks are made of.
///
/// A bool tensor holds `true`/`false` (`DType.bool`). It never takes part
/// in autodiff. Where a number is needed it is 0 or 1:
/// - arithmetic and math promote it to the other operand's dtype (float32
///   when both are bool), so `(x > 0) * x` and
///   `(pred == y).mean()` read as they do in NumPy and PyTorch;
/// - reductions count: `sum` is the number of `true` elements, `mean` the
///   fraction (in float32, as a float32 sum of 0/1 would be);
/// - ops that only move elements (reshape, transpose, index, concat,
///   expand) keep it bool.
/// As an index, a bool tensor is a mask (`x[x > 0]`, see `TensorIndex`).
extension Tensor {
    /// True for a tensor of dtype `bool`.
    public var isBool: Bool { dtype == .bool }

    /// A bool tensor of `shape` holding `values` (row-major).
    public convenience init(shape: [Int], bools: [Bool]) throws {
        let n = try Shape.count(shape)
        guard n == bools.count else {
            throw TensorError(op: "tensor", "\(bools.count) values cannot fill shape \(fmt(shape)) (\(n) elements)")
        }
        self.init(shape: shape, storage: .bool(bools))
    }

    /// The elements as bools: a bool tensor's own, or `x != 0` for numbers
    /// (NaN is `true`, as NumPy's `astype(bool)`).
    public var bools: [Bool] {
        switch storage {
        case .bool(let a): return a
        case .float32(let a): return a.map { $0 != 0 }
        case .float64(let a): return a.map { $0 != 0 }
        case .int64(let a): return a.map { $0 != 0 }
        }
    }

    /// This tensor with a bool's or an int64's elements as float32; a float
    /// tensor is returned as it is. (Bool and int64 tensors are never
    /// tracked, so neither is the result.)
    var asFloat: Tensor {
        switch storage {
        case .float32, .float64: return self
        case .bool, .int64: return Tensor(shape: shape, storage: storage.converted(to: .float32))
        }
    }

    /// `a` and `b` converted to the dtype they meet in (`resultType`: a bool
    /// or int64 operand takes the other's dtype when that is wider; both
    /// bool become float32): the rule for every op that combines two
    /// tensors arithmetically. Float32 with float64 is left for the op to
    /// refuse.
    static func promoted(_ a: Tensor, _ b: Tensor) -> (Tensor, Tensor) {
        if a.dtype == b.dtype { return a.isBool ? (a.asFloat, b.asFloat) : (a, b) }
        guard let t = resultType(a.dtype, b.dtype) else { return (a, b) }
        return (a.converted(t), b.converted(t))
    }

    /// The same elements in `dtype`, untracked (for promotion of bools).
    func converted(_ dtype: DType) -> Tensor {
        dtype == self.dtype ? self : Tensor(shape: shape, storage: storage.converted(to: dtype))
    }

    /// For an op that only moves elements: on a bool tensor, runs `body` on
    /// its 0/1 float32 form and turns the result back into bool (exact,
    /// since 0 and 1 are); a float tensor goes to `body` as it is.
    func keepingBool(_ body: (Tensor) throws -> Tensor) rethrows -> Tensor {
        guard isBool else { return try body(self) }
        let out = try body(asFloat)
        return Tensor(shape: out.shape, storage: out.storage.converted(to: .bool))
    }

    /// A comparison: both operands promoted and broadcast, `true` where
    /// `f32`/`f64`/`i64` say so. Never recorded. Inlined, so each comparison
    /// gets its own loop (not a call through a closure per element). Int64
    /// meeting a float compares in float64, exactly for every float32 value
    /// and every integer below 2^53.
    @inline(__always)
    static func compare(_ op: String, _ a: Tensor, _ b: Tensor,
                        _ f32: (Float, Float) -> Bool, _ f64: (Double, Double) -> Bool,
                        _ i64: (Int64, Int64) -> Bool) throws -> Tensor {
        var (x, y) = (a, b)
        if (a.isInt64 && b.dtype.isFloatingPoint) || (b.isInt64 && a.dtype.isFloatingPoint) {
            (x, y) = (a.converted(.float64), b.converted(.float64))
        }
        (x, y) = promoted(x, y)
        let flags = try binary(op, x, y, { f32($0, $1) ? 1 : 0 }, { f64($0, $1) ? 1 : 0 }, { i64($0, $1) ? 1 : 0 })
        return Tensor(shape: flags.shape, storage: flags.storage.converted(to: .bool))
    }

    /// `true` where `test` holds for an element (of a float tensor; a bool
    /// tensor is tested on its 0/1 values, an int64 on its nearest double).
    /// Never recorded.
    public func test(_ f32: (Float) -> Bool, _ f64: (Double) -> Bool) -> Tensor {
        switch storage {
        case .float32(let a): return Tensor(shape: shape, storage: .bool(a.map(f32)))
        case .float64(let a): return Tensor(shape: shape, storage: .bool(a.map(f64)))
        case .bool(let a): return Tensor(shape: shape, storage: .bool(a.map { f64($0 ? 1 : 0) }))
        case .int64(let a): return Tensor(shape: shape, storage: .bool(a.map { f64(Double($0)) }))
        }
    }

    /// `true` where an element is NaN, as `torch.isnan`.
    public func isNaN() -> Tensor { test({ $0.isNaN }, { $0.isNaN }) }
    /// `true` where an element is neither infinite nor NaN, as `torch.isfinite`.
    public func isFinite() -> Tensor { test({ $0.isFinite }, { $0.isFinite }) }

    /// Elementwise `not` of a bool tensor (a number tensor is read as `x != 0`).
    public func logicalNot() -> Tensor {
        Tensor(shape: shape, storage: .bool(bools.map { !$0 }))
    }

    /// Elementwise `and`, broadcast; numbers are read as `x != 0`.
    public static func logicalAnd(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        try compare("logical_and", a.converted(.bool).asFloat, b.converted(.bool).asFloat, { $0 != 0 && $1 != 0 }, { $0 != 0 && $1 != 0 }, { $0 != 0 && $1 != 0 })
    }

    /// Elementwise `or`, broadcast; numbers are read as `x != 0`.
    public static func logicalOr(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        try compare("logical_or", a.converted(.bool).asFloat, b.converted(.bool).asFloat, { $0 != 0 || $1 != 0 }, { $0 != 0 || $1 != 0 }, { $0 != 0 || $1 != 0 })
    }

    /// Elementwise exclusive or, broadcast; numbers are read as `x != 0`.
    public static func logicalXor(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        try compare("logical_xor", a.converted(.bool).asFloat, b.converted(.bool).asFloat, { ($0 != 0) != ($1 != 0) }, { ($0 != 0) != ($1 != 0) }, { ($0 != 0) != ($1 != 0) })
    }

    /// `true` where any element over `axes` is nonzero (all axes when nil),
    /// as `torch.any`; `false` over an empty axis.
    public func any(axes: [Int]? = nil, keepdims: Bool = false) throws -> Tensor {
        let r = try reduction(axes, keepdims: keepdims, op: "any")
        let hits = converted(.bool).asFloat.reduced(.max, r)
        return Tensor(shape: r.out, storage: .bool(hits.doubles.map { $0 > 0 }))
    }

    /// `true` where every element over `axes` is nonzero (all axes when nil),
    /// as `torch.all`; `true` over an empty axis.
    public func all(axes: [Int]? = nil, keepdims: Bool = false) throws -> Tensor {
        let r = try reduction(axes, keepdims: keepdims, op: "all")
        let misses = converted(.bool).logicalNot().asFloat.reduced(.max, r)
        return Tensor(shape: r.out, storage: .bool(misses.doubles.map { !($0 > 0) }))
    }

    /// The coordinates of the `true` (nonzero) elements: one list per axis,
    /// each as long as the number of such elements, in row-major order (as
    /// `numpy.nonzero`).
    public func nonzeroCoordinates() -> [[Int]] {
        let flags = bools
        let strides = Shape.strides(shape)
        var out = [[Int]](repeating: [], count: rank)
        for (i, f) in flags.enumerated() where f {
            var rest = i
            for d in 0..<rank {
                out[d].append(rest / strides[d])
                rest %= strides[d]
            }
        }
        return out
    }
}
