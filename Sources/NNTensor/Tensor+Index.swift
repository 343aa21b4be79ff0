/// Indexing and slicing (`t[1:, ::-1]`, `t[[0, 2]]`), gathers along an
/// axis, and their adjoints: scatter-adds.
///
/// Two primitives carry the gradients: `index` (a gather through an
/// `IndexPlan`) and `indexScatter` (its adjoint, adding into zeros). Each
/// one's gradient is the other, so derivatives of any order flow through.
extension Tensor {
    /// The elements `items` select, in the NumPy/PyTorch model (see
    /// `TensorIndex`): `t.index([0])` is `t[0]`, `t.index([.all, .slice(start:
    /// nil, stop: nil, step: -1)])` is `t[:, ::-1]`.
    ///
    /// Throws for an integer out of range (`index 5 is out of bounds for axis
    /// 0 with size 3`), a zero step, too many items or lists of unequal
    /// lengths. Gradient: `g` scatter-added into zeros of the input's shape
    /// (repeated positions accumulate).
    public func index(_ items: [TensorIndex]) throws -> Tensor {
        let plan = try IndexPlan(items, shape: shape, op: "index")
        if !plan.isIdentity { try Shape.reserve(plan.outShape, dtype: isBool ? .float32 : dtype, op: "index") }
        return gathered(plan)
    }

    /// `t[0, 1:, [2, 3]]`: the same as `index(_:)`.
    public subscript(_ items: TensorIndex...) -> Tensor {
        get throws { try index(items) }
    }

    /// The gather through `plan` (recorded as `index`).
    func gathered(_ plan: IndexPlan) -> Tensor {
        if plan.isIdentity { return self }
        let out: Tensor
        switch storage {
        case .float32(let x): out = Tensor(shape: plan.outShape, storage: .float32(Kernels.gather(x, plan)))
        case .float64(let x): out = Tensor(shape: plan.outShape, storage: .float64(Kernels.gather(x, plan)))
        case .bool: return keepingBool { $0.gathered(plan) }
        case .int64(let x): return Tensor(shape: plan.outShape, storage: .int64(Kernels.gather(x, plan)))
        }
        return Tensor.record(.index, out, [self]) { g, _ in [g.scattered(plan)] }
    }

    /// The adjoint of `gathered(plan)`: this tensor (of `plan.outShape`)
    /// added into zeros of `plan.inShape` (recorded as `indexScatter`).
    func scattered(_ plan: IndexPlan) -> Tensor {
        if plan.isIdentity { return self }
        let n = plan.inShape.reduce(1, *)
        let out: Tensor
        switch storage {
        case .float32(let x): out = Tensor(shape: plan.inShape, storage: .float32(Kernels.scatterAdd(x, plan, count: n)))
        case .float64(let x): out = Tensor(shape: plan.inShape, storage: .float64(Kernels.scatterAdd(x, plan, count: n)))
        case .bool: return asFloat.scattered(plan)
        case .int64(let x): return Tensor(shape: plan.inShape, storage: .int64(Kernels.scatterAdd(x, plan, count: n)))
        }
        return Tensor.record(.indexScatter, out, [self]) { g, _ in [g.gathered(plan)] }
    }

    /// Zeros of `shape` with `values` added at the positions `items` select
    /// in a tensor of that shape: the adjoint of `index`, so that
    /// `Tensor.scatterAdd(g, at: items, into: x.shape)` is the gradient of
    /// `x.index(items)`. `values` must have the shape `index` would give.
    /// Repeated positions accumulate. Gradient: `g.index(items)`.
    public static func scatterAdd(_ values: Tensor, at items: [TensorIndex], into shape: [Int]) throws -> Tensor {
        _ = try Shape.count(shape, op: "scatterAdd")
        let plan = try IndexPlan(items, shape: shape, op: "scatterAdd")
        guard values.shape == plan.outShape else {
            throw TensorError(op: "scatterAdd", "values of shape \(fmt(values.shape)) do not match the indexed shape \(fmt(plan.outShape))")
        }
        return values.scattered(plan)
    }

