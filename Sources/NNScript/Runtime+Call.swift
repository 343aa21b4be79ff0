import NNSyntax
import NNTensor

extension Runtime {
    /// Reserves a frame of `size` slots on the value stack, all `nil`.
    @inline(__always)
    func pushFrame(_ size: Int, _ name: String, _ range: SourceRange) throws(Unwind) -> UnsafeMutablePointer<Value> {
        let fp = sp
        guard depth < maxDepth, (fp - stack) + size <= capacity else {
            throw .fail("stack overflow (more than \(maxDepth) nested calls, in \(name))", range)
        }
        fp.initialize(repeating: .nil, count: size)
        sp = fp + size
        depth += 1
        return fp
    }

    @inline(__always)
    func popFrame(_ fp: UnsafeMutablePointer<Value>, _ size: Int) {
        // Releasing each slot by assigning nil is an inline switch on the
        // value's case; `deinitialize(count:)` would be a generic runtime call
        // (swift_arrayDestroy) on every return. The slots stay initialized
        // with nil, which holds nothing, and are initialized again on push.
        for i in 0..<size { fp[i] = .nil }
        sp = fp
        depth -= 1
    }

    /// Calls an nn function with argument expressions evaluated straight into its frame.
    @inline(__always)
    func invoke(_ c: Closure, _ args: [Unmanaged<Node>], _ labels: [String], _ named: [Node],
                caller f: Frame, range: SourceRange) throws(Unwind) -> Value {
        let p = c.proto
        let n = p.paramNames.count
        if args.count > n { throw arityError(p, args.count + named.count, range) }
        let fp = try pushFrame(p.frameSize, p.name, range)
        defer { popFrame(fp, p.frameSize) }
        for i in 0..<args.count { fp[i] = try Node.eval(args[i], f) }
        if !named.isEmpty || args.count < n {
            var given = [Bool](repeating: false, count: n)
            for i in 0..<args.count { given[i] = true }
            for j in 0..<named.count {
                let i = try namedIndex(p, labels[j], given, range)
                fp[i] = try named[j].eval(f)
                given[i] = true
            }
            try fillDefaults(c, fp, given, range)
        }
        return try enter(c, fp, range)
    }

    /// Calls an nn function with evaluated arguments (from Swift: builtins, transforms).
    func invoke(_ c: Closure, _ arguments: Arguments, range: SourceRange) throws(Unwind) -> Value {
        let p = c.proto
        let n = p.paramNames.count
        let args = arguments.positional
        if args.count > n { throw arityError(p, args.count + arguments.named.count, range) }
        let fp = try pushFrame(p.frameSize, p.name, range)
        defer { popFrame(fp, p.frameSize) }
        var given = [Bool](repeating: false, count: n)
        for i in 0..<args.count {
            fp[i] = args[i]
            given[i] = true
        }
        for (label, v) in arguments.named {
            let i = try namedIndex(p, label, given, range)
            fp[i] = v
            given[i] = true
        }
        try fillDefaults(c, fp, given, range)
        return try enter(c, fp, range)
    }

    @inline(__always)
    private func enter(_ c: Closure, _ fp: UnsafeMutablePointer<Value>, _ range: SourceRange) throws(Unwind) -> Value {
        let p = c.proto
        var env = c.env
        if p.envSize > 0 {
            let e = Env(parent: c.env, size: p.envSize)
            for (pi, slot) in p.envParams { e.slots[slot] = fp[pi] }
            env = e
        }
        do {
            return try Node.eval(p.bodyRef, Frame(fp: fp, env: env))
        } catch {
            switch error {
            case .returnValue(let v): return v
            case .error(var e):
                if e.trace.count < 64 {
                    e.trace.append(.init(function: p.name, range: range))
                } else {
                    e.traceOmitted += 1
                }
                throw .error(e)
            default: throw error
            }
        }
    }

    private func namedIndex(_ p: FunctionProto, _ label: String, _ given: [Bool], _ range: SourceRange) throws(Unwind) -> Int {
        guard let i = p.paramNames.firstIndex(of: label) else {
            throw .fail("\(p.name): unknown argument '\(label)'" + Suggest.didYouMean(label, among: p.paramNames), range)
        }
        if given[i] { throw .fail("\(p.name): argument '\(label)' given twice", range) }
        return i
    }

    private func fillDefaults(_ c: Closure, _ fp: UnsafeMutablePointer<Value>, _ given: [Bool], _ range: SourceRange) throws(Unwind) {
        let p = c.proto
        for i in 0..<given.count where !given[i] {
            guard let d = p.defaults[i] else {
                throw .fail("\(p.name): missing argument '\(p.paramNames[i])'", range)
            }
            fp[i] = try d.eval(Frame(fp: fp, env: c.env))
        }
    }

