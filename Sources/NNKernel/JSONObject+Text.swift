import NNLib

/// A JSON object as the kernel builds and reads messages: Swift values
/// (`String`, `Bool`, `Int`, `Double`, `[Any]`, `[String: Any]`,
/// ``JSONNull``) under string keys.
///
/// Read with NNLib's strict parser (``JSONValue/parse(_:maxDepth:)``) and
/// written here, rather than with Foundation's `JSONSerialization`, so that
/// `nn` links no full Foundation (which loads ICU at every start;
/// docs/benchmarks.md, start-up).
public typealias JSONObject = [String: Any]

/// JSON's `null` in a ``JSONObject``.
public struct JSONNull: Equatable, Sendable {
    public init() {}
}

/// JSON text to and from ``JSONObject``.
enum JSONText {
    /// The object `bytes` hold; nil when they are not JSON or not an object.
    static func object(_ bytes: [UInt8]) -> JSONObject? {
        guard let text = String(validating: bytes, as: UTF8.self),
              let value = try? JSONValue.parse(text, maxDepth: 128) else { return nil }
        return any(value) as? JSONObject
    }

    /// A parsed value as Swift values: integers that fit as `Int`, other numbers as `Double`.
    static func any(_ value: JSONValue) -> Any {
        switch value {
        case .object(let fields):
            var out: JSONObject = [:]
            for f in fields { out[f.key] = any(f.value) }
            return out
        case .array(let items): return items.map(any)
        case .string(let s): return s
        case .number(let t): return Int(t) ?? Double(t) ?? Double.nan
        case .bool(let b): return b
        case .null: return JSONNull()
        }
    }

    /// What cannot be written as JSON.
    struct Unwritable: Error, CustomStringConvertible {
        let description: String
    }

    /// `value` as compact JSON (keys sorted, slashes not escaped), or with
    /// `pretty` one member a line, indented by two spaces, `"key" : value`
    /// (as Foundation's `JSONSerialization` pretty-prints).
    static func text(_ value: Any, pretty: Bool = false) throws(Unwritable) -> String {
        var out = ""
        try write(value, to: &out, pretty: pretty, indent: "")
        return out
    }

    private static func write(_ value: Any, to out: inout String, pretty: Bool, indent: String) throws(Unwritable) {
        let inner = indent + "  "
        switch value {
        case let s as String:
            out += quoted(s)
        case let b as Bool:
            out += b ? "true" : "false"
        case let n as Int:
            out += String(n)
        case let d as Double:
            guard d.isFinite else { throw Unwritable(description: "\(d) is not a JSON number") }
            out += d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : "\(d)"
        case is JSONNull:
            out += "null"
        case let o as [String: Any]:
            if o.isEmpty { out += "{}"; return }
            out += pretty ? "{\n" : "{"
            for (i, member) in o.sorted(by: { $0.key < $1.key }).enumerated() {
                if i > 0 { out += pretty ? ",\n" : "," }
                if pretty { out += inner }
                out += quoted(member.key) + (pretty ? " : " : ":")
                try write(member.value, to: &out, pretty: pretty, indent: inner)
            }
            out += pretty ? "\n" + indent + "}" : "}"
        case let a as [Any]:
            if a.isEmpty { out += "[]"; return }
            out += pretty ? "[\n" : "["
            for (i, item) in a.enumerated() {
                if i > 0 { out += pretty ? ",\n" : "," }
                if pretty { out += inner }
                try write(item, to: &out, pretty: pretty, indent: inner)
            }
            out += pretty ? "\n" + indent + "]" : "]"
        default:
            throw Unwritable(description: "a value of type \(type(of: value)) is not JSON")
        }
    }

    /// `s` quoted: `"` and `\` escaped, control characters as `\n`, `\t`,
    /// `\r`, `\b`, `\f` or `\u00XX`; everything else (`/` included) as it is.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where u.value < 0x20:
                let h = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }
}
