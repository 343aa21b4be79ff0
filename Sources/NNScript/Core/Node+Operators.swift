import NNSyntax

/// How a binary operator reads an operand: a local variable and a number
/// literal in place, with no call; anything else by evaluating the child.
enum Operand {
    case local(Int)
    case number(Double)
    case node

    init(_ node: Node) {
        if let get = node as? LocalGet {
            self = .local(get.slot)
        } else if let c = node as? ConstNode, case .number(let x) = c.value {
            self = .number(x)
        } else {
            self = .node
        }
    }
}

/// A binary operator: numbers inline, everything else through ``Operators``.
///
/// One class for every operator but `and`/`or`: the common operands (a
/// local and a number literal, or two locals holding numbers, as in `n - 1`
/// and `i < n`) are read in place and answered with no call, and a
/// comparison used as a condition answers a Bool without making a `Value`.
final class BinaryNode: Node {
    let op: BinaryOperator
    let lhs: Child, rhs: Child
    /// How `lhs` and `rhs` are read.
    let l: Operand, r: Operand

    init(_ op: BinaryOperator, _ lhs: Node, _ rhs: Node, range: SourceRange) {
        self.op = op
        self.lhs = Child(lhs)
        self.rhs = Child(rhs)
        self.l = Operand(lhs)
        self.r = Operand(rhs)
        super.init(range: range)
    }

    /// Builds the node for `op` (`and` and `or` short-circuit: ``LogicNode``).
    static func make(_ op: BinaryOperator, _ l: Node, _ r: Node, range: SourceRange) -> Node {
        switch op {
        case .and, .or: LogicNode(isAnd: op == .and, l, r, range: range)
        default: BinaryNode(op, l, r, range: range)
        }
    }

    override func eval(_ f: Frame) throws(Unwind) -> Value {
        if let (x, y) = quick(f), let v = BinaryNode.numeric(op, x, y) { return v }
        return try general(f)
    }

    override func test(_ f: Frame, _ context: String) throws(Unwind) -> Bool {
        if let (x, y) = quick(f), let b = BinaryNode.compare(op, x, y) { return b }
        return try truth(general(f), range, context)
    }

    /// `op` on two numbers, or nil for `@` (numbers cannot be multiplied as matrices).
    @inline(__always)
    static func numeric(_ op: BinaryOperator, _ x: Double, _ y: Double) -> Value? {
        switch op {
        case .add: .number(x + y)
        case .subtract: .number(x - y)
        case .multiply: .number(x * y)
        case .divide: .number(x / y)
        case .remainder: .number(Operators.remainder(x, y))
        case .power: .number(Operators.power(x, y))
        case .less: .bool(x < y)
        case .lessEqual: .bool(x <= y)
        case .greater: .bool(x > y)
        case .greaterEqual: .bool(x >= y)
        case .equal: .bool(x == y)
        case .notEqual: .bool(x != y)
        default: nil
        }
    }

    /// A comparison of two numbers, or nil when `op` is not a comparison.
    @inline(__always)
    static func compare(_ op: BinaryOperator, _ x: Double, _ y: Double) -> Bool? {
        switch op {
        case .less: x < y
        case .lessEqual: x <= y
        case .greater: x > y
        case .greaterEqual: x >= y
        case .equal: x == y
        case .notEqual: x != y
        default: nil
        }
    }

    /// Both operands as numbers, read in place with nothing evaluated, when
    /// they are a local and a number literal or two locals holding numbers.
    @inline(__always)
    func quick(_ f: Frame) -> (Double, Double)? {
        switch (l, r) {
        case (.local(let a), .number(let y)):
            if case .number(let x) = f.fp[a] { return (x, y) }
        case (.local(let a), .local(let b)):
            if case .number(let x) = f.fp[a], case .number(let y) = f.fp[b] { return (x, y) }
        default:
            break
        }
        return nil
    }

    @inline(__always)
    private func value(_ o: Operand, _ child: Child, _ f: Frame) throws(Unwind) -> Value {
        switch o {
        case .local(let slot): return f.fp[slot]
        case .number(let x): return .number(x)
        case .node: return try child.eval(f)
        }
    }

