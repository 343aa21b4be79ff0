/// Primary expressions: literals, names, brackets, records, `if`, `try`, functions.
extension Parser {
    /// primary = NUMBER | string | "true" | "false" | "nil"
    ///         | NAME | NAME "=>" expression
    ///         | "(" expression ")" | tuple | "(" [ NAME { "," NAME } [ "," ] ] ")" "=>" expression
    ///         | list | record | ifExpr | tryExpr | functionExpression
    mutating func parsePrimary() throws(ParseError) -> Expr {
        switch kind {
        case .number, .string, .kwTrue, .kwFalse, .kwNil:
            return parseLiteral()
        case .stringHead:
            return try parseInterpolation()
        case .identifier:
            return try parseName()
        case .leftParen:
            return try parseParenthesized()
        case .leftBracket:
            return try parseList()
        case .leftBrace:
            return try parseRecord()
        case .kwIf:
            return try parseIf()
        case .kwTry:
            return try parseTry()
        case .kwFn:
            return try parseFunctionExpression()
        default:
            throw expectedError("expression")
        }
    }

    /// Parses a number, string, `true`, `false` or `nil`.
    mutating func parseLiteral() -> Expr {
        let token = advance()
        let kind: ExprKind = switch token.kind {
        case .number: .number(token.number)
        case .string: .string(token.text)
        case .kwTrue: .boolean(true)
        case .kwFalse: .boolean(false)
        default: .nilLiteral
        }
        return Expr(kind, range: token.range)
    }

    /// Parses a name, or a one-parameter lambda `x => e`.
    mutating func parseName() throws(ParseError) -> Expr {
        let token = advance()
        if kind == .arrow {
            let parameter = Parameter(name: Identifier(token.text, range: token.range), defaultValue: nil, range: token.range)
            return try parseLambdaBody(parameters: [parameter], start: token.range)
        }
        return Expr(.identifier(token.text), range: token.range)
    }

    /// list = "[" [ expression { "," expression } [ "," ] ] "]"
    mutating func parseList() throws(ParseError) -> Expr {
        let open = advance()
        let (elements, close) = try parseElements(until: .rightBracket, opener: open, context: "after list elements")
        return Expr(.list(elements), range: open.range.union(close))
    }

    /// functionExpression = "fn" parameters functionBody
    mutating func parseFunctionExpression() throws(ParseError) -> Expr {
        if peekKind() == .identifier {
            throw fail("a named function cannot be used as a value; drop the name ('fn(x) = ...') or declare it on its own line")
        }
        let decl = try parseFunction(named: false)
        return Expr(.function(decl), range: decl.range)
    }

    /// Parses comma-separated expressions up to `closer` (trailing comma allowed).
    mutating func parseElements(until closer: TokenKind, opener: Token, context: String) throws(ParseError) -> ([Expr], SourceRange) {
        var elements: [Expr] = []
        while kind != closer {
            elements.append(try parseExpression())
            if !match(.comma) { break }
        }
        let close = try expect(closer, context, opener: opener)
        return (elements, close.range)
    }

    /// group  = "(" expression ")"
    /// tuple  = "(" expression "," [ expression { "," expression } [ "," ] ] ")"
    /// lambda = "(" [ NAME { "," NAME } [ "," ] ] ")" "=>" expression
    mutating func parseParenthesized() throws(ParseError) -> Expr {
        let open = advance()
        var elements: [Expr] = []
        var sawComma = false
        while kind != .rightParen {
            elements.append(try parseExpression())
            if !match(.comma) { break }
            sawComma = true
        }
        let close = try expect(.rightParen, elements.isEmpty ? "after '('" : "after expression", opener: open)
        let range = open.range.union(close.range)
        if kind == .arrow {
            return try parseLambdaBody(parameters: try lambdaParameters(elements), start: open.range)
        }
        if elements.isEmpty {
            report("expected expression between '(' and ')' ('()' is only allowed before '=>')", at: range)
            throw ParseError()
        }
        if elements.count == 1, !sawComma, let only = elements.first {
            return Expr(only.kind, range: range)
        }
        return Expr(.tuple(elements), range: range)
    }

    /// Turns the elements of `(a, b)` before `=>` into parameters; each must be a name.
    @inline(never)
    mutating func lambdaParameters(_ elements: [Expr]) throws(ParseError) -> [Parameter] {
        var parameters: [Parameter] = []
        for e in elements {
            guard case .identifier(let name) = e.kind else {
                report("lambda parameters must be names", at: e.range)
                throw ParseError()
            }
            if parameters.contains(where: { $0.name.name == name }) {
                report("duplicate parameter '\(name)'", at: e.range)
            }
            parameters.append(Parameter(name: Identifier(name, range: e.range), defaultValue: nil, range: e.range))
        }
        return parameters
    }

    /// Parses `=> expression` or `=> { statements }` and builds the lambda.
    ///
    /// After `=>` a brace starts a block unless it reads as a record
    /// (`{}` or `{ name: ...`), so `() => { for i in xs { f(i) } }` is a
    /// function of several statements, as in JavaScript or Swift.
    mutating func parseLambdaBody(parameters: [Parameter], start: SourceRange) throws(ParseError) -> Expr {
        advance()  // =>
        let body: Expr
        if kind == .leftBrace && !braceStartsRecord() {
            let block = try parseBlock("")
            body = Expr(.block(block), range: block.range)
        } else {
            body = try parseExpression()
        }
        let range = start.union(body.range)
        return Expr(.function(FunctionDecl(name: nil, parameters: parameters, body: body, range: range)), range: range)
    }

