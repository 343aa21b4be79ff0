import NNSyntax
import NNTensor

extension Runtime {
    /// Reserves a frame of `size` slots on the value stack, all `nil`.
    @inline(__always)
    func pushFrame(_ size: Int, _ name: @autoclosure () -> String, _ range: SourceRange) throws(Unwind) -> UnsafeMutablePointer<Value> {
        let fp = sp
        guard depth < maxDepth, fp + size <= stackEnd else { throw overflow(name(), range) }
        fp.initialize(repeating: .nil, count: size)
        sp = fp + size
        depth += 1
        return fp
    }

    @inline(never)
    private func overflow(_ name: String, _ range: SourceRange) -> Unwind {
        .fail("stack overflow (more than \(maxDepth) nested calls, in \(name))", range)
    }

    @inline(__always)
    func popFrame(_ fp: UnsafeMutablePointer<Value>, _ size: Int) {
        // Releasing each slot by assigning nil is an inline switch on the
        // value's case; `deinitialize(count:)` would be a generic runtime call
        // (swift_arrayDestroy) on every return. The slots stay initialized
        // with nil, which holds nothing, and are initialized again on push.
        // Slots that hold no reference are left as they are.
        for i in 0..<size {
            switch fp[i] {
            case .number, .bool, .nil, .range: continue  // hold nothing: skip the outlined destroy
            default: fp[i] = .nil
            }
        }
        sp = fp
        depth -= 1
    }

    /// Calls an nn function with argument expressions evaluated straight into its frame.
    ///
    /// Nothing is retained: the caller keeps the function alive for the call
    /// (see ``CallTarget``), and the function its prototype and environment.
    @inline(__always)
    func invoke(_ t: CallTarget, _ call: CallNode, caller f: Frame, range: SourceRange) throws(Unwind) -> Value {
        let n = t.paramCount, size = t.frameSize
        let args = call.argRefs
        let argc = args.count
        if argc > n { throw arityError(t.closure.proto, argc + call.named.count, range) }
        // Push the frame: the slots after the arguments start nil; each
        // argument slot is initialized with its value (parameters come
        // first, so size >= n >= argc).
        let fp = sp
        guard depth < maxDepth, fp + size <= stackEnd else { throw overflow(t.closure.name, range) }
        (fp + argc).initialize(repeating: .nil, count: size - argc)
        sp = fp + size
        depth += 1
        for i in 0..<argc {
            do {
                (fp + i).initialize(to: try Node.eval(args[i], f))
            } catch {
                (fp + i).initialize(repeating: .nil, count: argc - i)
                popFrame(fp, size)
                throw error
            }
        }
        let result: Value
        do {
            if argc < n || call.hasNamed { try bindRest(t.closure, call, fp, caller: f, range: range) }
            result = try enter(t, fp, range)
        } catch {
            popFrame(fp, size)
            throw error
        }
        popFrame(fp, size)
        return result
    }

    /// Binds named arguments and defaults: the slower half of a call.
    @inline(never)
    private func bindRest(_ c: Closure, _ call: CallNode, _ fp: UnsafeMutablePointer<Value>,
                          caller f: Frame, range: SourceRange) throws(Unwind) {
        let p = c.proto
        var given = [Bool](repeating: false, count: p.paramCount)
        for i in 0..<call.argRefs.count { given[i] = true }
        for j in 0..<call.named.count {
            let i = try namedIndex(p, call.labels[j], given, range)
            fp[i] = try call.named[j].eval(f)
            given[i] = true
        }
        try fillDefaults(c, fp, given, range)
    }

    /// Calls an nn function with evaluated arguments (from Swift: builtins, transforms).
    func invoke(_ c: Closure, _ arguments: Arguments, range: SourceRange) throws(Unwind) -> Value {
        let p = c.proto
        let n = p.paramCount
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
        return try enter(CallTarget(c), fp, range)
    }

    @inline(__always)
    private func enter(_ t: CallTarget, _ fp: UnsafeMutablePointer<Value>, _ range: SourceRange) throws(Unwind) -> Value {
        if t.envSize > 0 { return try enterWithEnv(t.closure, fp, range) }
        return try run(t.function, t.body, Frame(fp: fp, envRef: t.env), range)
    }

    /// Enters a function some of whose parameters live in a fresh environment (closures capture them).
    @inline(never)
    private func enterWithEnv(_ c: Closure, _ fp: UnsafeMutablePointer<Value>, _ range: SourceRange) throws(Unwind) -> Value {
        let p = c.proto
        let e = Env(parent: c.env, size: p.envSize)
        defer { extendLifetime(e) }
        for (pi, slot) in p.envParams { e.slots[slot] = fp[pi] }
        return try run(.passUnretained(c), p.bodyRef, Frame(fp: fp, env: e), range)
    }

    /// Runs a function's body: `return` ends it; errors gain a trace line.
    @inline(__always)
    private func run(_ function: Unmanaged<Closure>, _ body: Unmanaged<Node>, _ frame: Frame,
                     _ range: SourceRange) throws(Unwind) -> Value {
        do {
            return try Node.eval(body, frame)
        } catch {
            switch error {
            case .returnValue: return takeReturned()
            case .error(let e): throw .error(traced(e, function.takeUnretainedValue(), range))
            default: throw error
            }
        }
    }

