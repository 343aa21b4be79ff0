/// The result of parsing a file or REPL entry.
public struct ParseResult: Sendable {
    /// The statements that parsed (statements with errors are left out).
    public var program: Program
    /// Lexical and syntax errors, in source order (at most ``Parser/maxErrors``).
    public var diagnostics: [Diagnostic]
    /// True when the input failed only because it ended too early (an open
    /// bracket, brace or string, a trailing operator): a REPL should read more.
    public var isIncomplete: Bool

    /// True when there are no errors.
    public var succeeded: Bool { !diagnostics.contains { $0.severity == .error } }
}

/// The error thrown inside the parser to unwind to the nearest statement
/// boundary; its diagnostic has already been recorded.
struct ParseError: Error {}

/// A hand-written recursive-descent parser with a Pratt loop for operators.
///
/// Each parse function's doc comment states its grammar rule; `docs/grammar.md`
/// collects them. After an error the parser skips to the next statement
/// boundary and goes on, so one run reports several errors (up to
/// ``maxErrors``). Nesting is limited to ``maxDepth`` levels and the height of
/// operator chains to ``maxHeight``, so no input can exhaust the stack in a
/// later phase walking the tree; the parser also checks the native stack it
/// runs on (``checkStack()``), so it cannot exhaust that either, whatever
/// the thread.
public struct Parser {
    /// The most errors reported in one run.
    public static let maxErrors = 20
    /// The deepest nesting of brackets, blocks and prefix operators.
    public static let maxDepth = 256
    /// The tallest expression tree (nesting plus operator and postfix chains).
    public static let maxHeight = 4096

    /// Parses a whole file or REPL entry.
    public static func parse(_ source: SourceFile) -> ParseResult {
        var parser = Parser(source)
        let program = parser.parseProgram()
        return parser.finish(program)
    }

    /// Parses source text named `name` as a file with id 0.
    public static func parse(_ text: String, name: String = "<input>") -> ParseResult {
        parse(SourceFile(name: name, text: text))
    }

    /// Parses a single expression filling the whole input (newlines around it allowed).
    public static func parseExpression(_ source: SourceFile) -> (expression: Expr?, diagnostics: [Diagnostic]) {
        var parser = Parser(source)
        var result: Expr?
        parser.skipSeparators()
        do {
            let e = try parser.parseExpression()
            parser.skipSeparators()
            if parser.kind != .endOfInput {
                parser.report("expected end of input after expression, found \(parser.describe(parser.current))")
            } else {
                result = e
            }
        } catch {}
        let finished = parser.finish(Program(statements: [], endsWithSemicolon: false, file: source.id))
        return (finished.succeeded ? result : nil, finished.diagnostics)
    }

    // MARK: State

    let file: SourceFileID
    let source: SourceFile
    var tokens: [Token]
    var index = 0
    var diagnostics: [Diagnostic] = []
    let lexerDiagnostics: [Diagnostic]
    var depth = 0
    var height = 0
    /// Where the native stack must stop (see ``checkStack()``); 0: unknown.
    let stackFloor: UInt
    /// The parsing thread's stack size in bytes (0: unknown).
    let stackSize: Int
    /// Set once ``maxErrors`` is reached: parsing stops.
    var gaveUp = false

    init(_ source: SourceFile) {
        file = source.id
        self.source = source
        let (tokens, lexed) = Lexer(source).tokenize()
        self.tokens = tokens
        lexerDiagnostics = lexed
        (stackFloor, stackSize) = Parser.stackFloor()
    }

    /// Merges lexer and parser diagnostics and decides whether the input is incomplete.
    func finish(_ program: Program) -> ParseResult {
        var all = lexerDiagnostics
        let lexerAtEnd = lexerDiagnostics.contains { $0.isAtEndOfInput }
        // A lexer error explains parser errors after it on the same line (the
        // bad character was dropped), and one at the end (an unterminated
        // string) explains any parser error there.
        let lexerOffsets = lexerDiagnostics.map(\.range.startOffset)
        all += diagnostics.filter { d in
            if lexerAtEnd && d.isAtEndOfInput { return false }
            let offset = d.range.startOffset
            return !lexerOffsets.contains { $0 <= offset && !hasNewline(from: $0, to: offset) }
        }
        all.sort { $0.range.startOffset < $1.range.startOffset }
        if all.count > Parser.maxErrors { all.removeSubrange(Parser.maxErrors...) }
        let errors = all.filter { $0.severity == .error }
        let incomplete = !errors.isEmpty && errors.allSatisfy { $0.isAtEndOfInput }
        return ParseResult(program: program, diagnostics: all, isIncomplete: incomplete)
    }

    /// Whether the source has a line break in `[from, to)`.
    func hasNewline(from: Int, to: Int) -> Bool {
        source.lineIndex(of: from) != source.lineIndex(of: to)
    }

    // MARK: Tokens

