import NNSyntax

/// An operand of a binary operator. A local variable and a number literal are
/// read in place, with no call; anything else is a child node, evaluated
/// without a retain/release (see ``Node/eval(_:_:)``).
enum Operand {
    case local(Int)
    case number(Double)
    case node(Unmanaged<Node>)

    init(_ node: Node) {
        if let get = node as? LocalGet {
            self = .local(get.slot)
        } else if let c = node as? ConstNode, case .number(let x) = c.value {
            self = .number(x)
        } else {
            self = .node(.passUnretained(node))
        }
    }

    @inline(__always)
    func value(_ f: Frame) throws(Unwind) -> Value {
        switch self {
        case .local(let slot): return f.fp[slot]
        case .number(let x): return .number(x)
        case .node(let n): return try Node.eval(n, f)
        }
    }
}

/// A binary operator node: numbers inline, everything else through ``Operators``.
class BinaryNode: Node {
    let lhs: Node, rhs: Node
    /// `lhs` and `rhs` for the hot path: read in place when a local or a number.
    let l: Operand, r: Operand
    let op: BinaryOperator
    init(_ op: BinaryOperator, _ lhs: Node, _ rhs: Node, range: SourceRange, rt: Runtime) {
        self.op = op
        self.lhs = lhs
        self.rhs = rhs
        self.l = Operand(lhs)
        self.r = Operand(rhs)
        super.init(range: range, rt: rt)
    }

    /// Both operands as numbers, read in place with nothing evaluated, when
    /// they are a local and a number literal or two locals holding numbers
    /// (`n - 1`, `i < n`): the commonest operands, answered without a call.
    @inline(__always)
    final func quick(_ f: Frame) -> (Double, Double)? {
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

    /// Any operands: evaluated, then numbers inline, anything else through
    /// ``Operators``. Kept out of line so the operator nodes' quick paths
    /// stay small (no stack frame to speak of).
    @inline(never)
    final func general(_ f: Frame) throws(Unwind) -> Value {
        let a = try l.value(f), b = try r.value(f)
        if case .number(let x) = a, case .number(let y) = b {
            switch op {
            case .add: return .number(x + y)
            case .subtract: return .number(x - y)
            case .multiply: return .number(x * y)
            case .divide: return .number(x / y)
            case .less: return .bool(x < y)
            case .lessEqual: return .bool(x <= y)
            case .greater: return .bool(x > y)
            case .greaterEqual: return .bool(x >= y)
            case .equal: return .bool(x == y)
            case .notEqual: return .bool(x != y)
            default: break
            }
        }
        return try slow(a, b)
    }

    /// ``general(_:)`` as a condition: it must give a bool.
    @inline(never)
    final func testGeneral(_ f: Frame, _ context: String) throws(Unwind) -> Bool {
        try truth(general(f), range, context)
    }

    /// The slow path, with errors placed at this node.
    @inline(never)
    final func slow(_ a: Value, _ b: Value) throws(Unwind) -> Value {
        do {
            return try Operators.binary(op, a, b)
        } catch {
            throw rt.wrap(error, range)
        }
    }

    /// Builds the specialised node for `op`.
    static func make(_ op: BinaryOperator, _ l: Node, _ r: Node, range: SourceRange, rt: Runtime) -> Node {
        switch op {
        case .add: AddNode(op, l, r, range: range, rt: rt)
        case .subtract: SubNode(op, l, r, range: range, rt: rt)
        case .multiply: MulNode(op, l, r, range: range, rt: rt)
        case .divide: DivNode(op, l, r, range: range, rt: rt)
        case .less: LessNode(op, l, r, range: range, rt: rt)
        case .lessEqual: LessEqualNode(op, l, r, range: range, rt: rt)
        case .greater: GreaterNode(op, l, r, range: range, rt: rt)
        case .greaterEqual: GreaterEqualNode(op, l, r, range: range, rt: rt)
        case .equal: EqualNode(op, l, r, range: range, rt: rt)
        case .notEqual: NotEqualNode(op, l, r, range: range, rt: rt)
        case .and: AndNode(op, l, r, range: range, rt: rt)
        case .or: OrNode(op, l, r, range: range, rt: rt)
        default: GenericBinaryNode(op, l, r, range: range, rt: rt)
        }
    }
}

final class AddNode: BinaryNode {
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        if let (x, y) = quick(f) { return .number(x + y) }
        return try general(f)
    }
}

final class SubNode: BinaryNode {
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        if let (x, y) = quick(f) { return .number(x - y) }
        return try general(f)
    }
}