    @inline(never)
    private func traced(_ error: ScriptError, _ c: Closure, _ range: SourceRange) -> ScriptError {
        var e = error
        if e.trace.count < 64 {
            e.trace.append(.init(function: c.proto.name, range: range))
        } else {
            e.traceOmitted += 1
        }
        return e
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

/// What a call reads from the function it calls, read once and held
/// without retaining anything: whoever makes one keeps the closure alive
/// until the call ends (by holding it, or by pinning the global that holds
/// it), and the closure keeps its prototype and environment.
struct CallTarget {
    let function: Unmanaged<Closure>
    let paramCount: Int
    let frameSize: Int
    let envSize: Int
    let body: Unmanaged<Node>
    let env: Unmanaged<Env>?

    @inline(__always)
    init(_ function: Unmanaged<Closure>) {
        self.function = function
        (paramCount, frameSize, envSize, body, env) = function._withUnsafeGuaranteedRef { c in
            unowned(unsafe) let p = c.proto
            return (p.paramCount, p.frameSize, p.envSize, p.bodyRef, c.env.map { Unmanaged.passUnretained($0) })
        }
    }

    @inline(__always)
    init(_ c: Closure) { self.init(.passUnretained(c)) }

    /// The closure, retained: for the slow paths.
    var closure: Closure { function.takeUnretainedValue() }
}

/// A call: `callee(args)`.
class CallNode: Node {
    let callee: Node
    let args: [Node]
    /// `args` for the call path (evaluated without a retain/release each), in a buffer this node owns: reading it
    /// needs no retain (an array property would be retained per call).
    let argRefs: UnsafeMutableBufferPointer<Unmanaged<Node>>
    let hasNamed: Bool
    let calleeRef: Unmanaged<Node>
    let labels: [String]
    let named: [Node]
    init(callee: Node, args: [Node], labels: [String], named: [Node], range: SourceRange, rt: Runtime) {
        self.callee = callee
        self.calleeRef = Unmanaged.passUnretained(callee)
        self.args = args
        argRefs = .allocate(capacity: args.count)
        _ = argRefs.initialize(from: args.lazy.map { Unmanaged.passUnretained($0) })
        hasNamed = !named.isEmpty
        self.labels = labels
        self.named = named
        super.init(range: range, rt: rt)
    }

    deinit { argRefs.deallocate() }

    override func eval(_ f: Frame) throws(Unwind) -> Value {
        let c = try Node.eval(calleeRef, f)
        if case .function(let clo) = c {
            // The call target does not own the closure: `clo` must outlive the call.
            defer { extendLifetime(clo) }
            return try rt.invoke(CallTarget(clo), self, caller: f, range: range)
        }
        return try rt.call(c, evaluateArguments(f), range: range)
    }

    @inline(__always)
    func evaluateArguments(_ f: Frame, receiver: Value? = nil) throws(Unwind) -> Arguments {
        var pos: [Value] = []
        pos.reserveCapacity(args.count + 1)
        if let receiver { pos.append(receiver) }
        for a in argRefs { pos.append(try Node.eval(a, f)) }
        var nv: [(label: String, value: Value)] = []
        for i in 0..<named.count { nv.append((labels[i], try named[i].eval(f))) }
        return Arguments(pos, named: nv)
    }
}

/// A call of a global by name, `f(args)`: the commonest call. The closure is
/// read from the global's cell in place rather than copied out as a value.
final class GlobalCallNode: CallNode {
    let cell: GlobalCell
    init(cell: GlobalCell, callee: Node, args: [Node], labels: [String], named: [Node], range: SourceRange, rt: Runtime) {
        self.cell = cell
        super.init(callee: callee, args: args, labels: labels, named: named, range: range, rt: rt)
    }

    override func eval(_ f: Frame) throws(Unwind) -> Value {
        guard let function = cell.function else { return try super.eval(f) }
        // The pin keeps the function alive (unretained) for the call, even if
        // it reassigns the global meanwhile.
        cell.pin()
        defer { cell.unpin() }
        return try rt.invoke(CallTarget(function), self, caller: f, range: range)
    }
}

/// A call of a builtin by name, `abs(x)`: the builtin is known when the
/// call is compiled (the callee node holds it).
final class BuiltinCallNode: CallNode {
    unowned(unsafe) let builtin: Builtin
    init(builtin: Builtin, callee: Node, args: [Node], labels: [String], named: [Node], range: SourceRange, rt: Runtime) {
        self.builtin = builtin
        super.init(callee: callee, args: args, labels: labels, named: named, range: range, rt: rt)
    }

    override func eval(_ f: Frame) throws(Unwind) -> Value {
        if !hasNamed {
            if argRefs.count == 1, let quick = builtin.quick1 {
                let x = try Node.eval(argRefs[0], f)
                if let v = quick(x) { return v }
                return try rt.callBuiltin(builtin, Arguments([x]), range: range)
            }
            if argRefs.count == 2, let quick = builtin.quick2 {
                let x = try Node.eval(argRefs[0], f), y = try Node.eval(argRefs[1], f)
                if let v = quick(x, y) { return v }
                return try rt.callBuiltin(builtin, Arguments([x, y]), range: range)
            }
        }
        return try rt.callBuiltin(builtin, evaluateArguments(f), range: range)
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
                    defer { extendLifetime(clo) }  // the record may drop it during the call
                    return try rt.invoke(CallTarget(clo), call, caller: f, range: range)
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
