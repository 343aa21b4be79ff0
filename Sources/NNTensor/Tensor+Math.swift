/// Elementwise math: powers, `exp`, `log`, `sqrt`, `abs`, trigonometry,
/// `tanh`, `erf` and `sign`. Each recorded op's gradient rule is written in
/// tensor ops, so it can be differentiated again.
extension Tensor {
    /// Applies one of the vectorised kernels of `Kernels+Math.swift`.
    static func unary(_ a: Tensor, _ fn: Kernels.Fn) -> Tensor {
        switch a.storage {
        case .float32(let x): return Tensor(shape: a.shape, storage: .float32(Kernels.map(fn, x)))
        case .float64(let x): return Tensor(shape: a.shape, storage: .float64(Kernels.map(fn, x)))
        case .bool, .int64: return unary(a.asFloat, fn)
        }
    }

    /// Applies a scalar function elementwise, split across cores when large
    /// (for functions costly enough to be worth it, such as libm's `sin`).
    @inline(__always)
    static func parallelUnary(_ a: Tensor, grain: Int = Kernels.parallelGrain / 8,
                              _ f32: (Float) -> Float, _ f64: (Double) -> Double) -> Tensor {
        // not recursive, so it inlines (see `unary(_:_:_:)`); a bool reads as float32 0/1
        if case .float64(let x) = a.storage {
            return Tensor(shape: a.shape, storage: .float64(Kernels.parallelMap(x, grain: grain, f64)))
        }
        return Tensor(shape: a.shape, storage: .float32(Kernels.parallelMap(a.floats, grain: grain, f32)))
    }

    /// A 0/1 tensor of this tensor's dtype: `pred(x)` elementwise. Untracked.
    func mask(_ pred32: (Float) -> Bool, _ pred64: (Double) -> Bool) -> Tensor {
        Tensor.unary(self, { pred32($0) ? 1 : 0 }, { pred64($0) ? 1 : 0 })
    }

    /// `eˣ` elementwise. Gradient: `g * exp(x)` (the output itself).
    public func exp() -> Tensor {
        let out = Tensor.unary(self, .exp)
        return Tensor.record(.exp, out, [self]) { g, ctx in [try g * ctx.output] }
    }

    /// The natural logarithm elementwise (`-inf` at 0, NaN below).
    /// Gradient: `g / x`.
    public func log() -> Tensor {
        let out = Tensor.unary(self, .log)
        return Tensor.record(.log, out, [self]) { g, ctx in [try g / ctx.inputs[0]] }
    }

    /// `tanh(x)` elementwise. Gradient: `g * (1 - y²)` with `y = tanh(x)`,
    /// one recorded op (`tanhBackward`, Tensor+ActivationBackward.swift).
    public func tanh() -> Tensor {
        let out = Tensor.unary(self, .tanh)
        return Tensor.record(.tanh, out, [self]) { g, ctx in
            [try Tensor.tanhBackward(g, ctx.output)]
        }
    }

    /// `√x` elementwise (NaN below 0). Gradient: `g / (2 √x)` (inf at 0, as PyTorch).
    public func sqrt() -> Tensor {
        let out = Tensor.unary(self, { $0.squareRoot() }, { $0.squareRoot() })
        return Tensor.record(.sqrt, out, [self]) { g, ctx in [try g / (ctx.output * 2)] }
    }

    /// `|x|` elementwise (int64 stays int64; `|Int64.min|` wraps to itself,
    /// as NumPy and PyTorch). Gradient: `g * sign(x)` (0 at 0, as PyTorch).
    public func abs() -> Tensor {
        if let out = Tensor.unaryInt64(self, { $0 < 0 ? 0 &- $0 : $0 }) { return out }
        let out = Tensor.unary(self, { Swift.abs($0) }, { Swift.abs($0) })
        return Tensor.record(.abs, out, [self]) { g, ctx in [try g * ctx.inputs[0].detach().sign()] }
    }

    /// `sin(x)` elementwise. Gradient: `g * cos(x)`.
    public func sin() -> Tensor {
        let out = Tensor.parallelUnary(self, { libmSin($0) }, { libmSin($0) })
        return Tensor.record(.sin, out, [self]) { g, ctx in [try g * ctx.inputs[0].cos()] }
    }

    /// `cos(x)` elementwise. Gradient: `-g * sin(x)`.
    public func cos() -> Tensor {
        let out = Tensor.parallelUnary(self, { libmCos($0) }, { libmCos($0) })
        return Tensor.record(.cos, out, [self]) { g, ctx in [try -(g * ctx.inputs[0].sin())] }
    }

    /// The error function `erf(x) = 2/√π ∫₀ˣ e^(-t²) dt` elementwise.
    /// Gradient: `g * 2/√π * exp(-x²)`.
    public func erf() -> Tensor {
        let out = Tensor.parallelUnary(self, { libmErf($0) }, { libmErf($0) })
        return Tensor.record(.erf, out, [self]) { g, ctx in
            let x = ctx.inputs[0]
            return [try g * ((-(x * x)).exp() * (2 / Double.pi.squareRoot()))]
        }
    }

