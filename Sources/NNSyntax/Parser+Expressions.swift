/// Operator expressions: the Pratt loop, prefix operators and postfix chains.
///
/// Precedence, lowest to highest (see `docs/grammar.md`):
///
/// | level | operators | associativity |
/// |---|---|---|
/// | lambda | `x => e`, `fn(x) = e` | (prefix forms, body extends right) |
/// | or | `or` | left |
/// | and | `and` | left |
/// | not | `not` (prefix) | |
/// | comparison | `== != < <= > >=` | none: `a < b < c` is an error |
/// | range | `..` `..=` | none |
/// | additive | `+ -` | left |
/// | multiplicative | `* / % @` | left |
/// | unary | `-` `+` (prefix) | |
/// | power | `**` | right; the right operand may be unary: `2 ** -1` |
/// | postfix | call, index, member | left |
extension Parser {
    /// Binding power of the operator levels.
    enum Precedence: Int, Comparable {
        case lowest = 0, or, and, not, comparison, range, additive, multiplicative, unary, power

        static func < (a: Precedence, b: Precedence) -> Bool { a.rawValue < b.rawValue }
    }

    /// The infix operator a token spells, with its precedence.
    static func infix(_ kind: TokenKind) -> (Precedence, BinaryOperator?)? {
        switch kind {
        case .kwOr: (.or, .or)
        case .kwAnd: (.and, .and)
        case .equalEqual: (.comparison, .equal)
        case .bangEqual: (.comparison, .notEqual)
        case .less: (.comparison, .less)
        case .lessEqual: (.comparison, .lessEqual)
        case .greater: (.comparison, .greater)
        case .greaterEqual: (.comparison, .greaterEqual)
        case .dotDot, .dotDotEqual: (.range, nil)
        case .plus: (.additive, .add)
        case .minus: (.additive, .subtract)
        case .star: (.multiplicative, .multiply)
        case .slash: (.multiplicative, .divide)
        case .percent: (.multiplicative, .remainder)
        case .at: (.multiplicative, .matmul)
        case .starStar: (.power, .power)
        default: nil
        }
    }

    /// expression = lambda | functionExpression | orExpr
    ///
    /// Lambdas and `fn(...)` are recognised among the primaries (`x =>`,
    /// `(a, b) =>`, `() =>`, `fn(`); their bodies extend as far right as an
    /// expression can.
    mutating func parseExpression() throws(ParseError) -> Expr {
        try enter()
        defer { leave() }
        return try parseBinary(.or)
    }

    /// orExpr         = andExpr { "or" andExpr }
    /// andExpr        = notExpr { "and" notExpr }
    /// notExpr        = "not" notExpr | comparison
    /// comparison     = rangeExpr [ ("==" | "!=" | "<" | "<=" | ">" | ">=") rangeExpr ]
    /// rangeExpr      = additive [ (".." | "..=") additive ]
    /// additive       = multiplicative { ("+" | "-") multiplicative }
    /// multiplicative = unary { ("*" | "/" | "%" | "@") unary }
    /// unary          = ("-" | "+") unary | power
    /// power          = postfix [ "**" unary ]
    mutating func parseBinary(_ minimum: Precedence) throws(ParseError) -> Expr {
        let savedHeight = height
        defer { height = savedHeight }
        var left: Expr
        switch kind {
        case .kwNot where minimum <= .not:
            left = try parsePrefix(.not, operand: .not)
        case .minus where minimum <= .unary:
            left = try parsePrefix(.negate, operand: .unary)
        case .plus where minimum <= .unary:
            left = try parsePrefix(.plus, operand: .unary)
        default:
            left = try parsePostfix()
        }
        while let (precedence, op) = Parser.infix(kind), precedence >= minimum {
            left = try parseInfix(left, precedence, op)
        }
        return left
    }

    /// Parses a prefix operator and its operand (parsed at level `operand`).
    mutating func parsePrefix(_ op: UnaryOperator, operand level: Precedence) throws(ParseError) -> Expr {
        let start = advance().range
        try enter()
        defer { leave() }
        let operand = try parseBinary(level)
        return Expr(.unary(op, operand), range: start.union(operand.range))
    }

    /// Parses an infix operator and its right operand, and combines them with `left`.
    ///
    /// `**` takes a unary right operand (right-associative, `2 ** -1`); the
    /// others take the next level up (left-associative). Comparisons and ranges
    /// do not chain.
    mutating func parseInfix(_ left: Expr, _ precedence: Precedence, _ op: BinaryOperator?) throws(ParseError) -> Expr {
        let inclusive = advance().kind == .dotDotEqual
        try grow()
        let level = precedence == .power ? .unary : Precedence(rawValue: precedence.rawValue + 1) ?? .power
        let right = try parseBinary(level)
        let range = left.range.union(right.range)
        let result = if let op {
            Expr(.binary(op, left, right), range: range)
        } else {
            Expr(.range(lower: left, upper: right, inclusive: inclusive), range: range)
        }
        if precedence == .comparison || precedence == .range, Parser.infix(kind)?.0 == precedence {
            throw chainError(precedence)
        }
        return result
    }

