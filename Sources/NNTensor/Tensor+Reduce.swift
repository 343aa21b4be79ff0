/// Reductions over axes (`nil` = all, negatives allowed) with `keepdims`:
/// `mean`, `max`, `min`, `argmax`, `argmin`, `variance`, `std`, `norm`,
/// `logsumexp`. (`sum` lives with `sumTo` in `Tensor+Broadcast.swift`.)
extension Tensor {
    /// The axes, shapes and size of one reduction.
    struct Reduction {
        /// Normalised, sorted axes.
        let axes: [Int]
        /// The input shape with reduced dimensions set to 1.
        let kept: [Int]
        /// The result's shape (`kept`, or with reduced dimensions removed).
        let out: [Int]
        /// How many elements each result combines.
        let size: Int
    }

    /// Checks `axes` against this tensor and works out the shapes.
    func reduction(_ axes: [Int]?, keepdims: Bool, op: String) throws -> Reduction {
        // a 0-d tensor accepts axis 0 / -1 (as PyTorch does) and reduces nothing
        let ax = try Shape.axes(axes, rank: rank, op: op).filter { $0 < rank }
        var kept = shape
        var size = 1
        for a in ax {
            size *= shape[a]
            kept[a] = 1
        }
        let out = keepdims ? kept : shape.enumerated().filter { !ax.contains($0.offset) }.map(\.element)
        // an empty [0, 2**31] reduced over axis 0 asks for 2**31 elements
        try Shape.reserve(out, dtype: dtype == .bool ? .float32 : dtype, op: op)
        return Reduction(axes: ax, kept: kept, out: out, size: size)
    }

    /// Runs a reduction kernel into a tensor of shape `r.out`.
    func reduced(_ kind: Kernels.Reduction, _ r: Reduction) -> Tensor {
        switch storage {
        case .float32(let x): return Tensor(shape: r.out, storage: .float32(Kernels.reduce(kind, x, shape, r.axes)))
        case .float64(let x): return Tensor(shape: r.out, storage: .float64(Kernels.reduce(kind, x, shape, r.axes)))
        case .bool: return asFloat.reduced(kind, r)
        case .int64(let x): return Tensor(shape: r.out, storage: .int64(Kernels.reduceInt64(kind, x, shape, r.axes)))
        }
    }

    /// The arithmetic mean over `axes` (NaN over an empty axis, as PyTorch).
    /// Of an int64 tensor, a float32 result (summed in float64 first).
    /// Gradient: `g / N` spread over the `N` elements each mean combines.
    public func mean(axes: [Int]? = nil, keepdims: Bool = false) throws -> Tensor {
        if isInt64 { return try asFloat64.mean(axes: axes, keepdims: keepdims).converted(.float32) }
        let r = try reduction(axes, keepdims: keepdims, op: "mean")
        let n = Double(r.size)
        let sum = reduced(.sum, r)
        // Float(n) would round counts above 2²⁴; divide in Double
        let out = Tensor.unary(sum, { Float(Double($0) / n) }, { $0 / n })
        return Tensor.record(.mean, out, [self]) { g, ctx in
            [try (g.reshape(r.kept) / n).expand(ctx.inputs[0].shape)]
        }.batchedRule { g, ctx in
            [try (g.reshape([g.shape[0]] + r.kept) / n).expand([g.shape[0]] + ctx.inputs[0].shape)]
        }
    }

    /// The largest element over `axes` (NaN if any is NaN), as `torch.amax`.
    /// Gradient: `g` to the elements equal to the maximum, split evenly among ties.
    public func max(axes: [Int]? = nil, keepdims: Bool = false) throws -> Tensor {
        try extreme(.max, axes, keepdims, op: "max")
    }

    /// The smallest element over `axes` (NaN if any is NaN), as `torch.amin`.
    /// Gradient: `g` to the elements equal to the minimum, split evenly among ties.
    public func min(axes: [Int]? = nil, keepdims: Bool = false) throws -> Tensor {
        try extreme(.min, axes, keepdims, op: "min")
    }

