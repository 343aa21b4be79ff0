import NNFiles
import NNTensor

/// Named tensors read from or written to a file, in file order, with the
/// file's string metadata (safetensors' `__metadata__`; empty elsewhere).
public struct TensorArchive {
    public var tensors: [(name: String, tensor: Tensor)]
    public var metadata: [(key: String, value: String)]

    public init(tensors: [(name: String, tensor: Tensor)], metadata: [(key: String, value: String)] = []) {
        self.tensors = tensors
        self.metadata = metadata
    }
}

/// The safetensors format (Hugging Face), by its specification:
/// ```
/// [8 bytes: N, little-endian u64] [N bytes: JSON header] [data]
/// header = {"__metadata__": {str: str}?,                # optional
///           NAME: {"dtype": "F32", "shape": [d0, ...], "data_offsets": [begin, end]}, ...}
/// ```
/// Offsets are relative to the start of the data; the tensors' byte ranges
/// are contiguous, in order, and cover the data exactly.
extension TensorFiles {
    /// The largest header accepted (the reference implementation's limit, 100 MB).
    public static let safetensorsHeaderLimit = 100_000_000

    /// Reads a `.safetensors` file; see ``decodeSafetensors(_:path:)``.
    public static func readSafetensors(_ path: String) throws(FileError) -> TensorArchive {
        try decodeSafetensors(try FileReader.read(path, limit: readLimit), path: path)
    }

