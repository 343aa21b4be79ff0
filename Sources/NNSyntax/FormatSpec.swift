/// A format spec of Python's format mini-language, as written after the `:`
/// of an interpolation (`"{loss:.4f}"`) or given to `format(x, spec)`:
///
/// ```
/// [[fill]align][sign]["z"]["#"]["0"][width][grouping]["." precision][type]
/// ```
///
/// - align: `<` left, `>` right, `^` centre, `=` padding after the sign
///   (numbers); fill is any one character before it (default a space);
/// - sign: `-` only negatives (default), `+` always, ` ` a space for positives;
/// - `z`: a negative zero after rounding prints as zero (`-0.0001` with
///   `z.2f` is `0.00`);
/// - `#`: `0x`/`0b`/`0o` prefixes for `x`/`b`/`o`; `e`, `f`, `g`, `%` keep
///   their decimal point (and `g` its trailing zeros);
/// - `0`: sign-aware zero padding, as fill `0` with align `=`;
/// - grouping: `,` or `_` every three digits of the integer part (`_` every
///   four for `x`, `b`, `o`);
/// - precision: digits after the point (`f`, `e`, `%`), significant digits
///   (`g`), or the most characters kept of a string;
/// - type: `f F e E g G %` for numbers, `d x X b o` for integers, `s` for
///   strings; none shows the value as `print` does.
///
/// Parsing checks what the spec alone decides (Python's rules, in the
/// order CPython checks them), so a bad spec in a string literal is a syntax
/// error; what depends on the value (`d` on 2.5) is checked when formatting.
public struct FormatSpec: Sendable, Equatable {
    /// Where the padding goes.
    public enum Align: Character, Sendable {
        case left = "<", right = ">", center = "^", afterSign = "="
    }

    /// Which numbers get a sign.
    public enum Sign: Character, Sendable {
        case minus = "-", plus = "+", space = " "
    }

    /// The spec as written.
    public let text: String
    /// The fill character, when written before an align character.
    public var fill: Character?
    /// The alignment, when written.
    public var align: Align?
    /// The sign option, when written.
    public var sign: Sign?
    /// `z`: coerce a negative zero to zero.
    public var coerceNegativeZero = false
    /// `#`: the alternate form.
    public var alternate = false
    /// `0` before the width: zero padding (fill `0`; align `=` for numbers).
    public var zeroPad = false
    /// The minimum width, when written.
    public var width: Int?
    /// `,` or `_`.
    public var grouping: Character?
    /// The precision, when written.
    public var precision: Int?
    /// The presentation type, when written.
    public var type: Character?

    /// The largest width or precision a spec may ask for (a script cannot
    /// make one format call allocate without bound).
    public static let maxCount = 10_000

    /// The types of numbers (`d x X b o` need integral values).
    static let numberTypes: Set<Character> = ["d", "x", "X", "b", "o", "e", "E", "f", "F", "g", "G", "%"]
    /// The types of integers.
    public static let integerTypes: Set<Character> = ["d", "x", "X", "b", "o"]

    /// Parses `text`; throws a message naming what is wrong and the fix.
    public init(_ text: String) throws(FormatSpecError) {
        self.text = text
        let s = Array(text)
        var pos = 0
        func at(_ i: Int) -> Character? { i < s.count ? s[i] : nil }
        if s.count >= 2, let a = Align(rawValue: s[1]) {
            fill = s[0]
            align = a
            pos = 2
        } else if let c = at(0), let a = Align(rawValue: c) {
            align = a
            pos = 1
        }
        if let c = at(pos), let sg = Sign(rawValue: c) { sign = sg; pos += 1 }
        if at(pos) == "z" { coerceNegativeZero = true; pos += 1 }
        if at(pos) == "#" { alternate = true; pos += 1 }
        if fill == nil, at(pos) == "0" { zeroPad = true; pos += 1 }
        width = try Self.count(s, &pos, text, what: "width")
        if at(pos) == "," || at(pos) == "_" {
            grouping = s[pos]
            pos += 1
            if let c = at(pos), c == "," || c == "_" {
                throw FormatSpecError(text, "use one grouping option, ',' or '_', not both")
            }
        }
        if at(pos) == "." {
            pos += 1
            guard let p = try Self.count(s, &pos, text, what: "precision") else {
                throw FormatSpecError(text, "expected digits after '.' (a precision, as in '.4f')")
            }
            precision = p
        }
        if pos < s.count {
            guard pos == s.count - 1 else {
                throw FormatSpecError(text, "cannot read '\(String(s[pos...]))'; the order is [[fill]align][sign][z][#][0][width][,|_][.precision][type], as in '>8.3f'")
            }
            type = s[pos]
        }
        try checkType()
    }

