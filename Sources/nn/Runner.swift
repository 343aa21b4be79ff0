import NNScript
import NNFiles
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The script runner: a thin client of NNScript's `Interpreter`.
struct Runner {
    static let version = "0.1.0"

    /// Exit codes (sysexits.h).
    enum Exit {
        static let ok: Int32 = 0, usage: Int32 = 64, syntax: Int32 = 65, noInput: Int32 = 66
        static let runtime: Int32 = 70, ioError: Int32 = 74, interrupted: Int32 = 130
        /// A limit of `--timeout`, `--max-steps`, `--max-memory`, `--max-output` was exceeded.
        static let limit: Int32 = 75
    }

    let seed: UInt64
    let color: Bool
    /// The grants of `--sandbox`; nil without it (scripts may touch any file).
    var sandbox: Sandbox?
    /// The limits of `--timeout`, `--max-steps`, `--max-memory`, `--max-output` (none by default).
    var limits = Interpreter.Limits()

    /// What `nn --sandbox` grants besides the script's own folder.
    struct Sandbox {
        /// `--allow-read` folders.
        var read: [String]
        /// `--allow-write` folders (readable too).
        var write: [String]
    }

    init(seed: UInt64, color: Bool, sandbox: Sandbox? = nil) {
        self.seed = seed
        self.color = color
        self.sandbox = sandbox
    }

    /// A new interpreter writing to stdout/stderr. Ctrl-C reaches it once
    /// it is installed (``Signals/install(_:mode:)``: a script's run, or the REPL).
    /// `scriptPath` is the script file it runs, whose folder `--sandbox` lets it read.
    func makeInterpreter(arguments: [String], repl: Bool = false, scriptPath: String? = nil) -> Interpreter {
        var options = Interpreter.Options(
            output: { text in try StdIO.write(text, to: .out) },
            errorOutput: { text in StdIO.complain(text) },
            seed: seed, allowsRedeclaration: repl, arguments: arguments,
            // fit took the Ctrl-C and returned: the next press is a first one again.
            interruptTaken: { Signals.interruptTaken() },
            filePolicy: filePolicy(scriptPath: scriptPath), filePolicyAdvice: Runner.fileAdvice)
        options.limits = limits
        options.limitAdvice = Runner.limitAdvice
        return Interpreter(options: options)
    }

    /// How a limit is raised: the flag to give a larger value.
    static let limitAdvice: @Sendable (ScriptError.Limit) -> String = { limit in
        switch limit {
        case .deadline: "run nn with a larger --timeout"
        case .steps: "run nn with a larger --max-steps"
        case .tensorBytes: "run nn with a larger --max-memory"
        case .outputBytes: "run nn with a larger --max-output"
        }
    }

    /// Unrestricted, or under `--sandbox` the granted folders and the
    /// script file's own folder (readable), as `script_dir()` names it.
    func filePolicy(scriptPath: String?) -> FilePolicy {
        guard let sandbox else { return .unrestricted }
        var read = sandbox.read
        if let scriptPath { read.append(Runner.folder(of: scriptPath)) }
        return .roots(read: read, write: sandbox.write)
    }

    /// How a refused access is granted: the flag to add.
    static let fileAdvice: @Sendable (FileAccess) -> String = { access in
        access == .read ? "run nn with --allow-read DIR" : "run nn with --allow-write DIR"
    }

    /// The folder of a script path as given: `"a/b.nn"` is `"a"`, `"b.nn"` is `"."`, `"/b.nn"` is `"/"`.
    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    func runFile(_ path: String, arguments: [String]) -> Int32 {
        let bytes: [UInt8]
        do { bytes = try Files.read(path) } catch {
            StdIO.complain("nn: cannot read '\(path)': \(error)\n")
            return Exit.noInput
        }
        return runSource(bytes, name: path, arguments: arguments, printResult: false, scriptPath: path)
    }

    /// Runs standard input as a script (its bytes as they are: the parser checks the UTF-8).
    func runStandardInput(arguments: [String]) -> Int32 {
        let bytes: [UInt8]
        do { bytes = try Files.readStandardInput() } catch {
            StdIO.complain("nn: cannot read standard input: \(error)\n")
            return Exit.noInput
        }
        return runSource(bytes, name: "<stdin>", arguments: arguments, printResult: false)
    }

