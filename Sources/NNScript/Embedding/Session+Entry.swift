import NNSyntax

/// Collects the lines of one REPL entry until it parses or fails for a
/// reason other than ending too early.
///
/// An input that is incomplete only at its end (an open bracket, brace or
/// string, a trailing operator or comma) continues on the `...` prompt, as in
/// `lua.c`:
///
/// ```swift
/// var entry = EntryBuffer()
/// entry.add("fn f(x) {")   // .needsMore
/// entry.add("  x * 2")     // .needsMore
/// entry.add("}")           // .complete("fn f(x) {\n  x * 2\n}")
/// ```
public struct EntryBuffer: Sendable {
    /// What adding a line gave.
    public enum State: Equatable, Sendable {
        /// Only blank lines so far: nothing to run, prompt again.
        case empty
        /// The input so far ends too early: read another line on the `...` prompt.
        case needsMore
        /// A whole entry (it may still hold errors other than ending early).
        case complete(String)
    }

    /// The lines of the unfinished entry.
    public private(set) var lines: [String] = []

    public init() {}

    /// True when no line of an entry has been read (the prompt is the primary one).
    public var isEmpty: Bool { lines.isEmpty }

    /// The unfinished entry's text, lines joined by newlines.
    public var text: String { lines.joined(separator: "\n") }

    /// Adds one line (which may itself hold newlines, as a bracketed paste does).
    public mutating func add(_ line: String) -> State {
        if lines.isEmpty, line.trimmingWhitespace.isEmpty { return .empty }
        lines.append(line)
        let entry = text
        if EntryBuffer.isIncomplete(entry) { return .needsMore }
        lines = []
        return .complete(entry)
    }

    /// Forgets the unfinished entry (Ctrl-C on a `...` prompt).
    public mutating func clear() { lines = [] }

    /// True when `source` fails to parse only because it ends too early.
    public static func isIncomplete(_ source: String) -> Bool {
        Parser.parse(source, name: "<entry>").isIncomplete
    }
}

/// A REPL command: a line starting with `:` (`:load FILE`) or `?` (`?name`),
/// typed on the primary prompt.
public enum SessionCommand: Equatable, Sendable {
    /// `:help`: the list of commands.
    case help
    /// `:time EXPR`: runs the entry and reports the wall-clock time.
    case time(String)
    /// `:load FILE`: runs a script into the session.
    case load(String)
    /// `:save FILE`: writes the session's accepted entries as a script.
    case save(String)
    /// `:vars`: the user's variables with types and shapes.
    case vars
    /// `:reset`: forgets every user variable.
    case reset
    /// `:quit` (also `:q`, `:exit`): ends the session.
    case quit
    /// `?name` (also `:doc name`): the docs of a builtin or a variable's value.
    case doc(String)
    /// A command that needs an argument was typed without one.
    case missingArgument(String)
    /// An unknown `:word`.
    case unknown(String)

    /// The commands, as `:help` lists them: (usage, summary).
    public static let list: [(usage: String, summary: String)] = [
        (":help", "this list"),
        (":time EXPR", "run EXPR (any entry) and show how long it took"),
        (":load FILE", "run a script into the session (its variables stay)"),
        (":save FILE", "write the entries that ran so far as a script"),
        (":vars", "the variables you defined, with types and shapes"),
        (":reset", "forget every variable you defined"),
        (":quit", "end the session (also Ctrl-D on an empty line)"),
        ("?NAME", "the docs of a builtin, a function or a variable (also help(NAME))"),
    ]

    /// Command names for completion after `:`.
    public static let names = ["help", "time", "load", "save", "vars", "reset", "quit", "doc"]

    /// The command on `line`, or nil when the line is ordinary nn source.
    ///
    /// No nn statement starts with `:` or `?`, so a line that does is a command.
    public static func parse(_ line: String) -> SessionCommand? {
        let trimmed = line.trimmingWhitespace
        if trimmed.hasPrefix("?") { return .doc(String(trimmed.dropFirst()).trimmingWhitespace) }
        guard trimmed.hasPrefix(":") else { return nil }
        let body = trimmed.dropFirst()
        let word = String(body.prefix { $0 != " " && $0 != "\t" })
        let argument = String(body.dropFirst(word.count)).trimmingWhitespace
        func needing(_ make: (String) -> SessionCommand) -> SessionCommand {
            argument.isEmpty ? .missingArgument(word) : make(argument)
        }
        switch word {
        case "help", "h", "?": return .help
        case "time", "t": return needing { .time($0) }
        case "load", "l": return needing { .load(unquoted($0)) }
        case "save", "s": return needing { .save(unquoted($0)) }
        case "vars", "v": return .vars
        case "reset": return .reset
        case "quit", "q", "exit": return .quit
        case "doc", "d": return .doc(argument)
        default: return .unknown(word)
        }
    }

    /// A file argument without surrounding double quotes (`:load "my file.nn"`).
    static func unquoted(_ s: String) -> String {
        if s.count >= 2, s.hasPrefix("\""), s.hasSuffix("\"") { return String(s.dropFirst().dropLast()) }
        return s
    }

    /// The text `:help` prints.
    public static var helpText: String {
        let width = (list.map(\.usage.count).max() ?? 0) + 2
        var out = "Commands (type them on the nn> prompt):\n"
        for (usage, summary) in list {
            out += "  " + usage + String(repeating: " ", count: width - usage.count) + summary + "\n"
        }
        out += """
            Entries: any nn source; a value that is not nil prints (end with ; to hide it).
            An unfinished entry (open bracket, brace or string, trailing operator) continues on ...
            Keys: Tab completes names, members after x. and named arguments; Up/Down walk the history;
            Ctrl-C clears the line or stops a running entry (during fit, the first one ends training and
            fit returns its history); Ctrl-D on an empty line quits.
            help() lists every builtin.
            """
        return out + "\n"
    }
}
