import NNScript
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The interactive session: `nn` on a terminal, or `nn -i FILE.nn`.
///
/// Reads entries through a ``LineReader`` (readline on a terminal, plain
/// standard input otherwise), continues an entry that ends too early on a
/// `...` prompt, runs it in a ``Session`` on the interpreter's big-stack
/// thread, prints a result that is not nil, and handles `:commands`,
/// `?name` and Ctrl-C (see ``Signals``).
final class REPL {
    /// Set by `--no-color`.
    nonisolated(unsafe) static var colorDisabled = false

    /// Makes `nn` with no script on a terminal start a session.
    static func install(noColor: Bool) {
        colorDisabled = noColor
        Interactive.session = { interpreter, runner in
            REPL.start(interpreter, runner, script: nil)
        }
    }

    /// Runs `script` (when given) into a new session on `interpreter`, then
    /// reads entries until `:quit` or end of input; returns the exit code.
    static func start(_ interpreter: Interpreter, _ runner: Runner, script: String?) -> Int32 {
        let reader = lineReader()
        let repl = REPL(session: Session(interpreter: interpreter), reader: reader)
        Signals.install(interpreter, mode: .session)
        Completion.session = repl.session
        // A script that cannot be read ends `nn -i` as it ends `nn FILE` (66): no session starts.
        if let script, !repl.load(script) { return Runner.Exit.noInput }
        if reader.isInteractive {
            repl.say("nn \(Runner.version): :help for commands, help() for builtins, Ctrl-D to quit")
        }
        return repl.loop()
    }

    /// Readline on a terminal (opened now, with `dlopen`); plain lines when
    /// standard input is not a terminal, or, saying so, when readline
    /// cannot be opened.
    static func lineReader() -> LineReader {
        guard isatty(0) != 0 else { return PlainLineReader() }
        switch ReadlineLibrary.shared {
        case .success(let library): return ReadlineLineReader(historyPath: historyPath(), library: library)
        case .failure(let failure):
            StdIO.complain(failure.message)
            return PlainLineReader()
        }
    }

    /// The history file: `NN_HISTORY` (empty: none), else `~/.nn_history`.
    static func historyPath() -> String? {
        if let value = getenv("NN_HISTORY") {
            let path = String(cString: value)
            return path.isEmpty ? nil : path
        }
        guard let home = getenv("HOME"), home.pointee != 0 else { return nil }
        return String(cString: home) + "/.nn_history"
    }

    /// True unless `--no-color` was given or `NO_COLOR` is set.
    static var colorAllowed: Bool { !colorDisabled && !noColorEnvironment }

    /// True when `NO_COLOR` is set to anything but "" (no-color.org).
    static var noColorEnvironment: Bool {
        guard let v = getenv("NO_COLOR") else { return false }
        return v.pointee != 0
    }

    let session: Session
    let reader: LineReader
    /// Colour error messages (stderr is a terminal and colour is allowed).
    let colorErrors: Bool
    /// Colour the prompt (an interactive reader and colour is allowed).
    let colorPrompt: Bool
    private var entry = EntryBuffer()

    init(session: Session, reader: LineReader) {
        self.session = session
        self.reader = reader
        colorErrors = REPL.colorAllowed && isatty(2) != 0 && reader.isInteractive
        colorPrompt = REPL.colorAllowed && isatty(1) != 0 && reader.isInteractive
    }

    /// The prompt: `nn> ` for a new entry, `... ` for its continuation lines.
    var prompt: String {
        guard reader.isInteractive else { return "" }
        let text = entry.isEmpty ? "nn> " : "... "
        // \u{1} and \u{2} tell readline the colour codes take no room on the screen.
        return colorPrompt ? "\u{1}\u{1B}[1;32m\u{2}\(text)\u{1}\u{1B}[0m\u{2}" : text
    }

    /// Reads and runs entries until the session ends; returns the exit code.
    func loop() -> Int32 {
        while true {
            StdIO.flush()
            Completion.entrySoFar = entry.text
            switch reader.readLine(prompt: prompt) {
            case .endOfInput:
                if entry.isEmpty {
                    if reader.isInteractive { say("") }
                    return Runner.Exit.ok
                }
                // The entry ended too early: show why, then start afresh.
                let text = entry.text
                entry.clear()
                evaluate(text)
                if !reader.isInteractive { return Runner.Exit.ok }
            case .interrupted:
                entry.clear()
            case .invalidUTF8(let bytes):
                // The parser says where the bad byte is; the entry so far is dropped with it.
                entry.clear()
                do { _ = try session.run(bytes: bytes) } catch { report(error) }
            case .line(let line):
                if entry.isEmpty, let command = SessionCommand.parse(line) {
                    reader.addHistory(line.trimmingSpaces)
                    if perform(command) == .quit { return Runner.Exit.ok }
                    continue
                }
                switch entry.add(line) {
                case .empty, .needsMore:
                    continue
                case .complete(let text):
                    reader.addHistory(text)
                    evaluate(text)
                }
            }
        }
    }

    /// Runs one entry and prints its value, or its error.
    func evaluate(_ text: String) {
        do {
            let value = try Signals.running { try session.run(text) }
            show(value)
        } catch {
            report(error)
        }
    }

    /// Runs a script file into the session (`:load`, `nn -i`); false when
    /// the file cannot be read (an error in the script is reported, and the
    /// session goes on with the variables set before it).
    @discardableResult
    func load(_ path: String) -> Bool {
        let path = REPL.expandingTilde(path)
        let bytes: [UInt8]
        do {
            try session.interpreter.checkFile(path, .read, for: ":load")
        } catch {
            complain("\(error)")
            return false
        }
        do { bytes = try Files.read(path) } catch {
            complain("cannot read '\(path)': \(error)")
            return false
        }
        do {
            _ = try Signals.running { try session.load(bytes: bytes, path: path) }
        } catch {
            report(error)
        }
        return true
    }

    /// Prints a value that is not nil (tensors as the tensor engine prints them, elided when large).
    func show(_ value: Value) {
        guard !value.isNil else { return }
        say(value.repr)
    }

    /// Prints an error as scripts do, with the entry as its source.
    func report(_ error: any Error) {
        var text = session.interpreter.render(error, color: colorErrors)
        if let e = error as? ScriptError, e.kind == .interrupted {
            text += "\n(stopped; every variable keeps the value it had at that point)"
        }
        if let lost = StdIO.failure(.out), text.contains(lost.description) { StdIO.noteOutputFailureReported() }
        StdIO.complain(text + "\n")
    }

    /// Prints a line of the session's own output.
    func say(_ text: String) {
        StdIO.say(text + "\n")
        StdIO.flush()
    }

    /// Prints a complaint about a command.
    func complain(_ text: String) {
        let label = colorErrors ? "\u{1B}[1;31merror:\u{1B}[0m " : "error: "
        StdIO.complain(label + text + "\n")
    }

    /// `~/x` as `$HOME/x`.
    static func expandingTilde(_ path: String) -> String {
        guard path == "~" || path.hasPrefix("~/"), let home = getenv("HOME") else { return path }
        return String(cString: home) + path.dropFirst()
    }
}

extension String {
    /// The string without leading and trailing blanks.
    var trimmingSpaces: String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let a = firstIndex(where: { !blank($0) }), let b = lastIndex(where: { !blank($0) }) else { return "" }
        return String(self[a...b])
    }
}
