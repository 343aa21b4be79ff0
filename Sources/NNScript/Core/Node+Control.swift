import NNSyntax
import NNTensor

/// A block: statements in order; its value is that of `last` (or nil).
///
/// The children are held strongly by `owned`; evaluation reaches them
/// through `Unmanaged` references (``Node/eval(_:_:)``), so running a block
/// costs no retain/release per statement (they were a third of a tight
/// loop's time).
final class BlockNode: Node {
    private let owned: [Node]
    private let statements: [Unmanaged<Node>]
    private let last: Unmanaged<Node>?
    init(statements: [Node], last: Node?, range: SourceRange, rt: Runtime) {
        owned = statements + [last].compactMap { $0 }
        self.statements = statements.map { Unmanaged.passUnretained($0) }
        self.last = last.map { Unmanaged.passUnretained($0) }
        super.init(range: range, rt: rt)
    }
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        for s in statements { try Node.exec(s, f) }
        if let last { return try Node.eval(last, f) }
        return .nil
    }
    override func exec(_ f: Frame) throws(Unwind) {
        for s in statements { try Node.exec(s, f) }
        if let last { try Node.exec(last, f) }
    }
}

/// Runs `body` in a fresh heap environment (a scope whose variables closures capture).
final class ScopeNode: Node {
    let envSize: Int
    let body: Node
    init(envSize: Int, body: Node, range: SourceRange, rt: Runtime) {
        self.envSize = envSize
        self.body = body
        super.init(range: range, rt: rt)
    }
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        let e = Env(parent: f.env, size: envSize)
        defer { extendLifetime(e) }
        return try body.eval(Frame(fp: f.fp, env: e))
    }
}

final class IfNode: Node {
    let condition: Child, then: Child
    let otherwise: Child?
    init(condition: Node, then: Node, otherwise: Node?, range: SourceRange, rt: Runtime) {
        self.condition = Child(condition)
        self.then = Child(then)
        self.otherwise = otherwise.map(Child.init)
        super.init(range: range, rt: rt)
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
    let interrupt: InterruptFlag
    init(condition: Node, body: Node, range: SourceRange, rt: Runtime) {
        self.condition = Child(condition)
        self.body = Child(body)
        self.interrupt = rt.interrupt
        super.init(range: range, rt: rt)
    }
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        while try condition.test(f, "while") {
            if interrupt.isSet { try rt.checkInterrupt(range) }
            do {
                try body.exec(f)
            } catch {
                switch error {
                case .breakLoop: return .nil
                case .continueLoop: continue
                default: throw error
                }
            }
        }
        return .nil
    }
}

final class BreakNode: Node {
    override func eval(_ f: Frame) throws(Unwind) -> Value { throw .breakLoop }
}

final class ContinueNode: Node {
    override func eval(_ f: Frame) throws(Unwind) -> Value { throw .continueLoop }
}

final class ReturnNode: Node {
    let value: Node?
    init(value: Node?, range: SourceRange, rt: Runtime) {
        self.value = value
        super.init(range: range, rt: rt)
    }
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        rt.returned = try value?.eval(f) ?? .nil
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
    let sequence: Node
    let body: Child
    let envSize: Int
    let interrupt: InterruptFlag
    init(binder: Binder, sequence: Node, body: Node, envSize: Int, range: SourceRange, rt: Runtime) {
        self.interrupt = rt.interrupt
        self.binder = binder
        self.sequence = sequence
        self.body = Child(body)
        self.envSize = envSize
        super.init(range: range, rt: rt)
    }

    /// Runs one iteration; returns false on `break`.
    @inline(__always)
    func step(_ v: Value, _ f: Frame) throws(Unwind) -> Bool {
        try rt.checkInterrupt(range)
        let e = envSize > 0 ? Env(parent: f.env, size: envSize) : nil
        defer { extendLifetime(e) }
        let g = e != nil ? Frame(fp: f.fp, env: e) : f
        try binder.bind(v, g)
        do {
            try body.exec(g)
        } catch {
            switch error {
            case .breakLoop: return false
            case .continueLoop: return true
            default: throw error
            }
        }
        return true
    }

