/// The element type of a tensor.
///
/// nn has exactly two: `float32` (the default, for speed) and `float64` (for
/// gradient checks and careful Hessian work). Labels and indices are stored as
/// tensors of integral floating-point values.
public enum DType: String, Sendable, CaseIterable, CustomStringConvertible {
    case float32
    case float64

    /// Bytes per element.
    public var byteSize: Int { self == .float32 ? 4 : 8 }

    public var description: String { rawValue }

    /// Parses `"float32"`, `"f32"`, `"float"`, `"float64"`, `"f64"`, `"double"`.
    public init?(name: String) {
        switch name.lowercased() {
        case "float32", "f32", "float": self = .float32
        case "float64", "f64", "double": self = .float64
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

    public var dtype: DType {
        switch self {
        case .float32: return .float32
        case .float64: return .float64
        }
    }

    public var count: Int {
        switch self {
        case .float32(let a): return a.count
        case .float64(let a): return a.count
        }
    }

    /// All elements widened to `Double` (for printing, tests, conversion).
    public var doubles: [Double] {
        switch self {
        case .float32(let a): return a.map { Double($0) }
        case .float64(let a): return a
        }
    }

    /// Element `i` as a `Double`. The caller guarantees `i` is in range.
    @inline(__always) public func double(at i: Int) -> Double {
        switch self {
        case .float32(let a): return Double(a[i])
        case .float64(let a): return a[i]
        }
    }

    /// The same values converted to `dtype` (no copy when it already is).
    public func converted(to dtype: DType) -> TensorStorage {
        switch (self, dtype) {
        case (.float32, .float32), (.float64, .float64): return self
        case (.float32(let a), .float64): return .float64(a.map { Double($0) })
        case (.float64(let a), .float32): return .float32(a.map { Float($0) })
        }
    }

    /// `count` copies of `value` in `dtype`.
    public static func filled(_ value: Double, count: Int, dtype: DType) -> TensorStorage {
        switch dtype {
        case .float32: return .float32([Float](repeating: Float(value), count: count))
        case .float64: return .float64([Double](repeating: value, count: count))
        }
    }
}
