/// The element type of a tensor.
///
/// Two floating-point types: `float32` (the default, for speed) and
/// `float64` (for gradient checks and careful Hessian work); `bool`, what
/// comparisons, `is_nan` and `is_finite` give: a mask that indexes
/// (`x[x > 0]`), selects (`where`) and counts (`sum`, `mean`); and `int64`,
/// for class labels and indices (`argmax`, `randint`, encoded CSV targets).
/// Arithmetic with a bool tensor promotes it to 0/1 in the other operand's
/// dtype (float32 when both are bool); int64 with a float promotes to that
/// float (see `Tensor+Int64.swift` for the whole table). Autodiff ignores
/// bool and int64 tensors.
public enum DType: String, Sendable, CaseIterable, CustomStringConvertible {
    case float32
    case float64
    case bool
    case int64

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .float32: return 4
        case .float64: return 8
        case .bool: return 1
        case .int64: return 8
        }
    }

    /// True for `float32` and `float64`: the dtypes autodiff tracks.
    public var isFloatingPoint: Bool { self == .float32 || self == .float64 }

    public var description: String { rawValue }

    /// Parses `"float32"`, `"f32"`, `"float"`, `"float64"`, `"f64"`,
    /// `"double"`, `"bool"`, `"int64"`, `"i64"`, `"long"`, `"int"`.
    public init?(name: String) {
        switch name.lowercased() {
        case "float32", "f32", "float": self = .float32
        case "float64", "f64", "double": self = .float64
        case "bool": self = .bool
        case "int64", "i64", "long", "int": self = .int64
        default: return nil
        }
    }
}

/// The Swift scalar types a tensor can hold: `Float` and `Double`.
///
/// Kernels are written once, generically over `TensorScalar`, and specialised
/// by the compiler for both types.
public protocol TensorScalar: BinaryFloatingPoint, SIMDScalar, Sendable
where Self.RawSignificand: FixedWidthInteger {
    static var dtype: DType { get }
    /// The array inside `storage` when it holds this type.
    static func array(in storage: TensorStorage) -> [Self]?
    /// Wraps an array of this type as storage.
    static func storage(_ array: [Self]) -> TensorStorage
}

extension Float: TensorScalar {
    public static var dtype: DType { .float32 }
    @inline(__always) public static func array(in storage: TensorStorage) -> [Float]? {
        if case .float32(let a) = storage { return a }
        return nil
    }
    @inline(__always) public static func storage(_ array: [Float]) -> TensorStorage { .float32(array) }
}

extension Double: TensorScalar {
    public static var dtype: DType { .float64 }
    @inline(__always) public static func array(in storage: TensorStorage) -> [Double]? {
        if case .float64(let a) = storage { return a }
        return nil
    }
    @inline(__always) public static func storage(_ array: [Double]) -> TensorStorage { .float64(array) }
}

/// Contiguous row-major elements. Swift arrays are copy-on-write, so tensors
/// that share storage (a reshape, a detach) never see each other's writes.
public enum TensorStorage: Sendable {
    case float32([Float])
    case float64([Double])
    case bool([Bool])
    case int64([Int64])

    public var dtype: DType {
        switch self {
        case .float32: return .float32
        case .float64: return .float64
        case .bool: return .bool
        case .int64: return .int64
        }
    }

    public var count: Int {
        switch self {
        case .float32(let a): return a.count
        case .float64(let a): return a.count
        case .bool(let a): return a.count
        case .int64(let a): return a.count
        }
    }

    /// All elements widened to `Double` (for printing, tests, conversion);
    /// a bool is 0 or 1; an int64 is rounded to the nearest double (exact
    /// below 2^53 in magnitude).
    public var doubles: [Double] {
        switch self {
        case .float32(let a): return a.map { Double($0) }
        case .float64(let a): return a
        case .bool(let a): return a.map { $0 ? 1 : 0 }
        case .int64(let a): return a.map { Double($0) }
        }
    }

    /// Element `i` as a `Double` (an int64 rounded to the nearest, exact
    /// below 2^53). The caller guarantees `i` is in range.
    @inline(__always) public func double(at i: Int) -> Double {
        switch self {
        case .float32(let a): return Double(a[i])
        case .float64(let a): return a[i]
        case .bool(let a): return a[i] ? 1 : 0
        case .int64(let a): return Double(a[i])
        }
    }

