import NNSyntax

/// A runtime error of a script: a message, the failing expression's position
/// and the trace of nn function calls that led there.
///
/// Rendered as `file:line:col: error: message`, the source line with a caret
/// under the expression, then one `note:` line per call in the trace
/// (innermost first).
public struct ScriptError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is.
    public enum Kind: Sendable {
        /// An ordinary error, catchable with `try`/`catch`.
        case runtime
        /// The interpreter was interrupted (Ctrl-C); not catchable.
        case interrupted
    }

    /// One frame of the nn call trace.
    public struct TraceEntry: Sendable {
        /// The called function's name.
        public var function: String
        /// The call expression.
        public var range: SourceRange
    }

    /// The message, without position.
    public var message: String
    /// The failing expression, when known.
    public var range: SourceRange?
    /// Calls from the innermost outwards.
    public var trace: [TraceEntry] = []
    /// Calls left out of `trace` (very deep recursion).
    public var traceOmitted = 0
    /// Runtime or interrupted.
    public var kind: Kind = .runtime
    /// The value given to `error(value)`, handed to `catch` unchanged.
    var payload: PayloadBox?

    public init(_ message: String, at range: SourceRange? = nil, kind: Kind = .runtime) {
        self.message = message
        self.range = range
        self.kind = kind
    }

    public var description: String { "error: \(message)" }

    /// The error as a diagnostic: the message at its range and one note per traced call.
    public var diagnostic: Diagnostic {
        // Consecutive calls from the same place (recursion) collapse into one note.
        var notes: [Diagnostic.Note] = []
        var i = 0
        while i < trace.count, notes.count < 12 {
            var j = i + 1
            while j < trace.count, trace[j].function == trace[i].function, trace[j].range == trace[i].range { j += 1 }
            let times = j - i + (j == trace.count ? traceOmitted : 0)
            let suffix = times > 1 ? " (\(times) times)" : ""
            notes.append(Diagnostic.Note("in \(trace[i].function)(), called here\(suffix)", range: trace[i].range))
            i = j
        }
        if i < trace.count { notes.append(Diagnostic.Note("... \(trace.count - i + traceOmitted) more calls")) }
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
    public init(_ message: String) { self.message = message }
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
