import NNSyntax

/// A binary operator node: numbers inline, everything else through ``Operators``.
class BinaryNode: Node {
    let lhs: Node, rhs: Node
    /// `lhs` and `rhs` for the hot path, evaluated without a retain/release (see ``Node/eval(_:_:)``).
    let l: Unmanaged<Node>, r: Unmanaged<Node>
    let op: BinaryOperator
    init(_ op: BinaryOperator, _ lhs: Node, _ rhs: Node, range: SourceRange, rt: Runtime) {
        self.op = op
        self.lhs = lhs
        self.rhs = rhs
        self.l = Unmanaged.passUnretained(lhs)
        self.r = Unmanaged.passUnretained(rhs)
        super.init(range: range, rt: rt)
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
        let a = try Node.eval(l, f), b = try Node.eval(r, f)
        if case .number(let x) = a, case .number(let y) = b { return .number(x + y) }
        return try slow(a, b)
    }
}

final class SubNode: BinaryNode {
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        let a = try Node.eval(l, f), b = try Node.eval(r, f)
        if case .number(let x) = a, case .number(let y) = b { return .number(x - y) }
        return try slow(a, b)
    }
}

final class MulNode: BinaryNode {
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        let a = try Node.eval(l, f), b = try Node.eval(r, f)
        if case .number(let x) = a, case .number(let y) = b { return .number(x * y) }
        return try slow(a, b)
    }
}

final class DivNode: BinaryNode {
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        let a = try Node.eval(l, f), b = try Node.eval(r, f)
        if case .number(let x) = a, case .number(let y) = b { return .number(x / y) }
        return try slow(a, b)
    }
}

final class LessNode: BinaryNode {
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        let a = try Node.eval(l, f), b = try Node.eval(r, f)
        if case .number(let x) = a, case .number(let y) = b { return .bool(x < y) }
        return try slow(a, b)
    }
}

final class LessEqualNode: BinaryNode {
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        let a = try Node.eval(l, f), b = try Node.eval(r, f)
        if case .number(let x) = a, case .number(let y) = b { return .bool(x <= y) }
        return try slow(a, b)
    }
}

final class GreaterNode: BinaryNode {
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        let a = try Node.eval(l, f), b = try Node.eval(r, f)
        if case .number(let x) = a, case .number(let y) = b { return .bool(x > y) }
        return try slow(a, b)
    }
}

final class GreaterEqualNode: BinaryNode {
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        let a = try Node.eval(l, f), b = try Node.eval(r, f)
        if case .number(let x) = a, case .number(let y) = b { return .bool(x >= y) }
        return try slow(a, b)
    }
}

final class EqualNode: BinaryNode {
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        let a = try Node.eval(l, f), b = try Node.eval(r, f)
        if case .number(let x) = a, case .number(let y) = b { return .bool(x == y) }
        return try slow(a, b)
    }
}

final class NotEqualNode: BinaryNode {
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        let a = try Node.eval(l, f), b = try Node.eval(r, f)
        if case .number(let x) = a, case .number(let y) = b { return .bool(x != y) }
        return try slow(a, b)
    }
}

final class GenericBinaryNode: BinaryNode {
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        let a = try Node.eval(l, f), b = try Node.eval(r, f)
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
        guard try truth(lhs.eval(f), lhs.range, "and") else { return .bool(false) }
        return .bool(try truth(rhs.eval(f), rhs.range, "and"))
    }
}

/// `a or b`: `b` is evaluated only when `a` is false.
final class OrNode: BinaryNode {
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        if try truth(lhs.eval(f), lhs.range, "or") { return .bool(true) }
        return .bool(try truth(rhs.eval(f), rhs.range, "or"))
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
        .bool(!(try truth(operand.eval(f), operand.range, "not")))
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
        if case .tensor = v { hint = " (use .item() or all(...) for a tensor)" }
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
