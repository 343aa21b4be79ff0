import NNSyntax
import NNTensor

/// One evaluated item between `[` and `]`.
enum IndexArg {
    case value(Value)
    case slice(Int?, Int?, Int?)
}

/// A node on member `name` of `base`: read, set or called.
class MemberAccessNode: Node {
    final let base: Child
    final let name: String
    init(base: Node, name: String, range: SourceRange) {
        self.base = Child(base)
        self.name = name
        super.init(range: range)
    }
}

/// `base.name`: a record field, a tensor property or an object member.
final class MemberNode: MemberAccessNode {
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        let v = try base.eval(f)
        if case .record(let r) = v, let x = r[name] { return x }
        do {
            return try Access.member(v, name, f.rt.interpreter)
        } catch {
            throw Unwind.wrap(error, range)
        }
    }
}

/// `base.name = value` (or `op=`).
final class MemberSetNode: MemberAccessNode {
    let value: Child
    let op: BinaryOperator?
    init(base: Node, name: String, value: Node, op: BinaryOperator?, range: SourceRange) {
        self.value = Child(value)
        self.op = op
        super.init(base: base, name: name, range: range)
    }
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        let target = try base.eval(f)
        var v = try value.eval(f)
        do {
            if let op { v = try Operators.binary(op, try Access.member(target, name, f.rt.interpreter), v) }
            try Access.setMember(target, name, v, f.rt.interpreter)
        } catch {
            throw Unwind.wrap(error, range)
        }
        return .nil
    }
}

/// `base[items]`.
final class IndexNode: Node {
    let base: Child
    let items: [IndexItemNode]
    init(base: Node, items: [IndexItemNode], range: SourceRange) {
        self.base = Child(base)
        self.items = items
        super.init(range: range)
    }
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        let b = try base.eval(f)
        if items.count == 1, case .list(let l) = b, case .single(let n) = items[0],
           case .number(let d) = try n.eval(f) {
            // Fast path: list[number].
            let i = Int(exactly: d) ?? Int.min
            if i >= 0, i < l.items.count { return l.items[i] }
            if i < 0, i >= -l.items.count { return l.items[l.items.count + i] }
            do { return try Access.index(b, [.value(.number(d))]) } catch { throw Unwind.wrap(error, range) }
        }
        let args = try IndexItemNode.evaluate(items, f)
        do { return try Access.index(b, args) } catch { throw Unwind.wrap(error, range) }
    }
}

/// `base[items] = value` (or `op=`).
final class IndexSetNode: Node {
    /// What the root of the target is, for tensors: a tensor read from a
    /// variable or field (`m`, `model.weight`) is a place, and writes into it
    /// are seen by everyone who holds it; `m.T` and the result of a call or
    /// an operator are new tensors nothing else can see, so a write into
    /// them would be lost: an error.
    enum Root { case place, transposed, temporary }

    let base: Child
    /// The index items of each level: `m[0][1]` has two, `[[0], [1]]`.
    let levels: [[IndexItemNode]]
    let root: Root
    let value: Child
    let op: BinaryOperator?
    init(base: Node, levels: [[IndexItemNode]], root: Root, value: Node, op: BinaryOperator?,
         range: SourceRange) {
        self.base = Child(base)
        self.levels = levels
        self.root = root
        self.value = Child(value)
        self.op = op
        super.init(range: range)
    }

    /// `base[a][b] = v`: a tensor index is a copy (`m[0]` is a new tensor),
    /// so after the innermost write each tensor level is written back into
    /// its parent, innermost first: `t = m[0]; t[1] = v; m[0] = t`. Lists,
    /// records and tuples hold their elements by reference and need no
    /// write-back.
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        let b = try base.eval(f)
        if root != .place, case .tensor = b { throw temporaryError() }
        if levels.count == 1 {
            let args = try IndexItemNode.evaluate(levels[0], f)
            var v = try value.eval(f)
            do {
                if let op { v = try Operators.binary(op, try Access.index(b, args), v) }
                try Access.setIndex(b, args, v)
            } catch {
                throw Unwind.wrap(error, range)
            }
            noteWrite(b, f)
            return .nil
        }
        var containers = [b]
        var outerArgs: [[IndexArg]] = []
        var current = b
        for level in levels.dropLast() {
            let args = try IndexItemNode.evaluate(level, f)
            do { current = try Access.index(current, args) } catch { throw Unwind.wrap(error, range) }
            outerArgs.append(args)
            containers.append(current)
        }
        let args = try IndexItemNode.evaluate(levels[levels.count - 1], f)
        var v = try value.eval(f)
        do {
            if let op { v = try Operators.binary(op, try Access.index(current, args), v) }
            try Access.setIndex(current, args, v)
            for i in stride(from: outerArgs.count - 1, through: 0, by: -1) {
                if case .tensor = containers[i] { try Access.setIndex(containers[i], outerArgs[i], containers[i + 1]) }
            }
        } catch {
            throw Unwind.wrap(error, range)
        }
        for c in containers { noteWrite(c, f) }
        return .nil
    }

    /// Remembers where a tensor was written in place, for the error that
    /// backward gives if a recorded op had used its old values.
    private func noteWrite(_ v: Value, _ f: Frame) {
        guard case .tensor(let t) = v, let file = f.rt.interpreter.sources[range.file] else { return }
        let r = range
        t.writeSite = { "\(file.name.split(separator: "/").last.map(String.init) ?? file.name):\(file.lineColumn(of: r).line)" }
    }

    private func temporaryError() -> Unwind {
        switch root {
        case .transposed:
            return .fail("cannot assign into .T: it is a new tensor (a transposed copy), so the write would be lost; index the tensor itself (m.T[i] = v is m[:, i] = v for a matrix)", range)
        default:
            return .fail("cannot assign into a temporary tensor (the result of an expression, which nothing else can see), so the write would be lost; store it in a variable first (let t = ...; t[i] = v)", range)
        }
    }
}

/// A compiled index item.
enum IndexItemNode {
    case single(Child)
    case slice(Child?, Child?, Child?, SourceRange)

    static func evaluate(_ items: [IndexItemNode], _ f: Frame) throws(Unwind) -> [IndexArg] {
        var out: [IndexArg] = []
        out.reserveCapacity(items.count)
        for item in items {
            switch item {
            case .single(let n): out.append(.value(try n.eval(f)))
            case .slice(let a, let b, let c, _):
                out.append(.slice(try bound(a, f), try bound(b, f), try bound(c, f)))
            }
        }
        return out
    }

    private static func bound(_ n: Child?, _ f: Frame) throws(Unwind) -> Int? {
        guard let n else { return nil }
        let v = try n.eval(f)
        if case .nil = v { return nil }
        guard case .number(let d) = v, d.isFinite, d.rounded() == d else {
            throw .fail("slice bounds must be integers, got \(v.repr)", n.range)
        }
        // Any integer is a valid bound (Python clips it to the sequence), so
        // one beyond ±2^62, past every sequence's length, is clipped here.
        return Int(Swift.max(Swift.min(d, 0x1p62), -0x1p62))
    }
}
