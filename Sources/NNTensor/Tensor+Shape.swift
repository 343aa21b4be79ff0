/// Shape ops: transposes and permutations, flattening, squeezing, and
/// joining tensors with `concat` and `stack`.
///
/// `permute` and `concat` are primitives with their own gradient rules;
/// everything else here is built from them and `reshape`.
extension Tensor {
    /// The axes reordered: result dimension `i` is input dimension `axes[i]`,
    /// as `torch.permute` / `numpy.transpose(x, axes)`. Negative axes count
    /// from the end. Gradient: `g.permute(inverse(axes))`.
    public func permute(_ axes: [Int]) throws -> Tensor {
        guard axes.count == rank else {
            throw TensorError(op: "permute", "axes \(fmt(axes)) do not match a tensor of rank \(rank) (shape \(fmt(shape)))")
        }
        var perm: [Int] = []
        var seen = [Bool](repeating: false, count: rank)
        for a in axes {
            let n = try Shape.axis(a, rank: rank, op: "permute")
            guard !seen[n] else {
                throw TensorError(op: "permute", "axis \(a) appears twice in \(fmt(axes))")
            }
            seen[n] = true
            perm.append(n)
        }
        return permuted(perm)
    }

    /// `permute` with an already validated permutation of `0..<rank`.
    func permuted(_ perm: [Int]) -> Tensor {
        if perm == Array(0..<rank) { return self }
        let outShape = perm.map { shape[$0] }
        let out: Tensor
        switch storage {
        case .float32(let x): out = Tensor(shape: outShape, storage: .float32(Kernels.permute(x, shape, perm)))
        case .float64(let x): out = Tensor(shape: outShape, storage: .float64(Kernels.permute(x, shape, perm)))
        case .bool: return keepingBool { $0.permuted(perm) }
        case .int64(let x): return Tensor(shape: outShape, storage: .int64(Kernels.permute(x, shape, perm)))
        }
        return Tensor.record(.permute, out, [self]) { g, _ in
            var inverse = [Int](repeating: 0, count: perm.count)
            for (i, p) in perm.enumerated() { inverse[p] = i }
            return [g.permuted(inverse)]
        }.batchedRule { g, _ in
            var inverse = [0]
            for p in perm.indices { inverse.append((perm.firstIndex(of: p) ?? p) + 1) }
            return [g.permuted(inverse)]
        }
    }

    /// Axes `a` and `b` swapped, as `torch.transpose(x, a, b)`.
    public func transpose(_ a: Int, _ b: Int) throws -> Tensor {
        let x = try Shape.axis(a, rank: rank, op: "transpose")
        let y = try Shape.axis(b, rank: rank, op: "transpose")
        var perm = Array(0..<rank)
        if rank > 0 { perm.swapAt(x, y) }
        return permuted(perm)
    }

    /// All axes reversed, as NumPy's `.T` (and PyTorch's `.T`): a matrix is
    /// transposed, a vector or a scalar is returned unchanged, and `[a, b, c]`
    /// becomes `[c, b, a]`. For a batch of matrices use `mT`.
    public var T: Tensor { permuted(Array((0..<rank).reversed())) }

    /// The last two axes swapped, as PyTorch's `.mT` (a batch of matrices,
    /// each transposed). Throws for fewer than two dimensions.
    public var mT: Tensor {
        get throws {
            guard rank >= 2 else {
                throw TensorError(op: "mT", "expected a tensor of at least 2 dimensions, got shape \(fmt(shape))")
            }
            var perm = Array(0..<rank)
            perm.swapAt(rank - 2, rank - 1)
            return permuted(perm)
        }
    }

    /// Axes `startAxis...endAxis` merged into one, as `torch.flatten`.
    /// A 0-d tensor flattens to shape `[1]`.
    public func flatten(startAxis: Int = 0, endAxis: Int = -1) throws -> Tensor {
        let s = try Shape.axis(startAxis, rank: rank, op: "flatten")
        let e = try Shape.axis(endAxis, rank: rank, op: "flatten")
        if rank == 0 { return try reshape([1]) }
        guard s <= e else {
            throw TensorError(op: "flatten", "start axis \(startAxis) comes after end axis \(endAxis) for a tensor of rank \(rank)")
        }
        let merged = shape[s...e].reduce(1, *)
        return try reshape(Array(shape[..<s]) + [merged] + Array(shape[(e + 1)...]))
    }

    /// Dimensions of size 1 removed: all of them when `axes` is nil, else the
    /// listed ones, each of which must have size 1 (as `numpy.squeeze`).
    public func squeeze(axes: [Int]? = nil) throws -> Tensor {
        let drop: [Int]
        if let axes {
            drop = try Shape.axes(axes, rank: rank, op: "squeeze")
            if rank == 0 { return self }  // axis 0 / -1 of a 0-d tensor, as PyTorch
            for a in drop where shape[a] != 1 {
                throw TensorError(op: "squeeze", "cannot squeeze axis \(a) of shape \(fmt(shape)): its size is \(shape[a]), not 1")
            }
        } else {
            drop = shape.indices.filter { shape[$0] == 1 }
        }
        return try reshape(shape.indices.filter { !drop.contains($0) }.map { shape[$0] })
    }

