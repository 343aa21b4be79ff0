/// Hessians with respect to several tensors as one flat matrix (a model's
/// parameters), and the assembly of Jacobian and Hessian rows into one tensor.
extension Autodiff {
    /// The Hessian of a scalar-valued `f` of several tensors, as one flat
    /// `[N, N]` matrix with `N = Σ xs[i].count`.
    ///
    /// Rows and columns follow the inputs in order, each flattened row-major:
    /// input `i` occupies `flatRanges(xs)[i]`. Nestable like `hessian(_:at:)`.
    /// `checkpoint` runs before each row: throw from it to stop early.
    public static func hessian(_ f: ([Tensor]) throws -> Tensor, at xs: [Tensor],
                               checkpoint: () throws -> Void = {}) throws -> Tensor {
        try transform(xs) { scope in
            let y = try f(scope.inputs)
            return try flatHessian(of: y, wrt: scope.inputs, createGraph: scope.needsGraph(y), op: "hessian",
                                   checkpoint: checkpoint)
        }
    }

    /// The flat `[N, N]` Hessian of `loss()` with respect to tensors it uses
    /// directly, such as a model's parameters (no stand-ins: not nestable;
    /// the result is a constant).
    ///
    /// A parameter that is not tracked is marked as requiring grad for the
    /// duration of the call, so that `loss()` records its uses.
    public static func hessian(of loss: () throws -> Tensor, wrt params: [Tensor]) throws -> Tensor {
        try withTracked(params) {
            try flatHessian(of: loss(), wrt: params, createGraph: false, op: "hessian")
        }
    }

    /// `H v` for the loss of tensors it uses directly (a model's
    /// parameters), by double backward; `vs` has one tensor per parameter.
    /// The result is a constant, one tensor per parameter.
    public static func hvp(of loss: () throws -> Tensor, wrt params: [Tensor], v vs: [Tensor]) throws -> [Tensor] {
        guard vs.count == params.count else {
            throw TensorError(op: "hvp", "\(vs.count) direction tensors given for \(params.count) parameters")
        }
        for (p, v) in zip(params, vs) where p.shape != v.shape {
            throw TensorError(op: "hvp", "direction shape \(fmt(v.shape)) does not match the parameter shape \(fmt(p.shape))")
        }
        return try withTracked(params) {
            let y = try loss()
            try requireScalar(y, op: "hvp")
            let gs = try Tensor.gradients(of: y, wrt: params, createGraph: true)
            var dot = Tensor(scalar: 0, dtype: y.dtype)
            for (g, v) in zip(gs, vs) { dot = try dot + (g * v.detach().to(g.dtype)).sum() }
            return try Tensor.gradients(of: dot, wrt: params, createGraph: false)
        }
    }

    /// The index range of each tensor in the flat vector that concatenates
    /// them all (row-major each): the map from a parameter to its block of a
    /// flat Hessian.
    public static func flatRanges(_ xs: [Tensor]) -> [Range<Int>] {
        var start = 0
        return xs.map { x in
            defer { start += x.count }
            return start..<(start + x.count)
        }
    }

    // MARK: machinery

    /// `[N, N]` Hessian of `y` with respect to `targets`: the recorded
    /// gradient, then its rows `H e_j`. A constant result takes the rows in
    /// blocks, one batched backward pass per block (`hessianRows`); a
    /// recorded one (nested transforms) one backward pass per row.
    static func flatHessian(of y: Tensor, wrt targets: [Tensor], createGraph: Bool, op: String,
                            checkpoint: () throws -> Void = {}) throws -> Tensor {
        try requireScalar(y, op: op)
        var n = 0
        for t in targets { n += t.count }
        let dtype = targets.first?.dtype ?? y.dtype
        try Shape.reserve([n, n], dtype: dtype, op: op)
        let gs = try Tensor.gradients(of: y, wrt: targets, createGraph: true)
        if !createGraph {
            var out = [Double](repeating: 0, count: n * n)
            var row = 0
            for g in gs {
                try hessianRows(of: g, wrt: targets, rows: 0..<g.count, checkpoint: checkpoint) { j, pieces in
                    var c = (row + j) * n
                    for p in pieces {
                        out.replaceSubrange(c..<(c + p.count), with: p)
                        c += p.count
                    }
                }
                row += g.count
            }
            return try Tensor(shape: [n, n], values: out, dtype: dtype)
        }
        var rows: [[Tensor]] = []
        rows.reserveCapacity(n)
        for g in gs {
            for j in 0..<g.count {
                try checkpoint()
                let seed = oneHot(j, shape: g.shape, dtype: g.dtype)
                rows.append(try Tensor.gradients(of: g, wrt: targets, seed: seed, createGraph: createGraph))
            }
        }
        return try assemble(rows, shape: [n, n], dtype: dtype, op: op)
    }

