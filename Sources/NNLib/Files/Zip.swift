import CZlib
import NNFiles

/// The subset of the ZIP format `.npz` files use (PKWARE APPNOTE 6.3):
/// one disk, members stored (method 0) or deflated (method 8, inflated with
/// zlib), no encryption, Zip64 sizes and offsets where present.
///
/// The reader trusts nothing: the central directory must lie inside the
/// file, each member's data must lie inside the file and before the
/// directory, members may not overlap (a "zip bomb" reuses one compressed
/// stream many times), declared sizes are bounded by `TensorFiles.readLimit`,
/// inflation stops at the declared size, and each member's CRC-32 is checked.
enum Zip {
    /// A member's name and its bytes, uncompressed.
    struct Member {
        let name: String
        let bytes: [UInt8]
    }

    /// The most members an archive may list.
    static let maxMembers = 65_535

    static func members(_ b: [UInt8], path: String) throws(FileError) -> [Member] {
        func fail(_ reason: String) -> FileError { FileError(.read, path, reason) }
        func u16(_ o: Int) -> Int { Int(TensorFiles.read(b, o, as: UInt16.self)) }
        func u32(_ o: Int) -> Int { Int(TensorFiles.read(b, o, as: UInt32.self)) }
        func u64(_ o: Int) -> UInt64 { TensorFiles.read(b, o, as: UInt64.self) }

        // End of central directory: 22 bytes, then a comment of up to 65535 bytes.
        guard b.count >= 22 else { throw fail("it is too short to be a zip archive (.npz)") }
        var eocd = -1
        var k = b.count - 22
        let lowest = max(0, b.count - 22 - 65_535)
        while k >= lowest {
            if b[k] == 0x50, b[k + 1] == 0x4B, b[k + 2] == 0x05, b[k + 3] == 0x06 { eocd = k; break }
            k -= 1
        }
        guard eocd >= 0 else { throw fail("no zip end-of-central-directory record (not a .npz archive, or cut short)") }
        guard u16(eocd + 4) == 0, u16(eocd + 6) == 0 else { throw fail("it is a multi-disk zip archive, which nn does not read") }
        var count = u16(eocd + 10)
        var cdSize = UInt64(u32(eocd + 12))
        var cdOffset = UInt64(u32(eocd + 16))
        if count == 0xFFFF || cdSize == 0xFFFF_FFFF || cdOffset == 0xFFFF_FFFF {
            // Zip64: a locator just before the record points at the Zip64 end record.
            let loc = eocd - 20
            guard loc >= 0, u32(loc) == 0x0706_4B50 else { throw fail("a Zip64 archive without its Zip64 locator") }
            let rec = u64(loc + 8)
            guard rec <= UInt64(loc), Int(rec) + 56 <= loc, u32(Int(rec)) == 0x0606_4B50 else {
                throw fail("the Zip64 end record is outside the file")
            }
            let r = Int(rec)
            let n64 = u64(r + 32)
            guard n64 <= UInt64(maxMembers) else { throw fail("the archive lists \(n64) members (at most \(maxMembers))") }
            count = Int(n64)
            cdSize = u64(r + 40)
            cdOffset = u64(r + 48)
        }
        guard cdOffset <= UInt64(b.count), cdSize <= UInt64(b.count) - cdOffset else {
            throw fail("the central directory (offset \(cdOffset), \(cdSize) bytes) lies outside the file")
        }
        let cdStart = Int(cdOffset), cdEnd = Int(cdOffset) + Int(cdSize)

        var members: [Member] = []
        var ranges: [(start: Int, end: Int, name: String)] = []
        var pending: [(name: String, what: String, method: Int, crc: UInt32, start: Int, end: Int, size: Int)] = []
        var names = Set<String>()
        var total = 0
        var p = cdStart
        for i in 0..<count {
            guard p + 46 <= cdEnd, u32(p) == 0x0201_4B50 else {
                throw fail("central directory entry \(i + 1) of \(count) is missing or damaged")
            }
            let flags = u16(p + 8), method = u16(p + 10)
            let crc = UInt32(u32(p + 16))
            var csize = UInt64(u32(p + 20)), usize = UInt64(u32(p + 24))
            let nameLength = u16(p + 28), extraLength = u16(p + 30), commentLength = u16(p + 32)
            var local = UInt64(u32(p + 42))
            let nameStart = p + 46, extraStart = nameStart + nameLength, next = extraStart + extraLength + commentLength
            guard next <= cdEnd else { throw fail("central directory entry \(i + 1) runs past the directory") }
            guard let name = String(validating: b[nameStart..<extraStart], as: UTF8.self) else {
                throw fail("member \(i + 1)'s name is not valid UTF-8")
            }
            let what = "member '\(FilePath.printable(name))'"
            // Zip64 extra field (id 1): the 0xFFFFFFFF fields, in order: usize, csize, offset.
            var e = extraStart
            while e + 4 <= extraStart + extraLength {
                let id = u16(e), size = u16(e + 2)
                guard e + 4 + size <= extraStart + extraLength else { throw fail("\(what): a damaged extra field") }
                if id == 1 {
                    var q = e + 4
                    func next64() throws(FileError) -> UInt64 {
                        guard q + 8 <= e + 4 + size else { throw fail("\(what): a damaged Zip64 extra field") }
                        defer { q += 8 }
                        return u64(q)
                    }
                    if usize == 0xFFFF_FFFF { usize = try next64() }
                    if csize == 0xFFFF_FFFF { csize = try next64() }
                    if local == 0xFFFF_FFFF { local = try next64() }
                }
                e += 4 + size
            }
            guard flags & 1 == 0 else { throw fail("\(what) is encrypted") }
            guard names.insert(name).inserted else { throw fail("the member name '\(FilePath.printable(name))' appears twice") }
            guard usize <= UInt64(TensorFiles.readLimit), csize <= UInt64(b.count) else {
                throw fail("\(what): declared size \(usize) bytes (compressed \(csize)) is too large")
            }
            total += Int(usize)
            guard total <= TensorFiles.readLimit else {
                throw fail("the members add up to more than \(TensorFiles.readLimit) bytes uncompressed")
            }
            guard local <= UInt64(cdStart), Int(local) + 30 <= cdStart, u32(Int(local)) == 0x0403_4B50 else {
                throw fail("\(what): its local header is missing or outside the file")
            }
            let l = Int(local)
            let dataStart = l + 30 + u16(l + 26) + u16(l + 28)
            guard dataStart <= cdStart, csize <= UInt64(cdStart - dataStart) else {
                throw fail("\(what): its data (\(csize) bytes at offset \(dataStart)) reaches past the central directory")
            }
            guard u16(l + 26) == nameLength, Array(b[(l + 30)..<(l + 30 + nameLength)]) == Array(b[nameStart..<extraStart]) else {
                throw fail("\(what): the local header names a different member")
            }
            let dataEnd = dataStart + Int(csize)
            guard method == 0 || method == 8 else {
                throw fail("\(what) uses compression method \(method); nn reads stored (0) and deflated (8) members")
            }
            guard method == 8 || csize == usize else { throw fail("\(what) is stored but its sizes differ (\(csize) and \(usize))") }
            ranges.append((l, dataEnd, name))
            pending.append((name, what, method, crc, dataStart, dataEnd, Int(usize)))
            p = next
        }
        // Before inflating anything: members may not share bytes (a zip bomb reuses one stream).
        let sorted = ranges.sorted { $0.start < $1.start }
        for (a, c) in zip(sorted, sorted.dropFirst()) where c.start < a.end {
            throw fail("members '\(FilePath.printable(a.name))' and '\(FilePath.printable(c.name))' overlap in the file")
        }
        for m in pending {
            let raw = Array(b[m.start..<m.end])
            let bytes = m.method == 0 ? raw : try inflate(raw, size: m.size, what: m.what, path: path)
            guard crc32(bytes) == m.crc else { throw fail("\(m.what) fails its CRC-32 check (the file is damaged)") }
            members.append(Member(name: m.name, bytes: bytes))
        }
        return members
    }

