import CCrypto

/// Signs and checks Jupyter messages: HMAC-SHA256 (libcrypto) with the
/// connection file's key, over the header, parent header, metadata and
/// content frames in that order, as lowercase hex.
///
/// ```
/// signature = hex(HMAC-SHA256(key, header ‖ parent_header ‖ metadata ‖ content))
/// ```
/// An empty key turns signing off (the signature frame is empty and not
/// checked), as the protocol allows.
struct Signer: Sendable {
    let key: [UInt8]

    init(key: [UInt8]) { self.key = key }

    var isEnabled: Bool { !key.isEmpty }

    /// The signature of `parts` (empty when signing is off).
    func signature(_ parts: [[UInt8]]) -> [UInt8] {
        guard isEnabled else { return [] }
        return Array(Signer.hex(Signer.hmacSHA256(key: key, parts.flatMap { $0 })).utf8)
    }

    /// True when `signature` is the signature of `parts`, compared in constant time.
    func verify(_ signature: [UInt8], _ parts: [[UInt8]]) -> Bool {
        guard isEnabled else { return true }
        let expected = self.signature(parts)
        guard expected.count == signature.count else { return false }
        guard case .success(let c) = KernelLibrary.shared, !expected.isEmpty else { return false }
        return expected.withUnsafeBytes { a in
            signature.withUnsafeBytes { b in c.CRYPTO_memcmp(a.baseAddress, b.baseAddress, a.count) == 0 }
        }
    }

    /// HMAC-SHA256 of `data` under `key` (32 bytes).
    /// Empty when libcrypto cannot be loaded (a kernel never starts then: ``ZMQContext`` refuses first).
    static func hmacSHA256(key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        guard case .success(let c) = KernelLibrary.shared else { return [] }
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        // HMAC treats a key longer than the block as its hash; sizes fit Int32 (a connection file's key is short).
        let keyLength = Int32(clamping: key.count)
        let ok = key.withUnsafeBytes { k in
            data.withUnsafeBytes { d in
                out.withUnsafeMutableBytes { o in
                    c.HMAC(c.EVP_sha256(), k.baseAddress, keyLength, d.bindMemory(to: UInt8.self).baseAddress, d.count,
                         o.bindMemory(to: UInt8.self).baseAddress, &length) != nil
                }
            }
        }
        return ok ? Array(out.prefix(Int(length))) : []
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
