import NNScript
import Synchronization
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
        static let runtime: Int32 = 70, interrupted: Int32 = 130
    }

    let seed: UInt64
    let color: Bool

    /// A new interpreter writing to stdout/stderr, with Ctrl-C wired to its interrupt.
    func makeInterpreter(arguments: [String], repl: Bool = false) -> Interpreter {
        let interp = Interpreter(options: .init(
            output: { text in fputs(text, StdIO.out) },
            errorOutput: { text in
                fflush(StdIO.out)
                fputs(text, StdIO.err)
            },
            seed: seed, allowsRedeclaration: repl, arguments: arguments,
            interruptTaken: {
                // fit took the Ctrl-C and returned: the next press is a first one again.
                Signals.pending.store(false, ordering: .sequentiallyConsistent)
                SessionSignals.pending.store(false, ordering: .sequentiallyConsistent)
            }))
        Signals.install(interp)
        return interp
    }

    func runFile(_ path: String, arguments: [String]) -> Int32 {
        switch Files.script(at: path) {
        case .success(let text):
            return runSource(text, name: path, arguments: arguments, printResult: false)
        case .failure(let why):
            fputs("nn: cannot read '\(path)': \(why)\n", StdIO.err)
            return Exit.noInput
        }
    }

    func runStandardInput(arguments: [String]) -> Int32 {
        switch Files.script(fd: 0) {
        case .success(let text):
            return runSource(text, name: "<stdin>", arguments: arguments, printResult: false)
        case .failure(let why):
            fputs("nn: cannot read standard input: \(why)\n", StdIO.err)
            return Exit.noInput
        }
    }

    /// Runs source text; reports errors on stderr; returns the exit code.
    func runSource(_ text: String, name: String, arguments: [String], printResult: Bool) -> Int32 {
        let interp = makeInterpreter(arguments: arguments)
        defer { fflush(StdIO.out) }
        do {
            let value = try interp.run(source: text, name: name)
            if printResult, !value.isNil { fputs(value.repr + "\n", StdIO.out) }
            return Exit.ok
        } catch {
            return report(error, interp)
        }
    }

    /// Prints an error and returns its exit code.
    func report(_ error: any Error, _ interp: Interpreter) -> Int32 {
        fflush(StdIO.out)
        fputs(interp.render(error, color: color) + "\n", StdIO.err)
        switch error {
        case is SyntaxError: return Exit.syntax
        case let e as ScriptError: return e.kind == .interrupted ? Exit.interrupted : Exit.runtime
        default: return Exit.runtime
        }
    }

    func dumpBuiltins() -> Int32 {
        fputs(Registry().markdown(), StdIO.out)
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

/// Reading whole scripts, up to a size limit.
enum Files {
    /// The largest script nn reads: 64 MiB. A script from `/dev/zero` or an
    /// endless pipe stops here with an error instead of growing until the
    /// process runs out of memory (documented in docs/language.md, Limits).
    static let maxScriptBytes = 1 << 26

    /// Why a script could not be read: the system's reason, or the size limit.
    struct Failure: Error, CustomStringConvertible {
        let description: String
        static func system() -> Failure { Failure(description: String(cString: strerror(errno))) }
    }

    /// The text of the file at `path`.
    static func script(at path: String) -> Result<String, Failure> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(.system()) }
        defer { close(fd) }
        return script(fd: fd)
    }

    /// Everything file descriptor `fd` holds, up to `maxScriptBytes` (more
    /// is an error, never a silently cut script).
    static func script(fd: Int32) -> Result<String, Failure> {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return .failure(.system()) }
            if n == 0 { break }
            guard bytes.count + n <= maxScriptBytes else {
                return .failure(Failure(description: "a script may be at most \(maxScriptBytes >> 20) MiB and this one is larger (is it a device or an endless pipe?)"))
            }
            bytes += buffer[0..<n]
        }
        return .success(String(decoding: bytes, as: UTF8.self))
    }
}

/// SIGINT: the first Ctrl-C interrupts the running script; a second one
/// while the first is pending exits. (`fit` may take the first press softly
/// and return; then `pending` is cleared through `Options.interruptTaken`.)
enum Signals {
    nonisolated(unsafe) static var target: Interpreter?
    static let pending = Atomic<Bool>(false)

    static func install(_ interp: Interpreter) {
        target = interp
        _ = pending.load(ordering: .relaxed)
        signal(SIGINT) { _ in
            if Signals.pending.exchange(true, ordering: .sequentiallyConsistent) { _exit(130) }
            Signals.target?.interrupt()
        }
    }
}

/// The process's standard streams (our own `FILE`s, so no shared C globals are touched).
enum StdIO {
    nonisolated(unsafe) static let out: UnsafeMutablePointer<FILE> = fdopen(1, "w")
    nonisolated(unsafe) static let err: UnsafeMutablePointer<FILE> = {
        let f: UnsafeMutablePointer<FILE> = fdopen(2, "w")
        setvbuf(f, nil, _IONBF, 0)
        return f
    }()
}