    override func eval(_ f: Frame) throws(Unwind) -> Value {
        let seq = try sequence.eval(f)
        switch seq {
        case .range(let lo, let hi):
            if case .local(let slot) = binder, envSize == 0 {
                // The hot path: a counting loop into a stack slot.
                var i = lo
                while i < hi {
                    if interrupt.isSet { try rt.checkInterrupt(range) }
                    f.fp[slot] = .number(Double(i))
                    do {
                        try body.exec(f)
                    } catch {
                        switch error {
                        case .breakLoop: return .nil
                        case .continueLoop: break
                        default: throw error
                        }
                    }
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
                do { row = try t.index([.index(i)]) } catch { throw rt.wrap(error, sequence.range) }
                guard try step(.tensor(row), f) else { break }
            }
        case .object(let o):
            let next: (() throws -> Value?)?
            do { next = try o.makeIterator(in: rt.interpreter) } catch { throw rt.wrap(error, sequence.range) }
            guard let next else { throw .fail("cannot iterate over a \(o.typeName)", sequence.range) }
            while true {
                let v: Value?
                do { v = try next() } catch { throw rt.wrap(error, sequence.range) }
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
    let body: Node
    let binder: Binder?
    let handler: Node
    let handlerEnvSize: Int
    init(body: Node, binder: Binder?, handler: Node, handlerEnvSize: Int, range: SourceRange, rt: Runtime) {
        self.body = body
        self.binder = binder
        self.handler = handler
        self.handlerEnvSize = handlerEnvSize
        super.init(range: range, rt: rt)
    }
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        let savedSP = rt.sp, savedDepth = rt.depth
        do {
            return try body.eval(f)
        } catch {
            guard case .error(let e) = error, e.kind == .runtime else { throw error }
            rt.sp = savedSP
            rt.depth = savedDepth
            let scope = handlerEnvSize > 0 ? Env(parent: f.env, size: handlerEnvSize) : nil
            defer { extendLifetime(scope) }
            let g = scope != nil ? Frame(fp: f.fp, env: scope) : f
            if let binder { try binder.bind(e.payload?.value ?? .string(e.message), g) }
            return try handler.eval(g)
        }
    }
}

/// An anonymous or named function literal: makes a closure over the current environment.
final class FunctionNode: Node {
    let proto: FunctionProto
    init(proto: FunctionProto, range: SourceRange, rt: Runtime) {
        self.proto = proto
        super.init(range: range, rt: rt)
    }
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        .function(Closure(proto: proto, env: f.env))
    }
}

final class ListNode: Node {
    let items: [Node]
    init(items: [Node], range: SourceRange, rt: Runtime) {
        self.items = items
        super.init(range: range, rt: rt)
    }
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        var out: [Value] = []
        out.reserveCapacity(items.count)
        for i in items { out.append(try i.eval(f)) }
        return .list(ListRef(out))
    }
}

final class TupleNode: Node {
    let items: [Node]
    init(items: [Node], range: SourceRange, rt: Runtime) {
        self.items = items
        super.init(range: range, rt: rt)
    }
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        var out: [Value] = []
        out.reserveCapacity(items.count)
        for i in items { out.append(try i.eval(f)) }
        return .tuple(out)
    }
}

final class RecordNode: Node {
    let keys: [String]
    let values: [Node]
    init(keys: [String], values: [Node], range: SourceRange, rt: Runtime) {
        self.keys = keys
        self.values = values
        super.init(range: range, rt: rt)
    }
    override func eval(_ f: Frame) throws(Unwind) -> Value {
        let r = RecordRef()
        for i in keys.indices { r[keys[i]] = try values[i].eval(f) }
        return .record(r)
    }
}

final class RangeNode: Node {
    let lower: Node, upper: Node
    let inclusive: Bool
    init(lower: Node, upper: Node, inclusive: Bool, range: SourceRange, rt: Runtime) {
        self.lower = lower
        self.upper = upper
        self.inclusive = inclusive
        super.init(range: range, rt: rt)
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
