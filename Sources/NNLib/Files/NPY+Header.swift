/// A value of the Python literal subset a `.npy` header uses.
enum PyLiteral {
    case string(String)
    case bool(Bool)
    case tuple([Int])
    /// Anything else that parses (a list, for structured dtypes): refused by the reader.
    case other(String)

    var kind: String {
        switch self {
        case .string: "a string"
        case .bool: "a bool"
        case .tuple: "a tuple"
        case .other(let k): k
        }
    }
}

/// Parses the header of a `.npy` file: a Python dict literal whose keys are
/// strings and whose values are strings, `True`/`False` or tuples of
/// non-negative integers, e.g. `{'descr': '<f4', 'fortran_order': False,
/// 'shape': (3,), }`, followed by spaces and a newline. Never evaluates
/// anything; a repeated key is an error (Python would keep the last).
struct PyDictParser {
    struct Failure: Error { let message: String }

    private let s: [UInt8]
    private var pos = 0

    static func parse(_ text: String) throws(Failure) -> [String: PyLiteral] {
        var p = PyDictParser(s: Array(text.utf8))
        return try p.dict()
    }

    private init(s: [UInt8]) { self.s = s }

    private func fail(_ what: String) -> Failure { Failure(message: "\(what) at byte \(pos) of the header dict") }

    private mutating func space() {
        while pos < s.count, [0x20, 0x09, 0x0A, 0x0D].contains(s[pos]) { pos += 1 }
    }

    private mutating func take(_ c: Character) -> Bool {
        space()
        if pos < s.count, s[pos] == c.asciiValue { pos += 1; return true }
        return false
    }

    private mutating func dict() throws(Failure) -> [String: PyLiteral] {
        guard take("{") else { throw fail("expected '{'") }
        var out: [String: PyLiteral] = [:]
        while !take("}") {
            space()
            let key = try string()
            guard out[key] == nil else { throw fail("the key '\(key)' appears twice") }
            guard take(":") else { throw fail("expected ':' after the key '\(key)'") }
            out[key] = try value()
            if take("}") { break }
            guard take(",") else { throw fail("expected ',' or '}'") }
        }
        space()
        guard pos == s.count else { throw fail("unexpected text after the dict") }
        return out
    }

    private mutating func value() throws(Failure) -> PyLiteral {
        space()
        guard pos < s.count else { throw fail("the header ends early") }
        switch s[pos] {
        case UInt8(ascii: "'"), UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "("): return .tuple(try tuple())
        case UInt8(ascii: "["): try skipList(); return .other("a list")
        default:
            if word("True") { return .bool(true) }
            if word("False") { return .bool(false) }
            throw fail("expected a string, True, False or a tuple")
        }
    }

    /// Skips a bracketed list (a structured dtype's fields), strings included.
    private mutating func skipList() throws(Failure) {
        var depth = 0
        repeat {
            guard pos < s.count else { throw fail("an unterminated list") }
            switch s[pos] {
            case UInt8(ascii: "["), UInt8(ascii: "("): depth += 1; pos += 1
            case UInt8(ascii: "]"), UInt8(ascii: ")"): depth -= 1; pos += 1
            case UInt8(ascii: "'"), UInt8(ascii: "\""): _ = try string()
            default: pos += 1
            }
        } while depth > 0
    }

    private mutating func word(_ w: String) -> Bool {
        let u = Array(w.utf8)
        guard pos + u.count <= s.count, Array(s[pos..<(pos + u.count)]) == u else { return false }
        pos += u.count
        return true
    }

    /// A quoted string without escapes (NumPy never writes any).
    private mutating func string() throws(Failure) -> String {
        guard pos < s.count, s[pos] == UInt8(ascii: "'") || s[pos] == UInt8(ascii: "\"") else { throw fail("expected a quoted string") }
        let q = s[pos]
        pos += 1
        let start = pos
        while pos < s.count, s[pos] != q {
            guard s[pos] != UInt8(ascii: "\\"), s[pos] >= 0x20 else { throw fail("an escape or control character in a string") }
            pos += 1
        }
        guard pos < s.count else { throw fail("an unterminated string") }
        let text = String(decoding: s[start..<pos], as: UTF8.self)
        pos += 1
        return text
    }

    /// `()`, `(3,)`, `(2, 3)`, `(2, 3,)`: non-negative integers that fit in an Int.
    private mutating func tuple() throws(Failure) -> [Int] {
        guard take("(") else { throw fail("expected '('") }
        var out: [Int] = []
        var commas = 0
        if take(")") { return out }
        while true {
            space()
            let start = pos
            while pos < s.count, s[pos] >= 0x30, s[pos] <= 0x39 { pos += 1 }
            guard pos > start else { throw fail("expected a non-negative integer in the shape") }
            guard pos - start <= 19, let n = Int(String(decoding: s[start..<pos], as: UTF8.self)) else {
                throw fail("a dimension in the shape is too large")
            }
            out.append(n)
            if take(")") { break }
            guard take(",") else { throw fail("expected ',' or ')' in the shape") }
            commas += 1
            if take(")") { break }
        }
        // `(3)` is the integer 3 in Python, not a tuple: NumPy always writes `(3,)`.
        guard commas > 0 || out.count != 1 else { throw fail("the shape (\(out[0])) is not a tuple (a one-dimensional shape is written (\(out[0]),))") }
        return out
    }
}
