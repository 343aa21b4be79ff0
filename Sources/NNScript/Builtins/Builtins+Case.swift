/// Case mapping for strings, as Python's `str.lower`.
extension Builtins {
    /// `s` in lower case: each Unicode scalar's full lower-case mapping
    /// (`"İ"` becomes `"i̇"`), and Unicode's Final_Sigma rule for the capital
    /// sigma `Σ` (U+03A3), which Python's `str.lower` applies too:
    /// ```
    /// Σ → ς   when a cased letter comes before it and none after it
    ///          (skipping case-ignorable scalars such as accents and apostrophes)
    /// Σ → σ   otherwise
    /// ```
    static func lowercase(_ s: String) -> String {
        let scalars = Array(s.unicodeScalars)
        var out = String.UnicodeScalarView()
        for (i, c) in scalars.enumerated() {
            if c == "\u{03A3}", endsWord(scalars, at: i) {
                out.append("\u{03C2}")
            } else {
                out.append(contentsOf: c.properties.lowercaseMapping.unicodeScalars)
            }
        }
        return String(out)
    }

    /// Final_Sigma's context: a cased scalar before `i` and none after it,
    /// case-ignorable scalars skipped on both sides.
    private static func endsWord(_ s: [Unicode.Scalar], at i: Int) -> Bool {
        var j = i - 1
        while j >= 0, s[j].properties.isCaseIgnorable { j -= 1 }
        guard j >= 0, s[j].properties.isCased else { return false }
        var k = i + 1
        while k < s.count, s[k].properties.isCaseIgnorable { k += 1 }
        return k == s.count || !s[k].properties.isCased
    }
}
