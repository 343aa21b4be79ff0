import NNFiles
import NNSyntax
import NNTensor

/// Which files scripts may read and write (``Interpreter/Options/filePolicy``).
public typealias FilePolicy = NNFiles.FilePolicy
/// Reading or writing a file.
public typealias FileAccess = NNFiles.FileAccess

/// A syntax or static error: the parser's (or compiler's) diagnostics.
public struct SyntaxError: Error, Sendable, CustomStringConvertible {
    /// Every error found, in source order.
    public var diagnostics: [Diagnostic]
    /// True when the input only ended too early (a REPL reads another line).
    public var isIncomplete: Bool
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// The embeddable nn interpreter.
///
/// ```swift
/// var out = ""
/// let nn = Interpreter(options: .init(output: { out += $0 }))
/// try nn.run(source: "let x = 2 ** 10\nprint(x)", name: "demo.nn")
/// nn["x"]                          // .number(1024)
/// try nn.get("x", as: Int.self)    // 1024 (see ValueConvertible)
/// ```
/// Each interpreter owns all its state (globals, random generator, output
/// sinks, interrupt flag, limits), so several can coexist. Scripts run on a
/// thread with a large stack; deep recursion ends in a clean `stack overflow`
/// error.
///
/// ## Threads
///
/// - An interpreter is used by **one thread at a time**: ``run(source:name:)``,
///   ``evaluate(_:name:)``, ``call(_:_:named:)-(Value,_,_)``, the subscript and
///   ``register(_:)-(Builtin)`` must not overlap (a host that shares one interpreter
///   between threads serializes them, e.g. behind a lock or an actor). Which
///   thread it is may change from one call to the next.
/// - **Any number of interpreters run at once** on different threads: each
///   has its own globals, heap, random generator, grad mode and tensor
///   account; they share only immutable tables and the process's BLAS.
/// - ``interrupt()`` may be called **from any thread, at any moment**: it is
///   an atomic store that the running script notices at its next loop
///   iteration, nn call, `catch`, or step of a long builtin.
/// - Values (lists, records, functions, tensors) are not thread-safe: hand
///   one from an interpreter to another only when the two never run at the
///   same time. A function made by one and called by another runs on the
///   caller.
///
/// ## Limits
///
/// ``Options/limits`` bounds each run: wall-clock time, steps, tensor
/// memory alive, output bytes (see ``Limits``). Going past one ends the run
/// with a ``ScriptError`` of kind ``ScriptError/Kind/limit(_:)``, which the
/// script cannot catch and the host can; the interpreter stays usable.
public final class Interpreter {
    /// How an interpreter is set up.
    public struct Options {
        /// Receives everything `print` writes (each call's text ends in a newline).
        /// A sink that cannot write throws: the error stops the script at the
        /// `print` (or `help`, `show`, ...) that wrote, as any runtime error.
        public var output: (String) throws -> Void
        /// Receives warnings and diagnostics a script writes to the error stream.
        public var errorOutput: (String) -> Void
        /// The seed of the interpreter's random generator.
        public var seed: UInt64
        /// The deepest nesting of nn calls before `stack overflow`.
        public var maxCallDepth: Int
        /// Bytes of native stack for the evaluation thread. When the system
        /// refuses that much, a quarter is tried, and so on (with a warning
        /// on `errorOutput`); every call checks the stack left, so deep
        /// recursion ends in `stack overflow` whatever the size.
        public var stackSize: Int
        /// Allows `let` to redeclare a global (for REPL sessions).
        public var allowsRedeclaration: Bool
        /// Script arguments, visible to scripts as `args`.
        public var arguments: [String]
        /// Loads the stdlib written in nn at start-up.
        public var loadsStdlib: Bool
        /// Called on the interpreter's thread when an interrupt was taken
        /// softly: `fit` ended training early and returned its history, and
        /// the script goes on. A host that counts Ctrl-C presses (a second
        /// press while one is pending exits) should forget the first here.
        public var interruptTaken: () -> Void
        /// Which files scripts may read and write: `.none` by
        /// default, so a script an embedding program runs touches no file
        /// unless the program grants it (`.roots(read: ["data"], write:
        /// ["out"])`, or `.unrestricted` as the `nn` command has without
        /// `--sandbox`). Every builtin that reads or writes a file by name
        /// asks it first (see `docs/sandbox.md`).
        public var filePolicy: FilePolicy
        /// How a refused access can be granted: the end of the refusal
        /// message (`reading 'x.csv' is not allowed (the script may read
        /// only under /data; ADVICE)`). The `nn` command says which flag.
        public var filePolicyAdvice: @Sendable (FileAccess) -> String
        /// The builtins scripts can call: ``BuiltinSet/standard`` (all), or
        /// only those of chosen areas. ``Interpreter/unregister(_:)`` removes
        /// one more, ``Interpreter/register(_:)-(Builtin)`` adds or replaces one.
        public var builtins: BuiltinSet
        /// A notebook front end's rich output (nil: terminal text only). When
        /// set, pictures drawn without `file:` and `fit`'s progress go here
        /// as ``DisplayOutput``s instead of to ``output`` and ``errorOutput``
        /// (see ``DisplayOutput``). A hook that cannot show throws: the error
        /// stops the script at the call that drew, as a failing ``output`` does.
        public var display: ((DisplayOutput) throws -> Void)?
        /// Bounds on each run: time, steps, tensor memory, output (none by
        /// default; see ``Limits``). Going past one ends the run with a
        /// ``ScriptError`` of kind ``ScriptError/Kind/limit(_:)``.
        public var limits = Limits()
        /// How a script can be given more of a limit: the end of each
        /// limit's message (`...; make it do less, or ADVICE`). By default
        /// ``Interpreter/hostLimitAdvice`` (`ask the host for more time`);
        /// the `nn` command names its flag (`run nn with a larger --timeout`).
        public var limitAdvice: @Sendable (ScriptError.Limit) -> String = Interpreter.hostLimitAdvice