    /// The rows `H[j, :] = ∂(g · e_j)/∂targets` for the flat indices `j` in
    /// `rows` of one recorded gradient `g` (a gradient taken with
    /// `createGraph`), by batched backward passes through it: a block of `b`
    /// rows is one pass seeded with the `[b] + g.shape` stack of one-hots
    /// `e_j` (`Tensor.batchedGradients`), so its matrix products are GEMMs
    /// over `b` rows at once instead of `b` separate passes. Exact: each row
    /// equals the single pass seeded with `e_j` to rounding.
    ///
    /// `body(j, pieces)` receives row `j` as one slice per target (its
    /// gradient, flattened row-major), rows in order. `checkpoint` runs
    /// before each block. `blockRows` (default `hessianBlockRows`) bounds a block.
    public static func hessianRows(of g: Tensor, wrt targets: [Tensor], rows: Range<Int>,
                                   blockRows: Int? = nil, checkpoint: () throws -> Void = {},
                                   _ body: (Int, [ArraySlice<Double>]) throws -> Void) throws {
        guard rows.lowerBound >= 0, rows.upperBound <= g.count else {
            throw TensorError(op: "hessian", "rows \(rows) are out of range for a gradient of \(g.count) elements")
        }
        guard !rows.isEmpty else { return }
        let block = Swift.max(1, Swift.min(blockRows ?? hessianBlockRows(of: g, wrt: targets), rows.count))
        var start = rows.lowerBound
        while start < rows.upperBound {
            try checkpoint()
            let b = Swift.min(block, rows.upperBound - start)
            try Shape.reserve([b] + g.shape, dtype: g.dtype, op: "hessian")
            var seed = [Double](repeating: 0, count: b * g.count)
            for i in 0..<b { seed[i * g.count + start + i] = 1 }
            let seeds = try Tensor(shape: [b] + g.shape, values: seed, dtype: g.dtype)
            let hs = try Tensor.batchedGradients(of: g, wrt: targets, seeds: seeds).map(\.doubles)
            for i in 0..<b {
                try body(start + i, zip(hs, targets).map { h, t in h[(i * t.count)..<(i * t.count + t.count)] })
            }
            start += b
        }
    }

    /// How many Hessian rows one batched pass takes: as many as keep every
    /// intermediate of the pass (`rows ×` the largest tensor it reaches)
    /// within `bytes`, and at least one.
    ///
    /// The default, 128 KiB, is glibc's threshold for serving an allocation
    /// by `mmap`: above it each fresh buffer costs page faults, which for
    /// the 10-20-1 MLP's Hessian made blocks of 32 rows (512 KB
    /// intermediates) twice as slow as blocks of 8 (docs/benchmarks.md).
    /// When the process keeps freed buffers (``Allocator/keepFreedBuffers()``,
    /// as `nn` does) there are no such faults and the default is 2 MiB: the
    /// same Hessian went from 2.63 ms to 2.31 ms.
    public static func hessianBlockRows(of g: Tensor, wrt targets: [Tensor], bytes: Int? = nil) -> Int {
        let bytes = bytes ?? (Allocator.keepsFreedBuffers ? 1 << 21 : 1 << 17)
        let (order, reaches) = Tensor.reachingOrder(from: g, targets: Set(targets.map(ObjectIdentifier.init)))
        var largest = 1
        for t in order where reaches[ObjectIdentifier(t)] == true { largest = Swift.max(largest, t.count) }
        let size = g.dtype == .float32 ? 4 : 8
        return Swift.max(1, bytes / size / largest)
    }

    /// Runs `body` with every tensor of `params` tracked, restoring the
    /// `requiresGrad` flags after.
    static func withTracked<R>(_ params: [Tensor], _ body: () throws -> R) throws -> R {
        let marked = params.filter { !$0.isTracked }
        for p in marked { p.requiresGrad = true }
        defer { for p in marked { p.requiresGrad = false } }
        return try GradMode.with(enabled: true, body)
    }

    /// One-piece rows (a Jacobian's), assembled into `shape`.
    static func assemble(_ rows: [Tensor], shape: [Int], dtype: DType, op: String) throws -> Tensor {
        try assemble(rows.map { [$0] }, shape: shape, dtype: dtype, op: op)
    }

    /// Concatenates the flattened pieces of every row, rows in order, into a
    /// tensor of `shape` in `dtype`. Rows must have equal total lengths.
    ///
    /// Constant pieces are copied directly. Tracked pieces (a transform
    /// nested inside another) are joined with the recorded `concat` and
    /// `stack`, so the result stays differentiable.
    static func assemble(_ rows: [[Tensor]], shape: [Int], dtype: DType, op: String) throws -> Tensor {
        let total = try Shape.count(shape, op: op)
        var length = 0
        for p in rows.first ?? [] { length += p.count }
        guard rows.count * length == total else {
            throw TensorError(op: op, "internal: \(rows.count) rows of \(length) cannot fill \(fmt(shape))")
        }
        if total == 0 || !rows.contains(where: { $0.contains(where: \.isTracked) }) {
            switch dtype {
            case .float32: return Tensor(shape: shape, storage: .float32(flatConcat(rows, as: Float.self)))
            case .float64: return Tensor(shape: shape, storage: .float64(flatConcat(rows, as: Double.self)))
            case .bool, .int64: throw TensorError(op: op, "a \(dtype) result has no derivative")
            }
        }
        let flatRows = try rows.map { row in
            try Tensor.concat(row.map { try $0.to(dtype).reshape([$0.count]) }, axis: 0)
        }
        return try Tensor.stack(flatRows, axis: 0).reshape(shape)
    }

    /// The elements of all pieces of all rows, in order, as `T`.
    static func flatConcat<T: TensorScalar>(_ rows: [[Tensor]], as: T.Type) -> [T] {
        var out: [T] = []
        for row in rows {
            for p in row {
                switch p.storage {
                case .float32(let a): out.append(contentsOf: a.lazy.map { T($0) })
                case .float64(let a): out.append(contentsOf: a.lazy.map { T($0) })
                case .bool(let a): out.append(contentsOf: a.lazy.map { $0 ? 1 : 0 })
                case .int64(let a): out.append(contentsOf: a.lazy.map { T($0) })
                }
            }
        }
        return out
    }
}
