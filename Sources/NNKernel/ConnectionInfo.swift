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

/// A kernel's connection file, as the Jupyter client writes it before
/// starting the kernel (`{connection_file}` in the kernelspec's argv):
///
/// ```json
/// {"transport": "tcp", "ip": "127.0.0.1", "shell_port": 53794, "iopub_port": 53795,
///  "stdin_port": 53796, "control_port": 53797, "hb_port": 53798,
///  "key": "a0436f6c-...", "signature_scheme": "hmac-sha256", "kernel_name": "nn"}
/// ```
public struct ConnectionInfo: Equatable, Sendable {
    public var transport: String
    public var ip: String
    public var shellPort: Int, iopubPort: Int, stdinPort: Int, controlPort: Int, hbPort: Int
    public var key: String
    public var signatureScheme: String

    /// Reads and checks a connection file; errors name the file and the field.
    public init(path: String) throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw KernelError("cannot read the connection file '\(path)': \(error)")
        }
        try self.init(json: data, name: path)
    }

    /// Parses a connection file's JSON.
    public init(json: Data, name: String = "connection file") throws {
        guard let d = JSONText.object(Array(json)) else {
            throw KernelError("\(name): not a JSON object")
        }
        func string(_ field: String, default value: String? = nil) throws -> String {
            if let s = d[field] as? String { return s }
            if d[field] == nil, let value { return value }
            throw KernelError("\(name): '\(field)' must be a string")
        }
        func port(_ field: String) throws -> Int {
            guard let p = Kernel.int(d[field]), (1...65535).contains(p) else {
                throw KernelError("\(name): '\(field)' must be a port number (1...65535)")
            }
            return p
        }
        transport = try string("transport", default: "tcp")
        ip = try string("ip", default: "127.0.0.1")
        shellPort = try port("shell_port")
        iopubPort = try port("iopub_port")
        stdinPort = try port("stdin_port")
        controlPort = try port("control_port")
        hbPort = try port("hb_port")
        key = try string("key", default: "")
        signatureScheme = try string("signature_scheme", default: "hmac-sha256")
        guard transport == "tcp" || transport == "ipc" else {
            throw KernelError("\(name): transport must be \"tcp\" or \"ipc\", got \"\(transport)\"")
        }
        guard signatureScheme == "hmac-sha256" || key.isEmpty else {
            throw KernelError("\(name): signature_scheme \"\(signatureScheme)\" is not supported (only hmac-sha256)")
        }
        guard key.utf8.count <= 4096 else { throw KernelError("\(name): the key is longer than 4096 bytes") }
    }

    /// The ZeroMQ endpoint of a port: `tcp://127.0.0.1:5555`, or `ipc://IP-5555` for ipc.
    public func endpoint(_ port: Int) -> String {
        transport == "ipc" ? "ipc://\(ip)-\(port)" : "tcp://\(ip):\(port)"
    }
}

/// A kernel set-up failure, with a message that names what to fix.
public struct KernelError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
