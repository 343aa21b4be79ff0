import NNTensor

/// The element types of ``TensorData``: `Float` (float32 tensors),
/// `Double` (float64 tensors) and `Int64` (int64 tensors).
public protocol TensorDataScalar: ValueConvertible, Sendable, Equatable {
    /// The dtype of a tensor made from such elements.
    static var dtype: DType { get }
    /// A tensor of `shape` holding `scalars` (row-major); throws when the
    /// count does not match or the tensor cannot be allocated.
    static func tensor(shape: [Int], _ scalars: [Self]) throws -> Tensor
    /// The elements of `tensor` as this type, when they convert exactly.
    static func elements(of tensor: Tensor) -> [Self]?
}

extension Float: TensorDataScalar {
    /// A float32 tensor.
    public static func tensor(shape: [Int], _ scalars: [Float]) throws -> Tensor { try Tensor(shape: shape, array: scalars) }
    /// A float32 tensor's elements (a float64 one would be rounded: refused).
    public static func elements(of tensor: Tensor) -> [Float]? {
        tensor.dtype == .float32 ? tensor.floats : nil
    }
}

extension Double: TensorDataScalar {
    /// A float64 tensor.
    public static func tensor(shape: [Int], _ scalars: [Double]) throws -> Tensor { try Tensor(shape: shape, array: scalars) }
    /// A float32 or float64 tensor's elements (widening is exact).
    public static func elements(of tensor: Tensor) -> [Double]? {
        tensor.dtype.isFloatingPoint ? tensor.doubles : nil
    }
}

extension Int64: TensorDataScalar {
    /// An int64 tensor.
    public static var dtype: DType { .int64 }
    /// An int64 tensor.
    public static func tensor(shape: [Int], _ scalars: [Int64]) throws -> Tensor { try Tensor(shape: shape, int64s: scalars) }
    /// An int64 tensor's elements (exactly; a float tensor is refused, even
    /// with integral values: convert it in the script with `t.to("int64")`).
    public static func elements(of tensor: Tensor) -> [Int64]? { tensor.int64s }
}

extension TensorData where Scalar == Int64 {
    /// The elements as `[Int]` (exact: `Int` is 64 bits wide on the
    /// platforms nn runs on).
    public var ints: [Int] { scalars.map { Int($0) } }

    /// An int64 tensor's data from `Int`s.
    public init(shape: [Int], ints: [Int]) throws {
        try self.init(shape: shape, scalars: ints.map { Int64($0) })
    }
}

/// A tensor's elements and shape as plain Swift values, for hosts: read a
/// script's tensor as `[Float]` or `[Double]`, or hand one in.
///
/// ```swift
/// let w = try nn.get("w", as: TensorData<Float>.self)   // w.shape, w.scalars
/// try nn.set("x", TensorData<Float>(shape: [2, 2], scalars: [1, 2, 3, 4]))
/// ```
///
/// `scalars` are in row-major order (the last index varies fastest), as
/// the script's `t.flatten()` lists them. Reading is exact or refused:
/// a float32 tensor reads as `TensorData<Float>` or `TensorData<Double>`,
/// a float64 tensor only as `TensorData<Double>` (Float would round it),
/// a bool tensor as neither (convert it in the script: `t.to("float32")`),
/// an int64 tensor only as `TensorData<Int64>` (and a float tensor never
/// as that). A number reads as a tensor of shape `[]`. Handing one in makes
/// a float32 tensor from `Float`s, a float64 tensor from `Double`s and an
/// int64 tensor from `Int64`s.
public struct TensorData<Scalar: TensorDataScalar>: ValueConvertible, Equatable, Sendable {
    /// The size of each dimension (`[]` for a single number).
    public let shape: [Int]
    /// The elements, row-major; as many as the product of ``shape``.
    public let scalars: [Scalar]

    /// Elements and a shape whose product is their count; throws
    /// ``ValueConversionError`` for a negative size, a product that
    /// overflows, or a count that does not match.
    public init(shape: [Int], scalars: [Scalar]) throws {
        let count: Int
        do { count = try Shape.count(shape) } catch {
            throw ValueConversionError(expected: "a shape of non-negative sizes that fits in memory",
                                       actual: "\(shape)", hint: "\(error)")
        }
        guard count == scalars.count else {
            throw ValueConversionError(expected: "\(count) scalars for shape \(shape)", actual: "\(scalars.count)")
        }
        self.shape = shape
        self.scalars = scalars
    }

    /// A vector: shape `[scalars.count]`.
    public init(_ scalars: [Scalar]) {
        self.shape = [scalars.count]
        self.scalars = scalars
    }

    /// The number of elements.
    public var count: Int { scalars.count }

    public init(scriptValue value: Value) throws {
        switch value {
        case .tensor(let t):
            guard let elements = Scalar.elements(of: t) else {
                let hint = switch (t.dtype, Scalar.dtype) {
                case (.bool, _): "convert it in the script with t.to(\"float32\")"
                case (.int64, _): "read it as TensorData<Int64>, or convert it in the script with t.to(\"float64\")"
                case (_, .int64): "convert it in the script with t.to(\"int64\"), or read it as TensorData<Double>"
                default: "read it as TensorData<Double>"
                }
                let expected = switch Scalar.dtype {
                case .float32: "a float32 tensor"
                case .int64: "an int64 tensor"
                default: "a float32 or float64 tensor"
                }
                throw ValueConversionError(expected: expected, got: value, hint: hint)
            }
            shape = t.shape
            scalars = elements
        case .number:
            shape = []
            scalars = [try Scalar(scriptValue: value)]
        default:
            let hint: String? = if case .list = value { "make a tensor in the script with tensor(xs), or read it as [\(Scalar.self)]" } else { nil }
            throw ValueConversionError(expected: "a tensor", got: value, hint: hint)
        }
    }

    /// A new tensor of ``shape`` (float32 for `Float`, float64 for `Double`).
    public var scriptValue: Value {
        get throws {
            do { return .tensor(try Scalar.tensor(shape: shape, scalars)) } catch {
                throw ValueConversionError(expected: "a tensor that fits in memory", actual: "\(error)")
            }
        }
    }
}
