#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NNTensor

/// Elementwise math: each function takes a number or a tensor.
extension Builtins {
    /// `t`, once the system has the memory for a result as large as it (in
    /// `dtype`, the tensor's own by default): the tensor kernels of
    /// same-size results do not throw, so builtins ask first.
    static func sized(_ t: Tensor, _ op: String, dtype: DType? = nil) throws -> Tensor {
        try Shape.reserve(t.shape, dtype: dtype ?? (t.isBool ? .float32 : t.dtype), op: op)
        return t
    }

    /// A one-argument function of numbers and tensors.
    static func elementwise(_ name: String, _ summary: String, _ discussion: String = "",
                            number: @escaping @Sendable (Double) -> Double,
                            tensor: @escaping @Sendable (Tensor) throws -> Tensor) -> Builtin {
        Builtin(name, [.required("x")], area: "Math", summary: summary, discussion: discussion,
                quick1: { x in if case .number(let d) = x { .number(number(d)) } else { nil } }) { a in
            switch try a["x"] {
            case .number(let d): return .number(number(d))
            case .tensor(let t):
                return .tensor(try tensor(try sized(t, name)))
            default: throw try a.bad("x", "number or tensor")
            }
        }
    }

    static let math: [Builtin] = [
        elementwise("abs", "The absolute value `|x|`.", number: { Swift.abs($0) }, tensor: { $0.abs() }),
        elementwise("sqrt", "The square root.", number: { sqrt($0) }, tensor: { $0.sqrt() }),
        elementwise("exp", "The exponential `e ** x`.", number: { exp($0) }, tensor: { $0.exp() }),
        elementwise("log", "The natural logarithm.", number: { log($0) }, tensor: { $0.log() }),
        elementwise("sin", "The sine (radians).", number: { sin($0) }, tensor: { $0.sin() }),
        elementwise("cos", "The cosine (radians).", number: { cos($0) }, tensor: { $0.cos() }),
        elementwise("tanh", "The hyperbolic tangent.", number: { tanh($0) }, tensor: { $0.tanh() }),
        elementwise("sign", "-1, 0 or 1 by the sign of `x`.", number: { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }, tensor: { $0.sign() }),
        elementwise("erf", "The error function.", number: { erf($0) }, tensor: { $0.erf() }),
        elementwise("sigmoid", "The logistic function.", "```\nsigmoid(x) = 1 / (1 + exp(-x))\n```",
                    number: { 1 / (1 + exp(-$0)) }, tensor: { $0.sigmoid() }),
        elementwise("relu", "The rectifier `max(x, 0)`.", number: { Swift.max($0, 0) }, tensor: { $0.relu() }),
        elementwise("gelu", "The Gaussian error linear unit.", "```\ngelu(x) = x * (1 + erf(x / sqrt(2))) / 2\n```",
                    number: { $0 * (1 + erf($0 / 2.0.squareRoot())) / 2 }, tensor: { $0.gelu() }),
        Builtin("leaky_relu", [.required("x"), .optional("slope", .number(0.01))], area: "Math",
                summary: "`x` where positive, `slope * x` elsewhere.") { a in
            let s = try a.number("slope")
            switch try a["x"] {
            case .number(let d): return .number(d > 0 ? d : s * d)
            case .tensor(let t): return .tensor(try sized(t, "leaky_relu").leakyRelu(slope: s))
            default: throw try a.bad("x", "number or tensor")
            }
        },
        Builtin("softplus", [.required("x"), .optional("beta", .number(1)), .optional("threshold", .number(20))], area: "Math",
                summary: "A smooth rectifier.", discussion: "```\nsoftplus(x) = log(1 + exp(beta * x)) / beta   (x itself where beta * x > threshold)\n```") { a in
            let beta = try a.number("beta"), th = try a.number("threshold")
            switch try a["x"] {
            case .number(let d): return .number(beta * d > th ? d : log1p(exp(beta * d)) / beta)
            case .tensor(let t): return .tensor(try sized(t, "softplus").softplus(beta: beta, threshold: th))
            default: throw try a.bad("x", "number or tensor")
            }
        },
        Builtin("floor", [.required("x")], area: "Math", summary: "The largest integer not above `x`.") { a in
            try rounding(a, .down)
        },
        Builtin("ceil", [.required("x")], area: "Math", summary: "The smallest integer not below `x`.") { a in
            try rounding(a, .up)
        },
        Builtin("round", [.required("x"), .optional("digits")], area: "Math",
                summary: "`x` rounded to an integer, or to `digits` decimals (halves to even, as Python).",
                discussion: "Rounds the exact binary value, as Python's `round`: `round(2.675, 2)` is `2.67` (2.675 is 2.67499999... in binary), `round(5297.85, 1)` is `5297.9`. Negative `digits` round to tens, hundreds, ...; a number with fewer decimals than `digits` is returned as it is, and a finite number never becomes `inf` (a result too large is an error). Without `digits` the result is an integer, so never `-0`; with `digits` a zero keeps the sign of `x` (`round(-0.04, 1)` is `-0`), as Python's floats. A tensor rounds elementwise in its own dtype (a float32 tensor rounds its float32 values); an int64 tensor is returned as it is (with negative `digits`, rounded to tens, hundreds, ... exactly, halves to even).") { a in
            let x = try a["x"]
            if case .nil = try a["digits"] {
                switch x {
                case .number(let d): return .number(integral(d.rounded(.toNearestOrEven)))
                case .tensor(let t) where t.isInt64: return .tensor(t)  // integers are already round
                case .tensor(let t):
                    _ = try sized(t, "round", dtype: .float64)
                    return .tensor(try Tensor(shape: t.shape, values: t.doubles.map { $0.rounded(.toNearestOrEven) }, dtype: t.dtype))
                default: throw try a.bad("x", "number or tensor")
                }
            }
            let digits = try a.int("digits")
            switch x {
            case .number(let d): return .number(try Tensor.roundedDecimal(d, digits: digits))
            case .tensor(let t): return .tensor(try sized(t, "round", dtype: .float64).rounded(digits: digits))
            default: throw try a.bad("x", "number or tensor")
            }
        },
        Builtin("clamp", [.required("x"), .needed("min", when: "max is omitted; give min:, max: or both"),
                          .needed("max", when: "min is omitted; give min:, max: or both")], area: "Math",
                summary: "`x` limited to `[min, max]` (either bound may be omitted, not both).",
                discussion: "`x` itself when it lies within the bounds (so `clamp(-0.0, 0)` is `-0`, and NaN stays NaN), otherwise the bound it crosses; for a tensor, elementwise, the same rule.") { a in
            if try a["min"].isNil, try a["max"].isNil { _ = try a.needed("min") }
            let lo = try a.optionalNumber("min"), hi = try a.optionalNumber("max")
            switch try a["x"] {
            case .number(let d):
                if lo?.isNaN == true { throw try a.bad("min", message: "min is NaN") }
                if hi?.isNaN == true { throw try a.bad("max", message: "max is NaN") }
                var y = d
                if let lo, y < lo { y = lo }
                if let hi, y > hi { y = hi }
                return .number(y)
            case .tensor(let t): return .tensor(try sized(t, "clamp").clamp(min: lo, max: hi))
            default: throw try a.bad("x", "number or tensor")
            }
        },
        Builtin("pow", [.required("x"), .required("p")], area: "Math", summary: "`x ** p`.") { a in
            try Operators.binary(.power, try a["x"], try a["p"])
        },
        Builtin("is_nan", [.required("x")], area: "Math",
                summary: "True when the number `x` is not a number (nan); of a tensor, a bool tensor (`torch.isnan`).") { a in
            if case .tensor(let t) = try a["x"] { return .tensor(t.isNaN()) }
            return .bool(try a.number("x").isNaN)
        },
        Builtin("is_finite", [.required("x")], area: "Math",
                summary: "True when the number `x` is neither infinite nor nan; of a tensor, a bool tensor (`torch.isfinite`).") { a in
            if case .tensor(let t) = try a["x"] { return .tensor(t.isFinite()) }
            return .bool(try a.number("x").isFinite)
        },
        Builtin("pi", [], area: "Math", summary: "The number π.") { _ in .number(Double.pi) },
        Builtin("inf", [], area: "Math", summary: "Positive infinity.") { _ in .number(Double.infinity) },
        Builtin("nan", [], area: "Math", summary: "Not a number.") { _ in .number(Double.nan) },
    ]

    /// An integer result of `floor`, `ceil` or `round` without digits: Python
    /// returns an int there, and an integer zero has no sign (`floor(-0.5)`
    /// is -1, `ceil(-0.5)` and `round(-0.4)` are 0, not -0).
    private static func integral(_ d: Double) -> Double { d == 0 ? 0 : d }

    private static func rounding(_ a: BuiltinArguments, _ rule: FloatingPointRoundingRule) throws -> Value {
        switch try a["x"] {
        case .number(let d): return .number(integral(d.rounded(rule)))
        case .tensor(let t) where t.isInt64: return .tensor(t)  // integers are already whole
        case .tensor(let t):
            _ = try sized(t, a.builtin.name, dtype: .float64)
            return .tensor(try Tensor(shape: t.shape, values: t.doubles.map { $0.rounded(rule) }, dtype: t.dtype))
        default: throw try a.bad("x", "number or tensor")
        }
    }
}
