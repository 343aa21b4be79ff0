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
        let start = current.range
        switch kind {
        case .kwNot where minimum <= .not:
            advance()
            try enter()
            defer { leave() }
            let operand = try parseBinary(.not)
            left = Expr(.unary(.not, operand), range: start.union(operand.range))
        case .minus where minimum <= .unary, .plus where minimum <= .unary:
            let op: UnaryOperator = kind == .minus ? .negate : .plus
            advance()
            try enter()
            defer { leave() }
            let operand = try parseBinary(.unary)
            left = Expr(.unary(op, operand), range: start.union(operand.range))
        default:
            left = try parsePostfix()
        }
        while let (precedence, op) = Parser.infix(kind), precedence >= minimum {
            let opToken = advance()
            try grow()
            let right: Expr
            switch precedence {
            case .power:
                right = try parseBinary(.unary)
            default:
                right = try parseBinary(Precedence(rawValue: precedence.rawValue + 1) ?? .power)
            }
            let range = left.range.union(right.range)
            if let op {
                left = Expr(.binary(op, left, right), range: range)
            } else {
                left = Expr(.range(lower: left, upper: right, inclusive: opToken.kind == .dotDotEqual), range: range)
            }
            if precedence == .comparison || precedence == .range, let (next, _) = Parser.infix(kind), next == precedence {
                let what = precedence == .comparison ? "comparison operators" : "range operators"
                let hint = precedence == .comparison ? "; write 'a < b and b < c'" : ""
                throw fail("\(what) cannot be chained\(hint); add parentheses or split the expression")
            }
        }
        return left
    }

    /// postfix   = primary { call | index | member }
    /// call      = "(" [ argument { "," argument } [ "," ] ] ")"
    /// argument  = [ NAME ":" ] expression        (positional arguments first)
    /// index     = "[" indexItem { "," indexItem } [ "," ] "]"
    /// indexItem = expression | [ expression ] ":" [ expression ] [ ":" [ expression ] ]
    /// member    = "." NAME
    mutating func parsePostfix() throws(ParseError) -> Expr {
        var expr = try parsePrimary()
        while true {
            switch kind {
            case .leftParen:
                try grow()
                let (arguments, close) = try parseArguments()
                expr = Expr(.call(callee: expr, arguments: arguments), range: expr.range.union(close))
            case .leftBracket:
                try grow()
                let (items, close) = try parseIndexItems()
                expr = Expr(.index(base: expr, items: items), range: expr.range.union(close))
            case .dot:
                try grow()
                advance()
                guard kind == .identifier || kind.isKeyword else {
                    throw fail("expected a member name after '.', found \(describe(current))")
                }
                let token = advance()
                let name = Identifier(token.kind == .identifier ? token.text : token.kind.spelling, range: token.range)
                expr = Expr(.member(base: expr, name: name), range: expr.range.union(token.range))
            default:
                return expr
            }
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