final class MulNode: BinaryNode {
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        if let (x, y) = quick(f) { return .number(x * y) }
        return try general(f)
    }
}

final class DivNode: BinaryNode {
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        if let (x, y) = quick(f) { return .number(x / y) }
        return try general(f)
    }
}

final class LessNode: BinaryNode {
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        if let (x, y) = quick(f) { return .bool(x < y) }
        return try general(f)
    }
    override func test(_ f: Frame, _ context: String) throws(Unwind) -> Bool {
        if let (x, y) = quick(f) { return x < y }
        return try testGeneral(f, context)
    }
}

final class LessEqualNode: BinaryNode {
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        if let (x, y) = quick(f) { return .bool(x <= y) }
        return try general(f)
    }
    override func test(_ f: Frame, _ context: String) throws(Unwind) -> Bool {
        if let (x, y) = quick(f) { return x <= y }
        return try testGeneral(f, context)
    }
}

final class GreaterNode: BinaryNode {
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        if let (x, y) = quick(f) { return .bool(x > y) }
        return try general(f)
    }
    override func test(_ f: Frame, _ context: String) throws(Unwind) -> Bool {
        if let (x, y) = quick(f) { return x > y }
        return try testGeneral(f, context)
    }
}

final class GreaterEqualNode: BinaryNode {
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        if let (x, y) = quick(f) { return .bool(x >= y) }
        return try general(f)
    }
    override func test(_ f: Frame, _ context: String) throws(Unwind) -> Bool {
        if let (x, y) = quick(f) { return x >= y }
        return try testGeneral(f, context)
    }
}

final class EqualNode: BinaryNode {
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        if let (x, y) = quick(f) { return .bool(x == y) }
        return try general(f)
    }
    override func test(_ f: Frame, _ context: String) throws(Unwind) -> Bool {
        if let (x, y) = quick(f) { return x == y }
        return try testGeneral(f, context)
    }
}

final class NotEqualNode: BinaryNode {
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        if let (x, y) = quick(f) { return .bool(x != y) }
        return try general(f)
    }
    override func test(_ f: Frame, _ context: String) throws(Unwind) -> Bool {
        if let (x, y) = quick(f) { return x != y }
        return try testGeneral(f, context)
    }
}

final class GenericBinaryNode: BinaryNode {
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        let a = try l.value(f), b = try r.value(f)
        if case .number(let x) = a, case .number(let y) = b, op != .matmul {
            switch op {
            case .remainder: return .number(Operators.remainder(x, y))
            case .power: return .number(Operators.power(x, y))
            default: break
            }
        }
        return try slow(a, b)
    }
}

/// `a and b`: `b` is evaluated only when `a` is true.
final class AndNode: BinaryNode {
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        .bool(try test(f, "and"))
    }
    override func test(_ f: Frame, _ context: String) throws(Unwind) -> Bool {
        guard try lhs.test(f, "and") else { return false }
        return try rhs.test(f, "and")
    }
}

/// `a or b`: `b` is evaluated only when `a` is false.
final class OrNode: BinaryNode {
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        .bool(try test(f, "or"))
    }
    override func test(_ f: Frame, _ context: String) throws(Unwind) -> Bool {
        if try lhs.test(f, "or") { return true }
        return try rhs.test(f, "or")
    }
}

final class NegateNode: Node {
    let operand: Node
    init(_ operand: Node, range: SourceRange, rt: Runtime) {
        self.operand = operand
        super.init(range: range, rt: rt)
    }
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        let v = try operand.eval(f)
        if case .number(let x) = v { return .number(-x) }
        do { return try Operators.negate(v) } catch { throw rt.wrap(error, range) }
    }
}

final class PlusNode: Node {
    let operand: Node
    init(_ operand: Node, range: SourceRange, rt: Runtime) {
        self.operand = operand
        super.init(range: range, rt: rt)
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
    let operand: Node
    init(_ operand: Node, range: SourceRange, rt: Runtime) {
        self.operand = operand
        super.init(range: range, rt: rt)
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

extension Runtime {

    /// Turns a Swift error from an operator or builtin into an ``Unwind`` at `range`.
    func wrap(_ error: any Error, _ range: SourceRange) -> Unwind {
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
    let parts: [Node]
    init(parts: [Node], range: SourceRange, rt: Runtime) {
        self.parts = parts
        super.init(range: range, rt: rt)
    }
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        var s = ""
        for p in parts {
            let v = try p.eval(f)
            if case .string(let t) = v { s += t } else { s += v.description }
        }
        return .string(s)
    }
}
