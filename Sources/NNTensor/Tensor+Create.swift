/// Creation of constant tensors.
extension Tensor {
    /// A tensor of `shape` filled with `value`.
    public static func full(_ shape: [Int], _ value: Double, dtype: DType = .float32) throws -> Tensor {
        try full(shape, value, dtype: dtype, op: "full")
    }

    /// `full` whose errors name `op` (`zeros`, `ones`).
    static func full(_ shape: [Int], _ value: Double, dtype: DType, op: String) throws -> Tensor {
        let n = try Shape.reserve(shape, dtype: dtype, op: op)
        return Tensor(shape: shape, storage: .filled(value, count: n, dtype: dtype))
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int], dtype: DType = .float32) throws -> Tensor {
        try full(shape, 0, dtype: dtype, op: "zeros")
    }

    /// A tensor of ones.
    public static func ones(_ shape: [Int], dtype: DType = .float32) throws -> Tensor {
        try full(shape, 1, dtype: dtype, op: "ones")
    }

    /// Throws when a finite value is too large for float32 (it would become
    /// `inf` without a word): how the interpreter makes `tensor([1e300])` and
    /// `full(shape, 1e300)` an error naming the fix, `dtype: "float64"`.
    /// Values that round to 0 or lose digits are ordinary float32 rounding
    /// and pass. (The Swift API converts as IEEE does.)
    public static func checkFitsFloat32(_ values: [Double], op: String) throws {
        let limit = Double(Float.greatestFiniteMagnitude)
        for v in values where v.isFinite && Swift.abs(v) > limit && Float(v).isInfinite {
            throw TensorError(op: op, "\(v) is too large for float32 (largest \(Float.greatestFiniteMagnitude)); make the tensor with dtype: \"float64\"")
        }
    }

    /// A 0-d tensor of `value` with this tensor's dtype (how numbers enter
    /// arithmetic with tensors); float32 for a bool tensor, since a number
    /// meeting a mask is arithmetic (`mask * 0.5`).
    public func scalar(_ value: Double) -> Tensor {
        // One-element literals for the float dtypes: `Tensor(scalar:)` fills
        // through `Array(repeating:count:)`, whose allocation costs a
        // metadata lookup (see `Array.uninitialized`); every `t * 0.5` makes one.
        if dtype == .float64 { return Tensor(shape: [], storage: .float64([value])) }
        if dtype == .float32 || isBool { return Tensor(shape: [], storage: .float32([Float(value)])) }
        return Tensor(scalar: value, dtype: dtype)
    }

    /// Zeros of this tensor's shape and dtype.
    public func zerosLike() -> Tensor {
        Tensor(shape: shape, storage: .filled(0, count: count, dtype: dtype))
    }

    /// Ones of this tensor's shape and dtype.
    public func onesLike() -> Tensor {
        Tensor(shape: shape, storage: .filled(1, count: count, dtype: dtype))
    }
}