    /// The CRC-32 of `bytes` (zlib's `crc32`, ISO-HDLC).
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: uLong = CZlib.crc32(0, nil, 0)
        var start = 0
        bytes.withUnsafeBufferPointer { buf in
            while start < buf.count {
                let n = min(buf.count - start, 1 << 30)
                crc = CZlib.crc32(crc, buf.baseAddress.map { $0 + start }, uInt(n))
                start += n
            }
        }
        return UInt32(truncatingIfNeeded: crc)
    }

    /// The most bytes one deflated byte can stand for: DEFLATE's densest code
    /// is a 258-byte match in under 2 bits, so a stream expands at most
    /// about 1032 times (zlib's "maximum compression factor").
    static let maxInflateRatio = 1032

    /// Raw deflate data inflated to exactly `size` bytes.
    ///
    /// `size` comes from the archive, so it is never trusted for memory: a
    /// size no stream of `input.count` bytes could produce (more than
    /// `maxInflateRatio` times it, plus a little for the stream's framing) is
    /// refused before anything is allocated, and the output grows with
    /// what zlib actually produces (doubling from 64 KiB), never to the
    /// declared size up front. Inflation stops one byte past `size`.
    static func inflate(_ input: [UInt8], size: Int, what: String, path: String) throws(FileError) -> [UInt8] {
        func fail(_ reason: String) -> FileError { FileError(.read, path, "\(what): \(reason)") }
        guard input.count < Int(UInt32.max), size < Int(UInt32.max) else {
            throw fail("deflated members over 4 GiB are not read")
        }
        guard size <= input.count * maxInflateRatio + 64 else {
            throw fail("it declares \(size) bytes uncompressed, more than its \(input.count) deflated bytes can hold (at most \(maxInflateRatio) times as many; the file is damaged)")
        }
        var stream = z_stream()
        guard inflateInit2_(&stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw fail("zlib could not start inflating")
        }
        defer { inflateEnd(&stream) }
        var out: [UInt8] = []
        var produced = 0
        var input = input
        let status: Int32 = input.withUnsafeMutableBufferPointer { inBuf in
            stream.next_in = inBuf.baseAddress
            stream.avail_in = uInt(inBuf.count)
            while true {
                if produced == out.count {
                    guard out.count <= size else { return Z_BUF_ERROR }   // one byte past the declared size
                    let grown = min(size + 1, max(2 * out.count, 1 << 16))
                    out.append(contentsOf: repeatElement(0, count: grown - out.count))
                }
                let s: Int32 = out.withUnsafeMutableBufferPointer { outBuf in
                    guard let base = outBuf.baseAddress else { return Z_MEM_ERROR }
                    stream.next_out = base + produced
                    stream.avail_out = uInt(outBuf.count - produced)
                    let s = CZlib.inflate(&stream, Z_NO_FLUSH)
                    produced = outBuf.count - Int(stream.avail_out)
                    return s
                }
                // Z_OK means progress; anything else (the end, or no progress possible) stops.
                if s != Z_OK { return s }
            }
        }
        guard status == Z_STREAM_END else {
            if produced > size { throw fail("it inflates to more than its declared \(size) bytes") }
            throw fail("its deflate data is damaged (zlib status \(status))")
        }
        guard produced == size else { throw fail("it inflates to \(produced) bytes, not its declared \(size)") }
        out.removeLast(out.count - produced)
        return out
    }

    /// A zip archive of stored members (no compression), as bytes in parts
    /// handed to `emit`; members and the whole must stay under 4 GiB (no Zip64).
    static func write(_ members: [(name: String, bytes: [UInt8])], path: String,
                      _ emit: ([UInt8]) throws(FileError) -> Void) throws(FileError) {
        var central: [UInt8] = []
        var offset = 0
        for (name, bytes) in members {
            let nameBytes = Array(name.utf8)
            let end = offset + 30 + nameBytes.count + bytes.count
            guard bytes.count < 0xFFFF_FFFF, end < 0xFFFF_FFFF, nameBytes.count <= 0xFFFF else {
                throw FileError(.write, path, "member '\(name)' would pass 4 GiB, more than a .npz written by nn may hold; save to .safetensors instead")
            }
            let crc = crc32(bytes)
            var local: [UInt8] = []
            func header(_ out: inout [UInt8]) {
                TensorFiles.append(UInt16(20), &out)            // version needed: 2.0
                TensorFiles.append(UInt16(0), &out)             // flags
                TensorFiles.append(UInt16(0), &out)             // method: stored
                TensorFiles.append(UInt16(0), &out)             // time 00:00
                TensorFiles.append(UInt16(0x21), &out)          // date 1980-01-01
                TensorFiles.append(crc, &out)
                TensorFiles.append(UInt32(bytes.count), &out)   // compressed
                TensorFiles.append(UInt32(bytes.count), &out)   // uncompressed
                TensorFiles.append(UInt16(nameBytes.count), &out)
                TensorFiles.append(UInt16(0), &out)             // extra length
            }
            TensorFiles.append(UInt32(0x0403_4B50), &local)
            header(&local)
            local += nameBytes
            try emit(local)
            try emit(bytes)
            TensorFiles.append(UInt32(0x0201_4B50), &central)
            TensorFiles.append(UInt16(0x0314), &central)        // made by: Unix, 2.0
            header(&central)
            TensorFiles.append(UInt16(0), &central)             // comment length
            TensorFiles.append(UInt16(0), &central)             // disk
            TensorFiles.append(UInt16(0), &central)             // internal attributes
            TensorFiles.append(UInt32(0o100644 << 16), &central) // external: a regular file, rw-r--r--
            TensorFiles.append(UInt32(offset), &central)
            central += nameBytes
            offset = end
        }
        guard members.count < 0xFFFF, offset + central.count < 0xFFFF_FFFF else {
            throw FileError(.write, path, "the archive would pass 4 GiB or 65535 members; save to .safetensors instead")
        }
        var tail: [UInt8] = []
        TensorFiles.append(UInt32(0x0605_4B50), &tail)
        TensorFiles.append(UInt16(0), &tail)
        TensorFiles.append(UInt16(0), &tail)
        TensorFiles.append(UInt16(members.count), &tail)
        TensorFiles.append(UInt16(members.count), &tail)
        TensorFiles.append(UInt32(central.count), &tail)
        TensorFiles.append(UInt32(offset), &tail)
        TensorFiles.append(UInt16(0), &tail)
        try emit(central + tail)
    }
}
