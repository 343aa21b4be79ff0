import CZlib
import Foundation
import NNFiles
import NNTensor
import Testing
@testable import NNLib

/// The tensor-file readers on damaged and hostile input: each violation is
/// an error naming the file and the field, never a crash or a silent reading.
@Suite struct TensorFilesTests {
    // Made per use, not kept in statics: a tensor alive at exit is reported
    // by LeakSanitizer (it cannot see storage behind Swift's tagged enums).
    static var t32: Tensor { try! Tensor(shape: [2, 3], array: [Float(1), 2, 3, 4, 5, 6]) }
    static var t64: Tensor { try! Tensor(shape: [2], array: [0.5, -1.25]) }

    /// The reason of the FileError `body` throws.
    func reason(_ body: () throws -> Any) -> String {
        do {
            _ = try body()
            return "no error"
        } catch let e as FileError {
            #expect(e.path == "f")
            return e.reason
        } catch {
            return "other error: \(error)"
        }
    }

    /// A safetensors file from a header text and data bytes.
    func safetensors(_ header: String, data: [UInt8] = []) -> [UInt8] {
        var out: [UInt8] = []
        TensorFiles.append(UInt64(header.utf8.count), &out)
        return out + Array(header.utf8) + data
    }

    @Test func safetensorsRoundTrip() throws {
        let archive = TensorArchive(tensors: [("a", Self.t32), ("b.c", Self.t64)], metadata: [("format", "pt")])
        let bytes = try TensorFiles.encodeSafetensors(archive)
        #expect((bytes.count - 8 - 24 - 16) % 8 == 0)
        let back = try TensorFiles.decodeSafetensors(bytes, path: "f")
        #expect(back.tensors.map(\.name) == ["a", "b.c"])
        #expect(back.tensors[0].tensor.floats == Self.t32.floats && back.tensors[0].tensor.shape == [2, 3])
        #expect(back.tensors[1].tensor.doubles == Self.t64.doubles && back.tensors[1].tensor.dtype == .float64)
        #expect(back.metadata.map(\.value) == ["pt"])
    }

    @Test func safetensorsHostile() throws {
        let f4 = [UInt8](repeating: 0, count: 4)
        func r(_ h: String, _ d: [UInt8] = []) -> String { reason { try TensorFiles.decodeSafetensors(safetensors(h, data: d), path: "f") } }
        #expect(reason { try TensorFiles.decodeSafetensors([1, 2, 3], path: "f") }.contains("too short"))
        var huge: [UInt8] = []
        TensorFiles.append(UInt64.max, &huge)
        #expect(reason { try TensorFiles.decodeSafetensors(huge + [0x7B], path: "f") }.contains("more than the 100000000 allowed"))
        var cut: [UInt8] = []
        TensorFiles.append(UInt64(100), &cut)
        #expect(reason { try TensorFiles.decodeSafetensors(cut + Array("{}".utf8), path: "f") }.contains("only 2 bytes follow it"))
        #expect(r("[1]").contains("does not start with '{'"))
        #expect(r("{\"a\":1,}").contains("header:"))
        #expect(r("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{}}", f4).contains("the key \"a\" appears twice"))
        #expect(r("{\"x\":" + String(repeating: "[", count: 40) + String(repeating: "]", count: 40) + "}").contains("nests deeper than 16"))
        #expect(r("{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}").contains("tensor 'a' has no field 'data_offsets'"))
        #expect(r("{\"a\":{\"dtype\":\"C64\",\"shape\":[1],\"data_offsets\":[0,4]}}", f4).contains("field 'dtype' is \"C64\""))
        #expect(r("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":1}}", f4).contains("unknown field 'x'"))
        #expect(r("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", f4).contains("field 'shape' holds -1"))
        #expect(r("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", f4).contains("holds 1.5"))
        #expect(r("{\"a\":{\"dtype\":\"F32\",\"shape\":[99999999999999999999],\"data_offsets\":[0,4]}}", f4).contains("not a non-negative integer"))
        #expect(r("{\"a\":{\"dtype\":\"F32\",\"shape\":[65536,65536],\"data_offsets\":[0,4]}}", f4).contains("more than 2147483648 elements"))
        #expect(r("{\"a\":{\"dtype\":\"F32\",\"shape\":[" + Array(repeating: "1", count: 65).joined(separator: ",") + "],\"data_offsets\":[0,4]}}", f4).contains("65 dimensions"))
        #expect(r("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", f4).contains("holds 4 bytes but shape [2] of F32 needs 2 × 4 = 8"))
        #expect(r("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,8]}}", f4).contains("reaches past the end of the data (4 bytes)"))
        #expect(r("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,0]}}", f4).contains("ends before it begins"))
        #expect(r("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", f4).contains("overlaps another tensor"))
        #expect(r("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", f4 + f4).contains("leaves a gap"))
        #expect(r("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", f4 + f4).contains("trailing bytes"))
        #expect(r("{\"a\":{\"dtype\":\"BOOL\",\"shape\":[1],\"data_offsets\":[0,1]}}", [2]).contains("the byte 2, not a bool"))
        // an I64 beyond 2^53 reads exactly (int64); a U64 beyond 2^63 - 1 has no int64 value
        var big: [UInt8] = []
        TensorFiles.append(UInt64(1) << 60, &big)
        let wide = try TensorFiles.decodeSafetensors(safetensors("{\"a\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", data: big), path: "f")
        #expect(wide.tensors[0].tensor.int64s == [1 << 60])
        let top = [UInt8](repeating: 0xFF, count: 8)
        #expect(r("{\"a\":{\"dtype\":\"U64\",\"shape\":[1],\"data_offsets\":[0,8]}}", top).contains("(18446744073709551615) of the U64 data is beyond the int64 range"))
        #expect(r("{\"__metadata__\":{\"k\":1}}").contains("'__metadata__.k' is a number"))
        #expect(r("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}} x", f4).contains("unexpected text after the JSON value"))
        #expect(r("{\"a\u{1}\":{}}").contains("control character"))
    }

