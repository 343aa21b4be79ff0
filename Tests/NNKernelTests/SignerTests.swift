import Testing
@testable import NNKernel

/// HMAC-SHA256 against RFC 4231's test vectors, and the message signature rule.
@Suite("Signer")
struct SignerTests {
    static func bytes(hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var chars = Array(hex.utf8)[...]
        while chars.count >= 2 {
            out.append(UInt8(String(decoding: chars.prefix(2), as: UTF8.self), radix: 16) ?? 0)
            chars = chars.dropFirst(2)
        }
        return out
    }

    @Test func rfc4231Case1() {
        let key = [UInt8](repeating: 0x0b, count: 20)
        let mac = Signer.hmacSHA256(key: key, Array("Hi There".utf8))
        #expect(Signer.hex(mac) == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    }

    @Test func rfc4231Case2() {
        let mac = Signer.hmacSHA256(key: Array("Jefe".utf8), Array("what do ya want for nothing?".utf8))
        #expect(Signer.hex(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    /// A key longer than SHA-256's 64-byte block is hashed first (RFC 4231 case 6).
    @Test func rfc4231Case6LongKey() {
        let key = [UInt8](repeating: 0xaa, count: 131)
        let mac = Signer.hmacSHA256(key: key, Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8))
        #expect(Signer.hex(mac) == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    /// The signature covers the four parts in order, as one byte string.
    @Test func signatureIsTheMACOfTheConcatenatedParts() {
        let signer = Signer(key: Array("secret".utf8))
        let parts = [Array("{\"a\":1}".utf8), Array("{}".utf8), Array("{}".utf8), Array("{\"b\":2}".utf8)]
        let expected = Signer.hex(Signer.hmacSHA256(key: Array("secret".utf8), parts.flatMap { $0 }))
        #expect(String(decoding: signer.signature(parts), as: UTF8.self) == expected)
        #expect(signer.verify(signer.signature(parts), parts))
        var tampered = parts
        tampered[3] = Array("{\"b\":3}".utf8)
        #expect(!signer.verify(signer.signature(parts), tampered))
        #expect(!signer.verify([], parts))
    }

    @Test func anEmptyKeyTurnsSigningOff() {
        let signer = Signer(key: [])
        #expect(signer.signature([[1, 2]]).isEmpty)
        #expect(signer.verify([], [[1, 2]]))
    }
}
