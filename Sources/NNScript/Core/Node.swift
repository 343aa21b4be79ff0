import NNSyntax

/// A node of the compiled tree: the compiler turns the AST into these, with
/// every variable reference bound to a stack slot, an environment slot or a
/// global cell, so evaluation does no lookup by name.
///
/// Each subclass overrides ``eval(_:)``. Errors and `break`/`continue`/
/// `return` leave through typed throws of ``Unwind``. A node holds its
/// children as ``Child`` or ``Children`` and nothing of the runtime: the
/// runtime comes with the ``Frame``.
class Node {
    /// The source of the expression or statement, for error messages.
    let range: SourceRange

    init(range: SourceRange) {
        self.range = range
    }

    func eval(_ f: Frame) throws(Unwind) -> Value { .nil }

    /// Evaluates a condition (of `if`, `while`, `and`, ...): it must be a bool.
    /// Comparisons override this to answer without making a `Value`.
    func test(_ f: Frame, _ context: String) throws(Unwind) -> Bool {
        try truth(eval(f), range, context)
    }

    /// Runs a statement for its effect, dropping its value. Assignments,
    /// blocks and `if` override this so a loop body makes no value at all.
    func exec(_ f: Frame) throws(Unwind) { _ = try eval(f) }
}

/// A node evaluated only for its effect (assignments, `let`, loops): its
/// value is nil, and ``eval(_:)`` is ``exec(_:)``.
class StatementNode: Node {
    override final func eval(_ f: Frame) throws(Unwind) -> Value {
        try exec(f)
        return .nil
    }
}

/// A literal or folded constant.
final class ConstNode: Node {
    let value: Value
    init(_ value: Value, range: SourceRange) {
        self.value = value
        super.init(range: range)
    }
    override func eval(_ f: Frame) throws(Unwind) -> Value { value }
}

// MARK: - Variables

final class LocalGet: Node {
    let slot: Int
    init(slot: Int, range: SourceRange) {
        self.slot = slot
        super.init(range: range)
    }
    override func eval(_ f: Frame) throws(Unwind) -> Value { f.fp[slot] }
}

/// A statement that stores the value of an expression: an assignment or a `let`.
class AssignNode: StatementNode {
    final let value: Child
    init(value: Node, range: SourceRange) {
        self.value = Child(value)
        super.init(range: range)
    }
}

final class LocalSet: AssignNode {
    let slot: Int
    init(slot: Int, value: Node, range: SourceRange) {
        self.slot = slot
        super.init(value: value, range: range)
    }
    override func exec(_ f: Frame) throws(Unwind) {
        f.fp[slot] = try value.eval(f)
    }
}

final class EnvGet: Node {
    let depth: Int, slot: Int
    init(depth: Int, slot: Int, range: SourceRange) {
        self.depth = depth
        self.slot = slot
        super.init(range: range)
    }
    override func eval(_ f: Frame) throws(Unwind) -> Value { f.envSlots(depth)[slot] }
}

final class EnvSet: AssignNode {
    let depth: Int, slot: Int
    init(depth: Int, slot: Int, value: Node, range: SourceRange) {
        self.depth = depth
        self.slot = slot
        super.init(value: value, range: range)
    }
    override func exec(_ f: Frame) throws(Unwind) {
        let v = try value.eval(f)
        f.envSlots(depth)[slot] = v
    }
}

final class GlobalGet: Node {
    let cell: CellRef
    /// Names visible where the reference is written, for "did you mean".
    let visible: [String]
    /// The program declares this global (further down).
    let declared: Bool
    init(cell: CellRef, visible: [String], declared: Bool = false, range: SourceRange) {
        self.cell = cell
        self.visible = visible
        self.declared = declared
        super.init(range: range)
    }
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        if cell.isDefined { return cell.value }
        if declared { throw .fail("'\(cell.name)' is used before its declaration", range) }
        throw .fail("undefined name '\(cell.name)'" + f.rt.runtime.suggestion(cell.name, extra: visible), range)
    }
}

/// `name = value` for a global; an error when `name` was never declared.
final class GlobalSet: AssignNode {
    let cell: CellRef
    let visible: [String]
    init(cell: CellRef, visible: [String], value: Node, range: SourceRange) {
        self.cell = cell
        self.visible = visible
        super.init(value: value, range: range)
    }
    override func exec(_ f: Frame) throws(Unwind) {
        let v = try value.eval(f)
        guard cell.isDefined else {
            throw .fail("cannot assign to '\(cell.name)': it was never declared (use 'let \(cell.name) = ...')"
                        + f.rt.runtime.suggestion(cell.name, extra: visible, globalsOnly: true), range)
        }
        cell.value = v
    }
}

// MARK: - Patterns

/// Where a `let` or `for` puts the values it binds.
enum Binder {
    case local(Int)
    case env(Int)
    case global(CellRef)
    case wildcard
    case destructure([Binder], tuple: Bool, range: SourceRange)

    func bind(_ v: Value, _ f: Frame) throws(Unwind) {
        switch self {
        case .local(let s): f.fp[s] = v
        case .env(let s): f.envSlots(0)[s] = v
        case .global(let c):
            c.value = v
            c.isDefined = true
        case .wildcard: break
        case .destructure(let parts, let tuple, let range):
            let items: [Value]
            switch v {
            case .tuple(let t): items = t
            case .list(let l): items = l.items
            default:
                throw .fail("cannot destructure a \(v.typeName) into \(parts.count) names (\(tuple ? "tuple" : "list") pattern)", range)
            }
            guard items.count == parts.count else {
                throw .fail("cannot destructure a \(v.typeName) of \(items.count) elements into \(parts.count) names", range)
            }
            for i in 0..<parts.count { try parts[i].bind(items[i], f) }
        }
    }
}

/// `let pattern = value`.
final class LetNode: AssignNode {
    let binder: Binder
    init(binder: Binder, value: Node, range: SourceRange) {
        self.binder = binder
        super.init(value: value, range: range)
    }
    override func exec(_ f: Frame) throws(Unwind) {
        try binder.bind(try value.eval(f), f)
    }
}
