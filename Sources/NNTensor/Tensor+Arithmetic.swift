/// Elementwise arithmetic with NumPy broadcasting: `+ - * /` and negation.
extension Tensor {
    /// Applies a broadcasting binary kernel, dispatching on dtype, after
    /// promotion (`promoted`: bool and int64 take the other operand's dtype
    /// when it is wider; float32 with float64 is an error); two int64
    /// operands use `i64`.
    @inline(__always)
    static func binary(_ op: String, _ a: Tensor, _ b: Tensor,
                       _ f32: (Float, Float) -> Float, _ f64: (Double, Double) -> Double,
                       _ i64: (Int64, Int64) -> Int64) throws -> Tensor {
        let outShape = try Shape.broadcast(a.shape, b.shape, op: op)
        let (a, b) = promoted(a, b)
        try Shape.reserve(outShape, dtype: a.dtype, op: op)
        switch (a.storage, b.storage) {
        case let (.float32(x), .float32(y)):
            return Tensor(shape: outShape, storage: .float32(Kernels.zip(x, a.shape, y, b.shape, outShape, f32)))
        case let (.float64(x), .float64(y)):
            return Tensor(shape: outShape, storage: .float64(Kernels.zip(x, a.shape, y, b.shape, outShape, f64)))
        case let (.int64(x), .int64(y)):
            return Tensor(shape: outShape, storage: .int64(Kernels.zip(x, a.shape, y, b.shape, outShape, i64)))
        default:
            throw TensorError(op: op, "dtypes \(a.dtype) and \(b.dtype) do not match; convert one with .to(\"\(a.dtype)\")")
        }
    }

    /// `binary` for an op with no integer form (`/`, `maximum`'s gradient
    /// weights): operands that would meet in int64 are computed in float32.
    @inline(__always)
    static func binary(_ op: String, _ a: Tensor, _ b: Tensor,
                       _ f32: (Float, Float) -> Float, _ f64: (Double, Double) -> Double) throws -> Tensor {
        if !a.dtype.isFloatingPoint, !b.dtype.isFloatingPoint, a.isInt64 || b.isInt64 {
            return try binary(op, a.asFloat, b.asFloat, f32, f64, { x, _ in x })
        }
        return try binary(op, a, b, f32, f64, { x, _ in x })
    }

    /// Applies a unary kernel, dispatching on dtype (a bool tensor as float32
    /// 0/1, an int64 tensor as float32).
    ///
    /// Not recursive (the bool and int64 cases read `floats`), so it is inlined into
    /// each op and the loop is specialised for its closures: a recursive
    /// version stays out of line and calls `f32` through a pointer per element.
    @inline(__always)
    static func unary(_ a: Tensor, _ f32: (Float) -> Float, _ f64: (Double) -> Double) -> Tensor {
        if case .float64(let x) = a.storage {
            return Tensor(shape: a.shape, storage: .float64(Kernels.map(x, f64)))
        }
        return Tensor(shape: a.shape, storage: .float32(Kernels.map(a.floats, f32)))
    }

    /// `a + b`. Gradient: `(g, g)`, each summed back to its operand's shape.
    /// Int64 wraps on overflow.
    public static func + (a: Tensor, b: Tensor) throws -> Tensor {
        let out = try binary("add", a, b, { $0 + $1 }, { $0 + $1 }, { $0 &+ $1 })
        return record(.add, out, [a, b]) { g, _ in [g, g] }
    }

    /// `a - b`. Gradient: `(g, -g)`.
    public static func - (a: Tensor, b: Tensor) throws -> Tensor {
        let out = try binary("sub", a, b, { $0 - $1 }, { $0 - $1 }, { $0 &- $1 })
        return record(.sub, out, [a, b]) { g, ctx in [g, ctx.needs[1] ? -g : nil] }
    }

    /// `a * b`. Gradient: `(g * b, g * a)`.
    public static func * (a: Tensor, b: Tensor) throws -> Tensor {
        let out = try binary("mul", a, b, { $0 * $1 }, { $0 * $1 }, { $0 &* $1 })
        return record(.mul, out, [a, b]) { g, ctx in
            [ctx.needs[0] ? try g * ctx.inputs[1] : nil,
             ctx.needs[1] ? try g * ctx.inputs[0] : nil]
        }
    }

    /// `a / b`, true division: two int64 (or bool) operands divide in
    /// float32, as Python 3 and PyTorch. Gradient: `(g / b, -g * a / b²)`.
    public static func / (a: Tensor, b: Tensor) throws -> Tensor {
        let out = try binary("div", a, b, { $0 / $1 }, { $0 / $1 })
        return record(.div, out, [a, b]) { g, ctx in
            let (x, y) = (ctx.inputs[0], ctx.inputs[1])
            return [ctx.needs[0] ? try g / y : nil,
                    ctx.needs[1] ? try -(g * x) / (y * y) : nil]
        }
    }

    /// `-a` (int64 stays int64, wrapping at `Int64.min`). Gradient: `-g`.
    public static prefix func - (a: Tensor) -> Tensor {
        if let out = unaryInt64(a, { 0 &- $0 }) { return out }
        let out = unary(a, { -$0 }, { -$0 })
        return record(.neg, out, [a]) { g, _ in [-g] }
    }

    public static func + (a: Tensor, b: Double) throws -> Tensor { try a + a.scalar(b) }
    public static func + (a: Double, b: Tensor) throws -> Tensor { try b.scalar(a) + b }
    public static func - (a: Tensor, b: Double) throws -> Tensor { try a - a.scalar(b) }
    public static func - (a: Double, b: Tensor) throws -> Tensor { try b.scalar(a) - b }
    public static func * (a: Tensor, b: Double) throws -> Tensor { try a * a.scalar(b) }
    public static func * (a: Double, b: Tensor) throws -> Tensor { try b.scalar(a) * b }
    public static func / (a: Tensor, b: Double) throws -> Tensor { try a / a.scalar(b) }
    public static func / (a: Double, b: Tensor) throws -> Tensor { try b.scalar(a) / b }

    /// The same values in `dtype` (this tensor itself when it already is).
    /// Recorded between float dtypes, so gradients flow back converted to the
    /// source dtype; to or from bool (`x != 0`, or 0/1) and int64 it is not.
    /// To int64, floats truncate toward zero, and NaN, ±inf or a value
    /// outside `[-2^63, 2^63)` is an error naming it; from int64, values
    /// round to the nearest float (exact below 2^24 for float32, 2^53 for
    /// float64).
    public func to(_ dtype: DType) throws -> Tensor {
        if dtype == self.dtype { return self }
        let out = Tensor(shape: shape, storage: try storage.converting(to: dtype, op: "to"))
        if !dtype.isFloatingPoint || !self.dtype.isFloatingPoint { return out }
        return Tensor.record(.cast, out, [self]) { g, ctx in [try g.to(ctx.inputs[0].dtype)] }
    }
}
