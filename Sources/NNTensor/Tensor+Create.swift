/// Creation of constant tensors.
extension Tensor {
    /// A tensor of `shape` filled with `value`.
    public static func full(_ shape: [Int], _ value: Double, dtype: DType = .float32) throws -> Tensor {
        try full(shape, value, dtype: dtype, op: "full")
    }

    /// `full` whose errors name `op` (`zeros`, `ones`). An int64 `value`
    /// must be an integer in range.
    static func full(_ shape: [Int], _ value: Double, dtype: DType, op: String) throws -> Tensor {
        if dtype == .int64 { _ = try TensorStorage.int64(exactly: value, op: op) }
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

    /// A 0-d tensor of `value` for arithmetic with this tensor (how numbers
    /// enter arithmetic with tensors): this tensor's dtype when it is a float;
    /// float32 for a bool tensor, since a number meeting a mask is arithmetic
    /// (`mask * 0.5`). For an int64 tensor the number is read by its value:
    /// an integer in range is int64 (`labels + 1` stays int64), anything
    /// else float32 (`y * 0.5` is float32). nn numbers have no int/float
    /// type; NumPy 1.x read Python scalars the same way.
    public func scalar(_ value: Double) -> Tensor {
        // One-element literals built directly: `Tensor(scalar:)` fills
        // through `Array(repeating:count:)`, whose allocation costs a
        // metadata lookup (see `Array.uninitialized`); every `t * 0.5` makes one.
        switch dtype {
        case .float32, .bool: return Tensor(shape: [], storage: .float32([Float(value)]))
        case .float64: return Tensor(shape: [], storage: .float64([value]))
        case .int64:
            if let i = Int64(exactly: value) { return Tensor(shape: [], storage: .int64([i])) }
            return Tensor(shape: [], storage: .float32([Float(value)]))
        }
    }

    /// A 0-d tensor of `value` for comparing with this tensor: `scalar`'s,
    /// except that an int64 tensor meets a fractional number in float64, so
    /// the comparison is exact (`labels < 16777216.5` would round the
    /// number to float32's 16777216 and be false for the label 16777216).
    public func comparisonScalar(_ value: Double) -> Tensor {
        if isInt64, Int64(exactly: value) == nil { return Tensor(shape: [], storage: .float64([value])) }
        return scalar(value)
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
