import NNFiles
import NNTensor

/// NumPy's `.npy` format (versions 1.0, 2.0 and 3.0), by NumPy's spec:
/// ```
/// "\x93NUMPY" major minor  header-length (u16 LE in 1.0; u32 LE in 2.0, 3.0)
/// header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }" + spaces + "\n"
/// data   = the elements, C order (or Fortran order when fortran_order is True)
/// ```
/// nn writes version 1.0 (2.0 only for a header over 65535 bytes), the data
/// aligned to 64 bytes as NumPy does.
extension TensorFiles {
    /// The largest `.npy` header accepted (NumPy's own default limit is 10000).
    public static let npyHeaderLimit = 100_000

    /// Reads a `.npy` file into a tensor.
    public static func readNPY(_ path: String) throws(FileError) -> Tensor {
        try decodeNPY(try FileReader.read(path, limit: readLimit), path: path)
    }

    /// Decodes `.npy` bytes; `path` names the file (or the `.npz` member) in errors.
    ///
    /// Checked: the magic and version, the header length (≤ 100000 bytes and
    /// inside the file), the header dict (exactly the keys `descr`,
    /// `fortran_order` and `shape`, none twice), the dtype (`<f4`, `<f8`,
    /// `|b1`, `<f2`, integers; either byte order), the shape (rank ≤ 64, at
    /// most 2^31 elements) and that the data is exactly elements × size bytes.
    public static func decodeNPY(_ bytes: [UInt8], path: String) throws(FileError) -> Tensor {
        func fail(_ reason: String) -> FileError { FileError(.read, path, reason) }
        let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw fail("it does not start with the .npy magic \\x93NUMPY (not a .npy file)")
        }
        let major = bytes[6], minor = bytes[7]
        let headerStart: Int, headerLength: Int
        switch (major, minor) {
        case (1, 0):
            headerStart = 10
            headerLength = Int(read(bytes, 8, as: UInt16.self))
        case (2, 0), (3, 0):
            guard bytes.count >= 12 else { throw fail("it is cut short inside the header length field") }
            headerStart = 12
            let n = read(bytes, 8, as: UInt32.self)
            guard n <= UInt32(npyHeaderLimit) else {
                throw fail("the header length field is \(n) bytes, more than the \(npyHeaderLimit) allowed")
            }
            headerLength = Int(n)
        default:
            throw fail("field 'version' is \(major).\(minor); nn reads .npy versions 1.0, 2.0 and 3.0")
        }
        guard headerLength <= bytes.count - headerStart else {
            throw fail("the header length field is \(headerLength) bytes but only \(bytes.count - headerStart) bytes follow it (the file is cut short)")
        }
        let headerBytes = Array(bytes[headerStart..<(headerStart + headerLength)])
        // 1.0 and 2.0 headers are latin-1 (in practice ASCII); 3.0 is UTF-8.
        guard major == 3 || headerBytes.allSatisfy({ $0 < 0x80 }) else {
            throw fail("the header holds non-ASCII bytes (allowed only in version 3.0)")
        }
        guard let text = String(validating: headerBytes, as: UTF8.self) else { throw fail("the header is not valid UTF-8") }
        let dict: [String: PyLiteral]
        do {
            dict = try PyDictParser.parse(text)
        } catch {
            throw fail("header: \(error.message)")
        }
        for key in dict.keys where !["descr", "fortran_order", "shape"].contains(key) {
            throw fail("the header has an unknown key '\(key)' (expected descr, fortran_order, shape)")
        }
        guard let d = dict["descr"] else { throw fail("the header has no key 'descr'") }
        guard case .string(let descr) = d else {
            throw fail("header field 'descr' is \(d.kind); nn reads plain numeric dtypes, not structured ones")
        }
        guard let f = dict["fortran_order"] else { throw fail("the header has no key 'fortran_order'") }
        guard case .bool(let fortran) = f else { throw fail("header field 'fortran_order' is \(f.kind), not True or False") }
        guard let s = dict["shape"] else { throw fail("the header has no key 'shape'") }
        guard case .tuple(let shape) = s else { throw fail("header field 'shape' is \(s.kind), not a tuple of integers") }
        guard let (element, bigEndian) = npyElement(descr) else {
            throw fail("header field 'descr' is '\(descr)', which nn does not read (it reads <f4, <f8, |b1, <f2 and integer dtypes, either byte order)")
        }
        let count: Int
        switch FileShape.count(shape) {
        case .success(let c): count = c
        case .failure(let p): throw fail("header field 'shape' \(FileShape.text(shape)) is refused: \(p.text)")
        }
        let dataStart = headerStart + headerLength
        let available = bytes.count - dataStart
        let (needed, overflow) = count.multipliedReportingOverflow(by: element.size)
        guard !overflow, needed == available else {
            throw fail("the data is \(available) bytes but shape \(FileShape.text(shape)) of '\(descr)' needs \(count) × \(element.size) = \(needed)")
        }
        let decodeShape = fortran ? Array(shape.reversed()) : shape
        let t = try element.decode(bytes, offset: dataStart, count: count, shape: decodeShape, bigEndian: bigEndian,
                                   path: path, what: "the data")
        guard fortran, shape.count > 1 else { return t }
        do {
            return try t.permute(Array((0..<shape.count).reversed()))
        } catch {
            throw fail("the data: \(error)")
        }
    }

    /// The element type and byte order of a plain NumPy `descr`, or nil.
    static func npyElement(_ descr: String) -> (FileElement, Bool)? {
        var d = Substring(descr)
        var big = false
        if let first = d.first, "<>|=".contains(first) {
            big = first == ">"
            d = d.dropFirst()
        }
        let element: FileElement
        switch d {
        case "f2": element = .f16
        case "f4": element = .f32
        case "f8": element = .f64
        case "b1", "?": element = .bool
        case "i1": element = .i8
        case "i2": element = .i16
        case "i4": element = .i32
        case "i8": element = .i64
        case "u1": element = .u8
        case "u2": element = .u16
        case "u4": element = .u32
        case "u8": element = .u64
        default: return nil
        }
        return (element, big)
    }

    /// The `descr` nn writes for a dtype.
    static func npyDescr(_ dtype: DType) -> String {
        switch dtype {
        case .float32: "<f4"
        case .float64: "<f8"
        case .bool: "|b1"
        case .int64: "<i8"
        }
    }

    /// The header block (magic, version, length, dict, padding) for `t`.
    static func npyPrefix(_ t: Tensor) -> [UInt8] {
        let shape = t.shape.count == 1 ? "(\(t.shape[0]),)" : "(" + t.shape.map(String.init).joined(separator: ", ") + ")"
        let dict = "{'descr': '\(npyDescr(t.dtype))', 'fortran_order': False, 'shape': \(shape), }"
        var version: UInt8 = 1
        var lengthSize = 2
        var total = 6 + 2 + lengthSize + dict.utf8.count + 1
        var padding = (64 - total % 64) % 64
        if dict.utf8.count + 1 + padding > 65535 {
            version = 2
            lengthSize = 4
            total = 6 + 2 + lengthSize + dict.utf8.count + 1
            padding = (64 - total % 64) % 64
        }
        let header = Array(dict.utf8) + [UInt8](repeating: 0x20, count: padding) + [0x0A]
        var out: [UInt8] = [0x93] + Array("NUMPY".utf8) + [version, 0]
        if version == 1 { append(UInt16(header.count), &out) } else { append(UInt32(header.count), &out) }
        return out + header
    }

    /// Writes `t` as a `.npy` file (C order, little-endian), atomically.
    public static func writeNPY(_ t: Tensor, to path: String) throws(FileError) {
        let prefix = npyPrefix(t)
        try AtomicFile.write(to: path) { sink throws(FileError) in
            try sink.write(prefix)
            try writeElements(t, to: sink)
        }
    }

    /// The whole `.npy` file as bytes.
    static func encodeNPY(_ t: Tensor) -> [UInt8] { npyPrefix(t) + elementBytes(t) }
}
