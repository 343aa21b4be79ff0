import Dispatch
import NNSyntax
import NNTensor

extension Interpreter {
    /// Bounds a host sets on what a script may do (``Options/limits``):
    /// time, steps, tensor memory and output. Each is off when nil.
    ///
    /// ```swift
    /// var options = Interpreter.Options(output: { out += $0 })
    /// options.limits = .init(deadline: .seconds(2), steps: 10_000_000,
    ///                        tensorBytes: 256 << 20, outputBytes: 1 << 20)
    /// let nn = Interpreter(options: options)
    /// do { try nn.run(source: userScript) } catch let e as ScriptError {
    ///     if case .limit(let which) = e.kind { print("stopped: \(which)") }
    /// }
    /// ```
    ///
    /// A limit applies to each top-level run: ``run(source:name:)``,
    /// ``run(bytes:name:)``, ``evaluate(_:name:)`` and a host's
    /// ``call(_:_:named:)-(Value,_,_)`` (the stdlib an interpreter loads at start-up is
    /// not bounded). The time, the steps and the output start afresh with
    /// each run; the tensor memory is a level, not a budget: the tensors a
    /// run leaves in variables still count in the next one.
    ///
    /// Going past a limit ends the run with a ``ScriptError`` of kind
    /// ``ScriptError/Kind/limit(_:)`` naming it. The script cannot catch it
    /// (`try`/`catch` lets it through, as an interrupt), the host can, and
    /// the interpreter stays usable: its variables keep the values they had,
    /// and the next run starts with the limits afresh. A run with no limit
    /// set pays nothing for them; a step budget makes every loop iteration
    /// and call take the evaluator's slow path (a few percent slower).
    public struct Limits: Sendable, Equatable {
        /// Wall-clock time a run may take. Checked at the evaluator's safe
        /// points (loop iterations, nn calls, `catch`) and between the steps
        /// of long builtins (`fit`, Hessian tools, ...); one long kernel
        /// (a huge matmul) finishes before the run stops.
        public var deadline: Duration?
        /// Steps a run may take: each loop iteration and each call of an nn
        /// function (the stdlib's and callbacks from builtins included) is
        /// one. Deterministic: the same script stops at the same step.
        public var steps: Int?
        /// Bytes of tensor elements alive at once (`count * dtype size` of
        /// every tensor made while this interpreter runs and not yet freed;
        /// tensors a host passes in are not counted). The op that would go
        /// past it is refused before it allocates.
        public var tensorBytes: Int?
        /// Bytes (UTF-8) a run may write to ``Options/output`` (`print`,
        /// `help`, terminal figures, ...) and ``Options/errorOutput``
        /// (`fit`'s progress, warnings) together. The write that would go
        /// past it is not made; a refused write to `errorOutput` (which
        /// cannot throw) stops the script at its next safe point.
        public var outputBytes: Int?

        public init(deadline: Duration? = nil, steps: Int? = nil, tensorBytes: Int? = nil, outputBytes: Int? = nil) {
            self.deadline = deadline
            self.steps = steps
            self.tensorBytes = tensorBytes
            self.outputBytes = outputBytes
        }
    }
}

extension Interpreter {
    /// The advice that ends a limit's message in an embedding program: the
    /// host grants more (`ask the host for more time`).
    public static let hostLimitAdvice: @Sendable (ScriptError.Limit) -> String = { limit in
        switch limit {
        case .deadline: "ask the host for more time"
        case .steps: "ask the host for more steps"
        case .tensorBytes, .outputBytes: "ask the host for a larger limit"
        }
    }
}

/// An interpreter's state for its limits (``Interpreter/limiter``).
final class Limiter {
    /// Whether limits apply yet (not while the stdlib loads).
    var enabled = false
    /// Nesting of top-level entries on the stack: only the outermost sets up.
    var depth = 0
    /// Bytes written to the output in the current run.
    var outputWritten = 0
    /// The account of the tensors this interpreter makes, when bounded.
    let account: TensorMemoryAccount?

    /// Whether any limit is set (else runs skip the set-up altogether).
    let bounded: Bool
    /// ``Interpreter/Limits/outputBytes``.
    let outputLimit: Int?

    init(_ limits: Interpreter.Limits, advice: (ScriptError.Limit) -> String, flag: InterruptFlag) {
        account = limits.tensorBytes.map {
            TensorMemoryAccount(limit: $0, advice: advice(.tensorBytes)) { [flag] in flag.exceed(.tensorBytes) }
        }
        bounded = limits != Interpreter.Limits()
        outputLimit = limits.outputBytes
    }

    /// True while a limited run is going on.
    var active: Bool { depth > 0 }

    /// Counts `bytes` of output in the current run: false (nothing
    /// counted) when they would go past the output limit.
    func admitOutput(_ bytes: Int) -> Bool {
        guard let limit = outputLimit, active else { return true }
        guard bytes <= limit - outputWritten else { return false }
        outputWritten += bytes
        return true
    }

