#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NNFiles
import NNScript

/// The nn Jupyter kernel: one ``Session`` (variables kept across cells, as
/// the REPL keeps them) behind the five sockets of the Jupyter messaging
/// protocol 5.3.
///
/// Threads and sockets (libzmq sockets are used by one thread each):
/// - the calling thread (``run()``) owns **shell** and **stdin**: it answers
///   shell requests one at a time, running cells on the interpreter's
///   large-stack thread and waiting for them;
/// - the control thread owns **control** (`interrupt_request`,
///   `shutdown_request`, `kernel_info_request` while a cell runs) and sends
///   the output a cell has gathered when it has waited (``OutputStreams``);
/// - the heartbeat thread owns **hb** and echoes every ping;
/// - **iopub** is shared under a lock (``Publisher``);
/// - SIGINT (interrupt_mode "signal") reaches the running cell through
///   ``KernelSignals``' watcher thread.
///
/// Every request is bracketed by `status: busy` and `status: idle` on
/// IOPub, children of the request. At shutdown the shell loop ends, the
/// sockets close and the context is terminated, which ends the other threads.
public final class Kernel: @unchecked Sendable {
    /// The kernel's version and banner, for `kernel_info_reply`.
    public struct Identity: Sendable {
        public var version: String
        public var banner: String
        public init(version: String, banner: String) {
            self.version = version
            self.banner = banner
        }
    }

    let connection: ConnectionInfo
    let identity: Identity
    let signer: Signer
    let context: ZMQContext
    let shell: ZMQSocket, control: ZMQSocket, stdin: ZMQSocket, heartbeat: ZMQSocket
    let publisher: Publisher
    let streams: OutputStreams
    /// The session every cell runs in.
    let session: Session
    /// Cells run with `store_history` so far (the `In [n]` number). Shell thread only.
    var executionCount = 0

    private let lock = NativeLock()
    /// True from a cell's `execute_input` until its run ends: the span in which an interrupt counts.
    private var executing = false
    /// An interrupt of the running cell that is not taken yet.
    private var interruptPending = false
    private var stopping = false

    /// Binds the five sockets of `connection` and makes the interpreter
    /// (`seed` for its random generator; `filePolicy`: which files cells may
    /// read and write, every file by default, as at the `nn` REPL). Throws
    /// when a socket cannot bind.
    public init(connection: ConnectionInfo, identity: Identity, seed: UInt64 = 0,
                filePolicy: FilePolicy = .unrestricted) throws {
        self.connection = connection
        self.identity = identity
        signer = Signer(key: Array(connection.key.utf8))
        context = try ZMQContext()
        shell = try ZMQSocket(context, .router)
        control = try ZMQSocket(context, .router)
        stdin = try ZMQSocket(context, .router)
        heartbeat = try ZMQSocket(context, .reply)
        let iopub = try ZMQSocket(context, .publisher)
        try shell.bind(connection.endpoint(connection.shellPort))
        try control.bind(connection.endpoint(connection.controlPort))
        try stdin.bind(connection.endpoint(connection.stdinPort))
        try heartbeat.bind(connection.endpoint(connection.hbPort))
        try iopub.bind(connection.endpoint(connection.iopubPort))
        let publisher = Publisher(socket: iopub, signer: signer, session: UUID().uuidString.lowercased())
        let streams = OutputStreams(publisher: publisher)
        self.publisher = publisher
        self.streams = streams
        let taken = InterruptTaken()
        session = Session(interpreter: Interpreter(options: .init(
            output: { streams.write($0, stream: "stdout") },
            errorOutput: { streams.write($0, stream: "stderr") },
            seed: seed, allowsRedeclaration: true,
            interruptTaken: { taken.kernel?.interruptTaken() },
            filePolicy: filePolicy,
            display: { streams.display($0) })))
        taken.kernel = self
    }

    /// Lets the interpreter (made before the kernel is whole) reach it when `fit` takes an interrupt softly.
    private final class InterruptTaken: @unchecked Sendable {
        weak var kernel: Kernel?
    }

    /// Serves requests until a `shutdown_request`; returns the exit code.
    /// With `handlesSignals`, SIGINT interrupts the running cell (a process
    /// that is a kernel; an embedding test leaves its own SIGINT alone).
    public func run(handlesSignals: Bool = true) -> Int32 {
        if handlesSignals { KernelSignals.install(self) }
        publisher.status("starting", parent: [:])
        startThread(name: "nn-kernel-heartbeat") { [heartbeat] in
            while true {
                do { try heartbeat.send(try heartbeat.receive()) } catch { break }
            }
            heartbeat.close()
        }
        startThread(name: "nn-kernel-control") { [self] in
            while !isStopping {
                do {
                    if try control.poll(timeout: 50) { handle(try control.receive(), on: control) }
                } catch {
                    break
                }
                streams.flushIfStale()
                reassertInterrupt()
            }
            control.close()
        }
        while !isStopping {
            do {
                if try shell.poll(timeout: 100) { handle(try shell.receive(), on: shell) }
            } catch {
                KernelLog.write("shell: \(error)")
                break
            }
        }
        shell.close()
        stdin.close()
        publisher.close()
        context.terminate()
        return 0
    }

