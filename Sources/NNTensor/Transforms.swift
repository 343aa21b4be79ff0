/// Functional autodiff transforms in the style of JAX: `grad`, `valueAndGrad`,
/// `vjp`, `jacobian`, `hessian` and `hvp`, composable in any nesting order.
///
/// Each transform calls `f` on private stand-ins for its inputs and asks the
/// engine (`Tensor.gradients(of:wrt:seed:createGraph:)`) for derivatives with
/// respect to those stand-ins only:
///
/// ```
/// input x tracked by an enclosing computation   stand-in = x.identity()          (recorded, so d/dx flows through)
/// otherwise                                     stand-in = x.detach().requiringGrad()
/// ```
///
/// The backward pass is itself recorded (`createGraph`) exactly when an
/// enclosing computation may differentiate the result: recording is on and an
/// input, a seed, or a tensor `f` closes over is tracked. So
/// `grad { x in grad(f, at: x) }` and `jacobian { x in grad(f, at: x) }` are
/// exact, and a stand-in per call keeps nested transforms from confusing
/// their variables (`d/dy [d/dx (x * y)] = 1` even when `x` and `y` are the
/// same tensor outside). Transforms always record inside, even under
/// `GradMode.noGrad` (as `torch.func` does); under `noGrad` their results are
/// constants.
public enum Autodiff {
    // MARK: grad, valueAndGrad, vjp

    /// The gradient of a scalar-valued `f` at `xs`: one tensor per input, of that input's shape.
    ///
    /// `grad(f)(xs)[i] = ∂f/∂xs[i]`. `f` must return a one-element tensor.
    public static func grad(_ f: ([Tensor]) throws -> Tensor, at xs: [Tensor]) throws -> [Tensor] {
        try valueAndGrad(f, at: xs).gradients
    }

    /// The gradient of a scalar-valued `f` of one tensor at `x`.
    public static func grad(_ f: (Tensor) throws -> Tensor, at x: Tensor) throws -> Tensor {
        try valueAndGrad({ try f($0[0]) }, at: [x]).gradients[0]
    }

    /// `f(xs)` and its gradient in one evaluation of `f`, as `jax.value_and_grad`.
    public static func valueAndGrad(_ f: ([Tensor]) throws -> Tensor,
                                    at xs: [Tensor]) throws -> (value: Tensor, gradients: [Tensor]) {
        try transform(xs) { scope in
            let y = try f(scope.inputs)
            try requireScalar(y, op: "grad")
            let graph = scope.needsGraph(y)
            let gs = try Tensor.gradients(of: y, wrt: scope.inputs, createGraph: graph)
            return (graph ? y : y.detach(), gs)
        }
    }

    /// `f(x)` and the gradient of a scalar-valued `f` of one tensor.
    public static func valueAndGrad(_ f: (Tensor) throws -> Tensor,
                                    at x: Tensor) throws -> (value: Tensor, gradient: Tensor) {
        let r = try valueAndGrad({ try f($0[0]) }, at: [x])
        return (r.value, r.gradients[0])
    }

    /// The vector-Jacobian product: `f(xs)` and `cotangentᵀ · ∂f/∂xs[i]` for each input.
    ///
    /// `vjp(f, xs, u)[i] = Σ_k u[k] * ∂f(xs)[k]/∂xs[i]`; `cotangent` has the
    /// shape of `f(xs)` (its dtype is converted to the output's).
    public static func vjp(_ f: ([Tensor]) throws -> Tensor, at xs: [Tensor],
                           cotangent: Tensor) throws -> (value: Tensor, gradients: [Tensor]) {
        try transform(xs, seeds: [cotangent]) { scope in
            let y = try f(scope.inputs)
            guard cotangent.shape == y.shape else {
                throw TensorError(op: "vjp", "cotangent shape \(fmt(cotangent.shape)) does not match the output shape \(fmt(y.shape))")
            }
            let graph = scope.needsGraph(y)
            let gs = try Tensor.gradients(of: y, wrt: scope.inputs, seed: cotangent, createGraph: graph)
            return (graph ? y : y.detach(), gs)
        }
    }

    // MARK: jacobian

    /// The Jacobian of `f` at `x`, of shape `f(x).shape + x.shape`.
    ///
    /// `J[i…, j…] = ∂f(x)[i…] / ∂x[j…]`, built row by row: one backward pass
    /// per output element, seeded with that element's one-hot cotangent.
    /// `checkpoint` runs before each row: throw from it to stop early.
    public static func jacobian(_ f: (Tensor) throws -> Tensor, at x: Tensor,
                                checkpoint: () throws -> Void = {}) throws -> Tensor {
        try jacobian({ try f($0[0]) }, at: [x], checkpoint: checkpoint)[0]
    }

