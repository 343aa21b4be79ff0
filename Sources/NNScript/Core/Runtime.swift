import NNSyntax

/// The evaluation state of one interpreter: the value stack that holds the
/// local variables of active calls, the call depth, the globals, the
/// interrupt flag and the script heap. Owned by its ``Interpreter`` (and by
/// nothing else: compiled code never holds a runtime); never shared between
/// threads while a script runs.
///
/// The state the evaluator touches on every call lives in ``Registers``,
/// behind one pointer that every ``Frame`` carries (``RuntimeRef``), so the
/// call path reaches it with no reference counting and no dynamic
/// exclusivity check. Code runs on the runtime of whoever calls it: a
/// function made by one interpreter and called from another runs on the
/// caller's stack, prints to the caller's output and returns through the
/// caller's registers.
final class Runtime {
    /// The registers of the evaluator (see ``RuntimeRef``).
    let regs: UnsafeMutablePointer<Registers>
    /// The value stack: each active call's locals are a window of it.
    let stack: UnsafeMutablePointer<Value>
    /// Global variables by name.
    var globals: [String: GlobalCell] = [:]
    /// Set from any thread to stop the running script.
    let interrupt: InterruptFlag
    /// The interpreter that owns this runtime (for builtins).
    ///
    /// Unretained: the interpreter owns the runtime, only the interpreter's
    /// own entry points start evaluation on it, and compiled code holds no
    /// runtime, so the interpreter is alive whenever this is read.
    unowned(unsafe) var interpreter: Interpreter!
    /// The bounds of the native stack the guard was last set up for
    /// (see ``guardNativeStack()``), to skip asking again on the same thread.
    var guardedStack: NativeStack.Bounds?
    /// The lists, records, environments, closures, prototypes and cells
    /// made while this runtime evaluates (see ``Heap``).
    let heap: Heap

    struct Registers {
        /// The first free slot of the value stack.
        var sp: UnsafeMutablePointer<Value>
        /// The number of active nn calls.
        var depth: Int
        /// The value of the `return` being unwound (see ``Unwind/returnValue``).
        var returned: Value
        /// The innermost builtin call (for errors raised from callbacks).
        var callSite: SourceRange
        /// One past the last slot of the value stack.
        let stackEnd: UnsafeMutablePointer<Value>
        /// The deepest allowed nesting of nn calls.
        let maxDepth: Int
        /// Steps (loop iterations and nn calls) the run may still take while
        /// a step budget is counted (``InterruptFlag/isCounting``).
        var stepsLeft: Int
        /// The runtime's interrupt flag (owned by the runtime).
        let interrupt: Unmanaged<InterruptFlag>
        /// The runtime these registers belong to (it owns them).
        let owner: Unmanaged<Runtime>
    }

    init(stackSlots: Int, maxDepth: Int, interrupt: InterruptFlag) {
        stack = UnsafeMutablePointer<Value>.allocate(capacity: stackSlots)
        regs = .allocate(capacity: 1)
        self.interrupt = interrupt
        heap = Heap(interrupt: interrupt)
        regs.initialize(to: Registers(sp: stack, depth: 0, returned: .nil, callSite: .none,
                                      stackEnd: stack + stackSlots, maxDepth: maxDepth, stepsLeft: 0,
                                      interrupt: .passUnretained(interrupt), owner: .passUnretained(self)))
    }

    deinit {
        let used = regs.pointee.sp - stack
        if used > 0 { stack.deinitialize(count: used) }
        stack.deallocate()
        regs.deinitialize(count: 1)
        regs.deallocate()
    }

    /// The handle compiled code runs with.
    var ref: RuntimeRef { RuntimeRef(regs: regs) }

    var sp: UnsafeMutablePointer<Value> {
        get { regs.pointee.sp }
        set { regs.pointee.sp = newValue }
    }
    var depth: Int {
        get { regs.pointee.depth }
        set { regs.pointee.depth = newValue }
    }
    var maxDepth: Int { regs.pointee.maxDepth }
    /// The innermost builtin call (for errors raised from callbacks).
    var callSite: SourceRange {
        get { regs.pointee.callSite }
        set { regs.pointee.callSite = newValue }
    }

    /// Takes the value of the `return` being unwound, leaving nil.
    func takeReturned() -> Value { ref.takeReturned() }

    /// The cell of global `name`, created undefined when absent.
    func cell(_ name: String) -> GlobalCell {
        if let c = globals[name] { return c }
        let c = GlobalCell(name: name, heap: heap)
        globals[name] = c
        return c
    }

    /// The names of every defined global.
    var definedGlobalNames: [String] { globals.values.filter(\.isDefined).map(\.name) }

    /// `; did you mean 'x'?` among globals, builtins and the given local names.
    func suggestion(_ name: String, extra: [String], globalsOnly: Bool = false) -> String {
        var names = extra + definedGlobalNames
        if !globalsOnly { names += interpreter.registry.names }
        return LibraryTypes.methodHint(name) ?? PythonHabits.nameHint(name) ?? Suggest.didYouMean(name, among: names)
    }
}

