import NNFiles
import NNTensor

/// Tensor files: `.npy`, `.npz` and `.safetensors`, read and written by
/// their specifications, never by executing anything (no pickle).
///
/// Every reader is hostile-input safe: the whole file is read through the
/// gate (`FileReader`, a regular file of at most `readLimit` bytes), headers
/// are bounded, every size is computed with checked arithmetic, every offset
/// is checked to lie inside the file, and each violation is a `FileError`
/// naming the file and the field. Every writer goes through `AtomicFile`.
public enum TensorFiles {
    /// The largest file the readers accept (16 GiB: a tensor holds at most
    /// 2^31 elements of 8 bytes).
    public static let readLimit = 1 << 34
    /// The largest rank a file may declare (NumPy's `NPY_MAXDIMS`).
    public static let maxRank = 64
}

/// An element type as a file stores it, and how it becomes an nn dtype:
/// floats keep their width (`F16` and `BF16` widen exactly to float32),
/// bools stay bool, integers of every width become int64 (exactly; a `U64`
/// value beyond 2^63 - 1 is an error, as it has no int64 value).
enum FileElement: String, Sendable, CaseIterable {
    case f16 = "F16", bf16 = "BF16", f32 = "F32", f64 = "F64", bool = "BOOL"
    case i8 = "I8", i16 = "I16", i32 = "I32", i64 = "I64"
    case u8 = "U8", u16 = "U16", u32 = "U32", u64 = "U64"

    /// Bytes per element.
    var size: Int {
        switch self {
        case .bool, .i8, .u8: 1
        case .f16, .bf16, .i16, .u16: 2
        case .f32, .i32, .u32: 4
        case .f64, .i64, .u64: 8
        }
    }

    /// How an nn tensor of `dtype` is stored.
    init(_ dtype: DType) {
        switch dtype {
        case .float32: self = .f32
        case .float64: self = .f64
        case .bool: self = .bool
        case .int64: self = .i64
        }
    }
}

/// Checked size arithmetic for shapes read from files.
enum FileShape {
    /// The element count of `shape`, or a reason it is refused: negative,
    /// too many dimensions, or more elements than a tensor may hold.
    static func count(_ shape: [Int]) -> Result<Int, ShapeProblem> {
        guard shape.count <= TensorFiles.maxRank else { return .failure(.rank(shape.count)) }
        var n = 1
        for d in shape {
            guard d >= 0 else { return .failure(.negative(d)) }
            let (m, overflow) = n.multipliedReportingOverflow(by: d)
            guard !overflow, m <= Shape.maxElements else { return .failure(.tooLarge) }
            n = m
        }
        return .success(n)
    }

    /// Why a shape is refused, in words.
    enum ShapeProblem: Error {
        case rank(Int), negative(Int), tooLarge
        var text: String {
            switch self {
            case .rank(let r): "it has \(r) dimensions (at most \(TensorFiles.maxRank))"
            case .negative(let d): "it has a negative dimension \(d)"
            case .tooLarge: "it holds more than \(Shape.maxElements) elements, the most a tensor may hold"
            }
        }
    }

    /// `[2, 3]` as text.
    static func text(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
}

extension FileElement {
    /// The tensor of `shape` whose elements are `count` values of this type
    /// at `bytes[offset...]` (little-endian unless `bigEndian`); `what`
    /// names the tensor in errors (`tensor '0.weight'`).
    func decode(_ bytes: [UInt8], offset: Int, count: Int, shape: [Int], bigEndian: Bool = false,
                path: String, what: String) throws(FileError) -> Tensor {
        let result: Result<Tensor, FileError> = bytes.withUnsafeBytes { whole in
            let raw = UnsafeRawBufferPointer(rebasing: whole[offset..<(offset + count * size)])
            do {
                switch self {
                case .f32:
                    let a: [Float] = (0..<count).map { Float(bitPattern: load(raw, $0, bigEndian) as UInt32) }
                    return .success(try Tensor(shape: shape, array: a))
                case .f64:
                    let a: [Double] = (0..<count).map { Double(bitPattern: load(raw, $0, bigEndian) as UInt64) }
                    return .success(try Tensor(shape: shape, array: a))
                case .f16:
                    #if arch(x86_64) || arch(arm64)
                    let a: [Float] = (0..<count).map { Float(Float16(bitPattern: load(raw, $0, bigEndian) as UInt16)) }
                    return .success(try Tensor(shape: shape, array: a))
                    #else
                    return .failure(FileError(.read, path, "\(what): F16 elements are not supported on this machine"))
                    #endif
                case .bf16:
                    let a: [Float] = (0..<count).map { Float(bitPattern: UInt32(load(raw, $0, bigEndian) as UInt16) << 16) }
                    return .success(try Tensor(shape: shape, array: a))
                case .bool:
                    var values = [Double](repeating: 0, count: count)
                    for i in 0..<count {
                        let b = raw[i]
                        guard b <= 1 else {
                            return .failure(FileError(.read, path, "\(what): element \(i) is the byte \(b), not a bool (0 or 1)"))
                        }
                        values[i] = Double(b)
                    }
                    return .success(try Tensor(shape: shape, values: values, dtype: .bool))
                case .i8, .i16, .i32, .i64, .u8, .u16, .u32, .u64:
                    var values = [Int64](repeating: 0, count: count)
                    for i in 0..<count {
                        guard let v = integer(raw, i, bigEndian) else {
                            return .failure(FileError(.read, path, "\(what): element \(i) (\(integerText(raw, i, bigEndian))) of the \(rawValue) data is beyond the int64 range (2^63 - 1); nn's integers are int64"))
                        }
                        values[i] = v
                    }
                    return .success(try Tensor(shape: shape, int64s: values))
                }
            } catch {
                return .failure(FileError(.read, path, "\(what): \(error)"))
            }
        }
        return try result.get()
    }