    /// -1, 0 or 1 by the sign of each element (±0 and NaN stay as they are).
    /// Not differentiable: the result is untracked (gradient zero, as PyTorch).
    /// Int64 stays int64.
    public func sign() -> Tensor {
        if let out = Tensor.unaryInt64(self, { $0.signum() }) { return out }
        return Tensor.unary(self, { $0 > 0 ? 1 : ($0 < 0 ? -1 : $0) }, { $0 > 0 ? 1 : ($0 < 0 ? -1 : $0) })
    }

    /// `x²` elementwise (the same op as `pow(2)`).
    public func square() -> Tensor { pow(2) }

    /// `xᵖ` elementwise for a number `p`, as C's `pow` (so `0⁰ = 1`, and a
    /// negative base with a fractional `p` gives NaN).
    ///
    /// Gradient: `g * p * x^(p-1)`; zero when `p == 0`. Common powers
    /// (2, 3, 1, 0.5, -1, -2) take exact shortcuts.
    ///
    /// An int64 tensor to a non-negative integral power stays int64
    /// (wrapping on overflow); to any other power it is computed in float32.
    /// (The language's `**` refuses a negative integral power of an int64
    /// tensor first, as PyTorch does: see `checkNonNegativeExponent`.)
    public func pow(_ p: Double) -> Tensor {
        if isInt64, p >= 0, let e = Int64(exactly: p),
           let out = Tensor.unaryInt64(self, { Kernels.power($0, e) }) {
            return out
        }
        let out: Tensor
        switch p {
        case 0: out = onesLike()
        case 1: out = Tensor(shape: shape, storage: storage)
        case 2: out = Tensor.unary(self, { $0 * $0 }, { $0 * $0 })
        case 3: out = Tensor.unary(self, { $0 * $0 * $0 }, { $0 * $0 * $0 })
        case 0.5: out = Tensor.unary(self, { $0.squareRoot() }, { $0.squareRoot() })
        case -1: out = Tensor.unary(self, { 1 / $0 }, { 1 / $0 })
        case -2: out = Tensor.unary(self, { 1 / ($0 * $0) }, { 1 / ($0 * $0) })
        default:
            let pf = Float(p)
            out = Tensor.parallelUnary(self, { libmPow($0, pf) }, { libmPow($0, p) })
        }
        return Tensor.record(.powScalar, out, [self]) { g, ctx in
            if p == 0 { return [nil] }
            return [try g * (ctx.inputs[0].pow(p - 1) * p)]
        }
    }

    /// `selfᵉ` elementwise with broadcasting; see `Tensor.pow(_:_:)`.
    public func pow(_ exponent: Tensor) throws -> Tensor { try Tensor.pow(self, exponent) }

    /// `aᵇ` elementwise with NumPy broadcasting (the `**` operator), as C's `pow`.
    ///
    /// Two int64 operands (or int64 and bool) give int64, by repeated
    /// multiplication wrapping on overflow; a negative exponent there is an
    /// error, as PyTorch's "integers to negative integer powers are not
    /// allowed". Int64 with a float computes in the float.
    ///
    /// Gradients, as PyTorch defines them:
    /// ```
    /// da = g * b * a^(b-1)        (0 where b == 0)
    /// db = g * aᵇ * log(a)        (0 where a == 0 and b >= 0; NaN for a < 0)
    /// ```
    public static func pow(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        if !a.dtype.isFloatingPoint, !b.dtype.isFloatingPoint, a.isInt64 || b.isInt64, let e = b.integerElements {
            try checkNonNegativeExponent(e, op: "pow")
        }
        let out = try binary("pow", a, b, { libmPow($0, $1) }, { libmPow($0, $1) }, { Kernels.power($0, $1) })
        return record(.pow, out, [a, b]) { g, ctx in
            let (a, b) = (ctx.inputs[0], ctx.inputs[1])
            var ga: Tensor?, gb: Tensor?
            if ctx.needs[0] {
                let d = try b * Tensor.pow(a, b - 1)
                // a bool condition: b may be an int64 constant (its 0/1 mask
                // would be float32, not a's float64)
                let bZero = try b.detach().eq(0)
                ga = try g * Tensor.where(bZero, d.scalar(0), d)
            }
            if ctx.needs[1] {
                let aZero = try Tensor.binary("pow", a.detach(), b.detach(),
                                              { $0 == 0 && $1 >= 0 ? 1 : 0 }, { $0 == 0 && $1 >= 0 ? 1 : 0 })
                let safeA = try Tensor.where(aZero, aZero.onesLike(), a)
                gb = try g * ctx.output * safeA.log()
            }
            return [ga, gb]
        }
    }
}
