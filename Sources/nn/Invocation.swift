import NNScript
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What `nn`'s command line asks for, once parsed: the one place a run
/// starts from, whichever parser read the arguments.
///
/// Two parsers fill it. ``Invocation/parseCommonForm(_:)`` reads the usual
/// command lines by hand (a script file, `-e`, `-i`, standard input, the
/// REPL, `--seed`, `--color`/`--no-color`, the sandbox and limit flags), in
/// microseconds; swift-argument-parser's first parse costs ~11M
/// instructions (Mirror reflection and protocol-conformance scans), which
/// was most of `nn -e 0` once the dynamic loader's share was gone. Every
/// other command line (`--help`, `--version`, `nn kernel`, `--seed=3`,
/// `--`, a missing value, a bad number, a repeated option, any error) goes
/// to ``NNCommand`` (swift-argument-parser) unchanged, so its help, error
/// messages and exit codes stay exactly those of ArgumentParser. The hand
/// parser accepts a command line only when it is sure ArgumentParser would
/// read it the same way, and returns nil otherwise.
struct Invocation {
    var e: String?
    var seed: UInt64 = 0
    var dumpBuiltins = false
    var color = false
    var noColor = false
    var sandbox = false
    var allowRead: [String] = []
    var allowWrite: [String] = []
    var limits = Interpreter.Limits()
    var interactiveScript: String?
    var script: [String] = []

    /// The command line read by hand, or nil when it is not one of the
    /// common forms (then ``NNCommand`` parses it, and reports any error).
    ///
    /// Accepted: options (each single-valued one at most once, its value a
    /// separate argument not starting with `-`, except `-e` whose value may
    /// be anything), then optionally a script (a name not starting with `-`,
    /// or `-`) and everything after it as the script's arguments.
    static func parseCommonForm(_ arguments: [String]) -> Invocation? {
        var result = Invocation()
        var seen: Set<String> = []
        var timeout: String?, maxSteps: String?, maxMemory: String?, maxOutput: String?
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "-" || !argument.hasPrefix("-") {
                // The script (never empty: leave odd names to ArgumentParser), then its arguments.
                guard !argument.isEmpty else { return nil }
                result.script = Array(arguments[index...])
                break
            }
            let repeatable = argument == "--allow-read" || argument == "--allow-write"
            guard repeatable || seen.insert(argument).inserted else { return nil }
            switch argument {
            case "--dump-builtins": result.dumpBuiltins = true
            case "--color": result.color = true
            case "--no-color": result.noColor = true
            case "--sandbox": result.sandbox = true
            default:
                guard index + 1 < arguments.count else { return nil }
                let value = arguments[index + 1]
                // `-e` takes its value unconditionally (`nn -e '-7 % 3'`); the others
                // leave a value that looks like an option to ArgumentParser.
                guard !value.isEmpty, argument == "-e" || !value.hasPrefix("-") else { return nil }
                switch argument {
                case "-e": result.e = value
                case "-i": result.interactiveScript = value
                case "--seed":
                    guard let seed = UInt64(value) else { return nil }
                    result.seed = seed
                case "--allow-read": result.allowRead.append(value)
                case "--allow-write": result.allowWrite.append(value)
                case "--timeout": timeout = value
                case "--max-steps": maxSteps = value
                case "--max-memory": maxMemory = value
                case "--max-output": maxOutput = value
                default: return nil
                }
                index += 1
            }
            index += 1
        }
        // What NNCommand.validate() and run() would refuse or treat specially goes to them.
        guard result.sandbox || (result.allowRead.isEmpty && result.allowWrite.isEmpty) else { return nil }
        for dir in result.allowRead + result.allowWrite where access(dir, F_OK) != 0 { return nil }
        guard let limits = try? LimitFlags.limits(timeout: timeout, maxSteps: maxSteps, maxMemory: maxMemory, maxOutput: maxOutput)
        else { return nil }
        result.limits = limits
        if result.interactiveScript == nil, let first = result.script.first {
            if first.hasPrefix("-"), first != "-" { return nil }
            if result.e == nil, !result.dumpBuiltins, first == "kernel" { return nil }
        }
        return result
    }

    /// The runner these options describe (after `REPL.install`).
    func makeRunner() -> Runner {
        var runner = Runner(seed: seed, color: !noColor && !REPL.noColorEnvironment && (color || isatty(2) != 0))
        if sandbox { runner.sandbox = Runner.Sandbox(read: allowRead, write: allowWrite) }
        runner.limits = limits
        return runner
    }

    /// Runs the script, expression, standard input or interactive session
    /// asked for with `runner`; returns the exit code (not yet through `StdIO.finish`).
    func run(_ runner: Runner) -> Int32 {
        if let interactiveScript {
            return REPL.start(runner.makeInterpreter(arguments: script, repl: true, scriptPath: interactiveScript), runner,
                              script: interactiveScript)
        } else if dumpBuiltins {
            return runner.dumpBuiltins()
        } else if let e {
            return runner.runSource(rawArgument(e), name: "-e", arguments: script, printResult: true)
        } else if let first = script.first, first != "-" {
            return runner.runFile(first, arguments: Array(script.dropFirst()))
        } else if script.first == "-" || isatty(0) == 0 {
            return runner.runStandardInput(arguments: Array(script.dropFirst()))
        } else {
            return runner.interactive()
        }
    }
}
