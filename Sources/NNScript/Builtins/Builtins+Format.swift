import NNSyntax
import NNTensor

/// `format(x, spec)` and the format specs of interpolation (`"{loss:.4f}"`):
/// Python's format mini-language (``FormatSpec``) applied to nn's values.
extension Builtins {
    static let formatBuiltin = Builtin(
        "format", [.required("x"), .optional("spec", .string(""))], area: "Core",
        summary: "`x` as the format spec `spec` writes it, as Python's `format`: `format(0.12345, \".2%\")` is `\"12.35%\"`.",
        discussion: """
            The same specs follow a `:` in an interpolation: `"{loss:.4f}"` is `format(loss, ".4f")`. \
            A spec is `[[fill]align][sign][z][#][0][width][,|_][.precision][type]`: \
            align `<` `>` `^` (`=` pads after the sign), sign `+` or a space, `z` turns a rounded `-0` into `0`, \
            `#` adds `0x`/`0b`/`0o` (or keeps the point), `0` pads with zeros after the sign, \
            `,` or `_` group thousands (`_` groups of four for `x`, `b`, `o`); \
            types `f` `F` (fixed), `e` `E` (exponent), `g` `G` (significant digits), `%` (times 100, fixed), \
            `d` `x` `X` `b` `o` (integers: the value must be integral), `s` (strings). \
            Without a type a number shows as `print` shows it (`3`, `0.1`), then padded and grouped. \
            The output is Python's, character for character. \
            A tensor formats elementwise: its values in brackets, each element as the spec writes it, \
            right-aligned to the widest (`format(tensor([0.5, 2]), \".2f\")` is `\"[0.50, 2.00]\"`); \
            a scalar tensor is its one number (`"{loss:.4f}"` for a tensor loss); \
            an int64 tensor takes the integer types (`"{labels:d}"`), for elements within ±2**53. \
            A string takes fill, align, width and precision (the most characters kept); \
            a bool or nil its text (`true`, `nil`) with fill, align and width. \
            Lists, tuples and records take no spec (format their items one by one); \
            the empty spec is no spec: `format(x)` is `str(x)` for any value.
            """
    ) { a in
        let spec = try a.string("spec")
        do {
            return .string(try a["x"].formatted(try FormatSpec(spec)))
        } catch let e as FormatSpecError {
            throw BuiltinError("format: spec '\(e.spec)': \(e.problem)")
        }
    }
}

extension Value {
    /// The value as `spec` writes it (see ``Builtins/formatBuiltin``); an
    /// empty spec is no spec: any value as `print` shows it (`"{r:}"` is `"{r}"`).
    func formatted(_ spec: FormatSpec) throws(FormatSpecError) -> String {
        if spec.text.isEmpty { return description }
        switch self {
        case .number(let d): return try spec.format(number: d, plain: Value.formatNumber(d))
        case .string(let s): return try spec.format(text: s)
        case .bool(let b): return try spec.format(text: b ? "true" : "false", what: "a bool")
        case .nil: return try spec.format(text: "nil", what: "nil")
        case .tensor(let t): return try Value.formatted(t, spec)
        case .list, .tuple:
            throw FormatSpecError(spec.text, "a format spec writes a number, string, bool, nil or tensor, not a \(typeName); format the items: join(map(xs, x => format(x, \(Value.quote(spec.text)))), \", \")")
        case .record:
            throw FormatSpecError(spec.text, "a format spec writes a number, string, bool, nil or tensor, not a record; format its fields one by one (\"{r.loss:\(spec.text)}\")")
        default:
            throw FormatSpecError(spec.text, "a format spec writes a number, string, bool, nil or tensor, not a \(typeName)")
        }
    }

    /// A tensor elementwise: the spec is checked on the values first (so an
    /// error names the element), then each element is written by it.
    static func formatted(_ t: Tensor, _ spec: FormatSpec) throws(FormatSpecError) -> String {
        if t.isBool {
            throw FormatSpecError(spec.text, "a bool tensor has no number format; convert it with t.to(\"float32\") first")
        }
        // a spec writes doubles: an int64 beyond 2**53 would be rounded
        if let a = t.int64s, let big = a.first(where: { $0.magnitude > 1 << 53 }) {
            throw FormatSpecError(spec.text, "the int64 element \(big) is beyond ±2**53, where a format spec (which writes doubles) would round it; print the tensor without a spec")
        }
        let single = t.dtype == .float32
        _ = try spec.format(number: 0, plain: "0")  // what the spec alone rules out ('s', a precision without a type)
        if let type = spec.type, FormatSpec.integerTypes.contains(type) {
            for v in t.doubles where !(v.isFinite && v.rounded(.towardZero) == v) {
                throw FormatSpecError(spec.text, "type '\(type)' takes integers, and the tensor holds \(plain(v, single)); round it first (t.round()) or use '.0f'")
            }
        }
        return t.formattedValues { v in (try? spec.format(number: v, plain: plain(v, single))) ?? "?" }
    }

    /// How a tensor element shows without a type: as `print` shows a number,
    /// but a float32 element in the shortest text that reads back as that
    /// float32 (`0.1`, not `0.10000000149011612`).
    static func plain(_ v: Double, _ single: Bool) -> String {
        guard single, v.isFinite, v.rounded() != v else { return formatNumber(v) }
        return Float(v).description
    }
}