    /// Element `i` of an integer type as an int64, or nil when it has none
    /// (a `U64` above `Int64.max`).
    private func integer(_ raw: UnsafeRawBufferPointer, _ i: Int, _ big: Bool) -> Int64? {
        switch self {
        case .i8: return Int64(Int8(bitPattern: raw[i]))
        case .u8: return Int64(raw[i])
        case .i16: return Int64(Int16(bitPattern: load(raw, i, big)))
        case .u16: return Int64(load(raw, i, big) as UInt16)
        case .i32: return Int64(Int32(bitPattern: load(raw, i, big)))
        case .u32: return Int64(load(raw, i, big) as UInt32)
        case .i64: return Int64(bitPattern: load(raw, i, big))
        case .u64: return Int64(exactly: load(raw, i, big) as UInt64)
        default: return nil
        }
    }

    /// Element `i` of a 64-bit integer type as text, for messages.
    private func integerText(_ raw: UnsafeRawBufferPointer, _ i: Int, _ big: Bool) -> String {
        let bits: UInt64 = load(raw, i, big)
        return self == .u64 ? String(bits) : String(Int64(bitPattern: bits))
    }

    /// The `i`-th `U` of `raw`, from little- or big-endian bytes.
    @inline(__always)
    private func load<U: FixedWidthInteger & UnsignedInteger>(_ raw: UnsafeRawBufferPointer, _ i: Int, _ big: Bool) -> U {
        let v = raw.loadUnaligned(fromByteOffset: i * MemoryLayout<U>.size, as: U.self)
        return big ? U(bigEndian: v) : U(littleEndian: v)
    }
}

extension TensorFiles {
    /// Sends `t`'s elements to `sink` as little-endian bytes, in chunks.
    static func writeElements(_ t: Tensor, to sink: FileSink) throws(FileError) {
        let chunk = 1 << 18
        switch t.storage {
        case .float32(let a):
            try chunks(a.count, chunk, sink) { r, out in for v in a[r] { append(v.bitPattern, &out) } }
        case .float64(let a):
            try chunks(a.count, chunk, sink) { r, out in for v in a[r] { append(v.bitPattern, &out) } }
        case .bool(let a):
            try chunks(a.count, chunk, sink) { r, out in for v in a[r] { out.append(v ? 1 : 0) } }
        case .int64(let a):
            try chunks(a.count, chunk, sink) { r, out in for v in a[r] { append(UInt64(bitPattern: v), &out) } }
        }
    }

    /// The bytes `writeElements` would send, at once (for small tensors and tests).
    static func elementBytes(_ t: Tensor) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(t.count * t.dtype.byteSize)
        switch t.storage {
        case .float32(let a): for v in a { append(v.bitPattern, &out) }
        case .float64(let a): for v in a { append(v.bitPattern, &out) }
        case .bool(let a): for v in a { out.append(v ? 1 : 0) }
        case .int64(let a): for v in a { append(UInt64(bitPattern: v), &out) }
        }
        return out
    }

    private static func chunks(_ n: Int, _ size: Int, _ sink: FileSink,
                               _ fill: (Range<Int>, inout [UInt8]) -> Void) throws(FileError) {
        var start = 0
        var buffer: [UInt8] = []
        while start < n {
            let end = min(n, start + size)
            buffer.removeAll(keepingCapacity: true)
            fill(start..<end, &buffer)
            try sink.write(buffer)
            start = end
        }
    }

    /// Appends `v` as little-endian bytes.
    @inline(__always)
    static func append<U: FixedWidthInteger>(_ v: U, _ out: inout [UInt8]) {
        var x = v.littleEndian
        withUnsafeBytes(of: &x) { out.append(contentsOf: $0) }
    }

    /// A little-endian unsigned integer of `U`'s width at `bytes[offset...]`;
    /// the caller has checked the bounds.
    @inline(__always)
    static func read<U: FixedWidthInteger & UnsignedInteger>(_ bytes: [UInt8], _ offset: Int, as: U.Type) -> U {
        var v: U = 0
        for k in 0..<MemoryLayout<U>.size { v |= U(bytes[offset + k]) << (8 * k) }
        return v
    }
}
