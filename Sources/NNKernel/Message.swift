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

/// One Jupyter message (messaging protocol 5.3) and its wire form:
///
/// ```
/// [identity, ...] "<IDS|MSG>" signature header parent_header metadata content [buffer, ...]
/// ```
/// The identities route a reply on a ROUTER socket back to its client (on
/// IOPub the first frame is a topic). The four dictionaries are JSON; the
/// signature is ``Signer``'s HMAC of their bytes exactly as received.
struct Message {
    var identities: [[UInt8]]
    var header: JSONObject
    var parentHeader: JSONObject
    var metadata: JSONObject
    var content: JSONObject
    var buffers: [[UInt8]] = []

    /// The frame between the identities and the signature.
    static let delimiter = Array("<IDS|MSG>".utf8)
    /// The protocol version the kernel speaks.
    static let protocolVersion = "5.3"

    /// The message's type (`execute_request`), from its header.
    var type: String { header["msg_type"] as? String ?? "" }

    init(identities: [[UInt8]], header: JSONObject, parentHeader: JSONObject, metadata: JSONObject = [:],
         content: JSONObject, buffers: [[UInt8]] = []) {
        self.identities = identities
        self.header = header
        self.parentHeader = parentHeader
        self.metadata = metadata
        self.content = content
        self.buffers = buffers
    }

    /// Parses the frames of a received message and checks its signature.
    init(frames: [[UInt8]], signer: Signer) throws {
        guard let split = frames.firstIndex(of: Message.delimiter) else {
            throw KernelError("a message without the <IDS|MSG> delimiter")
        }
        let rest = Array(frames[(split + 1)...])
        guard rest.count >= 5 else { throw KernelError("a message with \(rest.count) frames after the delimiter (5 needed)") }
        guard signer.verify(rest[0], Array(rest[1...4])) else { throw KernelError("a message with a bad signature") }
        func object(_ frame: [UInt8], _ what: String) throws -> JSONObject {
            guard let d = JSONText.object(frame) else {
                throw KernelError("a message whose \(what) is not a JSON object")
            }
            return d
        }
        identities = Array(frames[..<split])
        header = try object(rest[1], "header")
        parentHeader = try object(rest[2], "parent header")
        metadata = try object(rest[3], "metadata")
        content = try object(rest[4], "content")
        buffers = Array(rest.dropFirst(5))
    }

    /// The wire frames, signed.
    func frames(signer: Signer) throws -> [[UInt8]] {
        let parts = try [header, parentHeader, metadata, content].map(Message.encode)
        return identities + [Message.delimiter, signer.signature(parts)] + parts + buffers
    }

    /// A new header of type `type` in session `session`.
    static func header(type: String, session: String) -> JSONObject {
        ["msg_id": UUID().uuidString.lowercased(), "session": session, "username": "nn",
         "date": isoDate(), "msg_type": type, "version": protocolVersion]
    }

    /// Now, as ISO 8601 with microseconds in UTC (`2024-05-01T12:00:00.123456Z`).
    static func isoDate() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var t = tm()
        var seconds = now.tv_sec
        gmtime_r(&seconds, &t)
        func pad(_ n: Int, _ width: Int) -> String { PrintfNumber.zeroPadded(n, width: width) }
        return pad(Int(t.tm_year) + 1900, 4) + "-" + pad(Int(t.tm_mon) + 1, 2) + "-" + pad(Int(t.tm_mday), 2)
            + "T" + pad(Int(t.tm_hour), 2) + ":" + pad(Int(t.tm_min), 2) + ":" + pad(Int(t.tm_sec), 2)
            + "." + pad(Int(now.tv_nsec) / 1000, 6) + "Z"
    }

    /// A JSON object's bytes (slashes unescaped, as other kernels write them).
    static func encode(_ object: JSONObject) throws -> [UInt8] {
        do {
            return Array(try JSONText.text(object).utf8)
        } catch {
            throw KernelError("a message part that is not valid JSON (\(error)): \(object)")
        }
    }
}