    /// Reports `a < b < c` or `a..b..c`.
    @inline(never)
    mutating func chainError(_ precedence: Precedence) -> ParseError {
        let what = precedence == .comparison ? "comparison operators" : "range operators"
        let hint = precedence == .comparison ? "; write 'a < b and b < c'" : ""
        return fail("\(what) cannot be chained\(hint); add parentheses or split the expression")
    }

    /// postfix   = primary { call | index | member }
    /// call      = "(" [ argument { "," argument } [ "," ] ] ")"
    /// argument  = [ NAME ":" ] expression        (positional arguments first)
    /// index     = "[" indexItem { "," indexItem } [ "," ] "]"
    /// indexItem = expression | [ expression ] ":" [ expression ] [ ":" [ expression ] ]
    /// member    = "." NAME
    mutating func parsePostfix() throws(ParseError) -> Expr {
        var expr = try parsePrimary()
        while kind == .leftParen || kind == .leftBracket || kind == .dot {
            try grow()
            expr = try parsePostfixOperation(expr)
        }
        return expr
    }

    /// Parses one call, index or member access applied to `expr`.
    mutating func parsePostfixOperation(_ expr: Expr) throws(ParseError) -> Expr {
        switch kind {
        case .leftParen:
            let (arguments, close) = try parseArguments()
            return Expr(.call(callee: expr, arguments: arguments), range: expr.range.union(close))
        case .leftBracket:
            let (items, close) = try parseIndexItems()
            return Expr(.index(base: expr, items: items), range: expr.range.union(close))
        default:
            advance()
            guard kind == .identifier || kind.isKeyword else {
                throw expectedError("a member name after '.'")
            }
            let token = advance()
            let name = Identifier(token.kind == .identifier ? token.text : token.kind.spelling, range: token.range)
            return Expr(.member(base: expr, name: name), range: expr.range.union(token.range))
        }
    }

    /// Parses call arguments from `(` to `)`; returns them and the range of `)`.
    mutating func parseArguments() throws(ParseError) -> ([Argument], SourceRange) {
        let open = advance()
        var arguments: [Argument] = []
        var sawNamed = false
        while kind != .rightParen {
            if kind == .identifier, peekKind() == .colon {
                let token = advance()
                advance()
                let label = Identifier(token.text, range: token.range)
                let value = try parseExpression()
                if arguments.contains(where: { $0.label?.name == label.name }) {
                    report("duplicate argument '\(label.name)'", at: label.range)
                }
                arguments.append(Argument(label: label, value: value, range: token.range.union(value.range)))
                sawNamed = true
            } else {
                let value = try parseExpression()
                if sawNamed {
                    report("positional argument after a named argument; put positional arguments first", at: value.range)
                }
                arguments.append(Argument(label: nil, value: value, range: value.range))
            }
            if !match(.comma) { break }
        }
        let close = try expect(.rightParen, "after arguments", opener: open)
        return (arguments, close.range)
    }

    /// Parses index items from `[` to `]`; returns them and the range of `]`.
    mutating func parseIndexItems() throws(ParseError) -> ([IndexItem], SourceRange) {
        let open = advance()
        var items: [IndexItem] = []
        while kind != .rightBracket {
            items.append(try parseIndexItem())
            if !match(.comma) { break }
        }
        let close = try expect(.rightBracket, "after index", opener: open)
        if items.isEmpty {
            report("expected an index or slice between '[' and ']'", at: open.range.union(close.range))
        }
        return (items, close.range)
    }

    /// indexItem = expression | [ expression ] ":" [ expression ] [ ":" [ expression ] ]
    mutating func parseIndexItem() throws(ParseError) -> IndexItem {
        let startRange = current.range
        var start: Expr?
        if kind != .colon {
            let e = try parseExpression()
            guard kind == .colon else { return .expression(e) }
            start = e
        }
        var end = advance().range  // the first ':'
        var stop: Expr?
        var step: Expr?
        if kind != .colon && kind != .comma && kind != .rightBracket {
            let e = try parseExpression()
            stop = e
            end = e.range
        }
        if kind == .colon {
            end = advance().range
            if kind != .comma && kind != .rightBracket {
                let e = try parseExpression()
                step = e
                end = e.range
            }
        }
        return .slice(start: start, stop: stop, step: step, range: startRange.union(end))
    }
}
