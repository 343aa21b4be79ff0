/// Turns a source file into tokens.
///
/// Newlines are tokens, since they end statements, but the lexer drops the
/// ones a statement cannot end at: inside `( )`, `[ ]` and string
/// interpolations, after a token that continues the line (a binary operator,
/// `=`, `,`, `(` ...), before a line starting with `.` (method chains), and
/// repeated or leading ones. Inside `{ }` newlines are significant again.
///
/// Interpolated strings come out as `stringHead`, the tokens of the first
/// expression, `stringMiddle`, ..., `stringTail`. A `:` at the top level of an
/// interpolation (not inside brackets, braces or a nested string) starts a
/// format spec: `"{loss:.4f}"` gives the tokens of `loss`, then `formatSpec(".4f")`.
///
/// The lexer never fails: bad input becomes a diagnostic and lexing goes on.
public struct Lexer: Sendable {
    /// The file being lexed.
    public let source: SourceFile

    public init(_ source: SourceFile) { self.source = source }

    /// The tokens, ending with `.endOfInput` (diagnostics are dropped).
    public func tokens() -> [Token] { tokenize().tokens }

    /// The tokens, ending with `.endOfInput`, and the lexical errors found.
    public func tokenize() -> (tokens: [Token], diagnostics: [Diagnostic]) {
        var state = LexerState(source)
        state.run()
        return (state.tokens, state.diagnostics)
    }
}

/// The mutable state of one lexing run.
struct LexerState {
    /// What an open bracket on the stack is.
    enum Opener { case paren, bracket, brace, interpolation }

    let file: SourceFileID
    let bytes: [UInt8]
    var pos = 0
    var tokens: [Token] = []
    var diagnostics: [Diagnostic] = []
    var stack: [Opener] = []

    init(_ source: SourceFile) {
        file = source.id
        bytes = source.bytes
        pos = source.contentStart
        tokens.reserveCapacity(bytes.count / 3 + 1)
    }

    @inline(__always) func peek(_ ahead: Int = 0) -> UInt8 {
        let i = pos + ahead
        return i < bytes.count ? bytes[i] : 0
    }

    @inline(__always) func range(_ start: Int, _ end: Int) -> SourceRange {
        SourceRange(file: file, start: start, end: end)
    }

    mutating func add(_ kind: TokenKind, _ start: Int, number: Double = 0, text: String = "") {
        tokens.append(Token(kind, range: range(start, pos), number: number, text: text))
    }

    mutating func error(_ message: String, _ start: Int, _ end: Int, atEnd: Bool = false) {
        guard diagnostics.count < 100 else { return }
        diagnostics.append(.error(message, at: range(start, end), isAtEndOfInput: atEnd))
    }

    /// Whether newlines are currently ignored (inside parentheses, brackets or an interpolation).
    var newlinesIgnored: Bool {
        guard let top = stack.last else { return false }
        return top != .brace
    }

    mutating func run() {
        while pos < bytes.count {
            let c = bytes[pos]
            switch c {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                pos += 1
            case UInt8(ascii: "\n"):
                newline()
            case UInt8(ascii: "#"):
                lexComment()
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                lexNumber()
            case UInt8(ascii: "\""):
                let start = pos
                pos += 1
                lexStringBody(start: start, isContinuation: false)
            default:
                if isIdentifierStart(c) {
                    lexIdentifier()
                } else if c >= 0x80 {
                    lexNonASCII()
                } else {
                    lexOperator(c)
                }
            }
        }
        if let open = stack.last, open == .interpolation {
            error("unterminated string interpolation", pos, pos, atEnd: true)
        }
        pos = bytes.count
        add(.endOfInput, pos)
    }

    /// Skips a comment to the end of its line; its text must be UTF-8 too
    /// (a `##` comment is help text), so a bad byte is reported, not repaired.
    mutating func lexComment() {
        while pos < bytes.count, bytes[pos] != UInt8(ascii: "\n") {
            guard bytes[pos] >= 0x80 else {
                pos += 1
                continue
            }
            let (s, n) = scalar(at: pos)
            if s == nil {
                error("invalid UTF-8 byte 0x\(String(bytes[pos], radix: 16, uppercase: true)) in comment", pos, pos + 1)
            }
            pos += n
        }
    }

