import NNSyntax
import NNTensor

/// A block: statements in order; its value is that of `last` (or nil).
final class BlockNode: Node {
    let statements: Children
    let last: Child?
    init(statements: [Node], last: Node?, range: SourceRange) {
        self.statements = Children(statements)
        self.last = last.map(Child.init)
        super.init(range: range)
    }
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        for i in 0..<statements.count { try statements.exec(i, f) }
        return try last?.eval(f) ?? .nil
    }
    override func exec(_ f: Frame) throws(Unwind) {
        for i in 0..<statements.count { try statements.exec(i, f) }
        try last?.exec(f)
    }
}

/// Runs `body` in a fresh heap environment (a scope whose variables closures capture).
final class ScopeNode: Node {
    let envSize: Int
    let body: Child
    init(envSize: Int, body: Node, range: SourceRange) {
        self.envSize = envSize
        self.body = Child(body)
        super.init(range: range)
    }
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        let e = Env(parent: f.env, size: envSize)
        defer { extendLifetime(e) }
        return try body.eval(f.with(env: e))
    }
}

final class IfNode: Node {
    let condition: Child, then: Child
    let otherwise: Child?
    init(condition: Node, then: Node, otherwise: Node?, range: SourceRange) {
        self.condition = Child(condition)
        self.then = Child(then)
        self.otherwise = otherwise.map(Child.init)
        super.init(range: range)
    }
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        if try condition.test(f, "if") { return try then.eval(f) }
        // Optional chaining reads `otherwise` in place; `if let` would copy
        // it, retaining the node.
        return try otherwise?.eval(f) ?? .nil
    }
    override func exec(_ f: Frame) throws(Unwind) {
        if try condition.test(f, "if") { return try then.exec(f) }
        try otherwise?.exec(f)
    }
}

final class WhileNode: Node {
    let condition: Child, body: Child
    init(condition: Node, body: Node, range: SourceRange) {
        self.condition = Child(condition)
        self.body = Child(body)
        super.init(range: range)
    }
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        while try condition.test(f, "while") {
            try f.rt.checkInterrupt(range)
            guard try body.execLoopBody(f) else { break }
        }
        return .nil
    }
}

extension Child {
    /// Runs a loop's body once: false when it ends with `break`, true
    /// otherwise (`continue` included); any other unwind goes on.
    @inline(__always)
    func execLoopBody(_ f: Frame) throws(Unwind) -> Bool {
        do {
            try exec(f)
        } catch {
            switch error {
            case .breakLoop: return false
            case .continueLoop: return true
            default: throw error
            }
        }
        return true
    }
}

final class BreakNode: Node {
    override func eval(_ f: Frame) throws(Unwind) -> Value { throw .breakLoop }
}

final class ContinueNode: Node {
    override func eval(_ f: Frame) throws(Unwind) -> Value { throw .continueLoop }
}

final class ReturnNode: Node {
    let value: Child?
    init(value: Node?, range: SourceRange) {
        self.value = value.map(Child.init)
        super.init(range: range)
    }
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        f.rt.setReturned(try value?.eval(f) ?? .nil)
        throw .returnValue
    }
}

/// `for pattern in sequence { body }`.
///
/// `envSize > 0` when closures in the body capture the loop's variables: each
/// iteration then gets a fresh environment, so every closure sees its own
/// iteration's values.
final class ForNode: Node {
    let binder: Binder
    let sequence: Child
    let body: Child
    let envSize: Int
    init(binder: Binder, sequence: Node, body: Node, envSize: Int, range: SourceRange) {
        self.binder = binder
        self.sequence = Child(sequence)
        self.body = Child(body)
        self.envSize = envSize
        super.init(range: range)
    }

    /// Runs one iteration; returns false on `break`.
    @inline(__always)
    func step(_ v: Value, _ f: Frame) throws(Unwind) -> Bool {
        try f.rt.checkInterrupt(range)
        let e = envSize > 0 ? Env(parent: f.env, size: envSize) : nil
        defer { extendLifetime(e) }
        let g = e != nil ? f.with(env: e) : f
        try binder.bind(v, g)
        return try body.execLoopBody(g)
    }

