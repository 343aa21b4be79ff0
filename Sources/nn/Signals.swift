import NNScript
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ctrl-C in an interactive session.
///
/// The SIGINT handler is async-signal-safe: it only reads and sets atomics,
/// `write`s one byte to a pipe and, for a second Ctrl-C while the first is
/// still pending, `_exit`s. What it means depends on the session's state:
///
/// - at the prompt, the byte goes to the *prompt pipe*, which the line
///   reader polls beside standard input: the line is cleared;
/// - while an entry runs, the byte goes to the *interrupt pipe*, whose
///   watcher thread calls ``Interpreter/interrupt()``: the entry stops at its
///   next loop iteration or call and the session returns to the prompt;
/// - a second Ctrl-C while that interrupt is still pending (the entry is in
///   a long builtin that cannot stop) exits with status 130.
///
/// `fit` takes the first Ctrl-C of an entry softly: training ends after the
/// current step and `fit` returns its history. The interpreter then calls
/// `Options.interruptTaken` (set up in ``Runner/makeInterpreter(arguments:repl:)``),
/// which clears ``pending``, so the next Ctrl-C interrupts the entry as a
/// first one would.
enum SessionSignals {
    /// True while an entry runs.
    static let busy = Atomic<Bool>(false)
    /// True between a Ctrl-C during an entry and the entry's end.
    static let pending = Atomic<Bool>(false)
    /// Read end, write end: Ctrl-C at the prompt.
    static let promptPipe: (Int32, Int32) = makePipe()
    /// Read end, write end: Ctrl-C during an entry.
    static let interruptPipe: (Int32, Int32) = makePipe()
    /// The interpreter the watcher thread interrupts (set once, before the handler is installed).
    nonisolated(unsafe) static var target: Interpreter?

    /// Installs the handler and starts the watcher thread for `interpreter`.
    static func install(_ interpreter: Interpreter) {
        target = interpreter
        // Touch every static the handler uses, so it never runs a lazy initialiser.
        _ = busy.load(ordering: .relaxed)
        _ = pending.load(ordering: .relaxed)
        _ = promptPipe
        _ = interruptPipe
        var thread = pthread_t()
        _ = pthread_create(&thread, nil, { _ in
            SessionSignals.watch()
            return nil
        }, nil)
        var action = sigaction()
        #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = { _ in SessionSignals.handle() }
        #else
        action.__sigaction_u.__sa_handler = { _ in SessionSignals.handle() }
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0  // no SA_RESTART: a blocking poll() wakes with EINTR
        sigaction(SIGINT, &action, nil)
    }

    /// The signal handler's body (async-signal-safe).
    private static func handle() {
        let savedErrno = errno
        var byte: UInt8 = 1
        if busy.load(ordering: .sequentiallyConsistent) {
            if pending.exchange(true, ordering: .sequentiallyConsistent) {
                let message: StaticString = "\nnn: interrupted twice; exiting\n"
                _ = write(2, message.utf8Start, message.utf8CodeUnitCount)
                _exit(130)
            }
            _ = write(interruptPipe.1, &byte, 1)
        } else {
            _ = write(promptPipe.1, &byte, 1)
        }
        errno = savedErrno
    }

    /// The watcher thread: turns bytes on the interrupt pipe into interpreter interrupts.
    private static func watch() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            var fds = pollfd(fd: interruptPipe.0, events: Int16(POLLIN), revents: 0)
            if poll(&fds, 1, -1) < 0 { continue }
            let n = read(interruptPipe.0, &buffer, buffer.count)
            if n > 0, busy.load(ordering: .sequentiallyConsistent) { target?.interrupt() }
        }
    }

    /// Marks an entry as running (Ctrl-C now interrupts it); returns when `body` is done.
    static func running<T>(_ body: () throws -> T) rethrows -> T {
        pending.store(false, ordering: .sequentiallyConsistent)
        busy.store(true, ordering: .sequentiallyConsistent)
        defer {
            busy.store(false, ordering: .sequentiallyConsistent)
            pending.store(false, ordering: .sequentiallyConsistent)
            drain(interruptPipe.0)
        }
        return try body()
    }

    /// Forgets Ctrl-C presses that arrived before the prompt was shown.
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