    private func arityError(_ p: FunctionProto, _ got: Int, _ range: SourceRange) -> Unwind {
        .fail("\(p.name): expected at most \(Builtin.count(p.paramNames.count, "argument")), got \(got)", range)
    }

    /// Calls any callable value with evaluated arguments.
    func call(_ callee: Value, _ arguments: Arguments, range: SourceRange) throws(Unwind) -> Value {
        switch callee {
        case .function(let c):
            return try invoke(c, arguments, range: range)
        case .builtin(let b):
            return try callBuiltin(b, arguments, range: range)
        case .object(let o):
            let result: Value?
            do { result = try o.call(arguments, in: interpreter) } catch { throw wrap(error, range) }
            guard let result else { throw .fail("a \(o.typeName) is not callable", range) }
            return result
        default:
            throw .fail("cannot call a \(callee.typeName)", range)
        }
    }

    /// Binds and runs a builtin, placing its errors at `range`.
    func callBuiltin(_ b: Builtin, _ arguments: Arguments, range: SourceRange) throws(Unwind) -> Value {
        let saved = callSite
        callSite = range
        defer { callSite = saved }
        do {
            var bound = try b.bind(arguments, interpreter: interpreter)
            return try b.body(&bound)
        } catch {
            throw wrap(error, range)
        }
    }
}

/// A call: `callee(args)`.
final class CallNode: Node {
    let callee: Node
    let args: [Node]
    /// `args` for the call path, evaluated without a retain/release each.
    let argRefs: [Unmanaged<Node>]
    let calleeRef: Unmanaged<Node>
    let labels: [String]
    let named: [Node]
    init(callee: Node, args: [Node], labels: [String], named: [Node], range: SourceRange, rt: Runtime) {
        self.callee = callee
        self.calleeRef = Unmanaged.passUnretained(callee)
        self.args = args
        self.argRefs = args.map { Unmanaged.passUnretained($0) }
        self.labels = labels
        self.named = named
        super.init(range: range, rt: rt)
    }

    override func eval(_ f: Frame) throws(Unwind) -> Value {
        let c = try Node.eval(calleeRef, f)
        if case .function(let clo) = c {
            return try rt.invoke(clo, argRefs, labels, named, caller: f, range: range)
        }
        return try rt.call(c, evaluateArguments(f), range: range)
    }

    @inline(__always)
    func evaluateArguments(_ f: Frame, receiver: Value? = nil) throws(Unwind) -> Arguments {
        var pos: [Value] = []
        pos.reserveCapacity(args.count + 1)
        if let receiver { pos.append(receiver) }
        for a in args { pos.append(try a.eval(f)) }
        var nv: [(label: String, value: Value)] = []
        for i in 0..<named.count { nv.append((labels[i], try named[i].eval(f))) }
        return Arguments(pos, named: nv)
    }
}

/// A method call `base.name(args)`: a record field or object member that is
/// callable, else the builtin `name` with `base` as its first argument.
final class MethodCallNode: Node {
    let base: Node
    let name: String
    let call: CallNode
    let builtin: Builtin?
    init(base: Node, name: String, call: CallNode, builtin: Builtin?, range: SourceRange, rt: Runtime) {
        self.base = base
        self.name = name
        self.call = call
        self.builtin = builtin
        super.init(range: range, rt: rt)
    }

    override func eval(_ f: Frame) throws(Unwind) -> Value {
        let recv = try base.eval(f)
        switch recv {
        case .record(let r):
            if let v = r[name] {
                if case .function(let clo) = v {
                    return try rt.invoke(clo, call.argRefs, call.labels, call.named, caller: f, range: range)
                }
                return try rt.call(v, call.evaluateArguments(f), range: range)
            }
        case .object(let o):
            let m: Value?
            do { m = try o.member(name, in: rt.interpreter) } catch { throw rt.wrap(error, range) }
            if let m { return try rt.call(m, call.evaluateArguments(f), range: range) }
        default:
            break
        }
        guard let builtin else {
            if case .record(let r) = recv {
                throw .fail("record has no field '\(name)'" + Suggest.didYouMean(name, among: r.keys), range)
            }
            throw .fail("\(recv.typeName) has no method '\(name)'", range)
        }
        return try rt.callBuiltin(builtin, call.evaluateArguments(f, receiver: recv), range: range)
    }
}
