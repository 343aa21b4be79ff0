/// Escaping text for the formats nn writes: nn source (`repr` of a string, a
/// path in a message), JSON (the header of a safetensors file) and XML (SVG
/// figures).
///
/// One loop serves them all: each Unicode scalar is written as it is,
/// replaced by its entry in the format's table of named escapes, or, when
/// the format's rule for the other scalars says so, replaced by a computed
/// form (`\u{1b}`, `\u001b`) or dropped (`""`: XML cannot hold U+0000).
public enum TextEscape {
    /// The backslash escapes C, JSON and nn share: `\"`, `\\`, `\n`, `\t`, `\r`.
    public static let backslashed: [Unicode.Scalar: String] = [
        "\"": "\\\"", "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r",
    ]

    /// `s` with each scalar in `named` replaced by its entry, and each other
    /// scalar by `other(scalar)` when that is not nil (`""` drops it).
    public static func escape(_ s: String, named: [Unicode.Scalar: String] = [:],
                              other: (Unicode.Scalar) -> String? = { _ in nil }) -> String {
        var out = ""
        for u in s.unicodeScalars {
            if let e = named[u] ?? other(u) {
                out += e
            } else {
                out.unicodeScalars.append(u)
            }
        }
        return out
    }

    /// A control character (below U+0020, or DEL) as nn source writes it,
    /// `\u{1b}` (lowercase hex, no padding); nil for any other scalar.
    public static func sourceControl(_ u: Unicode.Scalar) -> String? {
        u.value < 0x20 || u.value == 0x7F ? "\\u{" + String(u.value, radix: 16) + "}" : nil
    }
}