    /// The current token (the last token is always `.endOfInput`).
    var current: Token { tokens[index] }
    /// The current token's kind.
    var kind: TokenKind { tokens[index].kind }

    /// The kind of the token `ahead` places after the current one.
    func peekKind(_ ahead: Int = 1) -> TokenKind {
        let i = index + ahead
        return i < tokens.count ? tokens[i].kind : .endOfInput
    }

    /// Moves to the next token (never past `.endOfInput`) and returns the one left behind.
    @discardableResult
    mutating func advance() -> Token {
        let token = tokens[index]
        if token.kind != .endOfInput { index += 1 }
        return token
    }

    /// Consumes the current token if it has kind `k`.
    mutating func match(_ k: TokenKind) -> Bool {
        guard kind == k else { return false }
        index += 1
        return true
    }

    /// Consumes a token of kind `k`, or reports `expected <k> <context>, found <current>`.
    @discardableResult
    mutating func expect(_ k: TokenKind, _ context: String, opener: Token? = nil) throws(ParseError) -> Token {
        if kind == k { return advance() }
        var notes: [Diagnostic.Note] = []
        if let opener { notes.append(.init("to match this \(opener.kind.displayName)", range: opener.range)) }
        throw fail("expected \(k.displayName) \(context), found \(describe(current))", notes: notes)
    }

    mutating func skipNewlines() {
        while kind == .newline { index += 1 }
    }

    mutating func skipSeparators() {
        while kind == .newline || kind == .semicolon { index += 1 }
    }

    /// How a token reads in "found ..." messages.
    func describe(_ token: Token) -> String {
        switch token.kind {
        case .identifier: "'\(token.text)'"
        case .number: "number"
        default: token.kind.displayName
        }
    }

    // MARK: Errors

    /// Where an error at the current token points: the token itself, or just
    /// after the previous token when the current one is a newline or the end.
    var errorRange: SourceRange {
        if (kind == .newline || kind == .endOfInput), index > 0 {
            return tokens[index - 1].range.afterEnd
        }
        return current.range
    }

    /// Records an error at `range` (default: the current token).
    mutating func report(_ message: String, at range: SourceRange? = nil, notes: [Diagnostic.Note] = []) {
        let atEnd = range == nil && kind == .endOfInput
        guard diagnostics.count < Parser.maxErrors else {
            gaveUp = true
            return
        }
        diagnostics.append(.error(message, at: range ?? errorRange, notes: notes, isAtEndOfInput: atEnd))
        if diagnostics.count >= Parser.maxErrors { gaveUp = true }
    }

    /// Records an error at the current token and returns the error to throw.
    mutating func fail(_ message: String, notes: [Diagnostic.Note] = []) -> ParseError {
        report(message, notes: notes)
        return ParseError()
    }

    /// Reports `expected <what>, found <current token>` and returns the error to throw.
    @inline(never)
    mutating func expectedError(_ what: String) -> ParseError {
        fail("expected \(what), found \(describe(current))")
    }

    /// Enters one level of nesting; fails cleanly past ``maxDepth`` or when
    /// the native stack is nearly used up (``checkStack()``).
    mutating func enter() throws(ParseError) {
        try checkStack()
        depth += 1
        height += 1
        if depth > Parser.maxDepth || height > Parser.maxHeight {
            let limit = depth > Parser.maxDepth ? Parser.maxDepth : Parser.maxHeight
            depth -= 1
            height -= 1
            throw fail("expression nested too deeply (limit \(limit))")
        }
    }

    /// Leaves a level entered with ``enter()``.
    mutating func leave() {
        depth -= 1
        height -= 1
    }

    /// Adds one link of an operator or postfix chain to the tree height.
    mutating func grow() throws(ParseError) {
        try checkStack()
        height += 1
        if height > Parser.maxHeight {
            throw fail("expression too complex (more than \(Parser.maxHeight) chained operations)")
        }
    }

    /// Skips to the next statement boundary after an error: past a newline or
    /// `;`, or up to a `}` that closes the enclosing block. Braces opened on the
    /// way are skipped whole.
    ///
    /// Braces opened since `statementStart` and still open (a record the error
    /// interrupted) are closed first, so their `}` is not mistaken for the end
    /// of the enclosing block.
    mutating func synchronize(statementStart: Int) {
        if gaveUp {
            index = tokens.count - 1
            return
        }
        var braces = 0
        for i in min(statementStart, index)..<index {
            if tokens[i].kind == .leftBrace { braces += 1 }
            if tokens[i].kind == .rightBrace { braces = max(0, braces - 1) }
        }
        while kind != .endOfInput {
            switch kind {
            case .leftBrace:
                braces += 1
            case .rightBrace:
                if braces == 0 { return }
                braces -= 1
            case .newline, .semicolon:
                if braces == 0 {
                    index += 1
                    return
                }
            default:
                break
            }
            index += 1
        }
    }
}