    @Test func safetensorsOtherDtypes() throws {
        // F16 1.5 = 0x3E00, BF16 -2 = 0xC000, I32 -7, U8 200
        var d: [UInt8] = [0x00, 0x3E, 0x00, 0xC0]
        TensorFiles.append(UInt32(bitPattern: -7), &d)
        d.append(200)
        let h = "{\"h\":{\"dtype\":\"F16\",\"shape\":[],\"data_offsets\":[0,2]},\"b\":{\"dtype\":\"BF16\",\"shape\":[],\"data_offsets\":[2,4]},"
            + "\"i\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[4,8]},\"u\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[8,9]}}"
        let a = try TensorFiles.decodeSafetensors(safetensors(h, data: d), path: "f")
        #expect(a.tensors.map { $0.tensor.doubles } == [[1.5], [-2], [-7], [200]])
        #expect(a.tensors.map { $0.tensor.dtype } == [.float32, .float32, .int64, .int64])
    }

    /// A `.npy` file from a header dict text and data.
    func npy(_ dict: String, _ data: [UInt8], version: UInt8 = 1) -> [UInt8] {
        var out: [UInt8] = [0x93] + Array("NUMPY".utf8) + [version, 0]
        let h = Array((dict + "\n").utf8)
        if version == 1 { TensorFiles.append(UInt16(h.count), &out) } else { TensorFiles.append(UInt32(h.count), &out) }
        return out + h + data
    }

    @Test func npyRoundTripAndAlignment() throws {
        for t in [Self.t32, Self.t64, try Tensor(shape: [], values: [3], dtype: .float64), try Tensor(shape: [2], values: [1, 0], dtype: .bool)] {
            let bytes = TensorFiles.encodeNPY(t)
            #expect((bytes.count - t.count * t.dtype.byteSize) % 64 == 0)
            let back = try TensorFiles.decodeNPY(bytes, path: "f")
            #expect(back.shape == t.shape && back.dtype == t.dtype && back.doubles == t.doubles)
        }
    }

