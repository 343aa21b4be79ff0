/// `softmax` and `logSoftmax` along one axis, with their own kernels (one
/// pass for the maximum, one for exp-and-sum, one to normalise) and rules
/// written in tensor ops.
extension Tensor {
    /// `exp(x - m) / Σ exp(x - m)` along `axis`, with `m` the maximum, so
    /// logits of any magnitude are safe.
    ///
    /// Gradient: `y * (g - Σ (g * y))`, the sum along `axis` with keepdims.
    public func softmax(axis: Int = -1) throws -> Tensor {
        let (a, out) = try softmaxForward(axis: axis, log: false, op: "softmax")
        return Tensor.record(.softmax, out, [self]) { g, ctx in
            let y = ctx.output
            return [try y * (g - (g * y).sum(axes: [a], keepdims: true))]
        }.batchedRule { g, ctx in
            let y = ctx.output
            return [try y * (g - (g * y).sum(axes: [a + 1], keepdims: true))]
        }
    }

    /// `x - m - log Σ exp(x - m)` along `axis` (`m` the maximum): the log of
    /// `softmax`, without its underflow.
    ///
    /// Gradient: `g - exp(y) * Σ g`, the sum along `axis` with keepdims.
    public func logSoftmax(axis: Int = -1) throws -> Tensor {
        let (a, out) = try softmaxForward(axis: axis, log: true, op: "logSoftmax")
        return Tensor.record(.logSoftmax, out, [self]) { g, ctx in
            [try g - ctx.output.exp() * g.sum(axes: [a], keepdims: true)]
        }.batchedRule { g, ctx in
            [try g - ctx.output.exp() * g.sum(axes: [a + 1], keepdims: true)]
        }
    }

    private func softmaxForward(axis: Int, log: Bool, op: String) throws -> (Int, Tensor) {
        let a = try Shape.axis(axis, rank: rank, op: op)
        if rank == 0 {
            // one element: softmax 1, logSoftmax 0 (NaN stays NaN)
            let v = try item()
            return (0, Tensor(scalar: v.isNaN ? v : (log ? 0 : 1), dtype: dtype))
        }
        let outer = shape[..<a].reduce(1, *), r = shape[a], inner = shape[(a + 1)...].reduce(1, *)
        switch storage {
        case .float32(let x):
            return (a, Tensor(shape: shape, storage: .float32(Kernels.softmax(x, outer, r, inner, log: log))))
        case .float64(let x):
            return (a, Tensor(shape: shape, storage: .float64(Kernels.softmax(x, outer, r, inner, log: log))))
        case .bool, .int64:
            return try asFloat.softmaxForward(axis: axis, log: log, op: op)
        }
    }
}
