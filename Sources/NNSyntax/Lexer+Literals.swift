/// Number and string literals.
extension LexerState {
    @inline(__always) static func isDigit(_ c: UInt8) -> Bool {
        c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")
    }

    static func hexValue(_ c: UInt8) -> Int? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(c - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(c - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(c - UInt8(ascii: "A")) + 10
        default: nil
        }
    }

    /// number = digits [ "." digits ] [ ("e"|"E") ["+"|"-"] digits ] | "0x" hexdigits
    ///
    /// `_` may separate digits. Values are Doubles; literals too large for a
    /// Double become infinity rather than failing.
    mutating func lexNumber() {
        let start = pos
        if bytes[pos] == UInt8(ascii: "0"), peek(1) == UInt8(ascii: "x") || peek(1) == UInt8(ascii: "X") {
            pos += 2
            var hex: [Int] = []
            while pos < bytes.count {
                if let d = Self.hexValue(bytes[pos]) {
                    hex.append(d)
                } else if bytes[pos] != UInt8(ascii: "_") {
                    break
                }
                pos += 1
            }
            if hex.isEmpty { error("expected hexadecimal digits after '0x'", start, pos) }
            finishNumber(start, Self.hexLiteralValue(hex))
            return
        }
        var text: [UInt8] = []
        scanDigits(into: &text)
        if peek() == UInt8(ascii: "."), Self.isDigit(peek(1)) {
            text.append(UInt8(ascii: "."))
            pos += 1
            scanDigits(into: &text)
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            var k = 1
            if peek(1) == UInt8(ascii: "+") || peek(1) == UInt8(ascii: "-") { k = 2 }
            if Self.isDigit(peek(k)) {
                text.append(UInt8(ascii: "e"))
                if k == 2 { text.append(peek(1)) }
                pos += k
                scanDigits(into: &text)
            } else {
                pos += k
                error("expected digits in the exponent of a number", start, pos)
            }
        }
        let value = Double(String(decoding: text, as: UTF8.self)) ?? .infinity
        finishNumber(start, value)
    }

    /// The nearest double to the integer with these hexadecimal digits
    /// (halves to even), converted once from the exact integer: the first 16
    /// significant digits (64 bits) as a `UInt64`, with its lowest bit set
    /// when any later digit is nonzero (a sticky bit, below the 53 bits a
    /// double keeps, so a tie is broken the way the full integer breaks it),
    /// then scaled by `16^(later digits)`. Beyond the largest double: `inf`.
    static func hexLiteralValue(_ digits: [Int]) -> Double {
        let significant = digits.drop { $0 == 0 }
        var top: UInt64 = 0
        for d in significant.prefix(16) { top = top << 4 | UInt64(d) }
        let rest = significant.dropFirst(16)
        guard !rest.isEmpty else { return Double(top) }
        if rest.contains(where: { $0 != 0 }) { top |= 1 }
        guard rest.count < 300 else { return .infinity }
        return Double(sign: .plus, exponent: 4 * rest.count, significand: Double(top))
    }

    mutating func scanDigits(into text: inout [UInt8]) {
        while pos < bytes.count {
            let c = bytes[pos]
            if Self.isDigit(c) { text.append(c) } else if c != UInt8(ascii: "_") { break }
            pos += 1
        }
    }

    /// Emits the number token, reporting letters glued to it (`3x`).
    mutating func finishNumber(_ start: Int, _ value: Double) {
        add(.number, start, number: value)
        if pos < bytes.count, isIdentifierPart(bytes[pos]) {
            let bad = pos
            while pos < bytes.count, isIdentifierPart(bytes[pos]) { pos += 1 }
            let text = String(decoding: bytes[bad..<pos], as: UTF8.self)
            error("unexpected '\(text)' after a number", bad, pos)
        }
    }

