import Dispatch
import NNScript
import Synchronization

/// The longest program run, in bytes (short programs: the fuzzer's `-max_len`
/// is the same).
let maxProgramBytes = 4096
/// How long a program may run before the watchdog interrupts it, and how
/// often it interrupts again after that (a first interrupt during `fit` is
/// soft and the script goes on).
let deadlineMilliseconds = 1000

/// Interrupts an interpreter from another thread until it is told to stop.
final class Watchdog: Sendable {
    let done = Mutex(false)
    let interpreter: Interpreter.Handle

    init(_ interpreter: Interpreter.Handle) { self.interpreter = interpreter }

    func arm(after milliseconds: Int) {
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(milliseconds)) { [self] in
            guard !done.withLock({ $0 }) else { return }
            interpreter.interrupt()
            arm(after: 100)
        }
    }

    func stop() { done.withLock { $0 = true } }
}

extension Interpreter {
    /// A sendable, weak way to reach `interrupt()` from the watchdog's thread
    /// (`interrupt()` is documented as safe from any thread). Weak, so a
    /// pending watchdog never keeps a finished interpreter alive.
    final class Handle: @unchecked Sendable {
        weak var interpreter: Interpreter?
        init(interpreter: Interpreter) { self.interpreter = interpreter }
        func interrupt() { interpreter?.interrupt() }
    }
}

/// libFuzzer entry: runs a short program on a fresh interpreter.
///
/// Output is discarded; any thrown error (syntax, runtime, interrupted) is a
/// clean outcome, while a trap, a sanitizer report, a leak of the process's
/// memory limit (`-rss_limit_mb`, `-malloc_limit_mb`) or a run that ignores
/// the watchdog (`-timeout`) is a finding. Error messages are rendered too,
/// so their line:col lookup and caret window are exercised.
/// Run it in a scratch directory: programs may write figures to files.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEval(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size <= maxProgramBytes else { return -1 }
    let source = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let nn = Interpreter(options: .init(output: { _ in }, errorOutput: { _ in }, maxCallDepth: 1000))
    let watchdog = Watchdog(Interpreter.Handle(interpreter: nn))
    watchdog.arm(after: deadlineMilliseconds)
    defer { watchdog.stop() }
    do {
        let value = try nn.run(source: source, name: "fuzz.nn")
        _ = "\(value)"
    } catch {
        _ = nn.render(error)
    }
    return 0
}
