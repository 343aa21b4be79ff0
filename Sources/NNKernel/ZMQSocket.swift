import CZMQ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A ZeroMQ failure: the call and libzmq's message.
public struct ZMQError: Error, CustomStringConvertible, Sendable {
    public var call: String
    public var code: Int32
    /// Said instead of libzmq's message for `code` (a library that could not be loaded).
    public var detail: String?

    public init(call: String, code: Int32, detail: String? = nil) {
        self.call = call
        self.code = code
        self.detail = detail
    }

    public var description: String {
        if let detail { return "\(call): \(detail)" }
        guard case .success(let z) = KernelLibrary.shared, let text = z.zmq_strerror(code) else {
            return "\(call): error \(code)"
        }
        return "\(call): " + String(cString: text)
    }

    /// The context was terminated (the kernel is shutting down).
    var isTerminated: Bool { code == ETERM }

    static func last(_ call: String, _ z: KernelLibrary) -> ZMQError { ZMQError(call: call, code: z.zmq_errno()) }
}

/// A ZeroMQ context: owns the I/O thread; every socket is made from one.
///
/// ``terminate()`` makes every blocking call on the context's sockets, in any
/// thread, fail with `ETERM`; it returns once every socket is closed.
final class ZMQContext: @unchecked Sendable {
    // The context handle itself is thread-safe (libzmq's rule); sockets are not.
    let handle: UnsafeMutableRawPointer
    /// libzmq's functions (``KernelLibrary``: opened here first, so a missing library is this init's error).
    let z: KernelLibrary

    init() throws {
        z = try KernelLibrary.loaded
        guard let h = z.zmq_ctx_new() else { throw ZMQError.last("zmq_ctx_new", z) }
        handle = h
    }

    func terminate() {
        while z.zmq_ctx_term(handle) != 0, z.zmq_errno() == EINTR {}
    }
}

/// One ZeroMQ socket: multipart messages of byte frames.
///
/// libzmq's rule: a socket is used by one thread at a time, with a full
/// memory barrier when it changes hands. The kernel keeps each socket on
/// the thread that made it, except the IOPub publisher, which every thread
/// sends on under one lock (``Publisher``).
///
/// The only pointer code of the kernel is here: frames are copied out of
/// libzmq's message into Swift arrays before the message is closed, and
/// sent from Swift arrays that outlive the call.
final class ZMQSocket: @unchecked Sendable {
    enum Kind {
        /// The kernel's sockets.
        case router, publisher, reply
        /// A client's (the kernel's own tests).
        case dealer, subscriber, request

        var zmqType: Int32 {
            switch self {
            case .router: ZMQ_ROUTER
            case .publisher: ZMQ_PUB
            case .reply: ZMQ_REP
            case .dealer: ZMQ_DEALER
            case .subscriber: ZMQ_SUB
            case .request: ZMQ_REQ
            }
        }
    }

    private var handle: UnsafeMutableRawPointer?
    private let z: KernelLibrary

    init(_ context: ZMQContext, _ kind: Kind) throws {
        z = context.z
        guard let h = z.zmq_socket(context.handle, kind.zmqType) else { throw ZMQError.last("zmq_socket", z) }
        handle = h
        // Close promptly at shutdown, but give the last replies a moment to leave.
        var linger: Int32 = 1000
        z.zmq_setsockopt(h, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size)
        if kind == .router {
            // A client that reconnects under the same identity takes over its route.
            var on: Int32 = 1
            z.zmq_setsockopt(h, ZMQ_ROUTER_HANDOVER, &on, MemoryLayout<Int32>.size)
        }
        if kind == .subscriber { z.zmq_setsockopt(h, ZMQ_SUBSCRIBE, "", 0) }
    }

    deinit { close() }

    /// Binds to `endpoint` (`tcp://127.0.0.1:5555`).
    func bind(_ endpoint: String) throws {
        guard let handle else { throw ZMQError(call: "zmq_bind", code: ENOTSOCK) }
        guard z.zmq_bind(handle, endpoint) == 0 else {
            let e = ZMQError.last("zmq_bind", z)
            throw ZMQError(call: "zmq_bind \(endpoint)", code: e.code)
        }
    }

    /// Connects to `endpoint` (a client's side).
    func connect(_ endpoint: String) throws {
        guard let handle else { throw ZMQError(call: "zmq_connect", code: ENOTSOCK) }
        guard z.zmq_connect(handle, endpoint) == 0 else { throw ZMQError.last("zmq_connect \(endpoint)", z) }
    }

    /// Closes the socket (unsent messages get the linger time); idempotent.
    func close() {
        if let h = handle { z.zmq_close(h) }
        handle = nil
    }

    /// Waits up to `timeout` milliseconds (-1: forever) for a message; true
    /// when one can be read. A signal's interruption reads as false.
    func poll(timeout: Int) throws -> Bool {
        guard let handle else { throw ZMQError(call: "zmq_poll", code: ENOTSOCK) }
        var item = zmq_pollitem_t(socket: handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
        let n = z.zmq_poll(&item, 1, timeout)
        if n < 0 {
            if z.zmq_errno() == EINTR { return false }
            throw ZMQError.last("zmq_poll", z)
        }
        return n > 0 && item.revents & Int16(ZMQ_POLLIN) != 0
    }

    /// Receives one whole multipart message (blocking; retried after a signal).
    func receive() throws -> [[UInt8]] {
        guard let handle else { throw ZMQError(call: "zmq_msg_recv", code: ENOTSOCK) }
        var frames: [[UInt8]] = []
        while true {
            var msg = zmq_msg_t()
            z.zmq_msg_init(&msg)
            defer { z.zmq_msg_close(&msg) }
            if z.zmq_msg_recv(&msg, handle, 0) < 0 {
                if z.zmq_errno() == EINTR { continue }
                throw ZMQError.last("zmq_msg_recv", z)
            }
            let size = z.zmq_msg_size(&msg)
            if size == 0 {
                frames.append([])
            } else if let data = z.zmq_msg_data(&msg) {
                frames.append(Array(UnsafeRawBufferPointer(start: data, count: size)))
            } else {
                frames.append([])
            }
            if z.zmq_msg_more(&msg) == 0 { return frames }
        }
    }

    /// Sends `frames` as one multipart message (blocking; retried after a signal).
    func send(_ frames: [[UInt8]]) throws {
        guard let handle else { throw ZMQError(call: "zmq_send", code: ENOTSOCK) }
        for (i, frame) in frames.enumerated() {
            let flags = i + 1 < frames.count ? ZMQ_SNDMORE : 0
            while true {
                let rc = frame.withUnsafeBytes { z.zmq_send(handle, $0.baseAddress, $0.count, flags) }
                if rc >= 0 { break }
                if z.zmq_errno() == EINTR { continue }
                throw ZMQError.last("zmq_send", z)
            }
        }
    }
}