    mutating func newline() {
        let start = pos
        pos += 1
        if newlinesIgnored { return }
        guard let last = tokens.last else { return }
        if last.kind == .newline || last.kind == .semicolon || last.kind == .leftBrace || last.kind.continuesLine {
            return
        }
        add(.newline, start)
    }

    @inline(__always) func isIdentifierStart(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || c == UInt8(ascii: "_")
    }

    @inline(__always) func isIdentifierPart(_ c: UInt8) -> Bool {
        isIdentifierStart(c) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
    }

    /// Decodes the UTF-8 scalar at `i`: the scalar (nil if invalid) and its byte length (at least 1).
    func scalar(at i: Int) -> (Unicode.Scalar?, Int) {
        guard i < bytes.count else { return (nil, 1) }
        let b0 = bytes[i]
        let length: Int
        var value: UInt32
        switch b0 {
        case 0x00...0x7F: return (Unicode.Scalar(b0), 1)
        case 0xC2...0xDF: length = 2; value = UInt32(b0 & 0x1F)
        case 0xE0...0xEF: length = 3; value = UInt32(b0 & 0x0F)
        case 0xF0...0xF4: length = 4; value = UInt32(b0 & 0x07)
        default: return (nil, 1)
        }
        guard i + length <= bytes.count else { return (nil, 1) }
        for k in 1..<length {
            let b = bytes[i + k]
            guard b & 0xC0 == 0x80 else { return (nil, 1) }
            value = value << 6 | UInt32(b & 0x3F)
        }
        // Reject overlong forms and surrogates; Unicode.Scalar rejects surrogates and > 0x10FFFF.
        let minimum: UInt32 = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000
        guard value >= minimum, let s = Unicode.Scalar(value) else { return (nil, 1) }
        return (s, length)
    }

    /// Whether a non-ASCII scalar may appear in a name (letters such as `η`).
    func isIdentifierScalar(_ s: Unicode.Scalar) -> Bool {
        s.properties.isAlphabetic
    }

    mutating func lexIdentifier() {
        let start = pos
        while pos < bytes.count {
            let c = bytes[pos]
            if isIdentifierPart(c) {
                pos += 1
            } else if c >= 0x80, case (let s?, let n) = scalar(at: pos), isIdentifierScalar(s) {
                pos += n
            } else {
                break
            }
        }
        let name = String(decoding: bytes[start..<pos], as: UTF8.self)
        if let keyword = TokenKind.keywords[name] {
            add(keyword, start)
        } else {
            add(.identifier, start, text: name)
        }
    }

    mutating func lexNonASCII() {
        let (s, n) = scalar(at: pos)
        guard let s else {
            error("invalid UTF-8 byte 0x\(String(bytes[pos], radix: 16, uppercase: true))", pos, pos + 1)
            pos += 1
            return
        }
        if isIdentifierScalar(s) {
            lexIdentifier()
        } else {
            error("unexpected character \(LexerState.describe(s))", pos, pos + n)
            pos += n
        }
    }

    /// A character for a message: `'€'`, or its code point when it shows
    /// nothing on a screen (U+FEFF, a byte-order mark; U+200B, a zero-width space).
    static func describe(_ s: Unicode.Scalar) -> String {
        let invisible: Set<Unicode.GeneralCategory> = [.format, .control, .spaceSeparator, .lineSeparator,
                                                       .paragraphSeparator, .nonspacingMark, .enclosingMark,
                                                       .unassigned, .privateUse, .surrogate]
        let code = "U+" + String(repeating: "0", count: max(0, 4 - String(s.value, radix: 16).count))
            + String(s.value, radix: 16, uppercase: true)
        return invisible.contains(s.properties.generalCategory) ? code : "'\(s)'"
    }

