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
        case .bool:
            return try asFloat.softmaxForward(axis: axis, log: log, op: op)
        }
    }
}

extension Kernels {
    /// Softmax (or log-softmax) of `x` seen as `[outer, r, inner]` along the
    /// middle dimension.
    static func softmax<T: TensorScalar>(_ x: [T], _ outer: Int, _ r: Int, _ inner: Int, log: Bool) -> [T] {
        let n = x.count
        return [T](unsafeUninitializedCapacity: n) { out, initialized in
            initialized = n
            guard n > 0, let po = out.baseAddress else { return }
            x.withUnsafeBufferPointer { px in
                guard let base = px.baseAddress else { return }
                let src = SendablePointer(UnsafeMutablePointer(mutating: base)), dst = SendablePointer(po)
                if inner == 1 {
                    parallelRows(outer, rowLength: r * 4) { rows in
                        for o in rows {
                            softmaxRow(UnsafePointer(src.base + o * r), dst.base + o * r, r, log: log)
                        }
                    }
                } else {
                    parallelFor(inner, grain: Swift.max(64, parallelGrain / Swift.max(r * outer * 4, 1))) { cols in
                        for o in 0..<outer {
                            softmaxColumns(UnsafePointer(src.base + o * r * inner), dst.base + o * r * inner,
                                           r, inner, cols, log: log)
                        }
                    }
                }
            }
        }
    }

    /// One contiguous row: max, then exp-and-sum (stored), then scale.
    @inline(__always)
    static func softmaxRow<T: TensorScalar>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ n: Int, log: Bool) {
        let m = rowExtreme(x, n, max: true)
        if log {
            // (x - m) - log s, not x - (m + log s): the latter rounds log s to m's precision
            let shift: T = m.isFinite ? m : 0
            let logS = T(libmLog(Double(rowExpSum(x, nil, n, shift: shift))))
            for j in 0..<n { y[j] = (x[j] - shift) - logS }
        } else {
            let inv = 1 / rowExpSum(x, y, n, shift: m)
            for j in 0..<n { y[j] *= inv }
        }
    }

    /// The columns `cols` of an `[r, inner]` slice, softmaxed down each column;
    /// `r ≥ 1`.
    static func softmaxColumns<T: TensorScalar>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
                                                _ r: Int, _ inner: Int, _ cols: Range<Int>, log: Bool) {
        let w = cols.count, c0 = cols.lowerBound
        var m = [T](repeating: 0, count: w), s = [T](repeating: 0, count: w)
        m.withUnsafeMutableBufferPointer { m in
            s.withUnsafeMutableBufferPointer { s in
                for j in 0..<w { m[j] = x[c0 + j] }
                for k in 1..<Swift.max(r, 1) {
                    let row = x + k * inner + c0
                    for j in 0..<w { let v = row[j]; m[j] = (v > m[j] || v != v) ? v : m[j] }
                }
                if log { for j in 0..<w where !m[j].isFinite { m[j] = 0 } }
                for k in 0..<r {
                    let row = x + k * inner + c0, dst = y + k * inner + c0
                    for j in 0..<w { dst[j] = row[j] - m[j] }
                    apply(.exp, UnsafePointer(dst), dst, w)
                }
                // the column sums of the terms, pairwise (Kernels+Sum.swift)
                if let sp = s.baseAddress { columnSum(UnsafePointer(y + c0), r, inner, 0..<w, sp) }
                if log {
                    for j in 0..<w { s[j] = T(libmLog(Double(s[j]))) }
                    for k in 0..<r {
                        let row = x + k * inner + c0, dst = y + k * inner + c0
                        for j in 0..<w { dst[j] = (row[j] - m[j]) - s[j] }
                    }
                } else {
                    for j in 0..<w { s[j] = 1 / s[j] }
                    for k in 0..<r {
                        let dst = y + k * inner + c0
                        for j in 0..<w { dst[j] *= s[j] }
                    }
                }
            }
        }
    }
}
