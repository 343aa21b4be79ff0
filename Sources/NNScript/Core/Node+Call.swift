import NNSyntax

/// What a call reads from the function it calls, read once and held
/// without retaining anything: whoever makes one keeps the closure alive
/// until the call ends (by holding it, or by pinning the global that holds
/// it), and the closure keeps its prototype and environment.
struct CallTarget {
    let function: Unmanaged<Closure>
    let layout: FrameLayout
    let body: Unmanaged<Node>
    let env: Unmanaged<Env>?

    @inline(__always)
    init(_ function: Unmanaged<Closure>) {
        self.function = function
        (layout, body, env) = function._withUnsafeGuaranteedRef { c in
            unowned(unsafe) let p = c.proto
            return (p.layout, p.body.unretained, c.env.map { Unmanaged.passUnretained($0) })
        }
    }

    @inline(__always)
    init(_ c: Closure) { self.init(.passUnretained(c)) }

    /// The closure, retained: for the slow paths.
    var closure: Closure { function.takeUnretainedValue() }
}

/// The compiled arguments of a call, as the compiler collects them.
struct CallArguments {
    /// The positional arguments.
    var positional: [Node] = []
    /// The named arguments and their labels.
    var labels: [String] = []
    var named: [Node] = []
}

/// A call: `callee(args)`.
class CallNode: Node {
    let callee: Child
    /// The positional arguments.
    let args: Children
    /// The named arguments and their labels.
    let named: Children
    let labels: [String]
    let hasNamed: Bool
    init(callee: Node, _ arguments: CallArguments, range: SourceRange) {
        self.callee = Child(callee)
        args = Children(arguments.positional)
        named = Children(arguments.named)
        labels = arguments.labels
        hasNamed = !arguments.named.isEmpty
        super.init(range: range)
    }

    override func eval(_ f: Frame) throws(Unwind) -> Value {
        let c = try callee.eval(f)
        if case .function(let clo) = c {
            // The call target does not own the closure: `clo` must outlive the call.
            defer { extendLifetime(clo) }
            return try f.rt.invoke(CallTarget(clo), self, caller: f, range: range)
        }
        return try f.rt.call(c, evaluateArguments(f), range: range)
    }

    @inline(__always)
    func evaluateArguments(_ f: Frame, receiver: Value? = nil) throws(Unwind) -> Arguments {
        var pos: [Value] = []
        pos.reserveCapacity(args.count + 1)
        if let receiver { pos.append(receiver) }
        for i in 0..<args.count { pos.append(try args.eval(i, f)) }
        var nv: [(label: String, value: Value)] = []
        for i in 0..<named.count { nv.append((labels[i], try named.eval(i, f))) }
        return Arguments(pos, named: nv)
    }
}

/// A call of a global by name, `f(args)`: the commonest call. The closure is
/// read from the global's cell in place rather than copied out as a value.
final class GlobalCallNode: CallNode {
    let cell: CellRef
    init(callee: GlobalGet, _ arguments: CallArguments, range: SourceRange) {
        cell = callee.cell
        super.init(callee: callee, arguments, range: range)
    }

    override func eval(_ f: Frame) throws(Unwind) -> Value {
        guard let function = cell.function else { return try super.eval(f) }
        // The pin keeps the function alive (unretained) for the call, even if
        // it reassigns the global meanwhile.
        cell.pin()
        defer { cell.unpin() }
        return try f.rt.invoke(CallTarget(function), self, caller: f, range: range)
    }
}

/// A call of a builtin by name, `abs(x)`: the builtin is known when the
/// call is compiled (the callee node holds it).
final class BuiltinCallNode: CallNode {
    let builtin: Builtin
    init(builtin: Builtin, callee: Node, _ arguments: CallArguments, range: SourceRange) {
        self.builtin = builtin
        super.init(callee: callee, arguments, range: range)
    }

    override func eval(_ f: Frame) throws(Unwind) -> Value {
        if !hasNamed {
            if args.count == 1, let quick = builtin.quick1 {
                let x = try args.eval(0, f)
                if let v = quick(x) { return v }
                return try f.rt.callBuiltin(builtin, Arguments([x]), range: range)
            }
            if args.count == 2, let quick = builtin.quick2 {
                let x = try args.eval(0, f), y = try args.eval(1, f)
                if let v = quick(x, y) { return v }
                return try f.rt.callBuiltin(builtin, Arguments([x, y]), range: range)
            }
        }
        return try f.rt.callBuiltin(builtin, evaluateArguments(f), range: range)
    }
}

/// A method call `base.name(args)`: a record field or object member that is
/// callable, else the builtin `name` with `base` as its first argument.
final class MethodCallNode: MemberAccessNode {
    let call: CallNode
    let builtin: Builtin?
    init(base: Node, name: String, call: CallNode, builtin: Builtin?, range: SourceRange) {
        self.call = call
        self.builtin = builtin
        super.init(base: base, name: name, range: range)
    }

    override func eval(_ f: Frame) throws(Unwind) -> Value {
        let recv = try base.eval(f)
        switch recv {
        case .record(let r):
            if let v = r[name] {
                if case .function(let clo) = v {
                    defer { extendLifetime(clo) }  // the record may drop it during the call
                    return try f.rt.invoke(CallTarget(clo), call, caller: f, range: range)
                }
                return try f.rt.call(v, call.evaluateArguments(f), range: range)
            }
        case .object(let o):
            // A method from the object's table runs on the object with no
            // function value made; else a callable member; else the builtin.
            let arguments = try call.evaluateArguments(f)
            let rt = f.rt
            let saved = rt.callSite
            rt.callSite = range
            let answer: Value?
            do { answer = try o.callMethod(name, arguments, in: rt.interpreter) } catch {
                rt.callSite = saved
                throw Unwind.wrap(error, range)
            }
            rt.callSite = saved
            if let answer { return answer }
            let m: Value?
            do { m = try o.member(name, in: rt.interpreter) } catch { throw Unwind.wrap(error, range) }
            if let m { return try rt.call(m, arguments, range: range) }
            guard let builtin else { throw .fail("\(recv.typeName) has no method '\(name)'", range) }
            return try rt.callBuiltin(builtin, Arguments([recv] + arguments.positional, named: arguments.named), range: range)
        default:
            break
        }
        guard let builtin else {
            if case .record(let r) = recv {
                throw .fail("record has no field '\(name)'" + Suggest.didYouMean(name, among: r.keys), range)
            }
            throw .fail("\(recv.typeName) has no method '\(name)'", range)
        }
        return try f.rt.callBuiltin(builtin, call.evaluateArguments(f, receiver: recv), range: range)
    }
}