    mutating func lexOperator(_ c: UInt8) {
        let start = pos
        let next = peek(1)
        var kind: TokenKind
        var length = 1
        switch c {
        case UInt8(ascii: "+"): kind = .plus; if next == UInt8(ascii: "=") { kind = .plusEqual; length = 2 }
        case UInt8(ascii: "-"): kind = .minus; if next == UInt8(ascii: "=") { kind = .minusEqual; length = 2 }
        case UInt8(ascii: "*"):
            kind = .star
            if next == UInt8(ascii: "*") { kind = .starStar; length = 2 }
            else if next == UInt8(ascii: "=") { kind = .starEqual; length = 2 }
        case UInt8(ascii: "/"): kind = .slash; if next == UInt8(ascii: "=") { kind = .slashEqual; length = 2 }
        case UInt8(ascii: "%"): kind = .percent
        case UInt8(ascii: "@"): kind = .at
        case UInt8(ascii: "="):
            kind = .equal
            if next == UInt8(ascii: "=") { kind = .equalEqual; length = 2 }
            else if next == UInt8(ascii: ">") { kind = .arrow; length = 2 }
        case UInt8(ascii: "!"):
            if stack.last == .interpolation, [UInt8(ascii: "r"), UInt8(ascii: "s"), UInt8(ascii: "a")].contains(next),
               peek(2) == UInt8(ascii: "}") || peek(2) == UInt8(ascii: ":") {
                // Python's `"{x!r}"`: a conversion nn does not have.
                let fix = next == UInt8(ascii: "s") ? "{str(x)} (or just {x})" : "{repr(x)}"
                error("nn has no '!\(Character(Unicode.Scalar(next)))' conversion in interpolation; write \(fix)", pos, pos + 2)
                pos += 2
                return
            }
            guard next == UInt8(ascii: "=") else {
                // Python's and C's habits read as what they mean, so parsing goes on with one error.
                error("unexpected character '!'; use 'not' for logical negation", pos, pos + 1)
                pos += 1
                add(.kwNot, start)
                return
            }
            kind = .bangEqual; length = 2
        case UInt8(ascii: "&") where next == UInt8(ascii: "&"):
            error("unexpected '&&'; use 'and' for logical and", pos, pos + 2)
            pos += 2
            add(.kwAnd, start)
            return
        case UInt8(ascii: "|") where next == UInt8(ascii: "|"):
            error("unexpected '||'; use 'or' for logical or", pos, pos + 2)
            pos += 2
            add(.kwOr, start)
            return
        case UInt8(ascii: "&"), UInt8(ascii: "|"):
            let (word, function) = c == UInt8(ascii: "&") ? ("and", "logical_and") : ("or", "logical_or")
            error("unexpected character '\(Character(Unicode.Scalar(c)))'; use '\(word)' (for masks elementwise, \(function)(a, b))", pos, pos + 1)
            pos += 1
            return
        case UInt8(ascii: "<"): kind = .less; if next == UInt8(ascii: "=") { kind = .lessEqual; length = 2 }
        case UInt8(ascii: ">"): kind = .greater; if next == UInt8(ascii: "=") { kind = .greaterEqual; length = 2 }
        case UInt8(ascii: "."):
            kind = .dot
            if next == UInt8(ascii: ".") {
                kind = .dotDot; length = 2
                if peek(2) == UInt8(ascii: "=") { kind = .dotDotEqual; length = 3 }
            } else if tokens.last?.kind == .newline {
                tokens.removeLast()  // a line starting with `.` continues the previous one
            }
        case UInt8(ascii: ","): kind = .comma
        case UInt8(ascii: ":"):
            if stack.last == .interpolation {  // `"{x:.4f}"`: the rest up to `}` is a format spec
                lexFormatSpec()
                return
            }
            kind = .colon
        case UInt8(ascii: ";"): kind = .semicolon
        case UInt8(ascii: "("): kind = .leftParen; stack.append(.paren)
        case UInt8(ascii: "["): kind = .leftBracket; stack.append(.bracket)
        case UInt8(ascii: "{"): kind = .leftBrace; stack.append(.brace)
        case UInt8(ascii: ")"): kind = .rightParen; popOpener(.paren)
        case UInt8(ascii: "]"): kind = .rightBracket; popOpener(.bracket)
        case UInt8(ascii: "}"):
            if stack.last == .interpolation {
                stack.removeLast()
                pos += 1
                lexStringBody(start: start, isContinuation: true)
                return
            }
            kind = .rightBrace; popOpener(.brace)
        default:
            let shown = c >= 0x20 && c < 0x7F ? "'\(Character(Unicode.Scalar(c)))'" : "U+\(String(c, radix: 16, uppercase: true))"
            error("unexpected character \(shown)", pos, pos + 1)
            pos += 1
            return
        }
        pos += length
        add(kind, start)
    }

    /// Pops the innermost opener if it matches; a stray closer is left for the parser to report.
    mutating func popOpener(_ opener: Opener) {
        if let i = stack.lastIndex(where: { $0 == opener || $0 == .interpolation }), stack[i] == opener {
            stack.removeSubrange(i...)
        }
    }
}