    private func startThread(name: String, _ body: @escaping @Sendable () -> Void) {
        KernelThread.start(name: name, stackSize: 1 << 20, body)
    }

    /// True once a `shutdown_request` was answered.
    var isStopping: Bool { lock.withLock { stopping } }

    /// Ends the kernel after the current request (and interrupts a running cell).
    func stop() {
        lock.withLock { stopping = true }
        interruptCell()
    }

    /// Interrupts the running cell, if one runs (an interrupt between cells
    /// is dropped, as at the REPL's prompt). The interrupt stays pending
    /// until the cell takes it: one that arrives before the entry starts
    /// (which clears the interpreter's flag) is set again by
    /// ``reassertInterrupt()``.
    func interruptCell() {
        lock.withLock {
            guard executing else { return }
            interruptPending = true
            session.interpreter.interrupt()
        }
    }

    /// Sets the interpreter's interrupt again while one is pending (the control thread, between polls).
    func reassertInterrupt() {
        lock.withLock {
            if executing, interruptPending, !session.interpreter.isInterruptPending { session.interpreter.interrupt() }
        }
    }

    /// `fit` took the interrupt softly (training ended, the cell goes on): it is no longer pending.
    func interruptTaken() {
        lock.withLock { interruptPending = false }
    }

    /// Starts the span in which interrupts reach the cell.
    func beginCell() {
        lock.withLock {
            executing = true
            interruptPending = false
        }
    }

    /// Ends it: an interrupt the cell did not take is dropped.
    func endCell() {
        lock.withLock {
            executing = false
            interruptPending = false
            session.interpreter.clearInterrupt()
        }
    }

    /// Parses, checks and answers one request received on `socket` (shell or control).
    func handle(_ frames: [[UInt8]], on socket: ZMQSocket) {
        let request: Message
        do { request = try Message(frames: frames, signer: signer) } catch {
            KernelLog.write("dropped a message: \(error)")
            return
        }
        publisher.status("busy", parent: request.header)
        defer { publisher.status("idle", parent: request.header) }
        switch request.type {
        case "execute_request": execute(request, on: socket)
        case "complete_request": reply(request, "complete_reply", Kernel.complete(request.content, in: session), on: socket)
        case "inspect_request": reply(request, "inspect_reply", Kernel.inspect(request.content, in: session), on: socket)
        case "is_complete_request": reply(request, "is_complete_reply", Kernel.isComplete(request.content), on: socket)
        case "kernel_info_request": reply(request, "kernel_info_reply", kernelInfo, on: socket)
        case "history_request": reply(request, "history_reply", ["status": "ok", "history": [Any]()], on: socket)
        case "comm_info_request": reply(request, "comm_info_reply", ["status": "ok", "comms": JSONObject()], on: socket)
        case "interrupt_request":
            interruptCell()
            reply(request, "interrupt_reply", ["status": "ok"], on: socket)
        case "shutdown_request":
            let restart = request.content["restart"] as? Bool ?? false
            reply(request, "shutdown_reply", ["status": "ok", "restart": restart], on: socket)
            stop()
        default:
            // comm_open, comm_msg and other messages of extensions nn has none of.
            KernelLog.write("ignored a \(request.type)")
        }
    }

    /// Sends a reply to `request` on the socket it came from.
    func reply(_ request: Message, _ type: String, _ content: JSONObject, on socket: ZMQSocket) {
        let message = Message(identities: request.identities, header: Message.header(type: type, session: publisher.session),
                              parentHeader: request.header, content: content)
        do { try socket.send(try message.frames(signer: signer)) } catch {
            KernelLog.write("cannot send \(type): \(error)")
        }
    }

    /// `kernel_info_reply`'s content.
    var kernelInfo: JSONObject {
        ["status": "ok", "protocol_version": Message.protocolVersion, "implementation": "nn",
         "implementation_version": identity.version, "banner": identity.banner,
         "language_info": ["name": "nn", "version": identity.version, "mimetype": "text/x-nn", "file_extension": ".nn"] as JSONObject,
         "help_links": [Any](),
         "debugger": false]
    }
}
