/// The syntax tree the parser produces: plain `Sendable` values.
///
/// Every node carries a ``SourceRange``. Node kinds are indirect enums wrapped
/// in small structs (`Expr`, `Stmt`, `Pattern`) so that a range is always at
/// hand. The tree is handed as-is to the compiler in `NNScript` (`Core/Compiler.swift`).

/// A name as written, with its position.
public struct Identifier: Hashable, Sendable {
    /// The name.
    public var name: String
    /// Where the name is written.
    public var range: SourceRange

    public init(_ name: String, range: SourceRange) {
        self.name = name
        self.range = range
    }
}

// MARK: - Programs, blocks, statements

/// A whole file or REPL entry: a list of statements.
public struct Program: Sendable {
    /// The top-level statements, in order.
    public var statements: [Stmt]
    /// True when the final statement was followed by `;` (the REPL then prints nothing).
    public var endsWithSemicolon: Bool
    /// The file parsed.
    public var file: SourceFileID

    public init(statements: [Stmt], endsWithSemicolon: Bool, file: SourceFileID) {
        self.statements = statements
        self.endsWithSemicolon = endsWithSemicolon
        self.file = file
    }
}

/// A braced list of statements; its value is the value of its last statement
/// when that statement is an expression statement, and `nil` otherwise.
public struct Block: Sendable {
    /// The statements, in order.
    public var statements: [Stmt]
    /// True when the final statement was followed by `;`.
    public var endsWithSemicolon: Bool
    /// From `{` to `}` inclusive.
    public var range: SourceRange

    public init(statements: [Stmt], endsWithSemicolon: Bool = false, range: SourceRange) {
        self.statements = statements
        self.endsWithSemicolon = endsWithSemicolon
        self.range = range
    }
}

/// A statement with its position.
public struct Stmt: Sendable {
    /// What kind of statement, with its parts.
    public var kind: StmtKind
    /// The whole statement.
    public var range: SourceRange

    public init(_ kind: StmtKind, range: SourceRange) {
        self.kind = kind
        self.range = range
    }
}

/// The kinds of statement.
public indirect enum StmtKind: Sendable {
    /// `let pattern = value`
    case letBinding(pattern: Pattern, value: Expr)
    /// `target = value` or `target op= value` (`op` is nil for plain `=`).
    case assignment(target: AssignTarget, op: CompoundOperator?, value: Expr)
    /// `fn name(params) = expr` or `fn name(params) { block }` (`decl.name` is set).
    case function(FunctionDecl)
    /// An expression evaluated for its value or effect.
    case expression(Expr)
    /// `for pattern in sequence { body }`
    case forLoop(pattern: Pattern, sequence: Expr, body: Block)
    /// `while condition { body }`
    case whileLoop(condition: Expr, body: Block)
    /// `break`
    case breakLoop
    /// `continue`
    case continueLoop
    /// `return` or `return value`
    case returnValue(Expr?)
}

/// The left side of an assignment.
public indirect enum AssignTarget: Sendable {
    /// `x = ...`
    case name(Identifier)
    /// `base[items] = ...`
    case index(base: Expr, items: [IndexItem])
    /// `base.member = ...`
    case member(base: Expr, name: Identifier)
}

/// The operator of a compound assignment.
public enum CompoundOperator: String, Sendable, CaseIterable {
    case add = "+=", subtract = "-=", multiply = "*=", divide = "/="

    /// The binary operator the compound assignment applies.
    public var binaryOperator: BinaryOperator {
        switch self {
        case .add: .add
        case .subtract: .subtract
        case .multiply: .multiply
        case .divide: .divide
        }
    }
}

// MARK: - Patterns

/// A binding pattern, as in `let (a, [b, c]) = ...` or `for (x, y) in ...`.
public struct Pattern: Sendable {
    /// What kind of pattern.
    public var kind: PatternKind
    /// The whole pattern.
    public var range: SourceRange

    public init(_ kind: PatternKind, range: SourceRange) {
        self.kind = kind
        self.range = range
    }
}

/// The kinds of binding pattern.
public indirect enum PatternKind: Sendable {
    /// Binds one name.
    case name(String)
    /// `_`: matches anything, binds nothing.
    case wildcard
    /// `(p1, p2, ...)`: destructures a tuple or list of exactly that length.
    case tuple([Pattern])
    /// `[p1, p2, ...]`: destructures a list or tuple of exactly that length.
    case list([Pattern])
}

// MARK: - Functions

/// A named or anonymous function: `fn f(x, by: 2) = ...`, `fn(x) { ... }`, `x => ...`.
public struct FunctionDecl: Sendable {
    /// The name for `fn name(...)`; nil for anonymous functions and lambdas.
    public var name: Identifier?
    /// Parameters in order; those with defaults come last.
    public var parameters: [Parameter]
    /// The body. A block body is an `Expr` of kind `.block`.
    public var body: Expr
    /// From `fn` (or the first parameter of a lambda) to the end of the body.
    public var range: SourceRange