    /// True when the `{` at the current token opens a record: `{}`, or a
    /// field name (a name, string or keyword) followed by `:`.
    func braceStartsRecord() -> Bool {
        var i = 1
        while peekKind(i) == .newline { i += 1 }
        let first = peekKind(i)
        if first == .rightBrace { return true }
        guard first == .identifier || first == .string || first.isKeyword else { return false }
        return peekKind(i + 1) == .colon
    }

    /// record = "{" [ field { "," field } [ "," ] ] "}"
    /// field  = ( NAME | STRING ) ":" expression
    ///
    /// A `{` in expression position starts a record; blocks follow `if`,
    /// `else`, `for`, `while`, `fn`, `try` and `catch`, and `=>` when the
    /// brace does not read as a record.
    mutating func parseRecord() throws(ParseError) -> Expr {
        let open = advance()
        var fields: [RecordField] = []
        skipNewlines()
        while kind != .rightBrace {
            let key = current
            guard key.kind == .identifier || key.kind == .string || key.kind.isKeyword else {
                throw fail("expected a field name in record, found \(describe(key))")
            }
            advance()
            let name = key.kind.isKeyword ? key.kind.spelling : key.text
            try expect(.colon, "after the field name '\(name)' in record")
            let value = try parseExpression()
            if fields.contains(where: { $0.key == name }) {
                report("duplicate field '\(name)' in record", at: key.range)
            }
            fields.append(RecordField(key: name, keyRange: key.range, value: value))
            skipNewlines()
            if !match(.comma) { break }
            skipNewlines()
        }
        let close = try expect(.rightBrace, "after record fields", opener: open)
        return Expr(.record(fields), range: open.range.union(close.range))
    }

    /// ifExpr = "if" expression block [ "else" ( ifExpr | block ) ]
    ///
    /// `else` may start the next line.
    mutating func parseIf() throws(ParseError) -> Expr {
        let start = advance().range
        let condition = try parseExpression()
        let then = try parseBlock("after the 'if' condition")
        var elseBranch: Expr?
        if continues(with: .kwElse) {
            advance()
            if kind == .kwIf {
                try enter()  // an else-if chain recurses without a block in between
                defer { leave() }
                elseBranch = try parseIf()
            } else {
                let block = try parseBlock("after 'else'")
                elseBranch = Expr(.block(block), range: block.range)
            }
        }
        let end = elseBranch?.range ?? then.range
        return Expr(.conditional(condition: condition, then: then, elseBranch: elseBranch), range: start.union(end))
    }

    /// tryExpr = "try" block "catch" [ NAME ] block
    ///
    /// `catch` may start the next line.
    mutating func parseTry() throws(ParseError) -> Expr {
        let start = advance().range
        let body = try parseBlock("after 'try'")
        guard continues(with: .kwCatch) else {
            throw fail("expected 'catch' after the 'try' block, found \(describe(current))")
        }
        advance()
        var name: Identifier?
        if kind == .identifier {
            let token = advance()
            name = Identifier(token.text, range: token.range)
        }
        let handler = try parseBlock("after 'catch'")
        return Expr(.tryCatch(body: body, errorName: name, handler: handler), range: start.union(handler.range))
    }

    /// Whether the current token, or the first one after newlines, is `k`;
    /// skips the newlines when it is.
    mutating func continues(with k: TokenKind) -> Bool {
        var i = index
        while i < tokens.count, tokens[i].kind == .newline { i += 1 }
        guard i < tokens.count, tokens[i].kind == k else { return false }
        index = i
        return true
    }

    /// string = STRING | STRING_HEAD field { STRING_MIDDLE field } STRING_TAIL
    /// field  = expression [ FORMAT_SPEC ]
    ///
    /// The lexer splits `"a {x} b {y:.2f}"` into head `"a {`, the tokens of `x`,
    /// middle `} b {`, the tokens of `y`, the spec `.2f`, and tail `}"`. A
    /// spec that cannot be read is a syntax error at the spec.
    mutating func parseInterpolation() throws(ParseError) -> Expr {
        let head = advance()
        var parts: [StringPart] = []
        if !head.text.isEmpty { parts.append(.literal(head.text)) }
        var end = head.range
        while true {
            if kind == .stringMiddle || kind == .stringTail || kind == .formatSpec {
                throw fail("expected an expression inside '{}' in string (write '\\{' for a literal brace)")
            }
            let e = try parseExpression()
            if kind == .formatSpec {
                let token = advance()
                do {
                    parts.append(.formatted(e, try FormatSpec(token.text)))
                } catch {
                    report(error.message, at: token.range)
                    parts.append(.expression(e))
                }
            } else {
                parts.append(.expression(e))
            }
            let piece = current
            guard piece.kind == .stringMiddle || piece.kind == .stringTail else {
                throw fail("expected '}' to close the interpolation in string, found \(describe(piece))")
            }
            advance()
            if !piece.text.isEmpty { parts.append(.literal(piece.text)) }
            end = piece.range
            if piece.kind == .stringTail { break }
        }
        return Expr(.interpolation(parts), range: head.range.union(end))
    }
}
