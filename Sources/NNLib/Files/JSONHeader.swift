import NNFiles

/// A JSON value as the safetensors header holds it: objects keep their
/// keys in order, numbers keep their text (so integers stay exact).
public indirect enum JSONValue {
    case object([(key: String, value: JSONValue)])
    case array([JSONValue])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    /// The kind, for messages: `an object`, `a string`, ...
    public var kind: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "a bool"
        case .null: "null"
        }
    }
}

/// A strict JSON parser (RFC 8259) for headers read from files.
///
/// Written here rather than taken from Foundation because Foundation's
/// parser silently keeps one of two equal keys: here a repeated key is an
/// error, and so is nesting deeper than `maxDepth`, a raw control character
/// in a string, invalid UTF-8 and anything after the value but whitespace.
struct JSONParser {
    /// What went wrong and where (a byte offset into the header).
    struct Failure: Error {
        let message: String
    }

    private let bytes: [UInt8]
    private var pos = 0
    private let maxDepth: Int

    /// Parses `bytes` as one JSON value.
    static func parse(_ bytes: [UInt8], maxDepth: Int = 16) throws(Failure) -> JSONValue {
        var p = JSONParser(bytes: bytes, maxDepth: maxDepth)
        p.skipSpace()
        let v = try p.value(depth: 1)
        p.skipSpace()
        guard p.pos == bytes.count else { throw p.fail("unexpected text after the JSON value") }
        return v
    }

    private init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    private func fail(_ what: String) -> Failure {
        Failure(message: "\(what) at byte \(pos) of the JSON header")
    }

    private mutating func skipSpace() {
        while pos < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[pos]) { pos += 1 }
    }

    private mutating func expect(_ c: UInt8) throws(Failure) {
        guard pos < bytes.count, bytes[pos] == c else {
            throw fail("expected '\(Character(Unicode.Scalar(c)))'")
        }
        pos += 1
    }

    private mutating func value(depth: Int) throws(Failure) -> JSONValue {
        guard depth <= maxDepth else { throw fail("the JSON nests deeper than \(maxDepth) levels") }
        guard pos < bytes.count else { throw fail("the JSON ends early") }
        switch bytes[pos] {
        case UInt8(ascii: "{"):
            pos += 1
            var fields: [(key: String, value: JSONValue)] = []
            var seen = Set<String>()
            skipSpace()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(fields) }
            while true {
                skipSpace()
                let keyStart = pos
                let key = try string()
                guard seen.insert(key).inserted else {
                    pos = keyStart
                    throw fail("the key \"\(key)\" appears twice")
                }
                skipSpace()
                try expect(UInt8(ascii: ":"))
                skipSpace()
                fields.append((key, try value(depth: depth + 1)))
                skipSpace()
                guard pos < bytes.count else { throw fail("the JSON ends early") }
                if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                try expect(UInt8(ascii: "}"))
                return .object(fields)
            }
        case UInt8(ascii: "["):
            pos += 1
            var items: [JSONValue] = []
            skipSpace()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
            while true {
                skipSpace()
                items.append(try value(depth: depth + 1))
                skipSpace()
                guard pos < bytes.count else { throw fail("the JSON ends early") }
                if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                try expect(UInt8(ascii: "]"))
                return .array(items)
            }
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"): try word("true"); return .bool(true)
        case UInt8(ascii: "f"): try word("false"); return .bool(false)
        case UInt8(ascii: "n"): try word("null"); return .null
        default:
            return .number(try number())
        }
    }

    private mutating func word(_ w: String) throws(Failure) {
        let u = Array(w.utf8)
        guard pos + u.count <= bytes.count, Array(bytes[pos..<(pos + u.count)]) == u else { throw fail("invalid JSON value") }
        pos += u.count
    }

    private mutating func digits() -> Int {
        let start = pos
        while pos < bytes.count, bytes[pos] >= 0x30, bytes[pos] <= 0x39 { pos += 1 }
        return pos - start
    }

    private mutating func number() throws(Failure) -> String {
        let start = pos
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        guard pos < bytes.count, bytes[pos] >= 0x30, bytes[pos] <= 0x39 else { throw fail("invalid JSON value") }
        if bytes[pos] == 0x30 { pos += 1 } else { _ = digits() }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
            pos += 1
            guard digits() > 0 else { throw fail("invalid JSON number") }
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
            pos += 1
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
            guard digits() > 0 else { throw fail("invalid JSON number") }
        }
        return String(decoding: bytes[start..<pos], as: UTF8.self)
    }

    private mutating func string() throws(Failure) -> String {
        try expect(UInt8(ascii: "\""))
        var out: [UInt8] = []
        while true {
            guard pos < bytes.count else { throw fail("unterminated JSON string") }
            let c = bytes[pos]
            pos += 1
            switch c {
            case UInt8(ascii: "\""):
                guard let s = String(validating: out, as: UTF8.self) else { throw fail("a JSON string is not valid UTF-8") }
                return s
            case UInt8(ascii: "\\"):
                guard pos < bytes.count else { throw fail("unterminated JSON string") }
                let e = bytes[pos]
                pos += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") else {
                            throw fail("a lone UTF-16 surrogate in a JSON string")
                        }
                        pos += 2
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw fail("a lone UTF-16 surrogate in a JSON string") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw fail("a lone UTF-16 surrogate in a JSON string") }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default: throw fail("an invalid escape in a JSON string")
                }
            default:
                guard c >= 0x20 else { throw fail("a control character in a JSON string") }
                out.append(c)
            }
        }
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard pos + 4 <= bytes.count else { throw fail("unterminated JSON string") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[pos]
            pos += 1
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw fail("an invalid \\u escape in a JSON string")
            }
            v = v << 4 | d
        }
        return v
    }
}

/// JSON text for writers: a string quoted and escaped.
func jsonQuoted(_ s: String) -> String {
    let escaped = TextEscape.escape(s, named: TextEscape.backslashed) { u in
        guard u.value < 0x20 else { return nil }
        let h = String(u.value, radix: 16)
        return "\\u" + String(repeating: "0", count: 4 - h.count) + h
    }
    return "\"" + escaped + "\""
}
