/// The floored remainder `a % b`, defined as Python and NumPy define it for
/// floats, for numbers and tensors alike.
extension Tensor {
    /// The floored remainder of `x` by `y`: the result has the sign of `y`
    /// (zero included) and `|r| < |y|`, as Python's `float % float`:
    /// ```
    /// r = fmod(x, y)                  exact: IEEE remainder truncated toward 0
    /// r != 0 and sign(r) != sign(y):  r = r + y
    /// r == 0:                         r = 0 with the sign of y
    /// ```
    /// `fmod` is exact, so a large quotient loses nothing (`1e17 % 3` is 1,
    /// where `x - y * floor(x / y)` would give 0). `x % ±inf` is `x` when the
    /// signs agree and `±inf` otherwise; `x % 0`, `inf % y` and NaN give NaN.
    @inlinable
    public static func flooredRemainder<T: BinaryFloatingPoint>(_ x: T, _ y: T) -> T {
        let r = x.truncatingRemainder(dividingBy: y)
        if r == 0 { return y.sign == .minus ? -T.zero : T.zero }
        return (r < 0) != (y < 0) ? r + y : r
    }

    /// The floored quotient that goes with `flooredRemainder`:
    /// `(x - r) / y` rounded to the nearest integer (exact whenever the
    /// quotient is an integer a float can hold). The derivative of `x % y`
    /// with respect to `y` is `-floor(x / y)`.
    @inlinable
    static func flooredQuotient<T: BinaryFloatingPoint>(_ x: T, _ y: T) -> T {
        ((x - flooredRemainder(x, y)) / y).rounded(.toNearestOrEven)
    }

    /// `a % b` elementwise with NumPy broadcasting: the floored remainder of
    /// `flooredRemainder(_:_:)` (NumPy's `np.remainder`, PyTorch's `remainder`).
    /// Two int64 operands (or int64 and bool) give int64, with the divisor's
    /// sign (`Kernels.flooredRemainder`); a zero divisor there is an error,
    /// as in PyTorch.
    ///
    /// Gradient (piecewise, away from the jumps where `a / b` is an integer):
    /// ```
    /// da = g        db = -g * floor(a / b)
    /// ```
    public static func remainder(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        if !a.dtype.isFloatingPoint, !b.dtype.isFloatingPoint, a.isInt64 || b.isInt64, let d = b.integerElements {
            try checkNoZeroDivisor(d, op: "remainder")
        }
        let out = try binary("remainder", a, b, { flooredRemainder($0, $1) }, { flooredRemainder($0, $1) },
                             { Kernels.flooredRemainder($0, $1) })
        return record(.remainder, out, [a, b]) { g, ctx in
            guard ctx.needs[1] else { return [g, nil] }
            let q = try binary("remainder", ctx.inputs[0].detach(), ctx.inputs[1].detach(),
                               { flooredQuotient($0, $1) }, { flooredQuotient($0, $1) })
            return [ctx.needs[0] ? g : nil, try -(g * q)]
        }
    }
}
