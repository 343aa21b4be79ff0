import NNFiles
import NNTensor

extension Value {
    /// How `print` and `str` show the value: strings bare, everything else as `repr`.
    public var description: String {
        if case .string(let s) = self { return s }
        return repr
    }

    /// How the value is shown inside a list or record: strings quoted.
    public var repr: String {
        var out = ""
        Value.write(self, to: &out, depth: 0)
        return out
    }

    /// Containers nested deeper than this print as `[...]`.
    static let maxPrintDepth = 200

    static func write(_ v: Value, to out: inout String, depth: Int) {
        switch v {
        case .number(let d): out += formatNumber(d)
        case .string(let s): out += quote(s)
        case .bool(let b): out += b ? "true" : "false"
        case .nil: out += "nil"
        case .list(let l):
            if depth >= maxPrintDepth { out += "[...]"; return }
            out += "["
            for (i, x) in l.items.enumerated() {
                if i > 0 { out += ", " }
                write(x, to: &out, depth: depth + 1)
            }
            out += "]"
        case .tuple(let t):
            if depth >= maxPrintDepth { out += "(...)"; return }
            out += "("
            for (i, x) in t.enumerated() {
                if i > 0 { out += ", " }
                write(x, to: &out, depth: depth + 1)
            }
            out += t.count == 1 ? ",)" : ")"
        case .record(let r):
            if depth >= maxPrintDepth { out += "{...}"; return }
            if r.count == 0 { out += "{}"; return }
            out += "{"
            for i in 0..<r.count {
                if i > 0 { out += ", " }
                out += isIdentifier(r.keys[i]) ? r.keys[i] : quote(r.keys[i])
                out += ": "
                write(r.values[i], to: &out, depth: depth + 1)
            }
            out += "}"
        case .function(let c): out += "<fn \(c.name)>"
        case .builtin(let b): out += "<builtin \(b.name)>"
        case .tensor(let t): out += t.description
        case .range(let lo, let hi): out += "\(lo)..\(hi)"
        case .object(let o): out += o.description
        }
    }

    /// The shortest text that reads back as `d`; integral values without a fraction.
    public static func formatNumber(_ d: Double) -> String {
        if d.rounded() == d, abs(d) < 1e16 {
            if d == 0 { return d.sign == .minus ? "-0" : "0" }
            return String(Int64(d))
        }
        if d.isNaN { return "nan" }
        return d.description
    }

    /// A string in double quotes with escapes, as it would be written in source.
    static func quote(_ s: String) -> String {
        "\"" + TextEscape.escape(s, named: sourceEscapes, other: TextEscape.sourceControl) + "\""
    }

    /// The named escapes of an nn string literal: C's, and `\{` (a bare `{` starts an interpolation).
    static let sourceEscapes = TextEscape.backslashed.merging(["{": "\\{"]) { c, _ in c }

    static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
    }
}
