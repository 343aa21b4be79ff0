import CCrypto
import CZMQ
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// libzmq and libcrypto, opened with `dlopen` when a kernel (or a kernel
/// test's client) first needs them, rather than linked into `nn`.
///
/// Linked, they and their dependencies (krb5, sodium, pgm, norm, gssapi)
/// were relocated by the dynamic loader at every start of `nn`, though only
/// `nn kernel` uses them. When one cannot be opened, ``ZMQContext/init()``
/// throws a ``ZMQError`` naming the package (`libzmq5`, `libssl3`), so
/// `nn kernel` stops with that message (exit 74) before serving anything.
struct KernelLibrary: @unchecked Sendable {
    let zmq_strerror: nn_zmq_strerror_fn
    let zmq_errno: nn_zmq_errno_fn
    let zmq_ctx_new: nn_zmq_ctx_new_fn
    let zmq_ctx_term: nn_zmq_ctx_term_fn
    let zmq_socket: nn_zmq_socket_fn
    let zmq_setsockopt: nn_zmq_setsockopt_fn
    let zmq_bind: nn_zmq_bind_fn
    let zmq_connect: nn_zmq_connect_fn
    let zmq_close: nn_zmq_close_fn
    let zmq_poll: nn_zmq_poll_fn
    let zmq_msg_init: nn_zmq_msg_init_fn
    let zmq_msg_close: nn_zmq_msg_close_fn
    let zmq_msg_recv: nn_zmq_msg_recv_fn
    let zmq_msg_size: nn_zmq_msg_size_fn
    let zmq_msg_data: nn_zmq_msg_data_fn
    let zmq_msg_more: nn_zmq_msg_more_fn
    let zmq_send: nn_zmq_send_fn
    let HMAC: nn_HMAC_fn
    let EVP_sha256: nn_EVP_sha256_fn
    let CRYPTO_memcmp: nn_CRYPTO_memcmp_fn

    #if os(macOS)
    static let zmqNames = ["libzmq.5.dylib"]
    static let cryptoNames = ["libcrypto.3.dylib", "libcrypto.1.1.dylib"]
    #else
    static let zmqNames = ["libzmq.so.5"]
    static let cryptoNames = ["libcrypto.so.3", "libcrypto.so.1.1"]
    #endif

    /// The libraries, opened once; the failure says what is missing and the package.
    static let shared: Result<KernelLibrary, ZMQError> = {
        do throws(ZMQError) { return .success(try KernelLibrary()) } catch { return .failure(error) }
    }()

    /// The libraries; every ZeroMQ object is made after ``ZMQContext/init()`` has checked them.
    static var loaded: KernelLibrary {
        get throws(ZMQError) { try shared.get() }
    }

    private init() throws(ZMQError) {
        func open(_ names: [String], _ package: String) throws(ZMQError) -> UnsafeMutableRawPointer {
            var why = ""
            for name in names {
                if let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) { return handle }
                why = dlerror().map { String(cString: $0) } ?? "\(name): cannot be opened"
            }
            throw ZMQError(call: "dlopen", code: 0,
                           detail: "\(why); `nn kernel` needs it: install \(package) (Debian and Ubuntu: apt-get install \(package); nn's scripts/setup does this)")
        }
        let zmq = try open(Self.zmqNames, "libzmq5")
        let crypto = try open(Self.cryptoNames, "libssl3")
        func symbol<T>(_ handle: UnsafeMutableRawPointer, _ name: String, as type: T.Type) throws(ZMQError) -> T {
            guard let address = dlsym(handle, name) else {
                throw ZMQError(call: "dlsym", code: 0, detail: "\(name) is missing from the loaded libzmq or libcrypto (too old a version?)")
            }
            return unsafeBitCast(address, to: T.self)
        }
        zmq_strerror = try symbol(zmq, "zmq_strerror", as: nn_zmq_strerror_fn.self)
        zmq_errno = try symbol(zmq, "zmq_errno", as: nn_zmq_errno_fn.self)
        zmq_ctx_new = try symbol(zmq, "zmq_ctx_new", as: nn_zmq_ctx_new_fn.self)
        zmq_ctx_term = try symbol(zmq, "zmq_ctx_term", as: nn_zmq_ctx_term_fn.self)
        zmq_socket = try symbol(zmq, "zmq_socket", as: nn_zmq_socket_fn.self)
        zmq_setsockopt = try symbol(zmq, "zmq_setsockopt", as: nn_zmq_setsockopt_fn.self)
        zmq_bind = try symbol(zmq, "zmq_bind", as: nn_zmq_bind_fn.self)
        zmq_connect = try symbol(zmq, "zmq_connect", as: nn_zmq_connect_fn.self)
        zmq_close = try symbol(zmq, "zmq_close", as: nn_zmq_close_fn.self)
        zmq_poll = try symbol(zmq, "zmq_poll", as: nn_zmq_poll_fn.self)
        zmq_msg_init = try symbol(zmq, "zmq_msg_init", as: nn_zmq_msg_init_fn.self)
        zmq_msg_close = try symbol(zmq, "zmq_msg_close", as: nn_zmq_msg_close_fn.self)
        zmq_msg_recv = try symbol(zmq, "zmq_msg_recv", as: nn_zmq_msg_recv_fn.self)
        zmq_msg_size = try symbol(zmq, "zmq_msg_size", as: nn_zmq_msg_size_fn.self)
        zmq_msg_data = try symbol(zmq, "zmq_msg_data", as: nn_zmq_msg_data_fn.self)
        zmq_msg_more = try symbol(zmq, "zmq_msg_more", as: nn_zmq_msg_more_fn.self)
        zmq_send = try symbol(zmq, "zmq_send", as: nn_zmq_send_fn.self)
        HMAC = try symbol(crypto, "HMAC", as: nn_HMAC_fn.self)
        EVP_sha256 = try symbol(crypto, "EVP_sha256", as: nn_EVP_sha256_fn.self)
        CRYPTO_memcmp = try symbol(crypto, "CRYPTO_memcmp", as: nn_CRYPTO_memcmp_fn.self)
    }
}
