import NNFiles
/// JSON as text, for the structured metadata of checkpoints (safetensors'
/// `__metadata__` holds strings only, so structured values are written as
/// JSON text inside those strings).
///
/// Numbers keep their text, so integers of any size stay exact; a `Double`
/// is written in Swift's shortest form that reads back to the same value
/// (`0.1`, `1e-05`, `-0.0`), and the three values JSON cannot write are the
/// strings `"nan"`, `"inf"` and `"-inf"`, which ``double`` reads back.
extension JSONValue {
    /// Parses `text` strictly (no repeated key, nesting at most `maxDepth`).
    public static func parse(_ text: String, maxDepth: Int = 64) throws -> JSONValue {
        do {
            return try JSONParser.parse(Array(text.utf8), maxDepth: maxDepth)
        } catch {
            throw JSONError(message: PlainText.replacing("JSON header", with: "JSON text", in: error.message))
        }
    }

    /// The compact JSON text.
    public var text: String {
        var out = ""
        write(to: &out)
        return out
    }

    private func write(to out: inout String) {
        switch self {
        case .object(let fields):
            out += "{"
            for (i, f) in fields.enumerated() {
                if i > 0 { out += "," }
                out += jsonQuoted(f.key) + ":"
                f.value.write(to: &out)
            }
            out += "}"
        case .array(let items):
            out += "["
            for (i, v) in items.enumerated() {
                if i > 0 { out += "," }
                v.write(to: &out)
            }
            out += "]"
        case .string(let s): out += jsonQuoted(s)
        case .number(let n): out += n
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        }
    }

    /// A number exactly: finite as its shortest round-trip text, else `"nan"`, `"inf"` or `"-inf"`.
    public static func double(_ d: Double) -> JSONValue {
        if d.isNaN { return .string("nan") }
        if d.isInfinite { return .string(d < 0 ? "-inf" : "inf") }
        return .number("\(d)")
    }

    /// An integer.
    public static func int(_ n: Int) -> JSONValue { .number("\(n)") }

    /// A 64-bit unsigned integer as a decimal string (JSON readers that
    /// hold numbers as doubles would round it).
    public static func uint64(_ n: UInt64) -> JSONValue { .string("\(n)") }

    /// The number (or `"nan"`, `"inf"`, `"-inf"`) as a `Double`, exactly; nil otherwise.
    public var double: Double? {
        switch self {
        case .number(let t): return Double(t)
        case .string("nan"): return .nan
        case .string("inf"): return .infinity
        case .string("-inf"): return -.infinity
        default: return nil
        }
    }

    /// The number as an `Int` when it is an integer that fits; nil otherwise.
    public var int: Int? {
        if case .number(let t) = self { return Int(t) }
        return nil
    }

    /// A decimal string as a `UInt64`; nil otherwise.
    public var uint64: UInt64? {
        if case .string(let s) = self { return UInt64(s) }
        return nil
    }

    /// The string, or nil.
    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The bool, or nil.
    public var bool: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The items of an array, or nil.
    public var array: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The fields of an object, in order, or nil.
    public var fields: [(key: String, value: JSONValue)]? {
        if case .object(let f) = self { return f }
        return nil
    }

    /// The field `key` of an object, or nil.
    public subscript(_ key: String) -> JSONValue? {
        fields?.first { $0.key == key }?.value
    }
}

/// A JSON text that does not parse.
public struct JSONError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
