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
    /// gradient, then one backward pass per gradient element.
    static func flatHessian(of y: Tensor, wrt targets: [Tensor], createGraph: Bool, op: String,
                            checkpoint: () throws -> Void = {}) throws -> Tensor {
        try requireScalar(y, op: op)
        var n = 0
        for t in targets { n += t.count }
        let dtype = targets.first?.dtype ?? y.dtype
        try Shape.reserve([n, n], dtype: dtype, op: op)
        let gs = try Tensor.gradients(of: y, wrt: targets, createGraph: true)
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
            case .bool: throw TensorError(op: op, "a bool result has no derivative")
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
                }
            }
        }
        return out
    }
}
