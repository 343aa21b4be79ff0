import NNSyntax
import NNTensor

extension RuntimeRef {
    /// Reserves a frame of `size` slots on the value stack, all `nil`.
    ///
    /// Every nn call starts here or in ``invoke(_:_:caller:range:)``, which
    /// refuse it when an interrupt is pending (the `interrupted` error) or a
    /// stack is full: more than ``maxDepth`` nested calls, the value stack,
    /// or the native stack (`stack overflow`); see ``InterruptFlag``.
    @inline(__always)
    func pushFrame(_ size: Int, _ name: @autoclosure () -> String, _ range: SourceRange) throws(Unwind) -> UnsafeMutablePointer<Value> {
        let fp = sp
        if !(depth < regs.pointee.maxDepth && fp + size <= regs.pointee.stackEnd && NativeStack.here() > callGuard) {
            try admit(name, size, range)
        }
        fp.initialize(repeating: .nil, count: size)
        sp = fp + size
        depth += 1
        return fp
    }

    /// The slow path of a call's guard: attends to a pending collection,
    /// interrupt or limit (counting the call against a step budget), then
    /// lets the call start, or says why it may not: a stack that is full
    /// (the call depth, the native stack, or the value stack).
    @inline(never)
    private func admit(_ name: String, _ size: Int, _ range: SourceRange) throws(Unwind) {
        if try !admitted(size, range) { throw refused(name, size, range) }
    }

    /// ``admit(_:_:_:)`` for a frame named by `name` (made only if the call is refused).
    @inline(never)
    private func admit(_ name: () -> String, _ size: Int, _ range: SourceRange) throws(Unwind) {
        if try !admitted(size, range) { throw refused(name(), size, range) }
    }

    /// Attends to what raised the guard word, then checks the stacks
    /// against the limits themselves (the word may stay raised: a step
    /// budget keeps it so).
    @inline(__always)
    private func admitted(_ size: Int, _ range: SourceRange) throws(Unwind) -> Bool {
        if needsAttention { try attend(range) }
        let stackLimit = regs.pointee.interrupt._withUnsafeGuaranteedRef { $0.stackLimit }
        return depth < regs.pointee.maxDepth && sp + size <= regs.pointee.stackEnd && NativeStack.here() > stackLimit
    }

    /// Why a call may not start: a stack that is full.
    @inline(never)
    private func refused(_ name: String, _ size: Int, _ range: SourceRange) -> Unwind {
        let maxDepth = regs.pointee.maxDepth
        if interruptPending { return interrupted(range) }
        if depth >= maxDepth { return .fail("stack overflow (more than \(maxDepth) nested calls, in \(name))", range) }
        if sp + size > regs.pointee.stackEnd {
            return .fail("stack overflow (the local variables of \(depth) nested calls fill the value stack, in \(name))", range)
        }
        return .fail("stack overflow (the native stack is used up after \(depth) nested calls, in \(name))", range)
    }

