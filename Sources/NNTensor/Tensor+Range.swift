/// Evenly spaced values and identity matrices: `arange`, `linspace`, `eye`.
extension Tensor {
    /// Values from `start` up to (not including) `stop` in steps of `step`, as `numpy.arange`.
    ///
    /// ```
    /// count = max(0, ceil((stop - start) / step))
    /// out[i] = start + i * step
    /// ```
    /// `step` may be negative; it may not be zero. Bounds must be finite.
    public static func arange(_ start: Double, _ stop: Double, _ step: Double = 1,
                              dtype: DType = .float32) throws -> Tensor {
        guard step != 0 else { throw TensorError(op: "arange", "step must not be zero") }
        guard start.isFinite, stop.isFinite, step.isFinite else {
            throw TensorError(op: "arange", "start, stop and step must be finite, got \(start), \(stop), \(step)")
        }
        let span = ((stop - start) / step).rounded(.up)
        guard span < Double(Shape.maxElements) + 1 else {
            throw TensorError(op: "arange", "\(start) to \(stop) in steps of \(step) is too many elements (more than \(Shape.maxElements))")
        }
        let n = span > 0 ? Int(span) : 0
        try Shape.reserve([n], dtype: .float64, op: "arange")
        return try Tensor(shape: [n], values: (0..<n).map { start + Double($0) * step }, dtype: dtype)
    }

    /// Values from 0 up to (not including) `stop` in steps of 1.
    public static func arange(_ stop: Double, dtype: DType = .float32) throws -> Tensor {
        try arange(0, stop, 1, dtype: dtype)
    }

    /// `count` evenly spaced values from `start` to `end`, both included, as `numpy.linspace`.
    ///
    /// ```
    /// step = (end - start) / (count - 1)
    /// out[i] = start + i * step,  out[count - 1] = end exactly
    /// ```
    /// `count` 1 gives `[start]`; `count` 0 an empty tensor.
    public static func linspace(_ start: Double, _ end: Double, _ count: Int,
                                dtype: DType = .float32) throws -> Tensor {
        guard count >= 0 else { throw TensorError(op: "linspace", "count must be non-negative, got \(count)") }
        guard start.isFinite, end.isFinite else {
            throw TensorError(op: "linspace", "start and end must be finite, got \(start) and \(end)")
        }
        try Shape.reserve([count], dtype: .float64, op: "linspace")
        var values = [Double](repeating: start, count: count)
        if count > 1 {
            let step = (end - start) / Double(count - 1)
            for i in 1..<count { values[i] = start + Double(i) * step }
            values[count - 1] = end
        }
        return try Tensor(shape: [count], values: values, dtype: dtype)
    }

    /// The `n × m` matrix with ones on the diagonal (`m` defaults to `n`), as `numpy.eye`.
    public static func eye(_ n: Int, _ m: Int? = nil, dtype: DType = .float32) throws -> Tensor {
        let cols = m ?? n
        let shape = [n, cols]
        let count = try Shape.reserve(shape, dtype: .float64, op: "eye")
        var values = [Double](repeating: 0, count: count)
        for i in 0..<Swift.min(n, cols) { values[i * cols + i] = 1 }
        return try Tensor(shape: shape, values: values, dtype: dtype)
    }
}
