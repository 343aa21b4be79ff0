/// The kinds of token the lexer produces.
public enum TokenKind: UInt8, Sendable, CaseIterable {
    // Literals and names.
    /// A number literal; the value is in ``Token/number``.
    case number
    /// A whole string literal without interpolation; contents in ``Token/text``.
    case string
    /// The text of a string up to its first `{` (interpolation follows).
    case stringHead
    /// The text between a `}` and the next `{` inside an interpolated string.
    case stringMiddle
    /// The text after the last `}` up to the closing `"`.
    case stringTail
    /// The format spec after a top-level `:` of an interpolation, up to its
    /// `}` (`.4f` in `"{loss:.4f}"`); the spec's text is in ``Token/text``.
    case formatSpec
    /// A name; the name is in ``Token/text``.
    case identifier

    // Keywords.
    case kwLet, kwFn, kwIf, kwElse, kwFor, kwIn, kwWhile, kwBreak, kwContinue, kwReturn
    case kwTry, kwCatch, kwTrue, kwFalse, kwNil, kwAnd, kwOr, kwNot

    // Operators and punctuation.
    case plus, minus, star, slash, percent, starStar, at
    case equalEqual, bangEqual, less, lessEqual, greater, greaterEqual
    case equal, plusEqual, minusEqual, starEqual, slashEqual
    case arrow, dotDot, dotDotEqual, dot, comma, colon, semicolon
    case leftParen, rightParen, leftBracket, rightBracket, leftBrace, rightBrace

    /// A newline that ends a statement.
    case newline
    /// The end of the input (always the last token).
    case endOfInput

    /// How the token reads in a message: `')'`, `newline`, `end of input`.
    public var displayName: String {
        switch self {
        case .number: "number"
        case .string, .stringHead: "string"
        case .stringMiddle, .stringTail: "'}'"
        case .formatSpec: "format spec"
        case .identifier: "identifier"
        case .newline: "newline"
        case .endOfInput: "end of input"
        default: "'\(spelling)'"
        }
    }

    /// The source spelling of a keyword or operator ("" for other kinds).
    public var spelling: String {
        switch self {
        case .kwLet: "let"
        case .kwFn: "fn"
        case .kwIf: "if"
        case .kwElse: "else"
        case .kwFor: "for"
        case .kwIn: "in"
        case .kwWhile: "while"
        case .kwBreak: "break"
        case .kwContinue: "continue"
        case .kwReturn: "return"
        case .kwTry: "try"
        case .kwCatch: "catch"
        case .kwTrue: "true"
        case .kwFalse: "false"
        case .kwNil: "nil"
        case .kwAnd: "and"
        case .kwOr: "or"
        case .kwNot: "not"
        case .plus: "+"
        case .minus: "-"
        case .star: "*"
        case .slash: "/"
        case .percent: "%"
        case .starStar: "**"
        case .at: "@"
        case .equalEqual: "=="
        case .bangEqual: "!="
        case .less: "<"
        case .lessEqual: "<="
        case .greater: ">"
        case .greaterEqual: ">="
        case .equal: "="
        case .plusEqual: "+="
        case .minusEqual: "-="
        case .starEqual: "*="
        case .slashEqual: "/="
        case .arrow: "=>"
        case .dotDot: ".."
        case .dotDotEqual: "..="
        case .dot: "."
        case .comma: ","
        case .colon: ":"
        case .semicolon: ";"
        case .leftParen: "("
        case .rightParen: ")"
        case .leftBracket: "["
        case .rightBracket: "]"
        case .leftBrace: "{"
        case .rightBrace: "}"
        default: ""
        }
    }

    /// True for keywords.
    public var isKeyword: Bool { rawValue >= TokenKind.kwLet.rawValue && rawValue <= TokenKind.kwNot.rawValue }

    /// True when a line ending with this token continues onto the next line:
    /// binary operators, `=`, `,`, `:`, `(`, `[`, `=>`, `.`, `not`.
    var continuesLine: Bool {
        switch self {
        case .plus, .minus, .star, .slash, .percent, .starStar, .at,
             .equalEqual, .bangEqual, .less, .lessEqual, .greater, .greaterEqual,
             .equal, .plusEqual, .minusEqual, .starEqual, .slashEqual,
             .arrow, .dotDot, .dotDotEqual, .dot, .comma, .colon, .leftParen, .leftBracket,
             .kwAnd, .kwOr, .kwNot:
            true
        default:
            false
        }
    }

    /// The keyword spelled by `name`, if any.
    static let keywords: [String: TokenKind] = {
        var table: [String: TokenKind] = [:]
        for kind in TokenKind.allCases where kind.isKeyword { table[kind.spelling] = kind }
        return table
    }()
}

/// One token: its kind, its range, and its value for literals and names.
public struct Token: Sendable, CustomStringConvertible {
    /// What kind of token.
    public var kind: TokenKind
    /// Where it is written.
    public var range: SourceRange
    /// The value of a number token (0 otherwise).
    public var number: Double
    /// The name of an identifier, or the decoded text of a string token ("" otherwise).
    public var text: String

    public init(_ kind: TokenKind, range: SourceRange, number: Double = 0, text: String = "") {
        self.kind = kind
        self.range = range
        self.number = number
        self.text = text
    }

    /// A compact form for tests and debugging: `identifier(x)`, `'+'`, `number(3.5)`.
    public var description: String {
        switch kind {
        case .number: "number(\(number))"
        case .identifier: "identifier(\(text))"
        case .string, .stringHead, .stringMiddle, .stringTail, .formatSpec: "\(kind)(\(text.debugDescription))"
        default: kind.displayName
        }
    }
}