    /// The Jacobians of `f` with respect to each of several inputs: the
    /// `i`-th has shape `f(xs).shape + xs[i].shape` (JAX's `jacobian` with
    /// several `argnums`). One backward pass per output element serves all.
    public static func jacobian(_ f: ([Tensor]) throws -> Tensor, at xs: [Tensor],
                                checkpoint: () throws -> Void = {}) throws -> [Tensor] {
        try transform(xs) { scope in
            let y = try f(scope.inputs)
            for x in xs { _ = try Shape.count(y.shape + x.shape, op: "jacobian") }
            let graph = scope.needsGraph(y)
            var rows = [[Tensor]](repeating: [], count: xs.count)
            for i in 0..<y.count {
                try checkpoint()
                let seed = oneHot(i, shape: y.shape, dtype: y.dtype)
                let gs = try Tensor.gradients(of: y, wrt: scope.inputs, seed: seed, createGraph: graph)
                for (k, g) in gs.enumerated() { rows[k].append(g) }
            }
            return try xs.indices.map { k in
                try assemble(rows[k].map { [$0] }, shape: y.shape + xs[k].shape, dtype: scope.inputs[k].dtype, op: "jacobian")
            }
        }
    }

    // MARK: hessian, hvp

    /// The Hessian of a scalar-valued `f` at `x`, of shape `x.shape + x.shape`.
    ///
    /// The Jacobian of the gradient: `g = ∇f(x)` is computed once with its
    /// backward pass recorded, then `H[j…, k…] = ∂g[j…]/∂x[k…]` by backward
    /// passes through `g` seeded with the one-hots `e_j`: in blocks of rows,
    /// one batched pass per block (`hessianRows`), or one pass per row when
    /// the result must stay differentiable (nested transforms). Exact to
    /// rounding, and symmetric to rounding. `checkpoint` runs before each
    /// block (or row): throw from it to stop early.
    public static func hessian(_ f: (Tensor) throws -> Tensor, at x: Tensor,
                               checkpoint: () throws -> Void = {}) throws -> Tensor {
        try transform([x]) { scope in
            let xi = scope.inputs[0]
            let y = try f(xi)
            try requireScalar(y, op: "hessian")
            let outShape = x.shape + x.shape
            _ = try Shape.count(outShape, op: "hessian")
            let graph = scope.needsGraph(y)
            let g = try Tensor.gradients(of: y, wrt: [xi], createGraph: true)[0]
            if !graph {
                try Shape.reserve(outShape, dtype: xi.dtype, op: "hessian")
                var out: [Double] = []
                out.reserveCapacity(x.count * x.count)
                try hessianRows(of: g, wrt: [xi], rows: 0..<g.count, checkpoint: checkpoint) { _, pieces in
                    out.append(contentsOf: pieces[0])
                }
                return try Tensor(shape: outShape, values: out, dtype: xi.dtype)
            }
            var rows: [Tensor] = []
            rows.reserveCapacity(x.count)
            for j in 0..<x.count {
                try checkpoint()
                let seed = oneHot(j, shape: g.shape, dtype: g.dtype)
                rows.append(try Tensor.gradients(of: g, wrt: [xi], seed: seed, createGraph: graph)[0])
            }
            return try assemble(rows, shape: outShape, dtype: xi.dtype, op: "hessian")
        }
    }

    /// The Hessian-vector product `H(x) v` of a scalar-valued `f`, by double
    /// backward, never forming `H`.
    ///
    /// `hvp(f, x, v) = ∂/∂x (∇f(x) · v)`: one backward pass recording
    /// `g = ∇f(x)`, then one backward pass through `g` seeded with `v`.
    /// Costs about two gradient evaluations whatever the size of `x`.
    public static func hvp(_ f: (Tensor) throws -> Tensor, at x: Tensor, v: Tensor) throws -> Tensor {
        try hvp({ try f($0[0]) }, at: [x], v: [v])[0]
    }

    /// The Hessian-vector product with respect to several inputs at once:
    /// `out[i] = Σ_k ∂²f / ∂xs[i] ∂xs[k] · vs[k]`, each of `xs[i]`'s shape.
    public static func hvp(_ f: ([Tensor]) throws -> Tensor, at xs: [Tensor], v vs: [Tensor]) throws -> [Tensor] {
        guard vs.count == xs.count else {
            throw TensorError(op: "hvp", "\(vs.count) direction tensors given for \(xs.count) inputs")
        }
        for (x, v) in zip(xs, vs) where x.shape != v.shape {
            throw TensorError(op: "hvp", "direction shape \(fmt(v.shape)) does not match the input shape \(fmt(x.shape))")
        }
        return try transform(xs, seeds: vs) { scope in
            let y = try f(scope.inputs)
            try requireScalar(y, op: "hvp")
            let graph = scope.needsGraph(y)
            let gs = try Tensor.gradients(of: y, wrt: scope.inputs, createGraph: true)
            if gs.count == 1 {
                return try Tensor.gradients(of: gs[0], wrt: scope.inputs, seed: vs[0], createGraph: graph)
            }
            var dot = Tensor(scalar: 0, dtype: y.dtype)
            for (g, v) in zip(gs, vs) { dot = try dot + (g * v.to(g.dtype)).sum() }
            return try Tensor.gradients(of: dot, wrt: scope.inputs, createGraph: graph)
        }
    }

