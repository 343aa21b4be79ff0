import NNSyntax
import Synchronization

/// The evaluation state of one interpreter: the value stack that holds the
/// local variables of active calls, the call depth, the globals and the
/// interrupt flag. Owned by an ``Interpreter``; never shared between threads
/// while a script runs.
final class Runtime {
    /// The value stack: each active call's locals are a window of it.
    let stack: UnsafeMutablePointer<Value>
    /// One past the last slot of `stack`.
    let stackEnd: UnsafeMutablePointer<Value>
    /// The first free slot and the number of active nn calls, behind a
    /// pointer so the call path needs no dynamic exclusivity checks.
    let regs: UnsafeMutablePointer<Registers>
    struct Registers {
        var sp: UnsafeMutablePointer<Value>
        var depth: Int
        var returned: Value
        var callSite: SourceRange
    }
    var sp: UnsafeMutablePointer<Value> {
        @inline(__always) get { regs.pointee.sp }
        @inline(__always) set { regs.pointee.sp = newValue }
    }
    var depth: Int {
        @inline(__always) get { regs.pointee.depth }
        @inline(__always) set { regs.pointee.depth = newValue }
    }
    /// The value of the `return` being unwound (see ``Unwind/returnValue``).
    var returned: Value {
        @inline(__always) get { regs.pointee.returned }
        @inline(__always) set { regs.pointee.returned = newValue }
    }

    /// Takes the value of the `return` being unwound, leaving nil.
    func takeReturned() -> Value {
        let v = regs.pointee.returned
        regs.pointee.returned = .nil
        return v
    }
    /// The deepest allowed nesting of nn calls.
    let maxDepth: Int
    /// The bounds of the native stack the guard was last set up for
    /// (see ``guardNativeStack()``), to skip asking again on the same thread.
    var guardedStack: NativeStack.Bounds?
    /// The innermost builtin call (for errors raised from callbacks).
    var callSite: SourceRange {
        @inline(__always) get { regs.pointee.callSite }
        @inline(__always) set { regs.pointee.callSite = newValue }
    }
    /// Global variables by name.
    var globals: [String: GlobalCell] = [:]
    /// Set from any thread to stop the running script.
    let interrupt: InterruptFlag
    /// The interpreter that owns this runtime (for builtins).
    unowned(unsafe) var interpreter: Interpreter!

    init(stackSlots: Int, maxDepth: Int, interrupt: InterruptFlag) {
        stack = UnsafeMutablePointer<Value>.allocate(capacity: stackSlots)
        stackEnd = stack + stackSlots
        regs = .allocate(capacity: 1)
        regs.initialize(to: Registers(sp: stack, depth: 0, returned: .nil, callSite: .none))
        self.maxDepth = maxDepth
        self.interrupt = interrupt
    }

    deinit {
        let used = sp - stack
        if used > 0 { stack.deinitialize(count: used) }
        stack.deallocate()
        regs.deinitialize(count: 1)
        regs.deallocate()
    }

    /// The cell of global `name`, created undefined when absent.
    func cell(_ name: String) -> GlobalCell {
        if let c = globals[name] { return c }
        let c = GlobalCell(name: name)
        globals[name] = c
        return c
    }

    /// The names of every defined global.
    var definedGlobalNames: [String] { globals.values.filter(\.isDefined).map(\.name) }

    @inline(__always)
    func checkInterrupt(_ range: SourceRange) throws(Unwind) {
        if interrupt.isSet { throw interrupted(range) }
    }

    /// Takes the pending interrupt: clears the flag, returns the `interrupted` error.
    @inline(never)
    func interrupted(_ range: SourceRange) -> Unwind {
        interrupt.clear()
        return .error(ScriptError("interrupted", at: range, kind: .interrupted))
    }
}

/// One global variable. Compiled code holds the cell directly, so reading a
/// global costs no lookup by name.
///
/// Calling the function a global holds is the commonest call, so the cell
/// also keeps that function unretained (``function``) and counts the calls
/// running through it (``pin()``/``unpin()``): while any run, a replaced
/// value is parked rather than released, so a function that reassigns its
/// own name finishes safely. That spares an atomic retain and release per call.
final class GlobalCell {
    let name: String
    /// The state lives behind a pointer so the evaluator's reads and writes
    /// need no dynamic exclusivity checks.
    private let state: UnsafeMutablePointer<State>

