import CZlib
import Foundation
import NNFiles
import Testing
@testable import NNLib

/// What the file-reader fuzzers (FuzzTesting, `scripts/fuzz npz` ...) found,
/// kept fixed. Each saved input also stays in FuzzTesting/FailCases, which
/// `scripts/fuzz --replay` runs.
@Suite struct TensorFilesFuzzTests {
    static let failCases = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("FuzzTesting/FailCases")

    /// `scripts/fuzz npz` (first run): a 400-byte archive whose member
    /// declares 4,227,858,584 bytes uncompressed (in 89 deflated bytes) made the reader allocate
    /// (and zero) 4 GB before inflating a byte. A declared size is no longer
    /// trusted for memory: one no stream of that length could produce is
    /// refused, and the output grows with what zlib produces.
    @Test func declaredSizeIsNotAnAllocation() throws {
        let bytes = try [UInt8](Data(contentsOf: Self.failCases.appendingPathComponent("npz/oom-1166f0dfe261038c4e9ae1335644dfc098a4b1a3")))
        do {
            _ = try TensorFiles.decodeNPZ(bytes, path: "f.npz")
            Issue.record("the archive read")
        } catch {
            #expect(error.reason.contains("member 'a.npy': it declares 4227858584 bytes uncompressed, more than its 89 deflated bytes"), "\(error.reason)")
        }
        // the empty stream (one final stored block of nothing) cannot hold a byte more than the framing allows
        let empty: [UInt8] = [0x03, 0x00]
        #expect(try Zip.inflate(empty, size: 0, what: "m", path: "f") == [])
        do {
            _ = try Zip.inflate(empty, size: 4_000_000_000, what: "m", path: "f")
            Issue.record("inflated")
        } catch {
            #expect(error.reason == "m: it declares 4000000000 bytes uncompressed, more than its 2 deflated bytes can hold (at most 1032 times as many; the file is damaged)")
        }
    }

    /// The bound is DEFLATE's own: zlib's densest stream (10 MB of zeros at
    /// level 9, about 1030 to 1) still reads, through many buffer growths.
    @Test func densestStreamStillReads() throws {
        let zeros = [UInt8](repeating: 0, count: 10_000_000)
        let packed = try deflate(zeros, level: 9)
        #expect(packed.count * Zip.maxInflateRatio > zeros.count && packed.count * 1000 < zeros.count)
        #expect(try Zip.inflate(packed, size: zeros.count, what: "m", path: "f") == zeros)
        let text = [UInt8]((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 / 13) })
        #expect(try Zip.inflate(try deflate(text, level: 6), size: text.count, what: "m", path: "f") == text)
    }

    /// Raw deflate (no zlib header) of `bytes`.
    func deflate(_ bytes: [UInt8], level: Int32) throws -> [UInt8] {
        var stream = z_stream()
        #expect(deflateInit2_(&stream, level, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK)
        defer { deflateEnd(&stream) }
        var input = bytes
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))))
        let status = input.withUnsafeMutableBufferPointer { i in
            out.withUnsafeMutableBufferPointer { o in
                stream.next_in = i.baseAddress
                stream.avail_in = uInt(i.count)
                stream.next_out = o.baseAddress
                stream.avail_out = uInt(o.count)
                return CZlib.deflate(&stream, Z_FINISH)
            }
        }
        #expect(status == Z_STREAM_END)
        return Array(out.prefix(Int(stream.total_out)))
    }
}