    /// The same values converted to `dtype` (no copy when it already is). A
    /// bool becomes 0 or 1; a number becomes `true` when it is nonzero (NaN
    /// included, as NumPy's `astype(bool)`); an int64 becomes the nearest
    /// float (exact below 2^24 for float32, 2^53 for float64). A float
    /// becomes an int64 by truncation toward zero, with NaN as 0 and values
    /// beyond the range saturated: never reached from a script, whose
    /// conversions go through ``converting(to:op:)`` and refuse those.
    public func converted(to dtype: DType) -> TensorStorage {
        switch (self, dtype) {
        case (.float32, .float32), (.float64, .float64), (.bool, .bool), (.int64, .int64): return self
        case (.float32(let a), .float64): return .float64(a.map { Double($0) })
        case (.float64(let a), .float32): return .float32(a.map { Float($0) })
        case (.bool(let a), .float32): return .float32(a.map { $0 ? 1 : 0 })
        case (.bool(let a), .float64): return .float64(a.map { $0 ? 1 : 0 })
        case (.float32(let a), .bool): return .bool(a.map { $0 != 0 })
        case (.float64(let a), .bool): return .bool(a.map { $0 != 0 })
        case (.int64(let a), .float32): return .float32(a.map { Float($0) })
        case (.int64(let a), .float64): return .float64(a.map { Double($0) })
        case (.int64(let a), .bool): return .bool(a.map { $0 != 0 })
        case (.bool(let a), .int64): return .int64(a.map { $0 ? 1 : 0 })
        case (.float32(let a), .int64): return .int64(a.map { TensorStorage.truncated(Double($0)) })
        case (.float64(let a), .int64): return .int64(a.map { TensorStorage.truncated($0) })
        }
    }

    /// `converted(to:)`, refusing what has no int64 value: a float that is
    /// NaN, infinite, or outside `[-2^63, 2^63)` once truncated toward zero
    /// (PyTorch gives an arbitrary integer there; nn names the value).
    public func converting(to dtype: DType, op: String) throws -> TensorStorage {
        if dtype == .int64 {
            switch self {
            case .float32(let a): for v in a { _ = try TensorStorage.int64(truncating: Double(v), op: op) }
            case .float64(let a): for v in a { _ = try TensorStorage.int64(truncating: v, op: op) }
            case .bool, .int64: break
            }
        }
        return converted(to: dtype)
    }

    /// `v` truncated toward zero, as an int64; an error naming `v` when it
    /// is NaN, infinite or out of range.
    public static func int64(truncating v: Double, op: String) throws -> Int64 {
        guard v.isFinite, let i = Int64(exactly: v.rounded(.towardZero)) else {
            throw TensorError(op: op, "\(Tensor.numberText(v)) has no int64 value (int64 holds integers in [-2**63, 2**63)); drop or replace non-finite values first (where(is_finite(x), x, 0))")
        }
        return i
    }

    /// `v` as an int64 when it is an integer in range, else an error naming
    /// it: how values *given* for an int64 tensor (`tensor([1, 2], dtype:
    /// "int64")`, `full(..., dtype: "int64")`) are checked.
    public static func int64(exactly v: Double, op: String) throws -> Int64 {
        guard let i = Int64(exactly: v) else {
            if v.isFinite && v.rounded(.towardZero) == v {
                throw TensorError(op: op, "\(Tensor.numberText(v)) is outside the int64 range [-2**63, 2**63)")
            }
            throw TensorError(op: op, "\(Tensor.numberText(v)) is not an integer; an int64 tensor holds integers (round first, or use a float dtype)")
        }
        return i
    }

    /// Truncation toward zero, NaN as 0, saturated at the ends (see `converted(to:)`).
    @inline(__always) static func truncated(_ v: Double) -> Int64 {
        if v.isNaN { return 0 }
        if v >= 0x1p63 { return .max }
        if v < -0x1p63 { return .min }
        return Int64(v.rounded(.towardZero))
    }

    /// `count` copies of `value` in `dtype` (for bool: `value != 0`; for
    /// int64: truncated as `converted(to:)`; callers check it first).
    public static func filled(_ value: Double, count: Int, dtype: DType) -> TensorStorage {
        switch dtype {
        case .float32: return .float32([Float](repeating: Float(value), count: count))
        case .float64: return .float64([Double](repeating: value, count: count))
        case .bool: return .bool([Bool](repeating: value != 0, count: count))
        case .int64: return .int64([Int64](repeating: truncated(value), count: count))
        }
    }
}