    /// A dimension of size 1 inserted at `axis` (`-1` appends), as
    /// `torch.unsqueeze`; `axis` may range over `-(rank + 1)...rank`.
    public func unsqueeze(_ axis: Int) throws -> Tensor {
        let a = try Shape.axis(axis, rank: rank + 1, op: "unsqueeze")
        var s = shape
        s.insert(1, at: a)
        return try reshape(s)
    }

    /// The tensors joined along an existing `axis`; all must have the same
    /// rank and sizes except along `axis`, as `torch.cat`. Their dtypes meet
    /// as arithmetic's do (`resultType`: int64 or bool with a float gives the
    /// float, int64 with bool gives int64; float32 with float64 is an error).
    /// Gradient: each input receives its slice of `g` along `axis`.
    public static func concat(_ ts: [Tensor], axis: Int = 0) throws -> Tensor {
        let ts = try promotedAll(ts, op: "concat")
        guard let first = ts.first else {
            throw TensorError(op: "concat", "expected at least one tensor")
        }
        guard first.rank > 0 else {
            throw TensorError(op: "concat", "zero-dimensional tensors cannot be concatenated; use stack")
        }
        try checkSameDType(ts, op: "concat")
        let ax = try Shape.axis(axis, rank: first.rank, op: "concat")
        var total = 0
        for (i, t) in ts.enumerated() {
            var a = t.shape, b = first.shape
            if a.count == b.count { a[ax] = 0; b[ax] = 0 }
            guard a == b else {
                throw TensorError(op: "concat", "tensor \(i) has shape \(fmt(t.shape)) but tensor 0 has shape \(fmt(first.shape)); sizes must match except along axis \(ax)")
            }
            let (s, o) = total.addingReportingOverflow(t.shape[ax])
            guard !o else { throw TensorError(op: "concat", "the result is too large to allocate") }
            total = s
        }
        if ts.count == 1 { return first }
        var outShape = first.shape
        outShape[ax] = total
        let n = try Shape.reserve(outShape, dtype: ts[0].dtype, op: "concat")
        let outer = first.shape[..<ax].reduce(1, *)
        let inner = first.shape[(ax + 1)...].reduce(1, *)
        let out: Tensor
        switch first.storage {
        case .float32:
            out = Tensor(shape: outShape, storage: .float32(try Kernels.concat(ts.map { try $0.array(Float.self, op: "concat") }, ts.map { $0.shape[ax] }, outer: outer, inner: inner, count: n)))
        case .float64:
            out = Tensor(shape: outShape, storage: .float64(try Kernels.concat(ts.map { try $0.array(Double.self, op: "concat") }, ts.map { $0.shape[ax] }, outer: outer, inner: inner, count: n)))
        case .bool:
            return try Tensor.concat(ts.map(\.asFloat), axis: axis).converted(.bool)
        case .int64:
            return Tensor(shape: outShape, storage: .int64(Kernels.concat(ts.map { $0.int64s ?? [] }, ts.map { $0.shape[ax] }, outer: outer, inner: inner, count: n)))
        }
        return record(.concat, out, ts) { g, ctx in
            var start = 0
            var grads: [Tensor?] = []
            let lead = [TensorIndex](repeating: .all, count: ax)
            for (i, x) in ctx.inputs.enumerated() {
                let len = x.shape[ax]
                grads.append(ctx.needs[i] ? try g.index(lead + [.slice(start: start, stop: start + len, step: 1)]) : nil)
                start += len
            }
            return grads
        }.batchedRule { g, ctx in
            var start = 0
            var grads: [Tensor?] = []
            let lead = [TensorIndex](repeating: .all, count: ax + 1)
            for (i, x) in ctx.inputs.enumerated() {
                let len = x.shape[ax]
                grads.append(ctx.needs[i] ? try g.index(lead + [.slice(start: start, stop: start + len, step: 1)]) : nil)
                start += len
            }
            return grads
        }
    }

    /// The tensors, which must all have the same shape, joined along a new
    /// `axis`, as `torch.stack`; `axis` may range over `-(rank + 1)...rank`.
    public static func stack(_ ts: [Tensor], axis: Int = 0) throws -> Tensor {
        guard let first = ts.first else {
            throw TensorError(op: "stack", "expected at least one tensor")
        }
        for (i, t) in ts.enumerated() where t.shape != first.shape {
            throw TensorError(op: "stack", "tensor \(i) has shape \(fmt(t.shape)) but tensor 0 has shape \(fmt(first.shape)); stacked tensors must have the same shape")
        }
        let ax = try Shape.axis(axis, rank: first.rank + 1, op: "stack")
        return try concat(ts.map { try $0.unsqueeze(ax) }, axis: ax)
    }
}
