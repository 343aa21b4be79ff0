/// The few string operations nn needs that full Foundation has and
/// FoundationEssentials lacks (`trimmingCharacters(in:)`,
/// `replacingOccurrences(of:with:)`, `padding(toLength:...)`), written in
/// plain Swift so that no module `nn` links imports full Foundation: that
/// one import would load FoundationInternationalization and ICU at every
/// start (docs/benchmarks.md, start-up).
public enum PlainText {
    /// Which scalars ``trimmed(_:_:)`` removes.
    public enum Space {
        /// Horizontal space: the Unicode space separators (category Zs) and
        /// tab, as Foundation's `CharacterSet.whitespaces`.
        case horizontal
        /// Every Unicode `White_Space` scalar (spaces, tab, line and
        /// paragraph breaks, U+0085), as Foundation's `.whitespacesAndNewlines`.
        case all

        func contains(_ u: Unicode.Scalar) -> Bool {
            switch self {
            case .horizontal: u == "\t" || u.properties.generalCategory == .spaceSeparator
            case .all: u.properties.isWhitespace
            }
        }
    }

    /// `s` without the leading and trailing scalars of `space` (by Unicode
    /// scalar, as Foundation trims: a combining mark after a space stays).
    public static func trimmed(_ s: some StringProtocol, _ space: Space) -> String {
        let scalars = s.unicodeScalars
        guard let first = scalars.firstIndex(where: { !space.contains($0) }),
              let last = scalars.lastIndex(where: { !space.contains($0) }) else { return "" }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }

    /// `s` without the leading and trailing scalars equal to `scalar`.
    public static func trimmed(_ s: some StringProtocol, _ scalar: Unicode.Scalar) -> String {
        let scalars = s.unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != scalar }),
              let last = scalars.lastIndex(where: { $0 != scalar }) else { return "" }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }

    /// `s` with every occurrence of `old` (not empty) replaced by `new`,
    /// left to right, occurrences not overlapping; compared by character,
    /// as Swift compares strings. An empty `old` gives `s` unchanged.
    public static func replacing(_ old: String, with new: String, in s: String) -> String {
        guard !old.isEmpty else { return s }
        return s.replacing(old, with: new)
    }

    /// `s` followed by spaces up to `width` characters (`s` itself when it
    /// is as long or longer: never cut).
    public static func padded(_ s: String, to width: Int) -> String {
        let n = s.count
        return n >= width ? s : s + String(repeating: " ", count: width - n)
    }
}
