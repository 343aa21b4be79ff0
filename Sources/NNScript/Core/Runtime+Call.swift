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
            try admit(name(), size, range)
        }
        fp.initialize(repeating: .nil, count: size)
        sp = fp + size
        depth += 1
        return fp
    }

    /// The slow path of a call's guard: attends to a pending collection or
    /// interrupt, then lets the call start, or says why it may not: a stack
    /// that is full (the call depth, the native stack, or the value stack).
    @inline(never)
    private func admit(_ name: String, _ size: Int, _ range: SourceRange) throws(Unwind) {
        if needsAttention { try attend(range) }
        if depth < regs.pointee.maxDepth && sp + size <= regs.pointee.stackEnd && NativeStack.here() > callGuard { return }
        throw refused(name, size, range)
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
        let n = t.paramCount, size = t.frameSize
        let argc = call.args.count
        if argc > n { throw arityError(t.closure.proto, argc + call.named.count, range) }
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
        let p = c.proto
        var given = [Bool](repeating: false, count: p.paramCount)
        for i in 0..<call.args.count { given[i] = true }
        for j in 0..<call.named.count {
            let i = try namedIndex(p, call.labels[j], given, range)
            fp[i] = try call.named.eval(j, f)
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
        return try run(t.function, t.body, Frame(fp: fp, envRef: t.env, rt: self), range)
    }

    /// Enters a function some of whose parameters live in a fresh environment (closures capture them).
    @inline(never)
    private func enterWithEnv(_ c: Closure, _ fp: UnsafeMutablePointer<Value>, _ range: SourceRange) throws(Unwind) -> Value {
        let p = c.proto
        let e = Env(parent: c.env, size: p.envSize)
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
            fp[i] = try d.eval(Frame(fp: fp, env: c.env, rt: self))
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
