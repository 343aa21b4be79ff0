import NNSyntax

/// How a binary operator's general path reads an operand: a local variable
/// and a number literal in place, with no call; anything else by
/// evaluating the child.
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

    @inline(__always)
    func read(_ child: Child, _ f: Frame) throws(Unwind) -> Value {
        switch self {
        case .local(let slot): return f.fp[slot]
        case .number(let x): return .number(x)
        case .node: return try child.eval(f)
        }
    }
}

/// A binary operator: numbers inline, everything else through ``Operators``.
///
/// One class for every operator but `and`/`or`. The commonest operands, a
/// local and a number literal or two locals (`n - 1`, `i < n`), are read in
/// place and answered with no call: when the node is made, the operator and
/// the shape of its operands become one code (``quick``), so a single jump
/// reads the operands and applies the operator. A comparison used as a
/// condition answers a Bool without making a `Value`.
final class BinaryNode: Node {
    let op: BinaryOperator
    let lhs: Child, rhs: Child
    /// The quick path: 0 for none, else `2 * i + 1` for operator `i` of
    /// ``quickOperators`` on a local and a number, `2 * i + 2` on two locals.
    let quick: Int
    /// The left local's slot, the right local's slot, the right number.
    let a: Int, b: Int, k: Double
    /// How the general path reads each operand.
    let l: Operand, r: Operand

    /// The operators with a quick path, in code order.
    static let quickOperators: [BinaryOperator] = [.add, .subtract, .multiply, .divide, .less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual]

    init(_ op: BinaryOperator, _ lhs: Node, _ rhs: Node, range: SourceRange) {
        self.op = op
        self.lhs = Child(lhs)
        self.rhs = Child(rhs)
        var quick = 0, a = 0, b = 0, k = 0.0
        if let i = BinaryNode.quickOperators.firstIndex(of: op), let l = lhs as? LocalGet {
            a = l.slot
            if let c = rhs as? ConstNode, case .number(let y) = c.value {
                (quick, k) = (2 * i + 1, y)
            } else if let r = rhs as? LocalGet {
                (quick, b) = (2 * i + 2, r.slot)
            }
        }
        (self.quick, self.a, self.b, self.k) = (quick, a, b, k)
        (l, r) = (Operand(lhs), Operand(rhs))
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
        switch quick {
        case 1: if case .number(let x) = f.fp[a] { return .number(x + k) }
        case 2: if case .number(let x) = f.fp[a], case .number(let y) = f.fp[b] { return .number(x + y) }
        case 3: if case .number(let x) = f.fp[a] { return .number(x - k) }
        case 4: if case .number(let x) = f.fp[a], case .number(let y) = f.fp[b] { return .number(x - y) }
        case 5: if case .number(let x) = f.fp[a] { return .number(x * k) }
        case 6: if case .number(let x) = f.fp[a], case .number(let y) = f.fp[b] { return .number(x * y) }
        case 7: if case .number(let x) = f.fp[a] { return .number(x / k) }
        case 8: if case .number(let x) = f.fp[a], case .number(let y) = f.fp[b] { return .number(x / y) }
        case 9: if case .number(let x) = f.fp[a] { return .bool(x < k) }
        case 10: if case .number(let x) = f.fp[a], case .number(let y) = f.fp[b] { return .bool(x < y) }
        case 11: if case .number(let x) = f.fp[a] { return .bool(x <= k) }
        case 12: if case .number(let x) = f.fp[a], case .number(let y) = f.fp[b] { return .bool(x <= y) }
        case 13: if case .number(let x) = f.fp[a] { return .bool(x > k) }
        case 14: if case .number(let x) = f.fp[a], case .number(let y) = f.fp[b] { return .bool(x > y) }
        case 15: if case .number(let x) = f.fp[a] { return .bool(x >= k) }
        case 16: if case .number(let x) = f.fp[a], case .number(let y) = f.fp[b] { return .bool(x >= y) }
        case 17: if case .number(let x) = f.fp[a] { return .bool(x == k) }
        case 18: if case .number(let x) = f.fp[a], case .number(let y) = f.fp[b] { return .bool(x == y) }
        case 19: if case .number(let x) = f.fp[a] { return .bool(x != k) }
        case 20: if case .number(let x) = f.fp[a], case .number(let y) = f.fp[b] { return .bool(x != y) }
        default: break
        }
        return try general(f)
    }

