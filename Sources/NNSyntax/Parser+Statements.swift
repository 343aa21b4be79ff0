/// Programs, blocks and statements.
extension Parser {
    /// program = { separator } [ statement { separator statement } { separator } ] EOF
    /// separator = NEWLINE | ";"
    mutating func parseProgram() -> Program {
        let (statements, semicolon) = parseStatements(inBlock: false)
        return Program(statements: statements, endsWithSemicolon: semicolon, file: file)
    }

    /// Parses statements up to `}` (in a block) or the end of input, recovering
    /// from errors at statement boundaries. Returns the statements and whether
    /// the last one was followed by `;`.
    mutating func parseStatements(inBlock: Bool) -> ([Stmt], Bool) {
        var statements: [Stmt] = []
        var endsWithSemicolon = false
        skipSeparators()
        while kind != .endOfInput && !(inBlock && kind == .rightBrace) && !gaveUp {
            if kind == .rightBrace {
                report("unexpected '}' with no block to close")
                advance()
                skipSeparators()
                continue
            }
            let (savedDepth, savedHeight) = (depth, height)
            let statementStart = index
            do {
                let statement = try parseStatement()
                statements.append(statement)
                endsWithSemicolon = kind == .semicolon
                switch kind {
                case .newline, .semicolon:
                    skipSeparators()
                case .endOfInput:
                    break
                case .rightBrace where inBlock:
                    break
                default:
                    if let habit = pythonHabit(after: statement) {
                        report(habit.message, at: habit.range)
                        throw ParseError()
                    }
                    throw fail("expected newline or ';' after statement, found \(describe(current))")
                }
            } catch {
                (depth, height) = (savedDepth, savedHeight)
                endsWithSemicolon = false
                synchronize(statementStart: statementStart)
                skipSeparators()
            }
        }
        return (statements, endsWithSemicolon)
    }

    /// block = "{" { separator } [ statement { separator statement } { separator } ] "}"
    mutating func parseBlock(_ context: String) throws(ParseError) -> Block {
        let open = try expect(.leftBrace, context)
        try enter()
        defer { leave() }
        let (statements, semicolon) = parseStatements(inBlock: true)
        if gaveUp { throw ParseError() }
        let close = try expect(.rightBrace, "to close the block", opener: open)
        return Block(statements: statements, endsWithSemicolon: semicolon, range: open.range.union(close.range))
    }

    /// statement = letStatement | functionDeclaration | forStatement | whileStatement
    ///           | "break" | "continue" | "return" [ expression ]
    ///           | expression [ assignOp expression ]
    /// assignOp = "=" | "+=" | "-=" | "*=" | "/="
    mutating func parseStatement() throws(ParseError) -> Stmt {
        let start = current.range
        switch kind {
        case .kwLet:
            return try parseLet()
        case .kwFn where peekKind() == .identifier:
            let decl = try parseFunction(named: true)
            return Stmt(.function(decl), range: decl.range)
        case .kwFor:
            return try parseFor()
        case .kwWhile:
            advance()
            let condition = try parseExpression()
            let body = try parseBlock("after the 'while' condition")
            return Stmt(.whileLoop(condition: condition, body: body), range: start.union(body.range))
        case .kwBreak:
            advance()
            return Stmt(.breakLoop, range: start)
        case .kwContinue:
            advance()
            return Stmt(.continueLoop, range: start)
        case .kwReturn:
            advance()
            switch kind {
            case .newline, .semicolon, .rightBrace, .endOfInput:
                return Stmt(.returnValue(nil), range: start)
            default:
                let value = try parseExpression()
                return Stmt(.returnValue(value), range: start.union(value.range))
            }
        default:
            return try parseExpressionStatement()
        }
    }

    /// expressionStatement = expression [ assignOp expression ]
    ///
    /// The target of an assignment must be a name, an index `a[i]` or a member `r.f`.
    mutating func parseExpressionStatement() throws(ParseError) -> Stmt {
        let expr = try parseExpression()
        let op: CompoundOperator?
        switch kind {
        case .equal: op = nil
        case .plusEqual: op = .add
        case .minusEqual: op = .subtract
        case .starEqual: op = .multiply
        case .slashEqual: op = .divide
        default: return Stmt(.expression(expr), range: expr.range)
        }
        let opToken = advance()
        let target: AssignTarget
        switch expr.kind {
        case .identifier(let name): target = .name(Identifier(name, range: expr.range))
        case .index(let base, let items): target = .index(base: base, items: items)
        case .member(let base, let name): target = .member(base: base, name: name)
        default:
            report(
                "cannot assign to this expression; the left side of '\(opToken.kind.spelling)' must be a name, an index or a member",
                at: expr.range)
            throw ParseError()
        }
        let value = try parseExpression()
        return Stmt(.assignment(target: target, op: op, value: value), range: expr.range.union(value.range))
    }

