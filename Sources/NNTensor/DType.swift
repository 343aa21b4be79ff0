/// The element type of a tensor.
///
/// Two number types: `float32` (the default, for speed) and `float64` (for
/// gradient checks and careful Hessian work); and `bool`, what comparisons,
/// `is_nan` and `is_finite` give: a mask that indexes (`x[x > 0]`), selects
/// (`where`) and counts (`sum`, `mean`). Arithmetic with a bool tensor
/// promotes it to 0/1 in the other operand's float dtype (float32 when both
/// are bool); autodiff ignores bool tensors. Labels and indices are stored
/// as tensors of integral floating-point values.
public enum DType: String, Sendable, CaseIterable, CustomStringConvertible {
    case float32
    case float64
    case bool

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .float32: return 4
        case .float64: return 8
        case .bool: return 1
        }
    }

    /// True for `float32` and `float64`.
    public var isFloatingPoint: Bool { self != .bool }

    public var description: String { rawValue }

    /// Parses `"float32"`, `"f32"`, `"float"`, `"float64"`, `"f64"`, `"double"`, `"bool"`.
    public init?(name: String) {
        switch name.lowercased() {
        case "float32", "f32", "float": self = .float32
        case "float64", "f64", "double": self = .float64
        case "bool": self = .bool
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

    public var dtype: DType {
        switch self {
        case .float32: return .float32
        case .float64: return .float64
        case .bool: return .bool
        }
    }

    public var count: Int {
        switch self {
        case .float32(let a): return a.count
        case .float64(let a): return a.count
        case .bool(let a): return a.count
        }
    }

    /// All elements widened to `Double` (for printing, tests, conversion);
    /// a bool is 0 or 1.
    public var doubles: [Double] {
        switch self {
        case .float32(let a): return a.map { Double($0) }
        case .float64(let a): return a
        case .bool(let a): return a.map { $0 ? 1 : 0 }
        }
    }

    /// Element `i` as a `Double`. The caller guarantees `i` is in range.
    @inline(__always) public func double(at i: Int) -> Double {
        switch self {
        case .float32(let a): return Double(a[i])
        case .float64(let a): return a[i]
        case .bool(let a): return a[i] ? 1 : 0
        }
    }

    /// The same values converted to `dtype` (no copy when it already is). A
    /// bool becomes 0 or 1; a number becomes `true` when it is nonzero (NaN
    /// included, as NumPy's `astype(bool)`).
    public func converted(to dtype: DType) -> TensorStorage {
        switch (self, dtype) {
        case (.float32, .float32), (.float64, .float64), (.bool, .bool): return self
        case (.float32(let a), .float64): return .float64(a.map { Double($0) })
        case (.float64(let a), .float32): return .float32(a.map { Float($0) })
        case (.bool(let a), .float32): return .float32(a.map { $0 ? 1 : 0 })
        case (.bool(let a), .float64): return .float64(a.map { $0 ? 1 : 0 })
        case (.float32(let a), .bool): return .bool(a.map { $0 != 0 })
        case (.float64(let a), .bool): return .bool(a.map { $0 != 0 })
        }
    }

    /// `count` copies of `value` in `dtype` (for bool: `value != 0`).
    public static func filled(_ value: Double, count: Int, dtype: DType) -> TensorStorage {
        switch dtype {
        case .float32: return .float32([Float](repeating: Float(value), count: count))
        case .float64: return .float64([Double](repeating: value, count: count))
        case .bool: return .bool([Bool](repeating: value != 0, count: count))
        }
    }
}
