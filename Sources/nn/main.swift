import ArgumentParser
import NNScript
import NNTensor
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `nn`: runs nn scripts, evaluates expressions, or (on a terminal, with no
/// arguments) starts an interactive session.
struct NNCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nn",
        abstract: "A small scripting language for training neural networks.",
        discussion: """
            nn FILE.nn [ARGS...]   run a script (ARGS are visible to it as `args`)
            nn -e 'EXPR'           run source text; print its value unless nil
            nn - / piped stdin     run standard input as a script
            nn                     interactive session (on a terminal)
            nn -i FILE.nn [ARGS]   run a script (ARGS as above), then stay interactive with its variables
            nn kernel install      make Jupyter offer nn (--user, or --prefix DIR); `nn kernel --help`

            nn --sandbox [--allow-read DIR]... [--allow-write DIR]... FILE.nn
                                   run a script that may read only its own folder and
                                   the DIRs granted, and write only under --allow-write
                                   DIRs (which are readable too); also for -e, - and
                                   the interactive session (no folder is granted by
                                   default there). See docs/sandbox.md.

            nn --timeout SECONDS --max-steps N --max-memory BYTES --max-output BYTES ...
                                   bound each run (any of the four): wall-clock time,
                                   steps (loop iterations and calls), bytes of tensor
                                   memory alive, bytes printed. BYTES may end in K, M
                                   or G (KiB, MiB, GiB). Going past one stops the
                                   script with its message, exit 75. See docs/sandbox.md.

            Exit codes: 0 success, 64 usage, 65 syntax error, 66 unreadable file,
            70 runtime error, 74 output lost (a write to stdout or stderr failed),
            75 a limit exceeded (--timeout, --max-steps, --max-memory, --max-output),
            130 interrupted.
            """,
        version: Runner.version
    )

    // `.unconditional`: the source may begin with '-' (`nn -e '-7 % 3'`), which
    // the default parsing would take for an option and report as missing.
    @Option(name: .short, parsing: .unconditional, help: ArgumentHelp("Run this source text and print its value.", valueName: "source"))
    var e: String?

    @Option(name: .long, help: "Seed of the random generator (default 0).")
    var seed: UInt64 = 0

    @Flag(name: .customLong("dump-builtins"), help: "Print the builtins reference (docs/builtins.md) and exit.")
    var dumpBuiltins = false

    @Flag(name: .long, help: "Colour diagnostics (default: when stderr is a terminal).")
    var color = false

    @Flag(name: .customLong("no-color"), help: "Never colour output (as when NO_COLOR is set).")
    var noColor = false

    @Flag(name: .long, help: "Deny every file access that --allow-read and --allow-write do not grant; the script file's own folder stays readable (docs/sandbox.md).")
    var sandbox = false

    @Option(name: .customLong("allow-read"), help: ArgumentHelp("With --sandbox: scripts may read files under this folder (or this one file). Repeat for more.", valueName: "dir"))
    var allowRead: [String] = []

    @Option(name: .customLong("allow-write"), help: ArgumentHelp("With --sandbox: scripts may write (and read) files under this folder. Repeat for more.", valueName: "dir"))
    var allowWrite: [String] = []

    @Option(name: .long, help: ArgumentHelp("Stop a run that takes longer than this many seconds (exit 75).", valueName: "seconds"))
    var timeout: String?

    @Option(name: .customLong("max-steps"), help: ArgumentHelp("Stop a run after this many steps: loop iterations and calls (exit 75).", valueName: "n"))
    var maxSteps: String?

    @Option(name: .customLong("max-memory"), help: ArgumentHelp("Refuse tensors beyond this many bytes alive at once; K, M, G for KiB, MiB, GiB (exit 75).", valueName: "bytes"))
    var maxMemory: String?

    @Option(name: .customLong("max-output"), help: ArgumentHelp("Stop a run that prints more than this many bytes; K, M, G for KiB, MiB, GiB (exit 75).", valueName: "bytes"))
    var maxOutput: String?

    @Option(name: .customShort("i"), help: ArgumentHelp("Run this script, then stay interactive with its variables.", valueName: "file"))
    var interactiveScript: String?

    @Argument(parsing: .captureForPassthrough, help: "A script file (or - for stdin), then arguments for the script.")
    var script: [String] = []

    /// Refuses `--allow-read`/`--allow-write` without `--sandbox` (they would
    /// grant nothing: without it every file is allowed) and a granted folder
    /// that does not exist (most likely a typo, which would grant nothing).
    func validate() throws {
        if !sandbox, let flag = !allowRead.isEmpty ? "--allow-read" : !allowWrite.isEmpty ? "--allow-write" : nil {
            throw ValidationError("\(flag) applies only with --sandbox (without it, scripts may read and write any file); add --sandbox")
        }
        _ = try limits()
        for (flag, dirs) in [("--allow-read", allowRead), ("--allow-write", allowWrite)] {
            for dir in dirs where access(dir, F_OK) != 0 {
                throw ValidationError("\(flag) '\(dir)': no such file or folder (\(String(cString: strerror(errno))))")
            }
        }
    }

    /// The options as an ``Invocation`` (the limits already checked by `validate`).
    func invocation() throws -> Invocation {
        Invocation(e: e, seed: seed, dumpBuiltins: dumpBuiltins, color: color, noColor: noColor, sandbox: sandbox,
                   allowRead: allowRead, allowWrite: allowWrite, limits: try limits(),
                   interactiveScript: interactiveScript, script: script)
    }

    mutating func run() throws {
        REPL.install(noColor: noColor)
        let invocation = try invocation()
        let runner = invocation.makeRunner()
        // Options before the script name are ours (after it, they pass through to the script).
        // With -i the script is named already: everything left is the script's, as in a plain run.
        if interactiveScript == nil, let first = script.first, first.hasPrefix("-"), first != "-" {
            switch first {
            case "--version":
                StdIO.say(Runner.version + "\n")
                throw ExitCode(StdIO.finish(Runner.Exit.ok))
            case "--help", "-h":
                StdIO.say(NNCommand.helpMessage() + "\n")
                throw ExitCode(StdIO.finish(Runner.Exit.ok))
            default:
                throw ValidationError("unknown option '\(first)'")
            }
        }
        if interactiveScript == nil, e == nil, !dumpBuiltins, script.first == "kernel" {
            // `nn kernel ...` is the Jupyter kernel; a script file named `kernel` runs as `nn ./kernel`.
            var st = stat()
            if stat("kernel", &st) == 0, st.st_mode & S_IFMT == S_IFREG {
                throw ValidationError("'kernel' is both nn's kernel command and a file here: run the file as `nn ./kernel`")
            }
            if runner.limits != Interpreter.Limits() {
                throw ValidationError("--timeout, --max-steps, --max-memory and --max-output bound a script's runs, not `nn kernel`; put them before a script")
            }
            if sandbox || seed != 0 {
                throw ValidationError("\(sandbox ? "--sandbox" : "--seed") goes before a script, not before `nn kernel`: a kernel's cells may read and write any file, and its seed is `nn kernel -f FILE --seed N`")
            }
            throw ExitCode(StdIO.finish(KernelCommand.dispatch(Array(script.dropFirst()))))
        }
        throw ExitCode(StdIO.finish(invocation.run(runner)))
    }
}

/// The bytes of the command-line argument that reads as `text`: Swift
/// repairs invalid UTF-8 in arguments to U+FFFD, and the parser should see
/// (and report) the bytes as given, as it does for a file.
func rawArgument(_ text: String) -> [UInt8] {
    for i in 1..<Int(CommandLine.argc) {
        guard let arg = CommandLine.unsafeArgv[i] else { continue }
        let bytes = UnsafeRawBufferPointer(start: arg, count: strlen(arg))
        if String(decoding: bytes, as: UTF8.self) == text { return Array(bytes) }
    }
    return Array(text.utf8)
}

// First, before any file or pipe is opened: a closed stdin, stdout or stderr
// must not hand its number to a file the script opens.
Allocator.keepFreedBuffers()  // freed tensor buffers are reused, not faulted in again each step
StdIO.reserveStandardDescriptors()
// The common command lines are read by hand (see Invocation: swift-argument-parser's
// first parse was most of the start-up); everything else, errors included, by NNCommand.
if let invocation = Invocation.parseCommonForm(Array(CommandLine.arguments.dropFirst())) {
    REPL.install(noColor: invocation.noColor)
    exit(StdIO.finish(invocation.run(invocation.makeRunner())))
}
NNCommand.main()