    /// `options` with its error stream counted against the output limit,
    /// when there is one (a refused write is dropped and marks the limit).
    func bounding(_ options: Interpreter.Options, flag: InterruptFlag) -> Interpreter.Options {
        guard outputLimit != nil else { return options }
        var bounded = options
        let write = options.errorOutput
        bounded.errorOutput = { [self, flag] text in
            if admitOutput(text.utf8.count) { write(text) } else { flag.exceed(.outputBytes) }
        }
        return bounded
    }
}

extension Interpreter {
    /// Runs `body`, a top-level entry on the current thread, under the
    /// limits: the outermost entry starts them (the time, the step count,
    /// the output count, the tensor account made current on this thread),
    /// turns the outcome into the limit's error when one was exceeded (an
    /// error a builtin reported as its own, or a script that finished after
    /// its last safe point), and ends them. Nested entries pass through.
    func withLimits<E>(extraSteps: Int = 0,
                       _ body: () -> Result<Result<Value, Unwind>, E>) -> Result<Result<Value, Unwind>, E> {
        guard limiter.enabled, limiter.bounded, limiter.depth == 0 else { return body() }
        let limits = options.limits
        let flag = rt.interrupt
        let run = flag.startRun()
        limiter.depth += 1
        limiter.outputWritten = 0
        var timer: DispatchWorkItem?
        if let deadline = limits.deadline {
            let item = DispatchWorkItem { [flag] in flag.exceed(.deadline, run: run) }
            DispatchQueue.global().asyncAfter(deadline: .now() + Self.interval(deadline), execute: item)
            timer = item
        }
        if let steps = limits.steps {
            rt.regs.pointee.stepsLeft = max(0, steps).addingReportingOverflow(extraSteps).partialValue
            flag.startCounting()
        }
        defer {
            timer?.cancel()
            flag.endRun()
            limiter.depth -= 1
        }
        let outcome = TensorMemoryAccount.withCurrent(limiter.account) { body() }
        guard let limit = flag.exceededLimit, case .success(let result) = outcome else { return outcome }
        switch result {
        case .success: return .success(.failure(.error(limitError(limit, at: nil))))
        case .failure(.error(let e)) where e.kind.isCatchable: return .success(.failure(.error(limitError(limit, replacing: e))))
        case .failure: return outcome
        }
    }

    /// `d` as a dispatch interval (nanoseconds, saturating; at least 0).
    static func interval(_ d: Duration) -> DispatchTimeInterval {
        let (seconds, attoseconds) = d.components
        guard seconds >= 0 else { return .nanoseconds(0) }
        guard seconds < Int64(Int.max / 1_000_000_000) - 1 else { return .never }
        return .nanoseconds(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
    }

    /// The error of `limit`, placed at `range`.
    func limitError(_ limit: ScriptError.Limit, at range: SourceRange?) -> ScriptError {
        ScriptError(limitMessage(limit), at: range, kind: .limit(limit))
    }

    /// The error of `limit` in place of `error`, an error it caused: its
    /// position and trace are kept; its message too when it already tells
    /// of the limit (a builtin passing on a refused allocation).
    func limitError(_ limit: ScriptError.Limit, replacing error: ScriptError) -> ScriptError {
        var e = error
        let message = limitMessage(limit)
        if !e.message.contains(message) { e.message = message }
        e.kind = .limit(limit)
        e.payload = nil
        return e
    }

    /// What each limit's error says: the limit, and what to do.
    func limitMessage(_ limit: ScriptError.Limit) -> String {
        let limits = options.limits
        switch limit {
        case .deadline:
            let d = limits.deadline.map { " of \($0)" } ?? ""
            return "time limit: the script ran past its host's deadline\(d); make it do less, or \(options.limitAdvice(.deadline))"
        case .steps:
            return "step limit: the script took more than \(limits.steps ?? 0) steps (loop iterations and calls), its host's limit; make it do less, or \(options.limitAdvice(.steps))"
        case .tensorBytes:
            return limiter.account?.lastRefusal
                ?? "tensor memory limit: the tensors alive went past the \(Shape.formatBytes(limits.tensorBytes ?? 0)) its host allows; free tensors or \(options.limitAdvice(.tensorBytes))"
        case .outputBytes:
            return "output limit: the script wrote more than the \(limits.outputBytes ?? 0) bytes its host allows; print less, or \(options.limitAdvice(.outputBytes))"
        }
    }

    /// Counts `text` against the output limit; throws the limit's error
    /// (and writes nothing) when it would go past it.
    func chargeOutput(_ text: String) throws {
        guard limiter.outputLimit != nil, !limiter.admitOutput(text.utf8.count) else { return }
        rt.interrupt.exceed(.outputBytes)
        throw limitError(.outputBytes, at: rt.callSite)
    }

    /// Bytes of tensor elements alive that this interpreter made, when
    /// ``Limits/tensorBytes`` is set (nil otherwise).
    public var tensorBytesAlive: Int? { limiter.account?.bytesAlive }
}
