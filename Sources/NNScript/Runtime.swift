import NNSyntax
import Synchronization

/// The evaluation state of one interpreter: the value stack that holds the
/// local variables of active calls, the call depth, the globals and the
/// interrupt flag. Owned by an ``Interpreter``; never shared between threads
/// while a script runs.
final class Runtime {
    /// The value stack: each active call's locals are a window of it.
    let stack: UnsafeMutablePointer<Value>
    /// Slots in `stack`.
    let capacity: Int
    /// One past the last slot of `stack`.
    let stackEnd: UnsafeMutablePointer<Value>
    /// The first free slot and the number of active nn calls, behind a
    /// pointer so the call path needs no dynamic exclusivity checks.
    let regs: UnsafeMutablePointer<Registers>
    struct Registers {
        var sp: UnsafeMutablePointer<Value>
        var depth: Int
        var returned: Value
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
    /// The innermost builtin call (for errors raised from callbacks).
    var callSite: SourceRange = .none
    /// Global variables by name.
    var globals: [String: GlobalCell] = [:]
    /// Set from any thread to stop the running script.
    let interrupt: InterruptFlag
    /// The interpreter that owns this runtime (for builtins).
    unowned(unsafe) var interpreter: Interpreter!

    init(stackSlots: Int, maxDepth: Int, interrupt: InterruptFlag) {
        capacity = stackSlots
        stack = UnsafeMutablePointer<Value>.allocate(capacity: stackSlots)
        stackEnd = stack + stackSlots
        regs = .allocate(capacity: 1)
        regs.initialize(to: Registers(sp: stack, depth: 0, returned: .nil))
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
        if interrupt.isSet {
            interrupt.clear()
            throw .error(ScriptError("interrupted", at: range, kind: .interrupted))
        }
    }
}

/// A thread-safe flag set by `Interpreter.interrupt()` (e.g. from a SIGINT handler).
final class InterruptFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .relaxed) }
    func set() { flag.store(true, ordering: .relaxed) }
    func clear() { flag.store(false, ordering: .relaxed) }
}

/// One global variable. Compiled code holds the cell directly, so reading a
/// global costs no lookup by name.
final class GlobalCell {
    let name: String
    /// The value lives behind a pointer so the evaluator's reads and writes
    /// need no dynamic exclusivity checks.
    let storage: UnsafeMutablePointer<Value>
    let definedFlag: UnsafeMutablePointer<Bool>

    init(name: String) {
        self.name = name
        storage = .allocate(capacity: 1)
        storage.initialize(to: .nil)
        definedFlag = .allocate(capacity: 1)
        definedFlag.initialize(to: false)
    }

    deinit {
        storage.deinitialize(count: 1)
        storage.deallocate()
        definedFlag.deallocate()
    }

    var value: Value {
        @inline(__always) get { storage.pointee }
        @inline(__always) set { storage.pointee = newValue }
    }

    var isDefined: Bool {
        @inline(__always) get { definedFlag.pointee }
        @inline(__always) set { definedFlag.pointee = newValue }
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
    /// (Do not wrap a `Frame` in an Optional: Swift 6.3 at -Onone builds
    /// `Optional<Frame>` wrongly with this field, e.g. from `opt.map { ... } ?? f`.)
    unowned(unsafe) let env: Env?
}
