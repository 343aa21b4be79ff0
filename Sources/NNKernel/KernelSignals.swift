import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SIGINT for the kernel: the client's interrupt in `interrupt_mode:
/// "signal"` (and Ctrl-C in the terminal that started `jupyter lab`).
///
/// The REPL's semantics: a press while a cell runs interrupts it at its
/// next loop iteration, call or step of a long builtin (during `fit`, the
/// first press ends training and `fit` returns its history); every variable
/// keeps the value it had. A press between cells is dropped. Unlike the
/// REPL, a second press never exits: the notebook's variables are worth
/// more than a prompt exit, and the Kernel menu can restart the kernel.
///
/// The handler is async-signal-safe: it only `write`s one byte to a pipe.
/// The watcher thread reads it and calls ``Kernel/interruptCell()``.
enum KernelSignals {
    /// Read end, write end.
    private static let pipeFDs: (Int32, Int32) = makePipe()
    private static let installed = Atomic<Bool>(false)
    /// The kernel the watcher interrupts (set once, before the handler is installed).
    nonisolated(unsafe) private static var target: Kernel?

    static func install(_ kernel: Kernel) {
        guard !installed.exchange(true, ordering: .sequentiallyConsistent) else { return }
        target = kernel
        _ = pipeFDs  // made before the handler can run
        var thread = pthread_t()
        _ = pthread_create(&thread, nil, { _ in
            KernelSignals.watch()
            return nil
        }, nil)
        var action = sigaction()
        #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = { _ in KernelSignals.handle() }
        #else
        action.__sigaction_u.__sa_handler = { _ in KernelSignals.handle() }
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        sigaction(SIGINT, &action, nil)
    }

    private static func handle() {
        let savedErrno = errno
        var byte: UInt8 = 1
        _ = write(pipeFDs.1, &byte, 1)
        errno = savedErrno
    }

    private static func watch() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            var fds = pollfd(fd: pipeFDs.0, events: Int16(POLLIN), revents: 0)
            if poll(&fds, 1, -1) < 0 { continue }
            guard read(pipeFDs.0, &buffer, buffer.count) > 0 else { continue }
            target?.interruptCell()
        }
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