    /// letStatement = "let" pattern "=" expression
    mutating func parseLet() throws(ParseError) -> Stmt {
        let start = advance().range
        let pattern = try parsePattern("after 'let'")
        try expect(.equal, "after the name in 'let'")
        let value = try parseExpression()
        return Stmt(.letBinding(pattern: pattern, value: value), range: start.union(value.range))
    }

    /// forStatement = "for" pattern "in" expression block
    mutating func parseFor() throws(ParseError) -> Stmt {
        let start = advance().range
        let pattern = try parsePattern("after 'for'")
        try expect(.kwIn, "after the loop variable in 'for'")
        let sequence = try parseExpression()
        let body = try parseBlock("after the sequence in 'for'")
        return Stmt(.forLoop(pattern: pattern, sequence: sequence, body: body), range: start.union(body.range))
    }

    /// pattern = NAME | "_" | "(" pattern { "," pattern } [ "," ] ")" | "[" [ pattern { "," pattern } [ "," ] ] "]"
    ///
    /// `(p)` is just `p`; `(p,)` is a one-element tuple pattern.
    mutating func parsePattern(_ context: String) throws(ParseError) -> Pattern {
        try enter()
        defer { leave() }
        let token = current
        switch kind {
        case .identifier:
            advance()
            return Pattern(token.text == "_" ? .wildcard : .name(token.text), range: token.range)
        case .leftParen, .leftBracket:
            advance()
            let closer: TokenKind = token.kind == .leftParen ? .rightParen : .rightBracket
            var items: [Pattern] = []
            var sawComma = false
            while kind != closer {
                items.append(try parsePattern("in a destructuring pattern"))
                if !match(.comma) { break }
                sawComma = true
            }
            let close = try expect(closer, "to close the pattern", opener: token)
            let range = token.range.union(close.range)
            if token.kind == .leftBracket { return Pattern(.list(items), range: range) }
            if items.count == 1, !sawComma, let only = items.first { return only }
            if items.isEmpty {
                report("expected a name in '()' pattern", at: range)
                throw ParseError()
            }
            return Pattern(.tuple(items), range: range)
        default:
            throw fail("expected a name or a destructuring pattern \(context), found \(describe(current))")
        }
    }

    /// functionDeclaration = "fn" NAME parameters functionBody
    /// functionExpression  = "fn" parameters functionBody
    /// functionBody        = "=" expression | block
    mutating func parseFunction(named: Bool) throws(ParseError) -> FunctionDecl {
        let start = advance().range
        var name: Identifier?
        if named {
            let token = try expect(.identifier, "after 'fn'")
            name = Identifier(token.text, range: token.range)
        }
        let parameters = try parseParameters()
        let body: Expr
        if match(.equal) {
            body = try parseExpression()
        } else if kind == .leftBrace {
            let block = try parseBlock("")
            body = Expr(.block(block), range: block.range)
        } else {
            throw fail("expected '=' or '{' after the parameters of 'fn', found \(describe(current))")
        }
        return FunctionDecl(name: name, parameters: parameters, body: body, range: start.union(body.range))
    }

    /// parameters = "(" [ parameter { "," parameter } [ "," ] ] ")"
    /// parameter  = NAME [ ":" expression ]
    ///
    /// Parameters with defaults must come after those without; names must differ.
    mutating func parseParameters() throws(ParseError) -> [Parameter] {
        let open = try expect(.leftParen, "after 'fn'")
        var parameters: [Parameter] = []
        while kind != .rightParen {
            let token = try expect(.identifier, "as a parameter name")
            let name = Identifier(token.text, range: token.range)
            var defaultValue: Expr?
            if match(.colon) {
                defaultValue = try parseExpression()
            } else if parameters.last?.defaultValue != nil {
                report("parameter '\(name.name)' without a default follows a parameter with one", at: name.range)
            }
            if parameters.contains(where: { $0.name.name == name.name }) {
                report("duplicate parameter '\(name.name)'", at: name.range)
            }
            parameters.append(Parameter(
                name: name, defaultValue: defaultValue, range: token.range.union(defaultValue?.range ?? token.range)))
            if !match(.comma) { break }
        }
        try expect(.rightParen, "after the parameters", opener: open)
        return parameters
    }
}
