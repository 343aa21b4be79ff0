import NNSyntax
import NNTensor

/// The state of one interactive session on top of an ``Interpreter``:
/// numbered entries, the entries that ran (for `:save`), the names the
/// session started with (for `:vars` and `:reset`), help and completion.
///
/// Readline-free, so every rule of the REPL that is not terminal handling
/// lives here and is tested in-process:
///
/// ```swift
/// let session = Session(interpreter: Interpreter(options: .init(allowsRedeclaration: true)))
/// try session.run("let x = 2 ** 10")      // .nil: nothing prints
/// try session.run("x + 1")                // .number(1025): the REPL prints `1025`
/// session.script                          // "let x = 2 ** 10\nx + 1\n"
/// ```
public final class Session {
    /// The interpreter the entries run in.
    public let interpreter: Interpreter
    /// Entries run so far (also the number in the next entry's name, minus one).
    public private(set) var entryCount = 0
    /// The source of every entry that ran without an error, in order (`:save` writes them).
    public private(set) var acceptedEntries: [String] = []
    /// Globals defined before the first entry (the stdlib, `args`) and their values.
    private var baseline: [String: Value] = [:]

    /// Starts a session on `interpreter`; the globals it already has are not
    /// the user's (`:vars` leaves them out, `:reset` restores them).
    public init(interpreter: Interpreter) {
        self.interpreter = interpreter
        for name in interpreter.rt.definedGlobalNames {
            if let v = interpreter[name] { baseline[name] = v }
        }
    }

    /// The name the next entry's source gets in error messages: `<stdin:3>`.
    public var nextEntryName: String { "<stdin:\(entryCount + 1)>" }

    /// Runs one complete entry and returns its value (`nil` when it ends with
    /// `;` or is not an expression: then nothing prints).
    ///
    /// The entry is named ``nextEntryName``; an entry that runs without error
    /// is kept for ``script``. Errors are thrown as from ``Interpreter/run(source:name:)``;
    /// every variable keeps the value it had when the error (or interrupt) struck.
    @discardableResult
    public func run(_ entry: String) throws -> Value {
        try run(entry, name: "<stdin:\(entryCount + 1)>")
    }

    /// Runs one complete entry under a name of the host's choosing (a
    /// notebook's `In[3]`), as ``run(_:)`` does.
    @discardableResult
    public func run(_ entry: String, name: String) throws -> Value {
        entryCount += 1
        interpreter.clearInterrupt()
        let value = try interpreter.run(source: entry, name: name)
        acceptedEntries.append(entry)
        return value
    }

    /// Runs one entry given as bytes, as ``run(_:)``: bytes that are not
    /// UTF-8 are a ``SyntaxError`` at their column, never repaired.
    @discardableResult
    public func run(bytes: [UInt8]) throws -> Value {
        entryCount += 1
        interpreter.clearInterrupt()
        let value = try interpreter.run(bytes: bytes, name: "<stdin:\(entryCount)>")
        acceptedEntries.append(String(decoding: bytes, as: UTF8.self))
        return value
    }

    /// Runs a script file's text into the session (`:load`, `nn -i FILE`);
    /// kept for ``script`` when it runs without error.
    @discardableResult
    public func load(_ text: String, path: String) throws -> Value {
        try load(bytes: Array(text.utf8), path: path)
    }

    /// Runs a script file's bytes into the session, as ``load(_:path:)``; the
    /// bytes are checked as the parser checks a script's (invalid UTF-8 is a
    /// syntax error at its position).
    @discardableResult
    public func load(bytes: [UInt8], path: String) throws -> Value {
        interpreter.clearInterrupt()
        let value = try interpreter.run(bytes: bytes, name: path)
        // Kept without a byte-order mark: in the middle of a saved session it would be an error.
        let text = SourceFile(name: path, bytes: bytes).text
        var kept = "# :load \(path)\n" + text
        if !kept.hasSuffix("\n") { kept += "\n" }
        kept += "# end of \(path)"
        acceptedEntries.append(kept)
        return value
    }

    /// The session as a script: every accepted entry in order, one per line
    /// (multi-line entries as typed), ending in a newline.
    public var script: String {
        acceptedEntries.isEmpty ? "" : acceptedEntries.joined(separator: "\n") + "\n"
    }

    /// Forgets every user variable, restores the globals the session started
    /// with, reseeds the random generator and empties the saved entries.
    public func reset() {
        for (name, cell) in interpreter.rt.globals where cell.isDefined || baseline[name] != nil {
            if let v = baseline[name] {
                cell.value = v
                cell.isDefined = true
            } else {
                cell.value = .nil
                cell.isDefined = false
            }
        }
        interpreter.rng = RandomGenerator(seed: interpreter.options.seed)
        acceptedEntries = []
    }

    /// The names of the user's variables: globals defined by entries (or
    /// stdlib names given a new value), sorted.
    public var userVariableNames: [String] {
        interpreter.rt.globals.values.filter { cell in
            guard cell.isDefined else { return false }
            guard let base = baseline[cell.name] else { return true }
            return !Session.same(base, cell.value)
        }.map(\.name).sorted()
    }

    /// True when `a` and `b` are the same value (identity for reference types).
    static func same(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.function(let x), .function(let y)): x === y
        case (.builtin(let x), .builtin(let y)): x === y
        case (.list(let x), .list(let y)): x === y
        case (.record(let x), .record(let y)): x === y
        case (.tensor(let x), .tensor(let y)): x === y
        case (.object(let x), .object(let y)): x === y
        case (.number(let x), .number(let y)): x == y || (x.isNaN && y.isNaN)
        case (.string(let x), .string(let y)): x == y
        case (.bool(let x), .bool(let y)): x == y
        case (.nil, .nil): true
        case (.range(let a0, let a1), .range(let b0, let b1)): a0 == b0 && a1 == b1
        default: false
        }
    }

    /// The help text of `?name`: a user variable's value, a builtin, a
    /// tensor property, or (for an empty name) the list of all builtins.
    ///
    /// `?t.sum` shows the method's builtin `sum`.
    public func helpText(for name: String) throws -> String {
        let name = name.trimmingWhitespace
        if name.isEmpty { return try Help.text(for: .nil, in: interpreter) }
        if userVariableNames.contains(name), let v = interpreter[name] {
            return try Help.text(for: v, in: interpreter)
        }
        if interpreter.registry[name] == nil, let v = interpreter[name], case .function = v {
            return try Help.text(for: v, in: interpreter)
        }
        let last = name.split(separator: ".").last.map(String.init) ?? name
        return try Help.text(for: .string(last), in: interpreter)
    }
}

extension Interpreter {
    /// Clears a pending interrupt (one that arrived after the last entry
    /// finished), so it cannot stop the next entry.
    public func clearInterrupt() { rt.interrupt.clear() }

    /// True when an interrupt is waiting to be taken at the next safe point.
    public var isInterruptPending: Bool { rt.interrupt.isSet }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    var trimmingWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
