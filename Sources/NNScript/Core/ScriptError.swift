import NNSyntax

/// A runtime error of a script: a message, the failing expression's position
/// and the trace of nn function calls that led there.
///
/// Rendered as `file:line:col: error: message`, the source line with a caret
/// under the expression, then one `note:` line per call site in the trace
/// (innermost first; a recursion from one site is one note with its count,
/// and the middle of a very deep trace is folded into one note).
public struct ScriptError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is.
    public enum Kind: Sendable, Hashable {
        /// An ordinary error, catchable with `try`/`catch`.
        case runtime
        /// The file policy (``Interpreter/Options/filePolicy``) refused to let
        /// the script `access` the file at `path` (as the script named it).
        /// Catchable with `try`/`catch` as a runtime error; a host tells it
        /// from other failures by this kind, not by the message.
        case permission(path: String, access: FileAccess)
        /// The interpreter was interrupted (Ctrl-C); not catchable.
        case interrupted
        /// The script went past a limit its host set
        /// (``Interpreter/Options/limits``); not catchable by the script.
        case limit(Limit)

        /// Whether a script's `try`/`catch` can catch an error of this kind:
        /// runtime errors and file refusals, not interrupts or limits.
        public var isCatchable: Bool {
            switch self {
            case .runtime, .permission: true
            case .interrupted, .limit: false
            }
        }
    }

    /// The limits a host can set on a run (see ``Interpreter/Limits``).
    public enum Limit: String, Sendable, Hashable, CaseIterable {
        /// Wall-clock time (``Interpreter/Limits/deadline``).
        case deadline
        /// Loop iterations and nn calls (``Interpreter/Limits/steps``).
        case steps
        /// Bytes of tensor elements alive (``Interpreter/Limits/tensorBytes``).
        case tensorBytes
        /// Bytes written to the output (``Interpreter/Limits/outputBytes``).
        case outputBytes
    }

    /// Consecutive calls of one function from one call site (a recursion's
    /// frames), as one entry of the trace.
    public struct TraceEntry: Sendable {
        /// The called function's name.
        public var function: String
        /// The call expression.
        public var range: SourceRange
        /// How many nested calls this entry stands for (1 for a plain call).
        public var calls: Int = 1
        /// False for a call made from outside any script (a host's
        /// ``Interpreter/call(_:_:named:)-(Value,_,_)``): there is no line to show, so
        /// the diagnostic leaves the entry out.
        var isPlaced: Bool { range.file != .none }
    }

    /// Calls dropped from the middle of a deep trace, counted per function.
    public struct FoldedCalls: Sendable {
        public var function: String
        public var calls: Int
    }

    /// The message, without position.
    public var message: String
    /// The failing expression, when known.
    public var range: SourceRange?
    /// The innermost calls, innermost first (at most ``innerTraceLimit`` entries).
    public var trace: [TraceEntry] = []
    /// The outermost calls, innermost first, ending with the call made at the
    /// top level (at most ``outerTraceLimit`` entries; empty while `trace` has room).
    public var outerTrace: [TraceEntry] = []
    /// The calls between `trace` and `outerTrace` that a very deep trace
    /// leaves out, per function in the order first met.
    public var foldedCalls: [FoldedCalls] = []
    /// Runtime, interrupted or a limit.
    public var kind: Kind = .runtime
    /// The value given to `error(value)`, handed to `catch` unchanged.
    var payload: PayloadBox?

    public init(_ message: String, at range: SourceRange? = nil, kind: Kind = .runtime) {
        self.message = message
        self.range = range
        self.kind = kind
    }

    public var description: String { "error: \(message)" }

    /// Entries kept from the innermost end of a trace, and from its outermost end.
    public static let innerTraceLimit = 8, outerTraceLimit = 4
    /// Distinct functions named in a fold note (the rest are counted together).
    static let foldedFunctionLimit = 4

    /// Records one more call, the next one outwards: `function` was called at `range`.
    ///
    /// A call from the same site as the previous entry (recursion) adds to its
    /// count; the innermost ``innerTraceLimit`` and the outermost
    /// ``outerTraceLimit`` entries are kept, and the entries in between are
    /// folded into per-function counts, so the error stays small however deep
    /// the recursion was.
    public mutating func addTraceFrame(function: String, range: SourceRange) {
        if outerTrace.isEmpty {
            if let last = trace.last, last.function == function, last.range == range {
                trace[trace.count - 1].calls += 1
            } else if trace.count < ScriptError.innerTraceLimit {
                trace.append(TraceEntry(function: function, range: range))
            } else {
                outerTrace.append(TraceEntry(function: function, range: range))
            }
            return
        }
        if let last = outerTrace.last, last.function == function, last.range == range {
            outerTrace[outerTrace.count - 1].calls += 1
            return
        }
        outerTrace.append(TraceEntry(function: function, range: range))
        if outerTrace.count > ScriptError.outerTraceLimit { fold(outerTrace.removeFirst()) }
    }

    private mutating func fold(_ entry: TraceEntry) {
        if let i = foldedCalls.firstIndex(where: { $0.function == entry.function }) {
            foldedCalls[i].calls += entry.calls
        } else {
            foldedCalls.append(FoldedCalls(function: entry.function, calls: entry.calls))
        }
    }

    /// The error as a diagnostic: the message at its range, one note per
    /// trace entry (a recursion from one call site is one note, "called here
    /// (N times)"; each call site gets its own), and one note for the calls
    /// folded out of the middle of a deep trace.
    public var diagnostic: Diagnostic {
        func note(_ t: TraceEntry) -> Diagnostic.Note {
            Diagnostic.Note("in \(t.function)(), called here" + (t.calls > 1 ? " (\(t.calls) times)" : ""), range: t.range)
        }
        var notes = trace.filter(\.isPlaced).map(note)
        if !foldedCalls.isEmpty {
            let total = foldedCalls.reduce(0) { $0 + $1.calls }
            let named = foldedCalls.prefix(ScriptError.foldedFunctionLimit)
            var text = "... \(total) more \(total == 1 ? "call" : "calls")"
            if foldedCalls.count == 1 {
                text += " of \(foldedCalls[0].function)()"
            } else {
                var parts = named.map { "\($0.calls) of \($0.function)()" }
                let rest = total - named.reduce(0) { $0 + $1.calls }
                if rest > 0 { parts.append("\(rest) of other functions") }
                text += " (" + parts.joined(separator: ", ") + ")"
            }
            notes.append(Diagnostic.Note(text))
        }
        notes += outerTrace.filter(\.isPlaced).map(note)
        return .error(message, at: range ?? .none, notes: notes)
    }

    /// Renders the error with its source snippet and call trace.
    public func rendered(in map: SourceMap, color: Bool = false) -> String {
        guard range != nil else { return "error: \(message)" }
        return diagnostic.rendered(in: map, color: color)
    }
}