    /// Decodes safetensors bytes; `path` names the file in errors.
    ///
    /// Checked: the header length (≤ 100 MB and inside the file), the JSON
    /// (strict, no repeated key, depth ≤ 16), each entry's fields (exactly
    /// `dtype`, `shape`, `data_offsets`), the dtype, the shape (rank ≤ 64, at
    /// most 2^31 elements), `end - begin = elements × dtype size`, and that
    /// the ranges are contiguous, in order and cover the data exactly.
    public static func decodeSafetensors(_ bytes: [UInt8], path: String) throws(FileError) -> TensorArchive {
        func fail(_ reason: String) -> FileError { FileError(.read, path, reason) }
        guard bytes.count >= 8 else {
            throw fail("it is \(bytes.count) bytes, too short for a safetensors file (8-byte header length, then the header)")
        }
        let n = read(bytes, 0, as: UInt64.self)
        guard n <= UInt64(safetensorsHeaderLimit) else {
            throw fail("the header length field is \(n) bytes, more than the \(safetensorsHeaderLimit) allowed (not a safetensors file?)")
        }
        let headerLength = Int(n)
        guard headerLength <= bytes.count - 8 else {
            throw fail("the header length field is \(headerLength) bytes but only \(bytes.count - 8) bytes follow it (the file is cut short, or not a safetensors file)")
        }
        guard headerLength >= 2, bytes[8] == UInt8(ascii: "{") else {
            throw fail("the header does not start with '{' (not a safetensors file?)")
        }
        let header: JSONValue
        do {
            header = try JSONParser.parse(Array(bytes[8..<(8 + headerLength)]))
        } catch {
            throw fail("header: \(error.message)")
        }
        guard case .object(let fields) = header else { throw fail("the header is \(header.kind), not a JSON object") }
        let dataStart = 8 + headerLength
        let dataLength = bytes.count - dataStart

        var metadata: [(key: String, value: String)] = []
        var entries: [(name: String, element: FileElement, shape: [Int], count: Int, begin: Int, end: Int)] = []
        for (name, value) in fields {
            if name == "__metadata__" {
                guard case .object(let pairs) = value else { throw fail("field '__metadata__' is \(value.kind); it must be an object of strings") }
                for (k, v) in pairs {
                    guard case .string(let s) = v else { throw fail("field '__metadata__.\(k)' is \(v.kind); metadata values must be strings") }
                    metadata.append((k, s))
                }
                continue
            }
            let what = "tensor '\(name)'"
            guard !name.isEmpty else { throw fail("a tensor has an empty name") }
            guard case .object(let info) = value else { throw fail("\(what) is \(value.kind); it must be an object with dtype, shape and data_offsets") }
            var dtype: String?, shape: [Int]?, offsets: [Int]?
            for (k, v) in info {
                switch k {
                case "dtype":
                    guard case .string(let s) = v else { throw fail("\(what): field 'dtype' is \(v.kind), not a string") }
                    dtype = s
                case "shape": shape = try integers(v, "\(what): field 'shape'", path)
                case "data_offsets": offsets = try integers(v, "\(what): field 'data_offsets'", path)
                default: throw fail("\(what) has an unknown field '\(k)' (expected dtype, shape, data_offsets)")
                }
            }
            guard let dtype else { throw fail("\(what) has no field 'dtype'") }
            guard let shape else { throw fail("\(what) has no field 'shape'") }
            guard let offsets else { throw fail("\(what) has no field 'data_offsets'") }
            guard let element = FileElement(rawValue: dtype) else {
                throw fail("\(what): field 'dtype' is \"\(dtype)\", which nn does not read (it reads \(FileElement.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let count: Int
            switch FileShape.count(shape) {
            case .success(let c): count = c
            case .failure(let p): throw fail("\(what): field 'shape' \(FileShape.text(shape)) is refused: \(p.text)")
            }
            guard offsets.count == 2 else { throw fail("\(what): field 'data_offsets' has \(offsets.count) numbers; it must be [begin, end]") }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin <= end else { throw fail("\(what): field 'data_offsets' [\(begin), \(end)] ends before it begins") }
            guard end <= dataLength else {
                throw fail("\(what): field 'data_offsets' [\(begin), \(end)] reaches past the end of the data (\(dataLength) bytes)")
            }
            let (bytesNeeded, overflow) = count.multipliedReportingOverflow(by: element.size)
            guard !overflow, end - begin == bytesNeeded else {
                throw fail("\(what): field 'data_offsets' [\(begin), \(end)] holds \(end - begin) bytes but shape \(FileShape.text(shape)) of \(dtype) needs \(count) × \(element.size) = \(bytesNeeded)")
            }
            entries.append((name, element, shape, count, begin, end))
        }
        // Contiguous, in order, covering the data exactly (as the reference reader requires).
        // (Ties, from empty tensors, keep the header's order.)
        let ordered = entries.enumerated().sorted { ($0.element.begin, $0.element.end, $0.offset) < ($1.element.begin, $1.element.end, $1.offset) }
            .map(\.element)
        var expected = 0
        for e in ordered {
            guard e.begin == expected else {
                if e.begin < expected {
                    throw fail("tensor '\(e.name)': field 'data_offsets' [\(e.begin), \(e.end)] overlaps another tensor's data (which ends at \(expected))")
                }
                throw fail("tensor '\(e.name)': field 'data_offsets' [\(e.begin), \(e.end)] leaves a gap after byte \(expected) of the data")
            }
            expected = e.end
        }
        guard expected == dataLength else {
            throw fail("the tensors cover \(expected) bytes of data but \(dataLength) follow the header (trailing bytes)")
        }
        var tensors: [(name: String, tensor: Tensor)] = []
        for e in ordered {
            let t = try e.element.decode(bytes, offset: dataStart + e.begin, count: e.count, shape: e.shape,
                                         path: path, what: "tensor '\(e.name)'")
            tensors.append((e.name, t))
        }
        return TensorArchive(tensors: tensors, metadata: metadata)
    }

    /// A JSON array of non-negative integers that fit in an Int.
    private static func integers(_ v: JSONValue, _ what: String, _ path: String) throws(FileError) -> [Int] {
        guard case .array(let items) = v else { throw FileError(.read, path, "\(what) is \(v.kind), not an array of integers") }
        var out: [Int] = []
        for item in items {
            guard case .number(let text) = item, let k = Int(text), k >= 0 else {
                let shown: String
                if case .number(let t) = item { shown = t } else { shown = item.kind }
                throw FileError(.read, path, "\(what) holds \(shown), not a non-negative integer")
            }
            out.append(k)
        }
        return out
    }

    /// Writes `archive` as a `.safetensors` file, atomically: tensors in
    /// the given order, the header padded with spaces to a multiple of 8
    /// bytes (as the reference writer), metadata under `__metadata__`.
    /// Names must be unique and non-empty.
    public static func writeSafetensors(_ archive: TensorArchive, to path: String) throws(FileError) {
        let header = try safetensorsHeader(archive, path: path)
        try AtomicFile.write(to: path) { sink throws(FileError) in
            var prefix: [UInt8] = []
            append(UInt64(header.count), &prefix)
            try sink.write(prefix + header)
            for (_, t) in archive.tensors { try writeElements(t, to: sink) }
        }
    }

    /// The whole file as bytes (for tests and fuzzers).
    static func encodeSafetensors(_ archive: TensorArchive, path: String = "<memory>") throws(FileError) -> [UInt8] {
        let header = try safetensorsHeader(archive, path: path)
        var out: [UInt8] = []
        append(UInt64(header.count), &out)
        out += header
        for (_, t) in archive.tensors { out += elementBytes(t) }
        return out
    }

    /// The padded JSON header of `archive`.
    static func safetensorsHeader(_ archive: TensorArchive, path: String,
                                  headerLimit: Int = safetensorsHeaderLimit) throws(FileError) -> [UInt8] {
        try checkNames(archive.tensors.map(\.name), path: path)
        var parts: [String] = []
        if !archive.metadata.isEmpty {
            var seen = Set<String>()
            for (k, _) in archive.metadata where !seen.insert(k).inserted {
                throw FileError(.write, path, "the metadata key '\(k)' appears twice")
            }
            parts.append("\"__metadata__\":{" + archive.metadata.map { jsonQuoted($0.key) + ":" + jsonQuoted($0.value) }.joined(separator: ",") + "}")
        }
        var offset = 0
        for (name, t) in archive.tensors {
            guard name != "__metadata__" else { throw FileError(.write, path, "a tensor cannot be named '__metadata__' (the name is reserved)") }
            let element = FileElement(t.dtype)
            let size = t.count * element.size
            parts.append(jsonQuoted(name) + ":{\"dtype\":\"\(element.rawValue)\",\"shape\":[" + t.shape.map(String.init).joined(separator: ",")
                         + "],\"data_offsets\":[\(offset),\(offset + size)]}")
            offset += size
        }
        var bytes = Array(("{" + parts.joined(separator: ",") + "}").utf8)
        while bytes.count % 8 != 0 { bytes.append(0x20) }
        // Never write a file the readers (nn's and the reference one) refuse.
        guard bytes.count <= headerLimit else {
            throw FileError(.write, path, "the header (names, shapes and metadata) would be \(bytes.count) bytes, more than the \(headerLimit) a safetensors reader accepts; shorten the metadata or the names")
        }
        return bytes
    }

    /// Names must be non-empty and unique.
    static func checkNames(_ names: [String], path: String) throws(FileError) {
        var seen = Set<String>()
        for name in names {
            guard !name.isEmpty else { throw FileError(.write, path, "a tensor has an empty name") }
            guard seen.insert(name).inserted else { throw FileError(.write, path, "the name '\(name)' appears twice") }
        }
    }
}