    public init(name: Identifier?, parameters: [Parameter], body: Expr, range: SourceRange) {
        self.name = name
        self.parameters = parameters
        self.body = body
        self.range = range
    }
}

/// One function parameter: `x`, or `by: 2` with a default value.
public struct Parameter: Sendable {
    /// The parameter's name.
    public var name: Identifier
    /// The default value, evaluated at call time when the argument is omitted.
    public var defaultValue: Expr?
    /// The whole parameter.
    public var range: SourceRange

    public init(name: Identifier, defaultValue: Expr?, range: SourceRange) {
        self.name = name
        self.defaultValue = defaultValue
        self.range = range
    }
}

// MARK: - Expressions

/// An expression with its position.
public struct Expr: Sendable {
    /// What kind of expression, with its parts.
    public var kind: ExprKind
    /// The whole expression.
    public var range: SourceRange

    public init(_ kind: ExprKind, range: SourceRange) {
        self.kind = kind
        self.range = range
    }
}

/// The kinds of expression.
public indirect enum ExprKind: Sendable {
    /// A number literal (numbers are 64-bit floats).
    case number(Double)
    /// A string literal without interpolation, escapes already applied.
    case string(String)
    /// A string with interpolation: `"epoch {e}: loss {loss}"`.
    case interpolation([StringPart])
    /// `true` or `false`.
    case boolean(Bool)
    /// `nil`
    case nilLiteral
    /// A variable reference.
    case identifier(String)
    /// `(a, b)` or `(a,)`.
    case tuple([Expr])
    /// `[a, b, c]`
    case list([Expr])
    /// `{lr: 0.01, "key": 2}`, or `{}`.
    case record([RecordField])
    /// `-x`, `+x`, `not x`.
    case unary(UnaryOperator, Expr)
    /// `a + b`, `a and b`, ... (`and`/`or` short-circuit).
    case binary(BinaryOperator, Expr, Expr)
    /// `a..b` (`inclusive == false`) or `a..=b`.
    case range(lower: Expr, upper: Expr, inclusive: Bool)
    /// `callee(args)`: positional arguments first, then named ones.
    case call(callee: Expr, arguments: [Argument])
    /// `base[i]`, `base[i, j]`, `base[:, 1:]`.
    case index(base: Expr, items: [IndexItem])
    /// `base.name` (a method call is `.call` with a `.member` callee).
    case member(base: Expr, name: Identifier)
    /// An anonymous function: `fn(x) = e`, `fn(x) { ... }`, `x => e`, `(a, b) => e`.
    case function(FunctionDecl)
    /// `if c { } else if d { } else { }`; `elseBranch` is a `.block` or another `.conditional`.
    case conditional(condition: Expr, then: Block, elseBranch: Expr?)
    /// A block used as an expression (an `else` branch or a function body).
    case block(Block)
    /// `try { body } catch name { handler }` (`errorName` may be omitted).
    case tryCatch(body: Block, errorName: Identifier?, handler: Block)
    /// Stands in for an expression that failed to parse (never in an error-free result).
    case invalid
}

/// One piece of an interpolated string.
public enum StringPart: Sendable {
    /// Literal text, escapes applied.
    case literal(String)
    /// An interpolated expression `{e}`.
    case expression(Expr)
    /// An interpolated expression with a format spec: `{loss:.4f}`.
    case formatted(Expr, FormatSpec)
}

/// One entry of a record literal: `lr: 0.01` or `"key": 2`.
public struct RecordField: Sendable {
    /// The key (an identifier's name or a string's contents).
    public var key: String
    /// Where the key is written.
    public var keyRange: SourceRange
    /// The value.
    public var value: Expr

    public init(key: String, keyRange: SourceRange, value: Expr) {
        self.key = key
        self.keyRange = keyRange
        self.value = value
    }
}

/// One call argument: positional (`label == nil`) or named `label: value`.
public struct Argument: Sendable {
    /// The name for a named argument.
    public var label: Identifier?
    /// The value.
    public var value: Expr
    /// The whole argument, label included.
    public var range: SourceRange

    public init(label: Identifier?, value: Expr, range: SourceRange) {
        self.label = label
        self.value = value
        self.range = range
    }
}

/// One item between `[` and `]`: an expression or a slice `start:stop:step`.
public enum IndexItem: Sendable {
    /// A plain index expression.
    case expression(Expr)
    /// A slice; each bound is optional (`:`, `1:`, `:-1`, `::2`, `1:5:2`).
    case slice(start: Expr?, stop: Expr?, step: Expr?, range: SourceRange)

    /// The item's source range.
    public var range: SourceRange {
        switch self {
        case .expression(let e): e.range
        case .slice(_, _, _, let r): r
        }
    }
}

/// Prefix operators.
public enum UnaryOperator: String, Sendable, CaseIterable {
    case negate = "-", plus = "+", not = "not"
}

/// Infix operators (ranges are `ExprKind.range`).
public enum BinaryOperator: String, Sendable, CaseIterable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"
    case power = "**", matmul = "@"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case and = "and", or = "or"
}