        public init(
            output: @escaping (String) throws -> Void = { print($0, terminator: "") },
            errorOutput: @escaping (String) -> Void = { print($0, terminator: "") },
            seed: UInt64 = 0, maxCallDepth: Int = 20_000, stackSize: Int = 512 << 20,
            allowsRedeclaration: Bool = false, arguments: [String] = [], loadsStdlib: Bool = true,
            interruptTaken: @escaping () -> Void = {},
            filePolicy: FilePolicy = .none,
            filePolicyAdvice: @escaping @Sendable (FileAccess) -> String = Interpreter.hostFileAdvice,
            builtins: BuiltinSet = .standard,
            display: ((DisplayOutput) throws -> Void)? = nil
        ) {
            self.output = output
            self.errorOutput = errorOutput
            self.seed = seed
            self.maxCallDepth = maxCallDepth
            self.stackSize = stackSize
            self.allowsRedeclaration = allowsRedeclaration
            self.arguments = arguments
            self.loadsStdlib = loadsStdlib
            self.interruptTaken = interruptTaken
            self.filePolicy = filePolicy
            self.filePolicyAdvice = filePolicyAdvice
            self.builtins = builtins
            self.display = display
        }
    }

    /// The options this interpreter was made with.
    public let options: Options
    /// The builtins registry (add your own with ``register(_:)-(Builtin)``).
    public let registry: Registry
    /// The file gate every file builtin asks (``Options/filePolicy``).
    public let fileGate: FileGate
    /// Every source file run so far, for rendering errors.
    public private(set) var sources = SourceMap()
    /// The interpreter's random generator (`seed(n)` resets it).
    public var rng: RandomGenerator
    let rt: Runtime
    private var running = false
    /// True once the evaluation thread's stack shortfall was reported.
    var warnedStack = false
    /// True once an interrupt was taken softly in the current top-level run
    /// (see ``softStoppable(_:stoppedEarly:)``); later ones are hard.
    var softStopUsed = false
    /// `## ` doc comments of the functions declared in code run so far, by name.
    var functionDocs: [String: String] = [:]
    /// The documentation of the host's object types (registered with `register(_ type:)`), for `help`.
    var hostTypes: [ObjectTypeDoc] = []
    /// The stdlib's documented functions that this interpreter defines, in
    /// source order (for `help()`).
    var stdlibFunctions: [String] {
        options.loadsStdlib ? Stdlib.documentedNames.filter { unavailableStdlib[$0] == nil } : []
    }