    /// Lexes string contents after an opening `"` (or after the `}` closing an
    /// interpolation) up to the closing `"` or the next unescaped `{`.
    ///
    /// Escapes: `\n \t \r \0 \" \\ \{ \} \u{1F600}`. Strings may span lines.
    mutating func lexStringBody(start: Int, isContinuation: Bool) {
        var buffer: [UInt8] = []
        while true {
            guard pos < bytes.count else {
                let quote = isContinuation ? "string" : "string literal"
                error("unterminated \(quote)", start, start + 1, atEnd: true)
                add(isContinuation ? .stringTail : .string, start, text: String(decoding: buffer, as: UTF8.self))
                return
            }
            let c = bytes[pos]
            switch c {
            case UInt8(ascii: "\""):
                pos += 1
                add(isContinuation ? .stringTail : .string, start, text: String(decoding: buffer, as: UTF8.self))
                return
            case UInt8(ascii: "{"):
                pos += 1
                add(isContinuation ? .stringMiddle : .stringHead, start, text: String(decoding: buffer, as: UTF8.self))
                stack.append(.interpolation)
                return
            case UInt8(ascii: "\\"):
                lexEscape(into: &buffer)
            case 0x80...:
                let (s, n) = scalar(at: pos)
                if s == nil {
                    error("invalid UTF-8 byte 0x\(String(c, radix: 16, uppercase: true)) in string", pos, pos + 1)
                    buffer.append(contentsOf: [0xEF, 0xBF, 0xBD])
                } else {
                    buffer.append(contentsOf: bytes[pos..<pos + n])
                }
                pos += n
            default:
                buffer.append(c)
                pos += 1
            }
        }
    }

    /// Lexes a format spec from the `:` of an interpolation up to its `}`
    /// (left for the caller, which resumes the string), as one `formatSpec`
    /// token. A spec is read raw (no escapes); it cannot hold `{` (Python's
    /// nested fields: build the spec as a string and call `format`), nor end
    /// the string or the line before its `}`.
    mutating func lexFormatSpec() {
        let start = pos
        pos += 1
        var text: [UInt8] = []
        var nested = false
        while pos < bytes.count {
            let c = bytes[pos]
            if c == UInt8(ascii: "}") { break }
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\n") {
                error("expected '}' to close the format spec in string", start, pos)
                add(.formatSpec, start, text: "")
                if c == UInt8(ascii: "\"") {  // the string ends here: close the interpolation and the string
                    stack.removeLast()
                    let quote = pos
                    pos += 1
                    add(.stringTail, quote)
                }
                return
            }
            if c == UInt8(ascii: "{") && !nested {
                nested = true
                error("a format spec cannot hold '{' (nested fields are not supported; build the spec as a string and call format(x, spec))", pos, pos + 1)
            }
            text.append(c)
            pos += 1
        }
        add(.formatSpec, start, text: nested ? "" : String(decoding: text, as: UTF8.self))
    }

    /// Lexes one escape sequence starting at the backslash.
    mutating func lexEscape(into buffer: inout [UInt8]) {
        let start = pos
        pos += 1
        guard pos < bytes.count else { return }  // the loop reports the unterminated string
        let c = bytes[pos]
        pos += 1
        switch c {
        case UInt8(ascii: "n"): buffer.append(UInt8(ascii: "\n"))
        case UInt8(ascii: "t"): buffer.append(UInt8(ascii: "\t"))
        case UInt8(ascii: "r"): buffer.append(UInt8(ascii: "\r"))
        case UInt8(ascii: "0"): buffer.append(0)
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "'"):
            buffer.append(c)
        case UInt8(ascii: "u"):
            guard peek() == UInt8(ascii: "{") else {
                error("expected '{' after '\\u' (write \\u{1F600})", start, pos)
                return
            }
            pos += 1
            var value: UInt32 = 0
            var digits = 0
            while pos < bytes.count, let d = Self.hexValue(bytes[pos]), digits < 8 {
                value = value * 16 + UInt32(d)
                digits += 1
                pos += 1
            }
            guard peek() == UInt8(ascii: "}") else {
                error("expected hexadecimal digits and '}' in '\\u{...}'", start, pos)
                return
            }
            pos += 1
            if digits > 0, let scalar = Unicode.Scalar(value) {
                buffer.append(contentsOf: Array(String(Character(scalar)).utf8))
            } else {
                error("invalid Unicode scalar in '\\u{...}'", start, pos)
            }
        default:
            let (s, n) = scalar(at: pos - 1)
            pos += n - 1
            let shown = s.map { String(Character($0)) } ?? "?"
            error("invalid escape sequence '\\\(shown)' in string", start, pos)
        }
    }
}