    /// The positions `indices` along `axis`, as `torch.index_select`
    /// (repeats allowed; negative positions count from the end).
    public func indexSelect(axis: Int, indices: [Int]) throws -> Tensor {
        let ax = try Shape.axis(axis, rank: rank, op: "indexSelect")
        guard rank > 0 else { throw TensorError(op: "indexSelect", "a 0-d tensor has no axis to select from") }
        let items = [TensorIndex](repeating: .all, count: ax) + [.list(indices)]
        return gathered(try IndexPlan(items, shape: shape, op: "indexSelect"))
    }

    /// `torch.gather`: `out[i][j][k] = self[i][indices[i][j][k]][k]` for
    /// `axis == 1`. `indices` has this tensor's rank, integral values in
    /// range along `axis` and sizes no larger than this tensor's elsewhere;
    /// the result has its shape. Differentiable in `self` (built on `index`).
    public func gather(axis: Int, indices: Tensor) throws -> Tensor {
        let lists = try gridLists(axis: axis, indices: indices, op: "gather")
        return try gathered(IndexPlan(lists.map { .list($0) }, shape: shape, op: "gather")).reshape(indices.shape)
    }

    /// `torch.scatter_add`: this tensor plus `source` added at the positions
    /// `indices` names along `axis` (`out[i][indices[i][j]] += source[i][j]`
    /// for `axis == 1`; repeats accumulate). `indices` is as for `gather`;
    /// `source` must be at least as large as `indices` in every dimension.
    /// Differentiable in both this tensor and `source`.
    public func scatterAdd(axis: Int, indices: Tensor, source: Tensor) throws -> Tensor {
        let lists = try gridLists(axis: axis, indices: indices, op: "scatterAdd")
        try Tensor.checkSameDType([self, source], op: "scatterAdd")
        guard source.rank == indices.rank, zip(source.shape, indices.shape).allSatisfy({ $0 >= $1 }) else {
            throw TensorError(op: "scatterAdd", "source of shape \(fmt(source.shape)) is smaller than indices of shape \(fmt(indices.shape))")
        }
        // The source elements at the index grid's positions, flattened.
        let srcLists = (0..<rank).map { Tensor.coordinates(of: indices.shape, axis: $0, count: indices.count) }
        let picked = source.gathered(try IndexPlan(srcLists.map { .list($0) }, shape: source.shape, op: "scatterAdd"))
        let placed = picked.scattered(try IndexPlan(lists.map { .list($0) }, shape: shape, op: "scatterAdd"))
        return try self + placed
    }

    /// For `gather`/`scatterAdd`: one list per axis of this tensor, each of
    /// `indices.count` positions, zipping to the elements the index tensor
    /// names (its own coordinates, with `axis` replaced by its values).
    private func gridLists(axis: Int, indices: Tensor, op: String) throws -> [[Int]] {
        let ax = try Shape.axis(axis, rank: rank, op: op)
        guard rank > 0, indices.rank == rank else {
            throw TensorError(op: op, "indices of shape \(fmt(indices.shape)) must have the same number of dimensions as the input \(fmt(shape))")
        }
        for d in 0..<rank where d != ax && indices.shape[d] > shape[d] {
            throw TensorError(op: op, "indices of shape \(fmt(indices.shape)) are larger than the input \(fmt(shape)) along axis \(d)")
        }
        var lists: [[Int]] = []
        for d in 0..<rank {
            if d == ax {
                lists.append(try Tensor.integers(indices, op: op))
            } else {
                lists.append(Tensor.coordinates(of: indices.shape, axis: d, count: indices.count))
            }
        }
        return lists
    }

    /// The coordinate along `axis` of every element of a tensor of `shape`, row-major.
    static func coordinates(of shape: [Int], axis: Int, count: Int) -> [Int] {
        let inner = shape[(axis + 1)...].reduce(1, *)
        let size = shape[axis]
        return (0..<count).map { ($0 / inner) % size }
    }