    /// The `## ` doc comment of the nn function `name`: one declared by code
    /// run so far, else the stdlib's (read once per process, when first asked).
    func functionDoc(_ name: String) -> String? {
        if let doc = functionDocs[name] { return doc }
        guard options.loadsStdlib, unavailableStdlib[name] == nil else { return nil }
        return Stdlib.docs[name]
    }
    /// The stdlib functions left undefined because builtins they use are
    /// not in the registry (``Options/builtins``, ``unregister(_:)``), each
    /// with the names it lacks: `["timed": ["clock"]]`.
    public internal(set) var unavailableStdlib: [String: [String]] = [:]
    /// The value each stdlib function was defined with (to tell it from one a script gave).
    var stdlibValues: [String: Value] = [:]
    /// What the library builtins remember between calls (the last figure drawn).
    let libraryState = LibraryState()
    /// Display ids handed out so far (``newDisplayID()``).
    var displayCount = 0
    /// The state of ``Options/limits``.
    let limiter: Limiter

    public init(options: Options = Options()) {
        let interrupt = InterruptFlag()
        let limiter = Limiter(options.limits, advice: options.limitAdvice, flag: interrupt)
        self.limiter = limiter
        self.options = limiter.bounding(options, flag: interrupt)
        self.registry = Registry(options.builtins)
        self.fileGate = FileGate(options.filePolicy, advice: options.filePolicyAdvice)
        self.rng = RandomGenerator(seed: options.seed)
        // The value stack: 8 slots a call, for at most 2^20 nested calls (a
        // larger `maxCallDepth` ends in "stack overflow" at the value stack,
        // never in an overflowing size or a 2^60-slot allocation).
        let depth = min(max(options.maxCallDepth, 0), 1 << 20)
        self.rt = Runtime(stackSlots: max(1 << 16, depth * 8), maxDepth: options.maxCallDepth,
                          interrupt: interrupt)
        rt.interpreter = self
        let argv = rt.cell("args")
        argv.value = .list(options.arguments.map { .string($0) })
        argv.isDefined = true
        if options.loadsStdlib { loadStdlib() }
        limiter.enabled = true
    }

    deinit {
        // The globals go; what they alone kept, cycles included, is freed now.
        // Whatever a host still holds (a function value it copied out) stays
        // valid: compiled code holds no runtime, and it moves to a detached
        // heap that frees its cycles when the host lets go (Heap+Detached.swift).
        rt.globals = [:]
        rt.heap.collect()
        rt.heap.detachSurvivors()
    }

    /// Adds a Swift function callable from nn (replacing any builtin of that
    /// name). Code compiled from now on calls it; a stdlib function that
    /// uses the name is compiled again to call it too.
    public func register(_ builtin: Builtin) {
        registry.register(builtin)
        refreshStdlib(after: builtin.name)
    }

    /// Removes the builtin `name`, so scripts compiled from now on find no
    /// such name (calling it is the ordinary `undefined name` error), and
    /// undefines the stdlib functions that use it (unless a script has
    /// given them a value of its own). Functions compiled before keep the
    /// builtin they were compiled with: remove builtins before running
    /// scripts. Returns the builtin removed, or nil when there was none.
    @discardableResult
    public func unregister(_ name: String) -> Builtin? {
        let removed = registry.unregister(name)
        if removed != nil { refreshStdlib(after: name) }
        return removed
    }

