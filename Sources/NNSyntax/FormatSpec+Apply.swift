#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Formatting numbers and text with a spec, character for character as
/// Python's `format` does (CPython's `Python/formatter_unicode.c`).
///
/// nn's numbers are 64-bit floats: the integer types (`d x X b o`) take the
/// integral ones and print them as Python prints the equal `int`; the float
/// types (`f e g %`) print as Python prints the `float` (C's correctly rounded
/// conversions); no type prints what `print` shows (an integral value as an
/// integer, `3` not `3.0`), then pads and groups it.
extension FormatSpec {
    /// `v` formatted; `plain` is how `print` shows it (used when there is no type).
    public func format(number v: Double, plain: String) throws(FormatSpecError) -> String {
        if type == "s" {
            throw FormatSpecError(text, "type 's' formats strings; for a number use 'g', 'f' or no type")
        }
        var negative = v.sign == .minus && !v.isNaN
        var prefix = ""
        var body: String
        if let t = type, Self.integerTypes.contains(t) {
            guard v.isFinite, v.rounded(.towardZero) == v else {
                throw FormatSpecError(text, "type '\(t)' takes an integer, got \(plain); round it first, or use '.0f'")
            }
            if v == 0 { negative = false }  // an integer has no negative zero
            body = Self.integerDigits(abs(v), type: t)
            if alternate { prefix = ["x": "0x", "X": "0X", "b": "0b", "o": "0o"][t] ?? "" }
        } else if let t = type {
            if v.isNaN || v.isInfinite {
                body = v.isNaN ? "nan" : "inf"
                if t.isUppercase { body = body.uppercased() }
                if t == "%" { body += "%" }
            } else {
                let x = t == "%" ? abs(v) * 100 : abs(v)
                let c: Character = t == "%" ? "f" : t
                body = Self.c("%" + (alternate ? "#" : "") + ".\(precision ?? 6)" + String(c), x)
                if t == "%" { body += "%" }
            }
        } else {
            if precision != nil {
                throw FormatSpecError(text, "a precision needs a type for a number: '.\(precision ?? 0)f' (decimals) or '.\(precision ?? 0)g' (significant digits)")
            }
            if alternate {
                throw FormatSpecError(text, "'#' needs a type for a number (x, b, o, e, f, g or %)")
            }
            body = plain.hasPrefix("-") ? String(plain.dropFirst()) : plain
        }
        if negative, coerceNegativeZero, !body.contains(where: { $0.isNumber && $0 != "0" }), !v.isInfinite {
            negative = false
        }
        let signText = negative ? "-" : sign == .plus ? "+" : sign == .space ? " " : ""
        // The digits before the point (or exponent) are grouped; the rest follows as is.
        let isInteger = type.map { Self.integerTypes.contains($0) } ?? false
        let digits = isInteger ? body : String(body.prefix { $0.isASCII && $0.isNumber })
        let rest = String(body.dropFirst(digits.count))
        let fill = fill ?? (zeroPad ? "0" : " ")
        let align = align ?? (zeroPad ? .afterSign : .right)
        var grouped = digits
        if let g = grouping, !digits.isEmpty {
            let size = type.map { "xXbo".contains($0) } ?? false ? 4 : 3
            let minWidth = fill == "0" && align == .afterSign
                ? (width ?? 0) - signText.count - prefix.count - rest.count : 0
            grouped = Self.group(digits, separator: g, size: size, minWidth: minWidth)
        }
        return pad(signText + prefix, grouped + rest, fill: fill, align: align)
    }

    /// `s` formatted (strings; also the text of a bool or nil): precision
    /// truncates, width pads (left-aligned unless told), counted in Unicode
    /// scalars as Python counts code points.
    public func format(text s: String, what: String = "a string") throws(FormatSpecError) -> String {
        if let t = type, t != "s" {
            throw FormatSpecError(text, "type '\(t)' formats numbers, got \(what)\(what == "a string" ? "; convert it with number(s) first" : "")")
        }
        try checkText(what)
        var scalars = s.unicodeScalars
        if let p = precision, scalars.count > p {
            scalars = String.UnicodeScalarView(scalars.prefix(p))
        }
        return pad("", String(scalars), fill: fill ?? (zeroPad ? "0" : " "), align: align ?? .left)
    }

    /// `lead` (sign and prefix) and `body`, padded to the width.
    func pad(_ lead: String, _ body: String, fill: Character, align: Align) -> String {
        let n = lead.unicodeScalars.count + body.unicodeScalars.count
        guard let w = width, w > n else { return lead + body }
        let k = w - n
        let f = { (m: Int) in String(repeating: String(fill), count: m) }
        switch align {
        case .left: return lead + body + f(k)
        case .right: return f(k) + lead + body
        case .center: return f(k / 2) + lead + body + f(k - k / 2)
        case .afterSign: return lead + f(k) + body
        }
    }

    /// CPython's grouping with a minimum width: separators every `size`
    /// digits from the right and, when zero padding (`minWidth > 0`), leading
    /// zeros grouped too until the digits and separators fill `minWidth`
    /// (`format(1234, "08,")` is `0,001,234`: a group never starts with the separator).
    static func group(_ digits: String, separator: Character, size: Int, minWidth: Int) -> String {
        let chars = Array(digits)
        var remaining = chars.count
        var minWidth = minWidth
        var pieces: [String] = []
        while true {
            let l = min(max(remaining, minWidth, 1), size)
            let chunk = min(remaining, l)
            pieces.append(String(repeating: "0", count: max(0, l - remaining))
                + String(chars[(remaining - chunk)..<remaining]))
            minWidth -= l
            remaining -= chunk
            if remaining <= 0 && minWidth <= 0 { break }
            minWidth -= 1
        }
        return pieces.reversed().joined(separator: String(separator))
    }

    /// The digits of a nonnegative integral `v` for an integer type: exact
    /// decimal for `d` (C's `%.0f` prints the exact value), and the bits of
    /// the double regrouped for `x X b o` (any magnitude).
    static func integerDigits(_ v: Double, type: Character) -> String {
        if type == "d" { return c("%.0f", v) }
        let radix = type == "b" ? 2 : type == "o" ? 8 : 16
        if v < 18446744073709551616.0 { return String(UInt64(v), radix: radix, uppercase: type == "X") }
        let significand = v.significandBitPattern | (1 << 52)
        let bits = String(significand, radix: 2) + String(repeating: "0", count: Int(v.exponent) - 52)
        let k = radix == 8 ? 3 : radix == 16 ? 4 : 1
        let padded = Array(String(repeating: "0", count: (k - bits.count % k) % k) + bits)
        var out = ""
        for i in stride(from: 0, to: padded.count, by: k) {
            var d = 0
            for b in padded[i..<(i + k)] { d = d * 2 + (b == "1" ? 1 : 0) }
            out += String(d, radix: radix, uppercase: type == "X")
        }
        return out
    }

    /// C's `printf` conversion of one double (correctly rounded, as Python's `format`).
    static func c(_ format: String, _ v: Double) -> String {
        var cap = 64
        while true {
            var buf = [CChar](repeating: 0, count: cap)
            let n = withVaList([v]) { args in
                buf.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, cap, format, args) }
            }
            if n < 0 { return "\(v)" }
            if Int(n) < cap {
                return String(decoding: buf.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
            cap = Int(n) + 1
        }
    }
}