    // MARK: machinery

    /// A transform's stand-ins for its inputs and what it knows about the
    /// enclosing computation.
    struct Scope {
        /// The stand-ins `f` is called on.
        let inputs: [Tensor]
        /// Recording was on when the transform was called.
        let recording: Bool
        /// An input or seed is tracked by the enclosing computation.
        let outerInputs: Bool

        /// Whether the backward passes must be recorded: recording is on and
        /// the enclosing computation reaches the result through an input, a
        /// seed, or a tracked tensor that `f` closed over.
        func needsGraph(_ y: Tensor) -> Bool {
            guard recording else { return false }
            return outerInputs || Autodiff.dependsOnOuter(y, stoppingAt: inputs)
        }
    }

    /// Runs `body` with recording on, on fresh stand-ins for `xs`.
    static func transform<R>(_ xs: [Tensor], seeds: [Tensor] = [], _ body: (Scope) throws -> R) throws -> R {
        let recording = GradMode.isEnabled
        if let x = xs.first(where: { !$0.dtype.isFloatingPoint }) {
            throw TensorError(op: "grad", "cannot differentiate with respect to \(x.dtype == .int64 ? "an" : "a") \(x.dtype) tensor; convert it with .to(\"float32\") first")
        }
        return try GradMode.with(enabled: true) {
            let inputs = xs.map { x in recording && x.isTracked ? x.identity() : x.detach().requiringGrad() }
            let outer = recording && (xs.contains { $0.isTracked } || seeds.contains { $0.isTracked })
            // Fresh leaves are private: once the transform returns, nothing
            // differentiates with respect to them, so they stop being tracked
            // (an enclosing transform then sees only its own variables).
            defer { for s in inputs where s.gradFn == nil { s.requiresGrad = false } }
            return try body(Scope(inputs: inputs, recording: recording, outerInputs: outer))
        }
    }

    /// True when `y`'s graph reaches a leaf that requires grad other than the
    /// stand-ins: `f` closed over a tensor an outer computation differentiates.
    static func dependsOnOuter(_ y: Tensor, stoppingAt inputs: [Tensor]) -> Bool {
        var seen = Set(inputs.map(ObjectIdentifier.init))
        var stack = [y]
        while let t = stack.popLast() {
            guard t.isTracked, seen.insert(ObjectIdentifier(t)).inserted else { continue }
            guard let fn = t.gradFn else { return true }  // a leaf that requires grad
            stack.append(contentsOf: fn.inputs)
        }
        return false
    }

    static func requireScalar(_ y: Tensor, op: String) throws {
        guard y.count == 1 else {
            throw TensorError(op: op, "the function must return a one-element tensor, got shape \(fmt(y.shape)); use jacobian for other outputs, or reduce them to one number first (for example with sum)")
        }
    }

    /// A tensor of `shape` that is 1 at flat index `i` and 0 elsewhere.
    static func oneHot(_ i: Int, shape: [Int], dtype: DType) -> Tensor {
        switch dtype {
        case .float32:
            var a = [Float](repeating: 0, count: shape.reduce(1, *)); a[i] = 1
            return Tensor(shape: shape, storage: .float32(a))
        case .float64:
            var a = [Double](repeating: 0, count: shape.reduce(1, *)); a[i] = 1
            return Tensor(shape: shape, storage: .float64(a))
        case .bool:
            var a = [Bool](repeating: false, count: shape.reduce(1, *)); a[i] = true
            return Tensor(shape: shape, storage: .bool(a))
        case .int64:
            var a = [Int64](repeating: 0, count: shape.reduce(1, *)); a[i] = 1
            return Tensor(shape: shape, storage: .int64(a))
        }
    }
}

extension Tensor {
    /// The same values as a new recorded node (gradient `g`): the stand-in a
    /// transform puts in place of an input an outer transform is tracking.
    func identity() -> Tensor {
        let out = Tensor(shape: shape, storage: storage)
        return Tensor.record(.identity, out, [self]) { g, _ in [g] }
    }
}