    /// Any operands: evaluated, then numbers inline, anything else through
    /// ``Operators``. Kept out of line so the quick paths stay small.
    @inline(never)
    func general(_ f: Frame) throws(Unwind) -> Value {
        let a = try value(l, lhs, f), b = try value(r, rhs, f)
        if case .number(let x) = a, case .number(let y) = b, let v = BinaryNode.numeric(op, x, y) { return v }
        do {
            return try Operators.binary(op, a, b)
        } catch {
            throw Unwind.wrap(error, range)
        }
    }
}

/// `a and b` (`b` is evaluated only when `a` is true) and `a or b` (only
/// when `a` is false).
final class LogicNode: Node {
    let isAnd: Bool
    let lhs: Child, rhs: Child
    init(isAnd: Bool, _ lhs: Node, _ rhs: Node, range: SourceRange) {
        self.isAnd = isAnd
        self.lhs = Child(lhs)
        self.rhs = Child(rhs)
        super.init(range: range)
    }
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        .bool(try test(f, isAnd ? "and" : "or"))
    }
    override func test(_ f: Frame, _ context: String) throws(Unwind) -> Bool {
        let context = isAnd ? "and" : "or"
        if try lhs.test(f, context) != isAnd { return !isAnd }
        return try rhs.test(f, context)
    }
}

final class NegateNode: Node {
    let operand: Child
    init(_ operand: Node, range: SourceRange) {
        self.operand = Child(operand)
        super.init(range: range)
    }
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        let v = try operand.eval(f)
        if case .number(let x) = v { return .number(-x) }
        do { return try Operators.negate(v) } catch { throw Unwind.wrap(error, range) }
    }
}

final class PlusNode: Node {
    let operand: Child
    init(_ operand: Node, range: SourceRange) {
        self.operand = Child(operand)
        super.init(range: range)
    }
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        let v = try operand.eval(f)
        switch v {
        case .number, .tensor: return v
        default: throw .fail("unary '+' needs a number or tensor, got \(v.typeName)", range)
        }
    }
}

final class NotNode: Node {
    let operand: Child
    init(_ operand: Node, range: SourceRange) {
        self.operand = Child(operand)
        super.init(range: range)
    }
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        .bool(try !operand.test(f, "not"))
    }
    override func test(_ f: Frame, _ context: String) throws(Unwind) -> Bool {
        try !operand.test(f, "not")
    }
}

/// A condition's truth: only bools are allowed.
@inline(__always)
func truth(_ v: Value, _ range: SourceRange, _ context: String) throws(Unwind) -> Bool {
    if case .bool(let b) = v { return b }
    throw conditionError(v, range, context)
}

@inline(never)
func conditionError(_ v: Value, _ range: SourceRange, _ context: String) -> Unwind {
        var hint = ""
        if case .tensor = v {
            hint = context == "and" || context == "or"
                ? " (for masks elementwise, use logical_\(context)(a, b); for one answer, any(t) or all(t))"
                : " (for a tensor, use any(t), all(t) or .item())"
        }
        if case .nil = v { hint = " (compare explicitly: x != nil)" }
        let what = context == "if" || context == "while" ? "condition of '\(context)'" : "operand of '\(context)'"
        return .fail("\(what) must be a bool, got \(v.typeName)\(hint)", range)
}

extension Unwind {
    /// Turns a Swift error from an operator or builtin into an ``Unwind`` at `range`.
    static func wrap(_ error: any Error, _ range: SourceRange) -> Unwind {
        switch error {
        case let e as ScriptError: return .error(e)
        case let e as BuiltinError: return .fail(e.message, range)
        case let e as Unwind: return e
        default: return .fail(String(describing: error), range)
        }
    }
}

/// An interpolated string: literal parts and `{expr}` parts, concatenated.
final class InterpolationNode: Node {
    let parts: Children
    init(parts: [Node], range: SourceRange) {
        self.parts = Children(parts)
        super.init(range: range)
    }
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        var s = ""
        for i in 0..<parts.count {
            let v = try parts.eval(i, f)
            if case .string(let t) = v { s += t } else { s += v.description }
        }
        return .string(s)
    }
}