    /// Reads a run of digits; nil when there is none.
    static func count(_ s: [Character], _ pos: inout Int, _ text: String, what: String) throws(FormatSpecError) -> Int? {
        var n: Int?
        while pos < s.count, let d = s[pos].wholeNumberValue, s[pos].isASCII {
            let next = (n ?? 0) * 10 + d
            guard next <= maxCount else {
                throw FormatSpecError(text, "the \(what) is at most \(maxCount)")
            }
            n = next
            pos += 1
        }
        return n
    }

    /// The checks that depend on the type alone.
    func checkType() throws(FormatSpecError) {
        if let t = type, t != "s", !Self.numberTypes.contains(t) {
            let hint = switch t {
            case "n": "; use 'd' or 'g' (no locale-dependent output)"
            case "c": "; characters are not numbers in nn"
            case "i", "u": "; use 'd' for an integer"
            default: ""
            }
            throw FormatSpecError(text, "unknown type '\(t)' (types: f F e E g G % for numbers, d x X b o for integers, s for strings)\(hint)")
        }
        if let g = grouping {
            switch type {
            case nil, "d", "e", "E", "f", "F", "g", "G", "%": break
            case let t? where "xXbo".contains(t) && g == "_": break
            case let t?:
                throw FormatSpecError(text, "cannot group digits with '\(g)' for type '\(t)'\(g == "," && "xXbo".contains(t) ? " (use '_')" : "")")
            }
        }
        if let t = type, Self.integerTypes.contains(t) {
            if precision != nil {
                throw FormatSpecError(text, "type '\(t)' takes no precision (an integer has no decimals; use '.\(precision ?? 0)f')")
            }
            if coerceNegativeZero {
                throw FormatSpecError(text, "'z' applies to the types f, e, g and %, not the integer type '\(t)'")
            }
        }
        if type == "s" {
            try checkText("type 's'")
        }
    }

    /// The checks for a spec applied to text.
    func checkText(_ what: String) throws(FormatSpecError) {
        if sign != nil { throw FormatSpecError(text, "a sign ('\(sign?.rawValue ?? "+")') applies to numbers, not \(what)") }
        if coerceNegativeZero { throw FormatSpecError(text, "'z' applies to numbers, not \(what)") }
        if alternate { throw FormatSpecError(text, "'#' applies to numbers, not \(what)") }
        if align == .afterSign { throw FormatSpecError(text, "'=' alignment applies to numbers, not \(what); use '<', '>' or '^'") }
        if let g = grouping { throw FormatSpecError(text, "grouping ('\(g)') applies to numbers, not \(what)") }
    }
}

/// A format spec that cannot be read or cannot format the value given.
public struct FormatSpecError: Error, Sendable, Equatable {
    /// The spec as written.
    public let spec: String
    /// What is wrong and the fix: `unknown type 'q' ...`.
    public let problem: String

    public init(_ spec: String, _ problem: String) {
        self.spec = spec
        self.problem = problem
    }

    /// The message, naming the spec: `format spec '.4q': unknown type 'q' ...`.
    public var message: String { "format spec '\(spec)': \(problem)" }
}