    @inline(__always)
    func popFrame(_ fp: UnsafeMutablePointer<Value>, _ size: Int) {
        // Slots holding a reference are released by assigning nil; the others
        // (numbers, bools, ranges, nil) hold nothing and are left as they
        // are. Either way every slot ends up holding no reference, so a later
        // push may initialize over it. (`deinitialize(count:)` would be a
        // generic runtime call, swift_arrayDestroy, on every return.)
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
        let n = t.layout.paramCount, size = t.layout.frameSize
        let argc = call.args.count
        if argc > n { throw misfit(t.closure.proto, argc, call.labels, range) }
        // Push the frame: the slots after the arguments start nil; each
        // argument slot is initialized with its value (parameters come
        // first, so size >= n >= argc).
        let fp = sp
        if !(depth < regs.pointee.maxDepth && fp + size <= regs.pointee.stackEnd && NativeStack.here() > callGuard) {
            try admit(t.closure.name, size, range)
        }
        (fp + argc).initialize(repeating: .nil, count: size - argc)
        sp = fp + size
        depth += 1
        for i in 0..<argc {
            do {
                (fp + i).initialize(to: try call.args.eval(i, f))
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
        let b = try bind(c.proto, call.args.count, call.labels, range)
        for j in 0..<call.named.count { fp[b.namedSlots[j]] = try call.named.eval(j, f) }
        try fillDefaults(c, fp, b.given)
    }

    /// Calls an nn function with evaluated arguments (from Swift: builtins, transforms).
    func invoke(_ c: Closure, _ arguments: Arguments, range: SourceRange) throws(Unwind) -> Value {
        let p = c.proto
        let args = arguments.positional
        let b = try bind(p, args.count, arguments.named.map(\.label), range)
        let fp = try pushFrame(p.layout.frameSize, p.name, range)
        defer { popFrame(fp, p.layout.frameSize) }
        for i in 0..<args.count { fp[i] = args[i] }
        for j in 0..<arguments.named.count { fp[b.namedSlots[j]] = arguments.named[j].value }
        try fillDefaults(c, fp, b.given)
        return try enter(CallTarget(c), fp, range)
    }

    /// Binds a call with the one binder (``Signature``), its errors at `range`.
    private func bind(_ p: FunctionProto, _ positional: Int, _ labels: [String],
                      _ range: SourceRange) throws(Unwind) -> Signature.Binding {
        do { return try p.callSignature.bind(positional: positional, labels: labels) } catch {
            throw .fail(error.message, range)
        }
    }

    /// The binder's error for a call that does not fit.
    @inline(never)
    private func misfit(_ p: FunctionProto, _ positional: Int, _ labels: [String], _ range: SourceRange) -> Unwind {
        do { _ = try bind(p, positional, labels, range) } catch { return error }
        // Not reached: the caller saw more positional arguments than parameters.
        return .fail("\(p.name): expected at most \(Signature.count(p.layout.paramCount, "argument")), got \(positional)", range)
    }

    /// Evaluates the defaults of the parameters a call left out (the binder
    /// checked that each has one), in the scope where the function is written.
    private func fillDefaults(_ c: Closure, _ fp: UnsafeMutablePointer<Value>, _ given: [Bool]) throws(Unwind) {
        let p = c.proto
        for i in 0..<given.count where !given[i] {
            if let d = p.defaults[i] { fp[i] = try d.eval(Frame(fp: fp, env: c.env, rt: self)) }
        }
    }

    @inline(__always)
    private func enter(_ t: CallTarget, _ fp: UnsafeMutablePointer<Value>, _ range: SourceRange) throws(Unwind) -> Value {
        if t.layout.envSize > 0 { return try enterWithEnv(t.closure, fp, range) }
        return try run(t.function, t.body, Frame(fp: fp, envRef: t.env, rt: self), range)
    }

    /// Enters a function some of whose parameters live in a fresh environment (closures capture them).
    @inline(never)
    private func enterWithEnv(_ c: Closure, _ fp: UnsafeMutablePointer<Value>, _ range: SourceRange) throws(Unwind) -> Value {
        let p = c.proto
        let e = Env(parent: c.env, size: p.layout.envSize)
        defer { extendLifetime(e) }
        for (pi, slot) in p.envParams { e.slots[slot] = fp[pi] }
        return try run(.passUnretained(c), p.body.unretained, Frame(fp: fp, env: e, rt: self), range)
    }

    /// Runs a function's body: `return` ends it; errors gain a trace line.
    @inline(__always)
    private func run(_ function: Unmanaged<Closure>, _ body: Unmanaged<Node>, _ frame: Frame,
                     _ range: SourceRange) throws(Unwind) -> Value {
        do {
            return try Child.eval(body, frame)
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
        e.addTraceFrame(function: c.proto.name, range: range)
        return e
    }

    /// Calls any callable value with evaluated arguments.
    func call(_ callee: Value, _ arguments: Arguments, range: SourceRange) throws(Unwind) -> Value {
        switch callee {
        case .function(let c):
            return try invoke(c, arguments, range: range)
        case .builtin(let b):
            return try callBuiltin(b, arguments, range: range)
        case .object(let o):
            // A callable object (a Sequential, a layer) may call nn functions back:
            // their errors' traces point here, at the call of the object.
            let saved = callSite
            callSite = range
            defer { callSite = saved }
            let result: Value?
            do { result = try o.call(arguments, in: interpreter) } catch { throw Unwind.wrap(error, range) }
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
            throw Unwind.wrap(error, range)
        }
    }
}