    private struct State {
        var value: Value = .nil
        var isDefined = false
        var function: Unmanaged<Closure>?
        var pins = 0
        var parked: [Value] = []
    }

    init(name: String) {
        self.name = name
        state = .allocate(capacity: 1)
        state.initialize(to: State())
    }

    deinit {
        state.deinitialize(count: 1)
        state.deallocate()
    }

    var value: Value {
        @inline(__always) get { state.pointee.value }
        set {
            if state.pointee.pins > 0 { state.pointee.parked.append(state.pointee.value) }
            if case .function(let c) = newValue {
                state.pointee.function = .passUnretained(c)
            } else {
                state.pointee.function = nil
            }
            state.pointee.value = newValue
        }
    }

    var isDefined: Bool {
        @inline(__always) get { state.pointee.isDefined }
        @inline(__always) set { state.pointee.isDefined = newValue }
    }

    /// The nn function the global holds, not retained: valid while pinned.
    var function: Unmanaged<Closure>? {
        @inline(__always) get { state.pointee.function }
    }

    /// Marks a call through ``function`` as running.
    @inline(__always)
    func pin() { state.pointee.pins += 1 }

    /// Ends a call through ``function``; the last one out releases any
    /// values replaced meanwhile.
    @inline(__always)
    func unpin() {
        state.pointee.pins -= 1
        if state.pointee.pins == 0, !state.pointee.parked.isEmpty { state.pointee.parked.removeAll() }
    }
}

/// A compiled function: parameters, frame layout and body.
final class FunctionProto {
    let name: String
    let paramNames: [String]
    /// `paramNames.count`, read on every call.
    let paramCount: Int
    /// Default-value expressions (nil: required), evaluated at call time in
    /// the scope where the function is written.
    let defaults: [Node?]
    /// Stack slots of the frame (parameters first).
    let frameSize: Int
    /// Size of the heap environment made at entry (0: none).
    let envSize: Int
    /// Parameters that live in the environment: (parameter index, env slot).
    let envParams: [(Int, Int)]
    /// The body.
    let body: Node
    /// The body for the call path, evaluated without a retain/release.
    let bodyRef: Unmanaged<Node>
    /// The whole function.
    let range: SourceRange

    init(name: String, paramNames: [String], defaults: [Node?], frameSize: Int, envSize: Int,
         envParams: [(Int, Int)], body: Node, range: SourceRange) {
        self.name = name
        self.paramNames = paramNames
        self.paramCount = paramNames.count
        self.defaults = defaults
        self.frameSize = frameSize
        self.envSize = envSize
        self.envParams = envParams
        self.body = body
        self.bodyRef = Unmanaged.passUnretained(body)
        self.range = range
    }
}

/// Where the compiled code runs: the frame's first stack slot and the
/// innermost heap environment.
struct Frame {
    let fp: UnsafeMutablePointer<Value>
    /// Not owned: whoever makes a frame keeps its environment alive while the
    /// frame is in use (a call's closure holds it; a fresh scope's is held by
    /// a local). Owning it would cost a retain and release on every call.
    /// (An `Unmanaged` rather than `unowned(unsafe)`: reading the latter
    /// retains, and Swift 6.3 at -Onone builds `Optional<Frame>` wrongly with it.)
    let envRef: Unmanaged<Env>?

    @inline(__always)
    init(fp: UnsafeMutablePointer<Value>, env: Env?) {
        self.fp = fp
        envRef = env.map { .passUnretained($0) }
    }

    @inline(__always)
    init(fp: UnsafeMutablePointer<Value>, envRef: Unmanaged<Env>?) {
        self.fp = fp
        self.envRef = envRef
    }

    /// The environment, retained (to capture it or make a child scope).
    var env: Env? { envRef?.takeUnretainedValue() }

    /// The slots of the environment `depth` scopes out, reached without
    /// retaining any environment on the way.
    @inline(__always)
    func envSlots(_ depth: Int) -> UnsafeMutablePointer<Value> {
        var e = envRef.unsafelyUnwrapped
        var d = depth
        while d > 0 {
            e = e._withUnsafeGuaranteedRef { Unmanaged.passUnretained($0.parent.unsafelyUnwrapped) }
            d -= 1
        }
        return e._withUnsafeGuaranteedRef { $0.slots }
    }
}
