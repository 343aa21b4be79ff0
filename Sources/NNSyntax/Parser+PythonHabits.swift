/// Messages for what a Python programmer writes by habit, each only where
/// the input is an error anyway (a variable named `None` that is defined
/// keeps working; `print x` was never a statement).
///
/// | written | message says |
/// |---|---|
/// | `def f(x):` | nn declares functions with 'fn' |
/// | `elif c {` | nn writes 'else if' |
/// | `print x` | print is a function: print(x) |
/// | `None`, `True`, `False` (undefined) | nn writes them 'nil', 'true', 'false' (``PythonHabits/nameHint(_:)``) |
/// | `&&`, `\|\|`, `!` | use 'and', 'or', 'not' (the lexer; reported once, read as meant) |
/// | `"{x!r}"` | write {repr(x)} (the lexer) |
public enum PythonHabits {
    /// What to write instead of an undefined name that is Python's spelling
    /// of an nn keyword: `; nn writes it 'nil'`; nil for any other name.
    public static func nameHint(_ name: String) -> String? {
        switch name {
        case "None": "; nn writes it 'nil'"
        case "True": "; nn writes it 'true'"
        case "False": "; nn writes it 'false'"
        default: nil
        }
    }
}

extension Parser {
    /// The message for a statement followed on its line by the current
    /// token, when the pair is a Python habit (the statement would otherwise
    /// be "expected newline or ';' after statement"); nil when it is not.
    func pythonHabit(after statement: Stmt) -> (message: String, range: SourceRange)? {
        if kind == .identifier, current.text == "elif" {  // `} elif c {`
            return ("nn writes 'else if', not 'elif'", current.range)
        }
        guard case .expression(let e) = statement.kind, case .identifier(let name) = e.kind else { return nil }
        switch name {
        case "def" where kind == .identifier:
            return ("nn declares functions with 'fn', not 'def': fn \(current.text)(...) { ... }", e.range)
        case "elif":
            return ("nn writes 'else if', not 'elif'", e.range)
        case "print" where startsOperand(kind):
            return ("print is a function in nn: write print(...) with parentheses", e.range)
        default:
            return nil
        }
    }

    /// Whether a token of this kind can start an operand (`print x`, `print "hi"`).
    func startsOperand(_ k: TokenKind) -> Bool {
        switch k {
        case .identifier, .number, .string, .stringHead, .kwTrue, .kwFalse, .kwNil, .kwNot, .leftBracket: true
        default: false
        }
    }
}