    private func extreme(_ kind: Kernels.Reduction, _ axes: [Int]?, _ keepdims: Bool, op: String) throws -> Tensor {
        let r = try reduction(axes, keepdims: keepdims, op: op)
        try requireNonEmpty(r, op: op)
        let out = reduced(kind, r)
        return Tensor.record(kind == .max ? .max : .min, out, [self]) { g, ctx in
            let x = ctx.inputs[0].detach()
            let hit = try x.eq(ctx.output.detach().reshape(r.kept)).to(x.dtype)
            let ties = try hit.sum(axes: r.axes, keepdims: true)
            return [try g.reshape(r.kept) * (hit / ties)]
        }
    }

    /// The largest or smallest `|x|` over `r`, untracked, without a copy of `|x|`.
    private func magnitudeExtreme(_ r: Reduction, max: Bool) -> Tensor {
        switch storage {
        case .float32(let x): return Tensor(shape: r.out, storage: .float32(Kernels.reduceMagnitude(x, shape, r.axes, max: max)))
        case .float64(let x): return Tensor(shape: r.out, storage: .float64(Kernels.reduceMagnitude(x, shape, r.axes, max: max)))
        case .bool, .int64: return asFloat.magnitudeExtreme(r, max: max)  // not reached: norm widens these first
        }
    }

    private func requireNonEmpty(_ r: Reduction, op: String) throws {
        for a in r.axes where shape[a] == 0 {
            throw TensorError(op: op, "cannot reduce over the empty dimension \(a) of a tensor of shape \(fmt(shape))")
        }
    }

    /// The index of the largest element along `axis` (of the flattened tensor
    /// when nil), first one on ties, first NaN if any; as `torch.argmax`.
    /// Indices come back as an int64 tensor (of any input), untracked.
    public func argmax(axis: Int? = nil, keepdims: Bool = false) throws -> Tensor {
        try argExtreme(axis, keepdims, max: true, op: "argmax")
    }

    /// The index of the smallest element along `axis` (of the flattened
    /// tensor when nil); see `argmax`.
    public func argmin(axis: Int? = nil, keepdims: Bool = false) throws -> Tensor {
        try argExtreme(axis, keepdims, max: false, op: "argmin")
    }

    private func argExtreme(_ axis: Int?, _ keepdims: Bool, max: Bool, op: String) throws -> Tensor {
        var outer = 1, r = count, inner = 1
        var outShape: [Int] = keepdims ? [Int](repeating: 1, count: rank) : []
        if let axis {
            let a = try Shape.axis(axis, rank: rank, op: op)
            if a < rank {
                outer = shape[..<a].reduce(1, *)
                r = shape[a]
                inner = shape[(a + 1)...].reduce(1, *)
                outShape = shape
                if keepdims { outShape[a] = 1 } else { outShape.remove(at: a) }
            }
        }
        guard r > 0 else {
            throw TensorError(op: op, "cannot take the \(op) of an empty \(axis == nil ? "tensor" : "dimension") (shape \(fmt(shape)))")
        }
        try Shape.reserve(outShape, dtype: .int64, op: op)
        let indices: [Int64]
        switch storage {
        case .float32(let x): indices = Kernels.argExtreme(x, outer, r, inner, max: max)
        case .float64(let x): indices = Kernels.argExtreme(x, outer, r, inner, max: max)
        case .int64(let x): indices = Kernels.argExtreme(x, outer, r, inner, max: max)
        case .bool(let x): indices = Kernels.argExtreme(x.map { $0 ? Int64(1) : 0 }, outer, r, inner, max: max)
        }
        return Tensor(shape: outShape, storage: .int64(indices))
    }