/// Carries a script value through a `Sendable` error.
final class PayloadBox: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// An error a builtin throws: the evaluator adds the call's position.
public struct BuiltinError: Error, CustomStringConvertible, Sendable {
    /// The message, e.g. `bad argument #1 to 'floor' (number expected, got nil)`.
    public var message: String
    /// The kind of the ``ScriptError`` it becomes: ``ScriptError/Kind/runtime``
    /// unless the builtin says otherwise (a file refusal is
    /// ``ScriptError/Kind/permission(path:access:)``).
    public var kind: ScriptError.Kind
    public init(_ message: String, kind: ScriptError.Kind = .runtime) {
        self.message = message
        self.kind = kind
    }
    public var description: String { message }
}

/// How evaluation leaves an expression other than by producing a value:
/// an error, or the control flow of `break`, `continue` and `return`.
///
/// Thrown with typed throws, so no unwinding allocates.
///
/// It is one word: every `eval` can throw it, and a small error is returned
/// in registers where a large one would need a stack buffer at each call.
/// So the error is boxed and `return`'s value waits in the runtime
/// (``Runtime/returned``) until the call that is returning takes it.
enum Unwind: Error, @unchecked Sendable {
    indirect case error(ScriptError)
    case breakLoop
    case continueLoop
    /// `return`: the value is in `Runtime.returned`.
    case returnValue
}

extension Unwind {
    /// An error at `range`.
    static func fail(_ message: String, _ range: SourceRange) -> Unwind {
        .error(ScriptError(message, at: range))
    }
}
