/// A message about the source: a syntax error from the parser, or (built by
/// the evaluator) a runtime error, with its position in data.
///
/// Render it with ``Diagnostic/rendered(in:color:)`` (one file) or
/// ``Diagnostic/rendered(with:color:)`` (several files).
public struct Diagnostic: Error, Sendable, CustomStringConvertible {
    /// How serious a diagnostic is.
    public enum Severity: String, Sendable {
        case error, warning, note
    }

    /// A secondary message: `note: to match this '('`, or a call-trace line.
    public struct Note: Sendable {
        /// The note's text.
        public var message: String
        /// Where it points, if anywhere.
        public var range: SourceRange?

        public init(_ message: String, range: SourceRange? = nil) {
            self.message = message
            self.range = range
        }
    }

    /// Error, warning or note.
    public var severity: Severity
    /// The main message, e.g. `expected ')' after arguments, found newline`.
    public var message: String
    /// What the caret underlines.
    public var range: SourceRange
    /// Secondary locations, rendered after the main one.
    public var notes: [Note]
    /// Advice without a location, rendered as `help: ...`.
    public var hints: [String]
    /// True when the error came only from the input ending too early
    /// (unterminated string, open bracket, trailing operator, missing `}`):
    /// a REPL should read another line rather than report it.
    public var isAtEndOfInput: Bool

    public init(
        _ severity: Severity = .error, _ message: String, range: SourceRange,
        notes: [Note] = [], hints: [String] = [], isAtEndOfInput: Bool = false
    ) {
        self.severity = severity
        self.message = message
        self.range = range
        self.notes = notes
        self.hints = hints
        self.isAtEndOfInput = isAtEndOfInput
    }

    /// Shorthand for an error diagnostic.
    public static func error(
        _ message: String, at range: SourceRange, notes: [Note] = [], hints: [String] = [],
        isAtEndOfInput: Bool = false
    ) -> Diagnostic {
        Diagnostic(.error, message, range: range, notes: notes, hints: hints, isAtEndOfInput: isAtEndOfInput)
    }

    /// The message alone, without position: `error: message`.
    public var description: String { "\(severity.rawValue): \(message)" }
}