    override func test(_ f: Frame, _ context: String) throws(Unwind) -> Bool {
        switch quick {
        case 9: if case .number(let x) = f.fp[a] { return x < k }
        case 10: if case .number(let x) = f.fp[a], case .number(let y) = f.fp[b] { return x < y }
        case 11: if case .number(let x) = f.fp[a] { return x <= k }
        case 12: if case .number(let x) = f.fp[a], case .number(let y) = f.fp[b] { return x <= y }
        case 13: if case .number(let x) = f.fp[a] { return x > k }
        case 14: if case .number(let x) = f.fp[a], case .number(let y) = f.fp[b] { return x > y }
        case 15: if case .number(let x) = f.fp[a] { return x >= k }
        case 16: if case .number(let x) = f.fp[a], case .number(let y) = f.fp[b] { return x >= y }
        case 17: if case .number(let x) = f.fp[a] { return x == k }
        case 18: if case .number(let x) = f.fp[a], case .number(let y) = f.fp[b] { return x == y }
        case 19: if case .number(let x) = f.fp[a] { return x != k }
        case 20: if case .number(let x) = f.fp[a], case .number(let y) = f.fp[b] { return x != y }
        default: break
        }
        return try testGeneral(f, context)
    }

    /// ``general(_:)`` as a condition: it must give a bool. Out of line, so
    /// the quick path of ``test(_:_:)`` keeps a small stack frame.
    @inline(never)
    func testGeneral(_ f: Frame, _ context: String) throws(Unwind) -> Bool {
        try truth(general(f), range, context)
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

    /// Any operands: evaluated, then numbers inline, anything else through
    /// ``Operators``. Kept out of line so the quick paths stay small.
    @inline(never)
    func general(_ f: Frame) throws(Unwind) -> Value {
        let a = try l.read(lhs, f), b = try r.read(rhs, f)
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

/// An operator on one operand: `-x`, `+x`, `not x`.
class UnaryNode: Node {
    final let operand: Child
    init(_ operand: Node, range: SourceRange) {
        self.operand = Child(operand)
        super.init(range: range)
    }
}

final class NegateNode: UnaryNode {
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        let v = try operand.eval(f)
        if case .number(let x) = v { return .number(-x) }
        do { return try Operators.negate(v) } catch { throw Unwind.wrap(error, range) }
    }
}

final class PlusNode: UnaryNode {
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        let v = try operand.eval(f)
        switch v {
        case .number, .tensor: return v
        default: throw .fail("unary '+' needs a number or tensor, got \(v.typeName)", range)
        }
    }
}

final class NotNode: UnaryNode {
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
        case let e as BuiltinError: return .error(ScriptError(e.message, at: range, kind: e.kind))
        case let e as Unwind: return e
        default: return .fail(String(describing: error), range)
        }
    }
}

/// `{x:spec}` in an interpolated string: the value as the format spec writes
/// it (`Value.formatted`, Builtins+Format.swift); the spec was read when parsing.
final class FormatNode: UnaryNode {
    let spec: FormatSpec
    init(_ operand: Node, spec: FormatSpec, range: SourceRange) {
        self.spec = spec
        super.init(operand, range: range)
    }
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        let v = try operand.eval(f)
        do { return .string(try v.formatted(spec)) } catch { throw .fail(error.message, range) }
    }
}

/// An interpolated string: its items (literal parts and `{expr}` parts), concatenated.
final class InterpolationNode: ItemsNode {
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        var s = ""
        for i in 0..<items.count {
            let v = try items.eval(i, f)
            if case .string(let t) = v { s += t } else { s += v.description }
        }
        return .string(s)
    }
}