    /// The variance over `axes`: `Σ (x - mean)² / max(0, N - correction)`,
    /// as `torch.var` (`correction: 1` is Bessel's, unbiased; 0 is the
    /// population variance). Built from differentiable ops. Of an int64
    /// tensor, a float32 result (computed in float64).
    public func variance(axes: [Int]? = nil, correction: Double = 1, keepdims: Bool = false) throws -> Tensor {
        if isInt64 { return try asFloat64.variance(axes: axes, correction: correction, keepdims: keepdims).converted(.float32) }
        let r = try reduction(axes, keepdims: keepdims, op: "var")
        guard correction.isFinite else {
            throw TensorError(op: "var", "correction must be a finite number, got \(correction)")
        }
        let d = try self - mean(axes: r.axes, keepdims: true)
        let n = Double(r.size)
        // mean of squares times N: the fast kernel, and the same value as the sum
        return try (d * d).mean(axes: r.axes, keepdims: keepdims) * (n / Swift.max(0, n - correction))
    }

    /// The standard deviation over `axes`: `sqrt(variance(...))`, as `torch.std`.
    /// Gradient: `g / (2 std)` into the variance, with the subgradient 0
    /// where the std is 0 (a constant slice), as PyTorch (where the formula
    /// would give 0/0).
    public func std(axes: [Int]? = nil, correction: Double = 1, keepdims: Bool = false) throws -> Tensor {
        let v = try variance(axes: axes, correction: correction, keepdims: keepdims)
        let out = Tensor.unary(v, { $0.squareRoot() }, { $0.squareRoot() })
        return Tensor.record(.sqrt, out, [v]) { g, ctx in
            let zero = ctx.output.detach().mask({ $0 == 0 }, { $0 == 0 })
            return [try g * 0.5 / (ctx.output + zero) * (1 - zero)]
        }
    }

    /// The vector `p`-norm over `axes`, `(Σ |x|ᵖ)^(1/p)`, as `torch.linalg.vector_norm`:
    /// `p = 2` (Euclidean), `1`, `.infinity` (`max |x|`), `-.infinity`
    /// (`min |x|`), `0` (count of nonzeros, untracked), or any other number.
    ///
    /// The 2-norm has its own rule, `g * x / ‖x‖`, with the subgradient 0 at
    /// `x = 0` (where the formula would give NaN), and so are the derivatives
    /// of the rule there (the second derivative of `‖x‖` does not exist at 0;
    /// 0 is the convention of `abs` and `relu`, and PyTorch gives NaN).
    public func norm(p: Double = 2, axes: [Int]? = nil, keepdims: Bool = false) throws -> Tensor {
        guard !p.isNaN else { throw TensorError(op: "norm", "p must be a number, got nan") }
        // of int64 (and bool), a float32 norm, computed in float64
        if !dtype.isFloatingPoint { return try asFloat64.norm(p: p, axes: axes, keepdims: keepdims).converted(.float32) }
        switch p {
        case 2:
            let r = try reduction(axes, keepdims: keepdims, op: "norm")
            let out = try euclideanNorm(r)
            return Tensor.record(.norm, out, [self]) { g, ctx in
                let nk = try ctx.output.reshape(r.kept)
                let zero = nk.detach().mask({ $0 == 0 }, { $0 == 0 })
                return [try g.reshape(r.kept) * (ctx.inputs[0] / (nk + zero)) * (1 - zero)]
            }
        case 1: return try abs().sum(axes: axes, keepdims: keepdims)
        case .infinity, -.infinity:
            if !isTracked || !GradMode.isEnabled {
                // untracked: max |x| read in place, no copy of |x| (the values of abs().max())
                let r = try reduction(axes, keepdims: keepdims, op: "norm")
                try requireNonEmpty(r, op: "norm")
                return magnitudeExtreme(r, max: p > 0)
            }
            return p > 0 ? try abs().max(axes: axes, keepdims: keepdims) : try abs().min(axes: axes, keepdims: keepdims)
        case 0: return try ne(0).sum(axes: axes, keepdims: keepdims).detach()
        default: return try abs().pow(p).sum(axes: axes, keepdims: keepdims).pow(1 / p)
        }
    }