    /// Stops the running script at its next loop iteration, nn call or step
    /// of a long builtin with an `interrupted` error (a script that finishes
    /// first ends with that error too). Safe to call from any thread, while
    /// another thread runs a script on this interpreter, or from a
    /// signal-watching thread (not from inside a signal handler: use an
    /// async-signal-safe flag there, as the nn command does).
    public func interrupt() { rt.interrupt.set() }

    /// A global variable's value (nil when undefined); setting defines it.
    public subscript(name: String) -> Value? {
        get {
            guard let c = rt.globals[name], c.isDefined else { return nil }
            return c.value
        }
        set {
            let c = rt.cell(name)
            if let newValue {
                c.value = newValue
                c.isDefined = true
            } else {
                c.value = .nil
                c.isDefined = false
            }
        }
    }

    /// Parses, resolves and runs `source`; returns the value of its last
    /// expression statement (nil when it ends with `;` or a non-expression).
    ///
    /// Throws ``SyntaxError`` for syntax and static errors and ``ScriptError``
    /// for runtime errors.
    @discardableResult
    public func run(source: String, name: String = "<input>") throws -> Value {
        try run(sources.add(name: name, text: source))
    }

    /// Parses, resolves and runs source bytes as read from a file, as
    /// ``run(source:name:)``. The bytes are not decoded first: a byte that is
    /// not UTF-8 is a ``SyntaxError`` at its line and column, and a leading
    /// UTF-8 byte-order mark is skipped.
    @discardableResult
    public func run(bytes: [UInt8], name: String = "<input>") throws -> Value {
        try run(sources.add(name: name, bytes: bytes))
    }

    /// Runs `file`; with `scanDocs`, first records its `## ` doc comments
    /// (the stdlib's are read from ``Stdlib/docs`` when asked, not at start-up).
    func run(_ file: SourceFile, scanDocs: Bool = true) throws -> Value {
        try run(Parser.parse(file), of: file, scanDocs: scanDocs)
    }

    /// Adds stdlib text to ``sources`` and parses it, for
    /// ``run(_:of:scanDocs:)`` and the stdlib loader's function names.
    func parseStdlib(_ text: String, name: String) -> (SourceFile, ParseResult) {
        let file = sources.add(name: name, text: text)
        return (file, Parser.parse(file))
    }

    /// ``run(_:scanDocs:)`` of a file already parsed (the stdlib's loader
    /// reads its function names from the same parse).
    @discardableResult
    func run(_ parsed: ParseResult, of file: SourceFile, scanDocs: Bool) throws -> Value {
        guard parsed.succeeded else {
            throw SyntaxError(diagnostics: parsed.diagnostics.filter { $0.severity == .error },
                              isIncomplete: parsed.isIncomplete)
        }
        if scanDocs, file.bytes.contains(UInt8(ascii: "#")) {
            let source = file.text
            if source.contains("##") {
                for (fn, text) in DocComments.scan(source) { functionDocs[fn] = text }
            }
        }
        return try execute(parsed.program)
    }

    /// Evaluates one expression and returns its value.
    public func evaluate(_ expression: String, name: String = "<expr>") throws -> Value {
        let file = sources.add(name: name, text: expression)
        let (expr, diagnostics) = Parser.parseExpression(file)
        guard let expr else { throw SyntaxError(diagnostics: diagnostics, isIncomplete: false) }
        let program = Program(statements: [Stmt(.expression(expr), range: expr.range)], endsWithSemicolon: false,
                              file: file.id)
        return try execute(program)
    }