/// The evaluator's handle on the running runtime: a pointer to its
/// ``Runtime/Registers``, carried by every ``Frame``.
///
/// Valid while its runtime is: compiled code receives it only through the
/// frames of a run, and the run's interpreter owns the runtime.
struct RuntimeRef {
    let regs: UnsafeMutablePointer<Runtime.Registers>

    /// The runtime itself, for the slow paths (builtins, globals, errors).
    var runtime: Runtime { regs.pointee.owner.takeUnretainedValue() }
    /// The interpreter running the code.
    var interpreter: Interpreter { runtime.interpreter }

    var sp: UnsafeMutablePointer<Value> {
        @inline(__always) get { regs.pointee.sp }
        @inline(__always) nonmutating set { regs.pointee.sp = newValue }
    }
    var depth: Int {
        @inline(__always) get { regs.pointee.depth }
        @inline(__always) nonmutating set { regs.pointee.depth = newValue }
    }
    var callSite: SourceRange {
        @inline(__always) get { regs.pointee.callSite }
        @inline(__always) nonmutating set { regs.pointee.callSite = newValue }
    }

    /// The pending interrupt word (see ``InterruptFlag/callGuard``).
    var callGuard: UInt {
        @inline(__always) get { regs.pointee.interrupt._withUnsafeGuaranteedRef { $0.callGuard } }
    }

    /// True while an interrupt or a collection of the heap is pending.
    var needsAttention: Bool {
        @inline(__always) get { regs.pointee.interrupt._withUnsafeGuaranteedRef { $0.needsAttention } }
    }

    /// True while a hard interrupt is pending.
    var interruptPending: Bool { regs.pointee.interrupt._withUnsafeGuaranteedRef { $0.isSet } }

    /// The limit exceeded in this run, if any.
    var exceededLimit: ScriptError.Limit? { regs.pointee.interrupt._withUnsafeGuaranteedRef { $0.exceededLimit } }

    /// Parks the value of a `return` until its call takes it.
    @inline(__always)
    func setReturned(_ v: Value) { regs.pointee.returned = v }

    /// Takes the value of the `return` being unwound, leaving nil.
    @inline(__always)
    func takeReturned() -> Value {
        let v = regs.pointee.returned
        regs.pointee.returned = .nil
        return v
    }

    /// The safe point of loops: collects the heap when it asked, throws
    /// `interrupted` when Ctrl-C is pending, or a limit's error when one
    /// was exceeded, and counts a step against a step budget.
    @inline(__always)
    func checkInterrupt(_ range: SourceRange) throws(Unwind) {
        if needsAttention { try attend(range) }
    }

    /// The short way through a raised word when a step budget alone raised
    /// it and has steps left: counts one and returns true (no call made).
    @inline(__always)
    func tookStep() -> Bool {
        guard regs.pointee.interrupt._withUnsafeGuaranteedRef({ $0.onlyCounting }), regs.pointee.stepsLeft > 0 else {
            return false
        }
        regs.pointee.stepsLeft -= 1
        return true
    }

    /// The slow path of a safe point (a loop iteration or an nn call).
    @inline(never)
    func attend(_ range: SourceRange) throws(Unwind) {
        if tookStep() { return }
        let flag = regs.pointee.interrupt
        if flag._withUnsafeGuaranteedRef({ $0.takeCollectionRequest() }) { runtime.heap.collect() }
        try takePending(range)
        if flag._withUnsafeGuaranteedRef({ $0.isCounting }) {
            try countStep(range)
        } else {
            // Lowers a word a finished run's timer raised late (nothing is pending).
            flag._withUnsafeGuaranteedRef { $0.settle() }
        }
    }

    /// Throws what stops the script here, if anything: a pending interrupt
    /// (taking it) or the limit exceeded in this run (which stays, so
    /// every later safe point stops the script as well).
    @inline(never)
    func takePending(_ range: SourceRange) throws(Unwind) {
        if interruptPending { throw interrupted(range) }
        if let limit = exceededLimit { throw .error(interpreter.limitError(limit, at: range)) }
    }

    /// Counts one step against the run's budget; past it, the `steps`
    /// limit's error.
    @inline(never)
    private func countStep(_ range: SourceRange) throws(Unwind) {
        if regs.pointee.stepsLeft > 0 {
            regs.pointee.stepsLeft -= 1
            return
        }
        regs.pointee.interrupt._withUnsafeGuaranteedRef { $0.exceed(.steps) }
        throw .error(interpreter.limitError(.steps, at: range))
    }

    /// The slow path of a `catch`: an error on its way to a handler does not
    /// get there while an interrupt is pending or a limit was exceeded (the
    /// error may be one the limit caused, from a builtin that reported it as
    /// its own); the interrupt or the limit's error goes on instead.
    @inline(never)
    func refuseCatch(_ error: ScriptError) throws(Unwind) {
        if interruptPending { throw interrupted(error.range ?? .none) }
        if let limit = exceededLimit { throw .error(interpreter.limitError(limit, replacing: error)) }
    }

    /// Takes the pending interrupt: clears the flag, returns the `interrupted` error.
    @inline(never)
    func interrupted(_ range: SourceRange) -> Unwind {
        regs.pointee.interrupt._withUnsafeGuaranteedRef { $0.clear() }
        return .error(ScriptError("interrupted", at: range, kind: .interrupted))
    }
}