    /// Runs source bytes (a file's, standard input's, `-e`'s); reports errors
    /// on stderr; returns the exit code.
    func runSource(_ bytes: [UInt8], name: String, arguments: [String], printResult: Bool, scriptPath: String? = nil) -> Int32 {
        let interp = makeInterpreter(arguments: arguments, scriptPath: scriptPath)
        Signals.install(interp, mode: .script)
        defer { StdIO.flush() }
        do {
            let value = try interp.run(bytes: bytes, name: name)
            if printResult, !value.isNil { try StdIO.write(value.repr + "\n", to: .out) }
            return Exit.ok
        } catch {
            return report(error, interp)
        }
    }

    /// Prints an error and returns its exit code.
    func report(_ error: any Error, _ interp: Interpreter) -> Int32 {
        let text = interp.render(error, color: color)
        if let lost = StdIO.failure(.out), text.contains(lost.description) { StdIO.noteOutputFailureReported() }
        StdIO.complain(text + "\n")
        switch error {
        case is SyntaxError: return Exit.syntax
        case let e as ScriptError:
            switch e.kind {
            case .interrupted: return Exit.interrupted
            case .limit: return Exit.limit
            case .runtime, .permission: return Exit.runtime
            }
        default: return Exit.runtime
        }
    }

    func dumpBuiltins() -> Int32 {
        StdIO.say(Registry().markdown())
        return Exit.ok
    }

    /// The interactive session: the seam where the REPL plugs in
    /// (`Interactive.session`). Until then, standard input runs as a script.
    func interactive() -> Int32 {
        if let session = Interactive.session {
            return session(makeInterpreter(arguments: [], repl: true), self)
        }
        return runStandardInput(arguments: [])
    }
}

/// The hook for the interactive session (the REPL sets `session`).
enum Interactive {
    /// Runs a session on the given interpreter; returns the exit code.
    nonisolated(unsafe) static var session: ((Interpreter, Runner) -> Int32)?
}

/// Reading whole scripts, as bytes (the parser checks the UTF-8 and says
/// where it is wrong), up to a size limit.
enum Files {
    /// The largest script nn reads: 64 MiB. A script from `/dev/zero` or an
    /// endless pipe stops here with an error instead of growing until the
    /// process runs out of memory (documented in docs/language.md, Limits).
    static let maxScriptBytes = 1 << 26

    /// Why a file could not be read: the system's reason.
    struct ReadError: Error, CustomStringConvertible {
        let description: String
        init(_ code: Int32) { description = String(cString: strerror(code)) }
        init(_ text: String) { description = text }
    }

    /// The bytes of the file at `path` (a folder is refused by the system:
    /// "Is a directory"). A path given on the command line is opened by its
    /// bytes as given, even when they are not UTF-8.
    static func read(_ path: String) throws(ReadError) -> [UInt8] {
        let fd = (rawArgument(path) + [0]).withUnsafeBufferPointer { name in
            name.withMemoryRebound(to: CChar.self) { $0.baseAddress.map { open($0, O_RDONLY) } ?? -1 }
        }
        guard fd >= 0 else { throw ReadError(errno) }
        defer { close(fd) }
        return try readAll(fd)
    }

    /// Every byte of standard input.
    static func readStandardInput() throws(ReadError) -> [UInt8] {
        if StdIO.inputClosed { throw ReadError(EBADF) }
        return try readAll(0)
    }

    /// Reads `fd` to its end, at most `maxScriptBytes` (NNFiles' read loop).
    static func readAll(_ fd: Int32) throws(ReadError) -> [UInt8] {
        switch FileReader.readToEnd(fd, limit: maxScriptBytes) {
        case .success(let bytes?): return bytes
        case .success(nil):
            throw ReadError("a script may be at most \(maxScriptBytes >> 20) MiB and this one is larger (is it a device or an endless pipe?)")
        case .failure(let failure): throw ReadError(failure.code)
        }
    }
}