    override func eval(_ f: Frame) throws(Unwind) -> Value {
        let seq = try sequence.eval(f)
        switch seq {
        case .range(let lo, let hi):
            if case .local(let slot) = binder, envSize == 0 {
                // The hot path: a counting loop into a stack slot.
                var i = lo
                while i < hi {
                    try f.rt.checkInterrupt(range)
                    f.fp[slot] = .number(Double(i))
                    guard try body.execLoopBody(f) else { break }
                    i += 1
                }
                return .nil
            }
            var i = lo
            while i < hi {
                guard try step(.number(Double(i)), f) else { break }
                i += 1
            }
        case .list(let l):
            var i = 0
            while i < l.items.count {
                guard try step(l.items[i], f) else { break }
                i += 1
            }
        case .tuple(let t):
            for v in t { guard try step(v, f) else { break } }
        case .string(let s):
            for ch in s { guard try step(.string(String(ch)), f) else { break } }
        case .record(let r):
            for (k, v) in r.fields { guard try step(.tuple([.string(k), v]), f) else { break } }
        case .tensor(let t):
            guard let n = t.shape.first else { throw .fail("cannot iterate over a 0-d tensor", sequence.range) }
            for i in 0..<n {
                let row: Tensor
                do { row = try t.index([.index(i)]) } catch { throw Unwind.wrap(error, sequence.range) }
                guard try step(.tensor(row), f) else { break }
            }
        case .object(let o):
            let next: (() throws -> Value?)?
            do { next = try o.makeIterator(in: f.rt.interpreter) } catch { throw Unwind.wrap(error, sequence.range) }
            guard let next else { throw .fail("cannot iterate over a \(o.typeName)", sequence.range) }
            while true {
                let v: Value?
                do { v = try next() } catch { throw Unwind.wrap(error, sequence.range) }
                guard let v, try step(v, f) else { break }
            }
        default:
            throw .fail("cannot iterate over a \(seq.typeName)", sequence.range)
        }
        return .nil
    }
}

/// `try { body } catch e { handler }`.
final class TryNode: Node {
    let body: Child
    let binder: Binder?
    let handler: Child
    let handlerEnvSize: Int
    init(body: Node, binder: Binder?, handler: Node, handlerEnvSize: Int, range: SourceRange) {
        self.body = Child(body)
        self.binder = binder
        self.handler = Child(handler)
        self.handlerEnvSize = handlerEnvSize
        super.init(range: range)
    }
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        let rt = f.rt
        let savedSP = rt.sp, savedDepth = rt.depth
        do {
            return try body.eval(f)
        } catch {
            guard case .error(let e) = error, e.kind.isCatchable else { throw error }
            if rt.needsAttention { try rt.refuseCatch(e) }  // no handler runs past an interrupt or a limit
            rt.sp = savedSP
            rt.depth = savedDepth
            let scope = handlerEnvSize > 0 ? Env(parent: f.env, size: handlerEnvSize) : nil
            defer { extendLifetime(scope) }
            let g = scope != nil ? f.with(env: scope) : f
            if let binder { try binder.bind(e.payload?.value ?? .string(e.message), g) }
            return try handler.eval(g)
        }
    }
}

/// An anonymous or named function literal: makes a closure over the current environment.
///
/// The prototype is held unretained: the prototype (or script) that owns
/// this code owns it (``CodeOwner``), so the heap counts that reference once.
final class FunctionNode: Node {
    let proto: Unmanaged<FunctionProto>
    init(proto: Unmanaged<FunctionProto>, range: SourceRange) {
        self.proto = proto
        super.init(range: range)
    }
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        .function(Closure(proto: proto.takeUnretainedValue(), env: f.env))
    }
}

/// A node over child expressions evaluated in order: list and tuple
/// literals, interpolated strings.
class ItemsNode: Node {
    final let items: Children
    init(items: [Node], range: SourceRange) {
        self.items = Children(items)
        super.init(range: range)
    }
}

final class ListNode: ItemsNode {
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        .list(ListRef(try items.evalAll(f)))
    }
}

final class TupleNode: ItemsNode {
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        .tuple(try items.evalAll(f))
    }
}

final class RecordNode: Node {
    let keys: [String]
    let values: Children
    init(keys: [String], values: [Node], range: SourceRange) {
        self.keys = keys
        self.values = Children(values)
        super.init(range: range)
    }
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        let r = RecordRef()
        for i in keys.indices { r[keys[i]] = try values.eval(i, f) }
        return .record(r)
    }
}

final class RangeNode: Node {
    let lower: Child, upper: Child
    let inclusive: Bool
    init(lower: Node, upper: Node, inclusive: Bool, range: SourceRange) {
        self.lower = Child(lower)
        self.upper = Child(upper)
        self.inclusive = inclusive
        super.init(range: range)
    }
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        let a = try lower.eval(f), b = try upper.eval(f)
        guard let lo = Self.bound(a) else { throw .fail(Self.boundMessage(a), lower.range) }
        guard let hi = Self.bound(b) else { throw .fail(Self.boundMessage(b), upper.range) }
        return .range(lo, inclusive ? hi + 1 : hi)
    }

    /// The largest magnitude of a range bound: 2^53, below which every
    /// integer is a distinct number (beyond it `x + 1 == x` for some x, so a
    /// range would repeat or skip values).
    static let limit = 9_007_199_254_740_992.0

    /// A range bound: an integral number of magnitude at most 2^53.
    static func bound(_ v: Value) -> Int? {
        guard case .number(let x) = v, x.isFinite, x.rounded() == x, abs(x) <= limit else { return nil }
        return Int(x)
    }

    static func boundMessage(_ v: Value) -> String {
        if case .number(let x) = v, x.isFinite, x.rounded() == x {
            return "range bounds must be between -2**53 and 2**53 (where every integer is a distinct number), got \(v.repr)"
        }
        return "range bounds must be integers, got \(v.repr)"
    }
}