    /// The elements of `t` as integers (an int64 tensor's exactly); throws
    /// for fractional or huge float values.
    static func integers(_ t: Tensor, op: String) throws -> [Int] {
        if let a = t.int64s { return a.map { Int($0) } }
        var out: [Int] = []
        out.reserveCapacity(t.count)
        for v in t.doubles {
            guard v.rounded() == v, Swift.abs(v) < 9.0e15 else {
                throw TensorError(op: op, "indices must be integers, got \(v)")
            }
            out.append(Int(v))
        }
        return out
    }

    /// A copy of this tensor with the positions `items` select set to
    /// `value` (broadcast to the selected shape), as `t[items] = value` in
    /// NumPy; with repeated positions the last write wins. The tensor itself
    /// is not changed.
    ///
    /// Differentiable: `out = self * keep + scatter(value * lastWriter)`,
    /// where `keep` is 0 at overwritten positions and `lastWriter` marks the
    /// element of `value` that ends up at each one; so the gradient reaches
    /// `self` everywhere except the overwritten positions, and `value` at the
    /// elements that were written last.
    ///
    /// An int64 tensor stores integers: a float value must hold integers in
    /// range (an error names the fix otherwise). A bool or int64 value
    /// stored into a float tensor converts to its dtype.
    public func indexPut(_ items: [TensorIndex], value: Tensor) throws -> Tensor {
        if isBool {
            // a bool tensor stores bools: a number is read as `x != 0`
            return try keepingBool { try $0.indexPut(items, value: value.converted(.bool).asFloat) }
        }
        let value = value.dtype.isFloatingPoint && !isInt64 ? value : try value.exactlyConverted(to: dtype, op: "indexPut")
        try Tensor.checkSameDType([self, value], op: "indexPut")
        let plan = try IndexPlan(items, shape: shape, op: "indexPut")
        let region: Tensor
        do { region = try value.expand(plan.outShape) } catch {
            throw TensorError(op: "indexPut", "value of shape \(fmt(value.shape)) cannot be broadcast to the indexed shape \(fmt(plan.outShape))")
        }
        // Which region element writes each position last (-1: none).
        var writer = [Int](repeating: -1, count: count)
        Kernels.forEachOffset(plan) { k, off in writer[off] = k }
        if !(GradMode.isEnabled && (isTracked || value.isTracked)) {
            let vals = region.storage
            switch storage {
            case .float32(var x):
                guard case .float32(let v) = vals else { break }
                for (off, k) in writer.enumerated() where k >= 0 { x[off] = v[k] }
                return Tensor(shape: shape, storage: .float32(x))
            case .float64(var x):
                guard case .float64(let v) = vals else { break }
                for (off, k) in writer.enumerated() where k >= 0 { x[off] = v[k] }
                return Tensor(shape: shape, storage: .float64(x))
            case .int64(var x):
                guard case .int64(let v) = vals else { break }
                for (off, k) in writer.enumerated() where k >= 0 { x[off] = v[k] }
                return Tensor(shape: shape, storage: .int64(x))
            case .bool:
                break
            }
        }
        var lastMask = [Double](repeating: 0, count: plan.outCount)
        Kernels.forEachOffset(plan) { k, off in lastMask[k] = writer[off] == k ? 1 : 0 }
        let keep = Tensor(shape: shape, storage: TensorStorage.float64(writer.map { $0 < 0 ? 1 : 0 }).converted(to: dtype))
        let last = Tensor(shape: plan.outShape, storage: TensorStorage.float64(lastMask).converted(to: dtype))
        return try self * keep + (region * last).scattered(plan)
    }

    /// `indexPut` with a number.
    public func indexPut(_ items: [TensorIndex], value: Double) throws -> Tensor {
        try indexPut(items, value: scalar(value))
    }
}
