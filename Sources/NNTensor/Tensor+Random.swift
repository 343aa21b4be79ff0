/// Random tensors, drawn from a caller-owned `RandomGenerator`.
///
/// Elements are drawn in row-major order, one generator call per element
/// (`randn`: one Box–Muller value per element, pairs shared across
/// neighbours), so a seed fixes every element on every machine.
extension Tensor {
    /// Uniform samples in `[0, 1)`: 24 random bits per float32 element, 53 per float64.
    public static func rand(_ shape: [Int], dtype: DType = .float32,
                            using rng: inout RandomGenerator) throws -> Tensor {
        let n = try Shape.reserve(shape, dtype: dtype, op: "rand")
        switch dtype {
        case .bool, .int64:
            throw TensorError(op: "random", "random tensors are float32 or float64, not \(dtype); compare a float tensor to get a mask, or use randint for integers")
        case .float32:
            return Tensor(shape: shape, storage: .float32(Kernels.generate(n) { rng.uniformFloat() }))
        case .float64:
            return Tensor(shape: shape, storage: .float64(Kernels.generate(n) { rng.uniform() }))
        }
    }

    /// Standard normal samples (mean 0, standard deviation 1), by Box–Muller
    /// in `Double` (rounded to float32 for a float32 tensor).
    public static func randn(_ shape: [Int], dtype: DType = .float32,
                             using rng: inout RandomGenerator) throws -> Tensor {
        let n = try Shape.reserve(shape, dtype: dtype, op: "randn")
        switch dtype {
        case .bool, .int64:
            throw TensorError(op: "random", "random tensors are float32 or float64, not \(dtype); compare a float tensor to get a mask, or use randint for integers")
        case .float32:
            return Tensor(shape: shape, storage: .float32(Kernels.generate(n) { Float(rng.normal()) }))
        case .float64:
            return Tensor(shape: shape, storage: .float64(Kernels.generate(n) { rng.normal() }))
        }
    }

    /// Uniform integers in `low..<high` (unbiased): int64 by default, or
    /// integral floats in a float dtype.
    ///
    /// Throws unless `low < high`; in a float dtype the bounds must be
    /// exactly representable (`|x| <= 2^24` for float32, `2^53` for float64)
    /// so every value is.
    public static func randint(_ low: Int, _ high: Int, _ shape: [Int], dtype: DType = .int64,
                               using rng: inout RandomGenerator) throws -> Tensor {
        guard low < high else {
            throw TensorError(op: "randint", "low (\(low)) must be less than high (\(high))")
        }
        let n = try Shape.reserve(shape, dtype: dtype, op: "randint")
        // high - low may pass Int.max (low -2**62, high 2**62): the width as bits
        let width = UInt64(bitPattern: Int64(high) &- Int64(low))
        if dtype == .int64 {
            return Tensor(shape: shape, storage: .int64(Kernels.generate(n) { Int64(low) &+ Int64(bitPattern: rng.int(below: width)) }))
        }
        let limit = dtype == .float32 ? 1 << 24 : 1 << 53
        guard low >= -limit, high <= limit else {
            throw TensorError(op: "randint", "bounds [\(low), \(high)) exceed ±\(limit), the integers \(dtype) represents exactly; make it with dtype: \"int64\" (the default)")
        }
        switch dtype {
        case .bool, .int64:
            throw TensorError(op: "random", "random tensors are float32 or float64, not \(dtype); compare a float tensor to get a mask, or use randint for integers")
        case .float32:
            return Tensor(shape: shape, storage: .float32(Kernels.generate(n) { Float(low + Int(rng.int(below: width))) }))
        case .float64:
            return Tensor(shape: shape, storage: .float64(Kernels.generate(n) { Double(low + Int(rng.int(below: width))) }))
        }
    }

    /// Uniform samples in `[low, high)`: `low + (high - low) * u` with `u`
    /// from `rand` (kept below `high` after rounding).
    public static func uniform(_ low: Double, _ high: Double, _ shape: [Int], dtype: DType = .float32,
                               using rng: inout RandomGenerator) throws -> Tensor {
        guard low.isFinite, high.isFinite, low <= high else {
            throw TensorError(op: "uniform", "bounds must be finite with low <= high, got low \(low) and high \(high)")
        }
        let n = try Shape.reserve(shape, dtype: dtype, op: "uniform")
        let span = high - low
        switch dtype {
        case .bool, .int64:
            throw TensorError(op: "random", "random tensors are float32 or float64, not \(dtype); compare a float tensor to get a mask, or use randint for integers")
        case .float32:
            let (l, h) = (Float(low), Float(high))
            return Tensor(shape: shape, storage: .float32(Kernels.generate(n) {
                let x = Float(low + span * Double(rng.uniformFloat()))
                return x < h || l == h ? x : h.nextDown
            }))
        case .float64:
            return Tensor(shape: shape, storage: .float64(Kernels.generate(n) {
                let x = low + span * rng.uniform()
                return x < high || low == high ? x : high.nextDown
            }))
        }
    }

    /// Normal samples with `mean` and standard deviation `std`: `mean + std * z`,
    /// `z` from `randn`. Throws for a negative or non-finite `std`.
    public static func normal(_ mean: Double, _ std: Double, _ shape: [Int], dtype: DType = .float32,
                              using rng: inout RandomGenerator) throws -> Tensor {
        guard mean.isFinite, std.isFinite, std >= 0 else {
            throw TensorError(op: "normal", "mean must be finite and std finite and >= 0, got mean \(mean) and std \(std)")
        }
        let n = try Shape.reserve(shape, dtype: dtype, op: "normal")
        switch dtype {
        case .bool, .int64:
            throw TensorError(op: "random", "random tensors are float32 or float64, not \(dtype); compare a float tensor to get a mask, or use randint for integers")
        case .float32:
            return Tensor(shape: shape, storage: .float32(Kernels.generate(n) { Float(mean + std * rng.normal()) }))
        case .float64:
            return Tensor(shape: shape, storage: .float64(Kernels.generate(n) { mean + std * rng.normal() }))
        }
    }
}