    /// `sqrt(Σ x²)` over `r`, untracked. Where `Σ x²` overflows or falls
    /// below `leastNormal / ε` (float32: |x| beyond about 1.8e19, or all below
    /// about 3e-16), every output is recomputed as `m · sqrt(Σ (x / m)²)` with
    /// `m = max |x|` (as LAPACK's `nrm2` scales), so the norm is right wherever
    /// it is representable: `norm([3e20, 4e20])` is `5e20`, not `inf`.
    private func euclideanNorm(_ r: Reduction) throws -> Tensor {
        let squares = Tensor.unary(self, { $0 * $0 }, { $0 * $0 })
        let direct = Tensor.unary(squares.reduced(.sum, r), { $0.squareRoot() }, { $0.squareRoot() })
        let single = dtype == .float32
        let lo = single ? Double(Float.leastNormalMagnitude / Float.ulpOfOne) : Double.leastNormalMagnitude / Double.ulpOfOne
        let hi = single ? Double(Float.greatestFiniteMagnitude) : Double.greatestFiniteMagnitude
        // the direct norm is sqrt of the sum: compare its square with the range
        guard direct.doubles.contains(where: { !$0.isNaN && !($0 * $0 >= lo && $0 * $0 <= hi) }) else { return direct }
        return try GradMode.noGrad {
            let m = Tensor.unary(self, { Swift.abs($0) }, { Swift.abs($0) })
                .reduced(.max, Reduction(axes: r.axes, kept: r.kept, out: r.kept, size: r.size))
            // 0 (all zeros, or an empty axis), inf and nan scale by 1: the direct sum is right there
            let scale = Tensor.unary(m, { $0.isFinite && $0 > 0 ? $0 : 1 }, { $0.isFinite && $0 > 0 ? $0 : 1 })
            let q = try self.detach() / scale
            let s = Tensor.unary(Tensor.unary(q, { $0 * $0 }, { $0 * $0 }).reduced(.sum, r),
                                 { $0.squareRoot() }, { $0.squareRoot() })
            return try s * scale.reshape(r.out)
        }
    }

    /// `log Σ exp(x)` over `axes`, computed stably as `m + log Σ exp(x - m)`
    /// with `m` the maximum (0 where it is infinite). `-inf` over an empty axis.
    /// Gradient: `g * exp(x - out)` (the softmax).
    public func logsumexp(axes: [Int]? = nil, keepdims: Bool = false) throws -> Tensor {
        if !dtype.isFloatingPoint { return try asFloat.logsumexp(axes: axes, keepdims: keepdims) }
        let r = try reduction(axes, keepdims: keepdims, op: "logsumexp")
        let out: Tensor
        let last = r.axes.count == 1 && r.axes[0] == rank - 1
        switch storage {
        case _ where r.size == 0:
            out = Tensor(shape: r.out, storage: .filled(-.infinity, count: r.out.reduce(1, *), dtype: dtype))
        case .float32(let x) where last: out = Tensor(shape: r.out, storage: .float32(Kernels.rowLogSumExp(x, r.size)))
        case .float64(let x) where last: out = Tensor(shape: r.out, storage: .float64(Kernels.rowLogSumExp(x, r.size)))
        default:
            out = try GradMode.noGrad {
                let m = reduced(.max, Reduction(axes: r.axes, kept: r.kept, out: r.kept, size: r.size))
                let shift = Tensor.unary(m, { $0.isFinite ? $0 : 0 }, { $0.isFinite ? $0 : 0 })
                let s = try (self - shift).exp().mean(axes: r.axes, keepdims: true) * Double(r.size)
                return try (s.log() + shift).reshape(r.out)
            }
        }
        return Tensor.record(.logsumexp, out, [self]) { g, ctx in
            let x = ctx.inputs[0]
            return [try g.reshape(r.kept) * (x - ctx.output.reshape(r.kept)).exp()]
        }.batchedRule { g, ctx in
            let x = ctx.inputs[0]
            return [try g.reshape([g.shape[0]] + r.kept) * (x - ctx.output.reshape(r.kept)).exp()]
        }
    }
}

extension Tensor {
    /// This tensor in float64, untracked when it is converted (an int64 or
    /// bool tensor, never tracked itself): how int64 statistics are taken.
    var asFloat64: Tensor { converted(.float64) }
}