    /// An int64 tensor is written as '<i8' and reads back exactly (beyond 2^53
    /// too); integer data of other widths and byte orders reads as int64.
    @Test func npyInt64() throws {
        let values: [Int64] = [.min, -3, 0, (1 << 53) + 1, .max]
        let t = try Tensor(shape: [5], int64s: values)
        let bytes = TensorFiles.encodeNPY(t)
        #expect(String(decoding: bytes[10..<60], as: UTF8.self).contains("'descr': '<i8'"))
        #expect(try TensorFiles.decodeNPY(bytes, path: "f").int64s == values)
        let i32 = try TensorFiles.decodeNPY(npy("{'descr': '>i4', 'fortran_order': False, 'shape': (2,), }", [0xFF, 0xFF, 0xFF, 0xF9, 0, 0, 0, 200]), path: "f")
        #expect(i32.dtype == .int64 && i32.int64s == [-7, 200])
        let u8 = try TensorFiles.decodeNPY(npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }", [255, 3]), path: "f")
        #expect(u8.int64s == [255, 3])
    }

    @Test func npyHostile() {
        let f8 = [UInt8](repeating: 0, count: 8)
        func r(_ d: String, _ data: [UInt8] = [], version: UInt8 = 1) -> String {
            reason { try TensorFiles.decodeNPY(npy(d, data, version: version), path: "f") }
        }
        #expect(reason { try TensorFiles.decodeNPY(Array("PK".utf8), path: "f") }.contains("magic"))
        #expect(r("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", f8, version: 4).contains("field 'version' is 4.0"))
        var cut: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        TensorFiles.append(UInt16(500), &cut)
        #expect(reason { try TensorFiles.decodeNPY(cut + [0x7B], path: "f") }.contains("only 1 bytes follow it"))
        var long: [UInt8] = [0x93] + Array("NUMPY".utf8) + [2, 0]
        TensorFiles.append(UInt32.max, &long)
        #expect(reason { try TensorFiles.decodeNPY(long, path: "f") }.contains("more than the 100000 allowed"))
        #expect(r("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", f8).contains("the key 'descr' appears twice"))
        #expect(r("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': True}", f8).contains("unknown key 'x'"))
        #expect(r("{'fortran_order': False, 'shape': (2,), }", f8).contains("no key 'descr'"))
        #expect(r("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", f8).contains("field 'descr' is a list"))
        #expect(r("{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }", f8).contains("field 'descr' is '<c8'"))
        #expect(r("{'descr': '<f4', 'fortran_order': 0, 'shape': (2,), }", f8).contains("expected a string, True, False or a tuple"))
        #expect(r("{'descr': '<f4', 'fortran_order': False, 'shape': (2), }", f8).contains("not a tuple"))
        #expect(r("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", f8).contains("non-negative integer"))
        #expect(r("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", f8).contains("the data is 8 bytes but shape [3] of '<f4' needs 3 × 4 = 12"))
        #expect(r("{'descr': '<f4', 'fortran_order': False, 'shape': (65536, 65536), }", f8).contains("more than 2147483648 elements"))
        #expect(r("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,), }", f8).contains("too large"))
        #expect(r("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), } junk", f8).contains("unexpected text"))
        #expect(r("{'descr': '<f4\u{e9}', 'fortran_order': False, 'shape': (2,), }", f8).contains("non-ASCII"))
        #expect(r("{'descr': '<u8', 'fortran_order': False, 'shape': (1,), }", [UInt8](repeating: 0xFF, count: 8)).contains("(18446744073709551615) of the U64 data is beyond the int64 range"))
    }

