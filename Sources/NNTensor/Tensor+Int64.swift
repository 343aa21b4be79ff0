/// Int64 tensors: class labels, indices and counts.
///
/// An int64 tensor holds integers in `[-2^63, 2^63)` (`DType.int64`). It
/// never takes part in autodiff (only float tensors can require grad). The
/// rules, PyTorch's unless said:
///
/// - **Promotion** of two tensors (`+ - * %`, comparisons, `where`,
///   `maximum`/`minimum`, `matmul`, `concat`/`stack`):
///   ```
///             bool     int64    float32  float64
///   bool      float32* int64    float32  float64
///   int64     int64    int64    float32  float64
///   float32   float32  float32  float32  error
///   float64   float64  float64  error    float64
///   ```
///   (* arithmetic; `where`/`concat` of two bools stay bool.) Comparisons
///   of int64 with a float compare in float64, exactly for every float32
///   value and every integer below 2^53 (PyTorch compares in the float's
///   own dtype).
/// - **A number** meeting an int64 tensor (`labels + 1`, `y * 0.5`) is read
///   by its value (``scalar(_:)``): an integer in range keeps int64, any
///   other number gives float32. Numbers have no int/float type in nn;
///   NumPy 1.x read Python scalars the same way.
/// - **Division** `/` is true division: int64 / int64 is float32. `%` of
///   int64 is int64 with the divisor's sign (Python's rule); a zero
///   divisor is an error. `**` of int64 by a non-negative integer is int64;
///   a negative integer exponent is an error.
/// - `+ - *`, `sum` and `matmul` **wrap** on overflow, as NumPy and PyTorch.
/// - **Unary math** (`exp`, `log`, `sqrt`, `tanh`, `sigmoid`, `softmax`,
///   ...) computes in float32; `neg`, `abs`, `sign`, `relu` and `clamp`
///   with integral bounds keep int64, as do `round`, `floor` and `ceil`
///   (the identity). `sum`, `max`, `min` give int64; `mean`, `var`, `std`,
///   `norm` and `logsumexp` give float32.
/// - **Conversion**: float → int64 truncates toward zero; NaN, ±inf and
///   values outside the range are errors (`TensorStorage.converting`).
///   int64 → float rounds to nearest: exact below 2^24 (float32) and 2^53
///   (float64). A single element becomes a `Double` (`item()`) only when
///   exact, below 2^53 in magnitude.
extension Tensor {
    /// True for a tensor of dtype `int64`.
    public var isInt64: Bool { dtype == .int64 }

    /// An int64 tensor of `shape` holding `values` (row-major).
    public convenience init(shape: [Int], int64s values: [Int64]) throws {
        let n = try Shape.count(shape)
        guard n == values.count else {
            throw TensorError(op: "tensor", "\(values.count) values cannot fill shape \(fmt(shape)) (\(n) elements)")
        }
        self.init(shape: shape, storage: .int64(values))
    }

    /// The elements of an int64 tensor; nil for other dtypes.
    public var int64s: [Int64]? {
        if case .int64(let a) = storage { return a }
        return nil
    }

    /// `v` as a `Double`, when it is exactly one (`|v| <= 2^53`).
    static func exactDouble(_ v: Int64, op: String) throws -> Double {
        guard v.magnitude <= 1 << 53 else {
            throw TensorError(op: op, "the int64 value \(v) is beyond ±2**53 and has no exact number value (nn numbers are doubles); keep it in a tensor, or convert the tensor with .to(\"float64\") to round it")
        }
        return Double(v)
    }

    /// All elements as `Double`s, refusing an int64 element that a double
    /// cannot hold exactly (beyond ±2^53): how elements become nn numbers.
    public func exactDoubles(op: String) throws -> [Double] {
        if case .int64(let a) = storage { return try a.map { try Tensor.exactDouble($0, op: op) } }
        return doubles
    }

    /// A number as error messages write it: `3`, `0.5`, `nan`, `1e+20`.
    public static func numberText(_ v: Double) -> String {
        if v.isFinite, v == v.rounded(), Swift.abs(v) < 1e16 { return String(Int64(v)) }
        return "\(v)"
    }

    /// The dtype two operands of arithmetic meet in (the table above), or
    /// nil for float32 with float64 (an error naming a conversion). Two bools
    /// give bool: arithmetic makes them float32 itself.
    public static func resultType(_ a: DType, _ b: DType) -> DType? {
        if a == b { return a }
        switch (a, b) {
        case (.bool, _): return b
        case (_, .bool): return a
        case (.int64, _): return b
        case (_, .int64): return a
        default: return nil
        }
    }

    /// The tensors converted to the dtype they meet in (`resultType` over
    /// all of them), untracked conversions of the int64 and bool ones; an
    /// error for float32 with float64.
    static func promotedAll(_ ts: [Tensor], op: String) throws -> [Tensor] {
        guard var common = ts.first?.dtype else { return ts }
        for t in ts.dropFirst() {
            guard let c = resultType(common, t.dtype) else {
                throw TensorError(op: op, "dtypes \(common) and \(t.dtype) do not match; convert one with .to(\"\(common)\")")
            }
            common = c
        }
        return ts.map { $0.converted(common) }
    }

    /// An elementwise integer function of an int64 tensor, or nil for another dtype.
    @inline(__always)
    static func unaryInt64(_ a: Tensor, _ f: (Int64) -> Int64) -> Tensor? {
        guard case .int64(let x) = a.storage else { return nil }
        return Tensor(shape: a.shape, storage: .int64(Kernels.map(x, f)))
    }

    /// This tensor converted to `dtype` for storing into it: numbers into
    /// an int64 tensor must be integers in range (an error naming the value
    /// and the fix otherwise); anything else converts as `converted(_:)`.
    func exactlyConverted(to dtype: DType, op: String) throws -> Tensor {
        if dtype == self.dtype { return self }
        guard dtype == .int64, self.dtype.isFloatingPoint else { return converted(dtype) }
        for v in doubles where Int64(exactly: v) == nil {
            throw TensorError(op: op, "cannot store \(Tensor.numberText(v)) in an int64 tensor: it is not an integer in range; round the value (round(v)) or convert the tensor with .to(\"float32\") first")
        }
        return converted(.int64)
    }

    /// `Int64` elements of `t` (an int64 tensor's own, a bool's 0/1); nil
    /// for a float tensor.
    var integerElements: [Int64]? {
        switch storage {
        case .int64(let a): return a
        case .bool(let a): return a.map { $0 ? 1 : 0 }
        case .float32, .float64: return nil
        }
    }

    /// Refuses a zero in the divisor of an integer `%` (PyTorch raises too).
    static func checkNoZeroDivisor(_ b: [Int64], op: String) throws {
        if b.contains(0) {
            throw TensorError(op: op, "integer division by zero (an int64 divisor holds 0); convert to float first (.to(\"float32\")) for inf/nan results")
        }
    }

    /// Refuses a negative exponent of an integer `**`, as PyTorch.
    static func checkNonNegativeExponent(_ e: [Int64], op: String) throws {
        if e.contains(where: { $0 < 0 }) {
            throw TensorError(op: op, "integers to negative integer powers are not allowed; convert to float first (.to(\"float32\"))")
        }
    }
}
