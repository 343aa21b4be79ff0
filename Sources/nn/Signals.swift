import NNScript
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ctrl-C (SIGINT): one policy and one handler for scripts and interactive
/// sessions alike.
///
/// A *run* is a whole script (`nn FILE`, `nn -e`, standard input: from the
/// moment it is parsed until the process exits) or one entry of a session
/// (`nn`, `nn -i`, `:load`). What a press means:
///
/// - during a run, the first press interrupts it: the run stops at its next
///   loop iteration, call or step of a long builtin with the `interrupted`
///   error (a script exits 130; a session returns to its prompt), or `fit`
///   takes it softly, ends training after the current step and returns;
/// - a second press while the first is still pending (the run is in a long
///   builtin that cannot stop) prints `nn: interrupted twice; exiting` and
///   exits 130 at once;
/// - when `fit` took a press softly, the interpreter calls
///   `Options.interruptTaken` (``interruptTaken()``): the press is no longer
///   pending, so the next one counts as a first one again;
/// - at a session's prompt, a press clears the line (``waitForInput(_:)``).
///
/// The handler is async-signal-safe: it only loads and sets preallocated
/// atomics, `write`s one byte to a pipe and, for a second press, `write`s a
/// fixed message and `_exit`s. It never reaches the interpreter (a Swift
/// class reference would be retained, and `interrupt()` may do what a
/// handler must not). A press during a run writes the run's generation to
/// the *interrupt pipe*; the watcher thread reads it and calls
/// ``Interpreter/interrupt()``, under ``lock``, only while that run is still
/// the current one, so a press never stops a later run. A press at the
/// prompt goes to the *prompt pipe*, which the line reader polls beside
/// standard input.
///
/// The handler is installed with `SA_RESTART`: a `write` to standard output
/// that a press catches blocked (a full pipe) resumes instead of failing
/// with `EINTR` and losing the output; `poll`, which the line reader and the
/// watcher wait in, is never restarted and wakes either way.
enum Signals {
    /// How the process runs.
    enum Mode {
        /// One run from installation to exit (a script).
        case script
        /// Runs only inside ``running(_:)`` (an interactive session).
        case session
    }

    /// True while a run is under way.
    private static let busy = Atomic<Bool>(false)
    /// True between a press during a run and the run's end (or `fit` taking it).
    private static let pending = Atomic<Bool>(false)
    /// The current run's number (mod 256): the byte a press writes.
    private static let generation = Atomic<UInt8>(0)
    /// Set once the handler and the watcher are installed.
    private static let installed = Atomic<Bool>(false)
    /// Read end, write end: a press at the prompt.
    private static let promptPipe: (Int32, Int32) = makePipe()
    /// Read end, write end: a press during a run.
    private static let interruptPipe: (Int32, Int32) = makePipe()
    /// Held while the watcher interrupts ``target`` and while a run starts or ends.
    private static let lock = Mutex<Void>(())
    /// The interpreter the watcher interrupts; read and written only under ``lock``.
    nonisolated(unsafe) private static var target: Interpreter?

    /// Makes Ctrl-C interrupt `interpreter`. The handler and the watcher
    /// thread are installed on the first call; in `.script` mode the run
    /// starts now and lasts until the process exits.
    static func install(_ interpreter: Interpreter, mode: Mode) {
        lock.withLock { _ in target = interpreter }
        if mode == .script { busy.store(true, ordering: .sequentiallyConsistent) }
        guard !installed.exchange(true, ordering: .sequentiallyConsistent) else { return }
        // Touch every static the handler uses, so it never runs a lazy initialiser.
        _ = busy.load(ordering: .relaxed)
        _ = pending.load(ordering: .relaxed)
        _ = generation.load(ordering: .relaxed)
        _ = promptPipe
        _ = interruptPipe
        var thread = pthread_t()
        _ = pthread_create(&thread, nil, { _ in
            Signals.watch()
            return nil
        }, nil)
        var action = sigaction()
        #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = { _ in Signals.handle() }
        #else
        action.__sigaction_u.__sa_handler = { _ in Signals.handle() }
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        sigaction(SIGINT, &action, nil)
    }

    /// The signal handler's body (async-signal-safe: atomics, `write`, `_exit`).
    private static func handle() {
        let savedErrno = errno
        if busy.load(ordering: .sequentiallyConsistent) {
            if pending.exchange(true, ordering: .sequentiallyConsistent) {
                let message: StaticString = "\nnn: interrupted twice; exiting\n"
                _ = write(2, message.utf8Start, message.utf8CodeUnitCount)
                _exit(130)
            }
            var byte = generation.load(ordering: .sequentiallyConsistent)
            _ = write(interruptPipe.1, &byte, 1)
        } else {
            var byte: UInt8 = 1
            _ = write(promptPipe.1, &byte, 1)
        }
        errno = savedErrno
    }

    /// The watcher thread: turns presses of the current run into interpreter interrupts.
    private static func watch() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            var fds = pollfd(fd: interruptPipe.0, events: Int16(POLLIN), revents: 0)
            if poll(&fds, 1, -1) < 0 { continue }
            let n = read(interruptPipe.0, &buffer, buffer.count)
            guard n > 0 else { continue }
            lock.withLock { _ in
                let current = generation.load(ordering: .sequentiallyConsistent)
                if busy.load(ordering: .sequentiallyConsistent), buffer[..<n].contains(current) {
                    target?.interrupt()
                }
            }
        }
    }

    /// `fit` took a press softly (`Options.interruptTaken`): it is no longer
    /// pending, so the next press is a first one again.
    static func interruptTaken() {
        pending.store(false, ordering: .sequentiallyConsistent)
    }

    /// Runs one session entry as a run: Ctrl-C now interrupts it. When it
    /// ends, a press it did not take (it came after its last safe point) is
    /// withdrawn, so it cannot stop the next entry.
    static func running<T>(_ body: () throws -> T) rethrows -> T {
        lock.withLock { _ in
            generation.add(1, ordering: .sequentiallyConsistent)
            pending.store(false, ordering: .sequentiallyConsistent)
            busy.store(true, ordering: .sequentiallyConsistent)
        }
        defer {
            lock.withLock { _ in
                busy.store(false, ordering: .sequentiallyConsistent)
                target?.clearInterrupt()
            }
            pending.store(false, ordering: .sequentiallyConsistent)
            drain(interruptPipe.0)
        }
        return try body()
    }

    /// Forgets presses that arrived before the prompt was shown.
    static func drainPrompt() { drain(promptPipe.0) }

    /// What ``waitForInput(_:)`` saw.
    enum Wait { case ready, interrupted }

    /// Waits until `fd` is readable or Ctrl-C is pressed (then the press is consumed).
    static func waitForInput(_ fd: Int32) -> Wait {
        while true {
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: promptPipe.0, events: Int16(POLLIN), revents: 0)]
            let n = poll(&fds, 2, -1)
            if n < 0 {
                if errno == EINTR { continue }
                return .ready  // let the caller's read report the failure
            }
            if fds[1].revents & Int16(POLLIN) != 0 {
                drain(promptPipe.0)
                return .interrupted
            }
            if fds[0].revents != 0 { return .ready }
        }
    }

    private static func drain(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(fd, &buffer, buffer.count) > 0 {}
    }

    private static func makePipe() -> (Int32, Int32) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return (-1, -1) }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        return (fds[0], fds[1])
    }
}
