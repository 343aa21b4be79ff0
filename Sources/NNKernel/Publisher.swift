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

/// The IOPub channel: broadcasts status, streams, displays, results and
/// errors to every client.
///
/// Every thread publishes here (the shell thread, the control thread, the
/// interpreter's evaluation thread through ``OutputStreams``), so the
/// socket is used only under ``lock``: libzmq allows a socket to change
/// threads with a full memory barrier between uses, which the lock gives.
final class Publisher: @unchecked Sendable {
    private let lock = NativeLock()
    private var socket: ZMQSocket?
    private let signer: Signer
    /// The kernel's session id (every header's `session`).
    let session: String

    init(socket: ZMQSocket, signer: Signer, session: String) {
        self.socket = socket
        self.signer = signer
        self.session = session
    }

    /// Sends one message of type `type` with `content`, as a child of `parent`
    /// (the request's header). A message that cannot be sent is reported on
    /// stderr and dropped: the kernel goes on.
    func publish(_ type: String, _ content: JSONObject, parent: JSONObject) {
        let message = Message(identities: [Array("kernel.\(session).\(type)".utf8)],
                              header: Message.header(type: type, session: session), parentHeader: parent,
                              content: content)
        do {
            let frames = try message.frames(signer: signer)
            try lock.withLock { try socket?.send(frames) }
        } catch {
            KernelLog.write("cannot publish \(type): \(error)")
        }
    }

    /// `status` with `execution_state` busy, idle or starting.
    func status(_ state: String, parent: JSONObject) {
        publish("status", ["execution_state": state], parent: parent)
    }

    /// Closes the socket; later publications are dropped.
    func close() {
        lock.withLock {
            socket?.close()
            socket = nil
        }
    }
}

/// The kernel's own diagnostics: standard error, which the Jupyter server
/// shows in its log (never the notebook).
enum KernelLog {
    static func write(_ text: String) {
        let line = Array(("nn kernel: " + text + "\n").utf8)
        #if canImport(Glibc)
        _ = line.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
        #else
        _ = line.withUnsafeBytes { Darwin.write(2, $0.baseAddress, $0.count) }
        #endif
    }
}