    @Test func npzRoundTripAndHostile() throws {
        let bytes = try TensorFiles.encodeNPZ([("w", Self.t32), ("b", Self.t64)])
        let back = try TensorFiles.decodeNPZ(bytes, path: "f")
        #expect(back.tensors.map(\.name) == ["w", "b"])
        #expect(back.tensors[0].tensor.floats == Self.t32.floats)
        // A flipped data byte fails the CRC.
        var damaged = bytes
        damaged[40 + 128 + 2] ^= 0xFF
        #expect(reason { try TensorFiles.decodeNPZ(damaged, path: "f") }.contains("fails its CRC-32 check"))
        // No end record.
        #expect(reason { try TensorFiles.decodeNPZ(Array(bytes.prefix(bytes.count - 22)), path: "f") }.contains("no zip end-of-central-directory"))
        // The second directory entry points at the first member's local header: overlapping members.
        var overlap = bytes
        let cd = Int(TensorFiles.read(bytes, bytes.count - 6, as: UInt32.self))
        let second = cd + 46 + "w.npy".utf8.count
        for k in 0..<4 { overlap[second + 42 + k] = 0 }
        #expect(reason { try TensorFiles.decodeNPZ(overlap, path: "f") }.contains("local header names a different member"))
        // A member whose data holds a copy of another's local header and data; the
        // directory entry of the second points into the first: overlapping members.
        let b = TensorFiles.encodeNPY(Self.t64)
        let single = try encodeZip([("b.npy", b)])
        let inner = Array(single.prefix(35 + b.count))
        var nested = try encodeZip([("a.npy", inner), ("b.npy", b)])
        let cd2 = Int(TensorFiles.read(nested, nested.count - 6, as: UInt32.self)) + 46 + 5
        for (k, byte) in [UInt8(35), 0, 0, 0].enumerated() { nested[cd2 + 42 + k] = byte }
        #expect(reason { try TensorFiles.decodeNPZ(nested, path: "f") }.contains("members 'a.npy' and 'b.npy' overlap in the file"))
        // A member that is not .npy; a member whose .npy is damaged names FILE[member].
        let other = try encodeZip([("a.txt", Array("hi".utf8))])
        #expect(reason { try TensorFiles.decodeNPZ(other, path: "f") }.contains("member 'a.txt' is not a .npy file"))
        let bad = try encodeZip([("a.npy", Array("hi".utf8))])
        do {
            _ = try TensorFiles.decodeNPZ(bad, path: "f")
            Issue.record("no error")
        } catch {
            #expect(error.path == "f[a.npy]" && error.reason.contains("magic"))
        }
        let twice = try encodeZip([("a.npy", TensorFiles.encodeNPY(Self.t64)), ("a.npy", TensorFiles.encodeNPY(Self.t64))])
        #expect(reason { try TensorFiles.decodeNPZ(twice, path: "f") }.contains("the member name 'a.npy' appears twice"))
    }

    func encodeZip(_ members: [(name: String, bytes: [UInt8])]) throws -> [UInt8] {
        var out: [UInt8] = []
        try Zip.write(members, path: "f") { part throws(FileError) in out += part }
        return out
    }

    /// A deflated member whose declared size is smaller than what it inflates to stops at the size.
    @Test func inflateBounded() throws {
        let zeros = [UInt8](repeating: 0, count: 100_000)
        #expect(try Zip.inflate(deflate(zeros), size: zeros.count, what: "m", path: "f") == zeros)
        let packed = try deflate(zeros)
        #expect(reason { try Zip.inflate(packed, size: 1000, what: "m", path: "f") }.contains("inflates to more than its declared 1000 bytes"))
        #expect(reason { try Zip.inflate(Array(packed.prefix(5)), size: zeros.count, what: "m", path: "f") }.contains("damaged"))
    }

    /// Raw deflate (no zlib header) of `bytes`, as zip members hold it.
    func deflate(_ bytes: [UInt8]) throws -> [UInt8] {
        var stream = z_stream()
        #expect(deflateInit2_(&stream, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK)
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

    /// Mutated files never crash a reader: every result is a tensor or a FileError.
    @Test func mutationsNeverCrash() throws {
        let seeds: [(String, [UInt8])] = [
            ("st", try TensorFiles.encodeSafetensors(TensorArchive(tensors: [("a", Self.t32), ("b", Self.t64)]))),
            ("npy", TensorFiles.encodeNPY(Self.t32)),
            ("npz", try TensorFiles.encodeNPZ([("w", Self.t32), ("b", Self.t64)])),
        ]
        var rng = RandomGenerator(seed: 17)
        for (kind, seed) in seeds {
            for _ in 0..<400 {
                var b = seed
                let edits = 1 + Int(rng.next() % 4)
                for _ in 0..<edits {
                    let i = Int(rng.next() % UInt64(b.count))
                    switch rng.next() % 3 {
                    case 0: b[i] = UInt8(truncatingIfNeeded: rng.next())
                    case 1: b.removeSubrange(i...)
                    default: b.insert(UInt8(truncatingIfNeeded: rng.next()), at: i)
                    }
                    if b.isEmpty { break }
                }
                do {
                    switch kind {
                    case "st": _ = try TensorFiles.decodeSafetensors(b, path: "f")
                    case "npy": _ = try TensorFiles.decodeNPY(b, path: "f")
                    default: _ = try TensorFiles.decodeNPZ(b, path: "f")
                    }
                } catch {
                    #expect(error.path.hasPrefix("f"))
                }
            }
        }
    }
}
