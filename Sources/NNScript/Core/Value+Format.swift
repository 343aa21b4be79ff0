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
        case .tensor(let t): out += TensorFormat.describe(t)
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
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "{": out += "\\{"
            default:
                if ch.value < 0x20 || ch.value == 0x7F {
                    out += "\\u{\(String(ch.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(ch)
                }
            }
        }
        return out + "\""
    }

    static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
    }
}

/// Tensor printing: the engine's own format when it has one, else a plain
/// nested-list rendering followed by the shape and dtype.
enum TensorFormat {
    static func describe(_ t: Tensor) -> String {
        if let s = (t as Any) as? CustomStringConvertible { return s.description }
        return fallback(t)
    }

    static func fallback(_ t: Tensor) -> String {
        let values = t.doubles
        var out = "tensor("
        if t.shape.isEmpty {
            out += values.first.map(Value.formatNumber) ?? "?"
        } else {
            var index = 0
            func level(_ d: Int) {
                out += "["
                for i in 0..<t.shape[d] {
                    if i > 0 { out += ", " }
                    if i >= 6, t.shape[d] > 8, i < t.shape[d] - 3 {
                        out += "..."
                        let skip = t.shape[d] - 3 - i
                        index += skip * t.shape[(d + 1)...].reduce(1, *)
                        level2(d, from: t.shape[d] - 3)
                        return
                    }
                    if d + 1 == t.shape.count {
                        out += Value.formatNumber(values[index])
                        index += 1
                    } else {
                        level(d + 1)
                    }
                }
                out += "]"
            }
            func level2(_ d: Int, from start: Int) {
                for _ in start..<t.shape[d] {
                    out += ", "
                    if d + 1 == t.shape.count {
                        out += Value.formatNumber(values[index])
                        index += 1
                    } else {
                        level(d + 1)
                    }
                }
                out += "]"
            }
            level(0)
        }
        out += ", shape: [" + t.shape.map(String.init).joined(separator: ", ") + "], dtype: \(t.dtype))"
        return out
    }
}