    /// Compiles and runs a parsed program on the large-stack thread (both
    /// walk the tree recursively, so both need its stack).
    private func execute(_ program: Program) throws -> Value {
        let result: Result<Value, Unwind>
        if running {
            result = try Heap.withCurrent(rt.heap) { () throws(SyntaxError) in try compileAndRun(program) }
        } else {
            running = true
            softStopUsed = false
            defer { running = false }
            result = try LargeStack.run(stackSize: options.stackSize) { [self] shortfall in
                let bounds = rt.guardNativeStack()
                if let shortfall { warn(shortfall, bounds) }
                // One step more than the budget: the script's own frame is a call.
                return takingLateInterrupt(withLimits(extraSteps: 1) {
                    Result { () throws(SyntaxError) in
                        try Heap.withCurrent(rt.heap) { () throws(SyntaxError) in try compileAndRun(program) }
                    }
                })
            }.get()
        }
        switch result {
        case .success(let v): return v
        case .failure(let u):
            switch u {
            case .error(let e): throw e
            case .returnValue: return rt.takeReturned()
            case .breakLoop, .continueLoop: throw ScriptError("'break' or 'continue' outside a loop")
            }
        }
    }

    /// Compiles `program` (throwing its static errors) and runs it on this thread.
    private func compileAndRun(_ program: Program) throws(SyntaxError) -> Result<Value, Unwind> {
        let compiler = Compiler(rt: rt, registry: registry, allowGlobalRedeclaration: options.allowsRedeclaration)
        let (body, frameSize, owner) = compiler.compile(program)
        guard compiler.diagnostics.isEmpty else {
            throw SyntaxError(diagnostics: compiler.diagnostics, isIncomplete: false)
        }
        let rt = rt.ref
        return Result { () throws(Unwind) -> Value in
            // The owner holds the cells and prototypes the body points at.
            defer { extendLifetime(owner) }
            let fp = try rt.pushFrame(frameSize, "<script>", body.range)
            defer { rt.popFrame(fp, frameSize) }
            return try body.eval(Frame(fp: fp, env: nil, rt: rt))
        }
    }

    /// Calls a function value (nn function, builtin or callable object) from Swift.
    public func call(_ function: Value, _ arguments: [Value], named: [(label: String, value: Value)] = []) throws -> Value {
        if !running { rt.guardNativeStack() }  // on the caller's thread
        let outcome = withLimits { () -> Result<Result<Value, Unwind>, Never> in
            .success(Heap.withCurrent(rt.heap) { Result { () throws(Unwind) in
                try rt.ref.call(function, Arguments(arguments, named: named), range: rt.callSite)
            } })
        }
        switch outcome {
        case .success(.success(let v)): return v
        case .success(.failure(let error)):
            switch error {
            case .error(let e): throw e
            case .returnValue: return rt.takeReturned()
            default: throw ScriptError("'break' or 'continue' outside a loop", at: rt.callSite)
            }
        }
    }

    /// Renders any error this interpreter threw, with source snippets.
    public func render(_ error: any Error, color: Bool = false) -> String {
        switch error {
        case let e as SyntaxError: return e.diagnostics.map { $0.rendered(in: sources, color: color) }.joined(separator: "\n")
        case let e as ScriptError: return e.rendered(in: sources, color: color)
        default: return "error: \(error)"
        }
    }

    /// Writes to the print output; throws what the output sink throws, or
    /// the output limit's error (writing nothing) when a run's output would
    /// go past ``Limits/outputBytes``.
    public func write(_ text: String) throws {
        try chargeOutput(text)
        try options.output(text)
    }

    /// Names for completion: builtins, globals and keywords starting with `prefix`, sorted.
    public func completions(prefix: String) -> [String] {
        let keywords = ["let", "fn", "if", "else", "for", "in", "while", "break", "continue", "return",
                        "try", "catch", "true", "false", "nil", "and", "or", "not"]
        let names = Set(registry.names + rt.definedGlobalNames + keywords)
        return names.filter { $0.hasPrefix(prefix) }.sorted()
    }

    /// Names of tensor properties (for completion after `.`).
    public static var tensorPropertyNames: [String] { Access.tensorProperties.map(\.name) }
}
