import NNTensor

/// Second-order inspection of a loss: exact Hessians, Hessian-vector
/// products, critical-point classification, saddle escape, Taylor checks,
/// and spectra of Hessians too large to form (Lanczos, Hutchinson,
/// stochastic Lanczos quadrature).
///
/// Everything works on the loss as a function of one flat vector `θ` that
/// concatenates the parameters (see `ParameterLayout`), near a point `θ`:
///
/// ```
/// L(θ + δ) ≈ L(θ) + δᵀg + ½ δᵀHδ        g = ∇L(θ),  H = ∇²L(θ)
/// ```
///
/// Derivatives are exact (double backward through the recorded graph, never
/// finite differences). Results are `Double`.
///
/// **Every tool computes in Float64, whatever the parameters' dtype**, so a
/// verdict never depends on the model's precision and one tolerance rule
/// serves all (`defaultGradientTolerance`, `defaultEigenvalueTolerance`): a
/// functional objective gets Float64 copies of its point; an in-place one
/// (a model's own tensors) has its Float32 parameters and `buffers`
/// widened to Float64 for each evaluation and the originals put back after.
/// The loss must then accept Float64 tensors: data it closes over must be
/// Float64 too (or converted inside it), or the ops throw a dtype mismatch.
public enum Hessian {
    /// A scalar loss as a function of a list of parameter tensors.
    ///
    /// Two forms, the same to every tool:
    /// - functional: `loss(ps)` is called on fresh tensors holding `θ`
    ///   (`init(parameters:names:loss:)`, or `init(flat:loss:)` for a
    ///   function of one vector);
    /// - in place, for a model whose layers hold their parameters:
    ///   `loss()` reads the tensors themselves, which are set to `θ` for
    ///   the duration of each evaluation and restored after
    ///   (`init(parameters:loss:)` with named tensors). Their identity,
    ///   `grad` and `requiresGrad` are kept.
    ///
    /// The closure decides everything else: which data, and for a model with
    /// BatchNorm or dropout which mode (call `model.eval()` first for the
    /// deterministic loss the Hessian should be of; eval is what the
    /// interpreter uses by default). A closure that draws random numbers or
    /// updates running statistics is a different function at every call,
    /// and its "Hessian" means nothing.
    public struct Objective {
        /// Where each parameter sits in the flat vector.
        public let layout: ParameterLayout
        /// The dtype the loss is computed in: Float64 unless the objective
        /// was made with `dtype: .float32`, which only the estimates of a
        /// spectrum accept (`matrix`, `hvp`, `topEigenvalues`, `hessianTrace`,
        /// `spectralDensity`, `taylorCheck`): for a model too large for
        /// Float64 passes, with data in Float32. The verdicts
        /// (`criticalPoint`, `escapeSaddle`, `findCriticalPoint`) need Float64.
        public let dtype: DType
        /// The parameters' own dtype (Float32 parameters are widened for
        /// the computation; results set back into them are rounded).
        public let parameterDType: DType
        /// The point the objective was made at: the parameters' values.
        public let point: [Double]
        /// Called between the steps of every tool (each Hessian row, each
        /// Hessian-vector product, so each Lanczos or Hutchinson step): a
        /// caller stops a long computation by throwing from it (the
        /// interpreter throws its `interrupted` error here after Ctrl-C).
        public var checkpoint: () throws -> Void = {}
        let source: Source

        enum Source {
            case functional(([Tensor]) throws -> Tensor)
            /// The parameters, the buffers the loss reads (widened too), the loss.
            case inPlace([Tensor], [Tensor], () throws -> Tensor)
        }

        /// The loss `loss(ps)` of tensors shaped like `parameters`, starting
        /// at their values; `names` label the Hessian's blocks.
        public init(parameters: [Tensor], names: [String]? = nil, dtype: DType = .float64,
                    loss: @escaping ([Tensor]) throws -> Tensor) throws {
            self.dtype = try Self.computeDType(dtype)
            layout = try ParameterLayout(parameters, names: names)
            parameterDType = try Self.commonDType(parameters)
            point = try layout.flatten(parameters)
            source = .functional(loss)
        }

        /// The loss `loss(θ)` of one vector (any shape), starting at `x`.
        public init(flat x: Tensor, dtype: DType = .float64, loss: @escaping (Tensor) throws -> Tensor) throws {
            self.dtype = try Self.computeDType(dtype)
            layout = try ParameterLayout([x], names: ["x"])
            parameterDType = x.dtype
            point = x.doubles
            source = .functional { try loss($0[0]) }
        }

        /// The loss `loss()` of tensors it reads directly, such as a model's
        /// `namedParameters`: each evaluation sets them to `θ` in place, in
        /// Float64, and restores them after. They must be leaves (not
        /// results of ops). `buffers` (a model's `namedBuffers`, such as
        /// BatchNorm's running statistics) are widened to Float64 the same
        /// way and restored after, values included.
        public init(parameters: [(name: String, tensor: Tensor)], buffers: [Tensor] = [], dtype: DType = .float64,
                    loss: @escaping () throws -> Tensor) throws {
            self.dtype = try Self.computeDType(dtype)
            let ts = parameters.map(\.tensor)
            for (name, t) in parameters where !t.isLeaf {
                throw TensorError(op: "hessian", "parameter '\(name)' is the result of an op, not a leaf; pass the parameter tensors themselves")
            }
            for (i, b) in buffers.enumerated() where !b.isLeaf {
                throw TensorError(op: "hessian", "buffer \(i) is the result of an op, not a leaf")
            }
            layout = try ParameterLayout(ts, names: parameters.map(\.name))
            parameterDType = try Self.commonDType(ts)
            point = try layout.flatten(ts)
            let ids = Set(ts.map(ObjectIdentifier.init))
            source = .inPlace(ts, buffers.filter { !ids.contains(ObjectIdentifier($0)) }, loss)
        }

        /// The parameter count `P`.
        public var dimension: Int { layout.count }

        static func computeDType(_ d: DType) throws -> DType {
            guard d != .bool else {
                throw TensorError(op: "hessian", "the loss is computed in float32 or float64, not bool")
            }
            return d
        }

        /// Throws unless the loss is computed in Float64: `op` decides
        /// with tolerances that assume it.
        func requireFloat64(op: String) throws {
            guard dtype == .float64 else {
                throw TensorError(op: op, "decides in float64 only (its tolerances assume it), but the objective computes in \(dtype); make it with dtype: .float64")
            }
        }

        static func commonDType(_ ts: [Tensor]) throws -> DType {
            guard let first = ts.first else {
                throw TensorError(op: "hessian", "the loss has no parameters to differentiate")
            }
            for (i, t) in ts.enumerated() where t.dtype != first.dtype {
                throw TensorError(op: "hessian", "parameter \(i) is \(t.dtype) but parameter 0 is \(first.dtype); convert them to one dtype (float64 recommended)")
            }
            return first.dtype
        }

        /// Runs `body` on leaf tensors holding `θ` in Float64, with recording on.
        func withLeaves<R>(at θ: [Double], op: String, _ body: ([Tensor]) throws -> R) throws -> R {
            try layout.checkLength(θ.count, op: op, what: "the point")
            switch source {
            case .functional:
                let leaves = try layout.unflatten(θ, dtype: dtype).map { $0.requiringGrad() }
                return try GradMode.with(enabled: true) { try body(leaves) }
            case .inPlace(let params, let buffers, _):
                // `detach` shares the elements, which are copy-on-write: the
                // replacements below leave these copies alone.
                let saved = params.map { $0.detach() }, savedBuffers = buffers.map { $0.detach() }
                let flags = params.map(\.requiresGrad)
                defer {
                    for (p, (old, flag)) in zip(params, zip(saved, flags)) {
                        try? p.replaceElements(with: old)
                        p.requiresGrad = flag
                    }
                    for (b, old) in zip(buffers, savedBuffers) { try? b.replaceElements(with: old) }
                }
                for (p, t) in zip(params, try layout.unflatten(θ, dtype: dtype)) {
                    try p.replaceElements(with: t)
                    p.requiresGrad = true
                }
                // float buffers follow the parameters; int64 ones (num_batches_tracked) stay
                for b in buffers where b.dtype.isFloatingPoint { try b.replaceElements(with: b.detach().to(dtype)) }
                return try GradMode.with(enabled: true) { try body(params) }
            }
        }

        /// The loss at `leaves`, which must be scalar.
        func loss(_ leaves: [Tensor], op: String) throws -> Tensor {
            let y: Tensor
            do {
                switch source {
                case .functional(let f): y = try f(leaves)
                case .inPlace(_, _, let f): y = try f()
                }
            } catch let e as TensorError where e.message.contains("dtypes") && e.message.contains("float32")
                && e.message.contains("float64") {
                // The parameters were widened (or narrowed) to `dtype`; data
                // the loss closes over in the other dtype cannot mix with them.
                let other: DType = dtype == .float64 ? .float32 : .float64
                throw TensorError(op: op, "the loss is computed in \(dtype) (the parameters are set to \(dtype) for it) but uses \(other) tensors: \(e.message). Convert the data the loss uses to \(dtype) (x.to(.\(dtype))), or make the objective with dtype: .\(other)\(other == .float32 ? " (spectra only)" : "")")
            }
            guard y.count == 1 else {
                throw TensorError(op: op, "the loss must be a single number, got a tensor of shape \(y.shape); reduce it (for example with mean())")
            }
            return y
        }

        /// `L(θ)`, without recording a graph.
        public func value(at θ: [Double]) throws -> Double {
            try withLeaves(at: θ, op: "loss") { leaves in
                try GradMode.noGrad { try loss(leaves, op: "loss").item() }
            }
        }

        /// `L(θ)` and `∇L(θ)`.
        public func valueAndGradient(at θ: [Double]) throws -> (value: Double, gradient: [Double]) {
            try probe(at: θ, op: "grad") { ($0.value, $0.gradient) }
        }

        /// `H(θ) v` by double backward, never forming `H`.
        public func hvp(at θ: [Double], _ v: [Double]) throws -> [Double] {
            try probe(at: θ, op: "hvp") { try $0.hvp(v) }
        }

        /// `H(θ) v_b` for several directions: the forward pass and the
        /// recorded gradient once, then batched backward passes through it
        /// (`Probe.hvps`).
        public func hvps(at θ: [Double], _ vs: [[Double]]) throws -> [[Double]] {
            try probe(at: θ, op: "hvp") { try $0.hvps(vs) }
        }

        /// Runs `body` with a `Probe` at `θ`: the value, the gradient, and
        /// Hessian-vector products that share one recorded gradient.
        public func probe<R>(at θ: [Double], op: String = "hessian", _ body: (Probe) throws -> R) throws -> R {
            try withLeaves(at: θ, op: op) { leaves in
                try body(Probe(objective: self, leaves: leaves, op: op))
            }
        }
    }

    /// The loss near one point: `L(θ)`, `g = ∇L(θ)`, and `H v` for any `v`.
    ///
    /// The gradient is computed once with its backward pass recorded and
    /// flattened into one vector `g`; each `H v` is then one backward pass
    /// through that recorded gradient seeded with `v`
    /// (`Hv = ∂(gᵀv)/∂θ`), about the cost of one more gradient, with no
    /// repeated forward pass. Valid only inside `Objective.probe`.
    public struct Probe {
        /// Where each parameter sits in the flat vector.
        public let layout: ParameterLayout
        /// `L(θ)`.
        public let value: Double
        /// `∇L(θ)`, flat.
        public let gradient: [Double]
        let leaves: [Tensor]
        /// The recorded gradient, one tensor per parameter, and flattened.
        let pieces: [Tensor]
        let flatGradient: Tensor
        let dtype: DType
        let op: String
        /// The objective's ``Objective/checkpoint``.
        let checkpoint: () throws -> Void

        init(objective: Objective, leaves: [Tensor], op: String) throws {
            checkpoint = objective.checkpoint
            let y = try objective.loss(leaves, op: op)
            let gs = try Tensor.gradients(of: y, wrt: leaves, createGraph: true).map { try $0.to(objective.dtype) }
            pieces = gs
            flatGradient = try Tensor.concat(gs.map { try $0.reshape([$0.count]) }, axis: 0)
            layout = objective.layout
            value = try y.item()
            gradient = flatGradient.doubles
            self.leaves = leaves
            self.dtype = objective.dtype
            self.op = op
            guard value.isFinite else {
                throw TensorError(op: op, "the loss is \(value) at this point")
            }
            if let bad = gradient.firstIndex(where: { !$0.isFinite }) {
                let (name, index) = try layout.locate(bad)
                throw TensorError(op: op, "the gradient is \(gradient[bad]) at \(name)\(index)")
            }
        }

        /// The parameter count `P`.
        public var dimension: Int { layout.count }

        /// `‖g‖₂`.
        public var gradientNorm: Double { Hessian.norm(gradient) }

        /// `H v`, flat: one backward pass through the recorded gradient.
        public func hvp(_ v: [Double]) throws -> [Double] {
            try layout.checkLength(v.count, op: op, what: "the direction")
            let seed = try Tensor(shape: [v.count], values: v, dtype: dtype)
            return try hvp(seed: seed)
        }

        /// `H[rows, columns]`, `Double`, row-major: the rows `H e_r` through
        /// the recorded gradient of the parameter holding `θ[r]` only, in
        /// blocks of rows, each one batched backward pass seeded with the
        /// block's one-hots (`Autodiff.hessianRows`; a ``checkpoint`` before each block).
        func rows(_ rows: Range<Int>, columns: Range<Int>) throws -> [Double] {
            let width = columns.count
            let n = try Shape.reserve([rows.count, width], dtype: .float64, op: op)
            var out = [Double](repeating: 0, count: n)
            for (i, entry) in layout.entries.enumerated() {
                let local = rows.clamped(to: entry.range)
                guard !local.isEmpty else { continue }
                let base = entry.range.lowerBound
                try Autodiff.hessianRows(of: pieces[i], wrt: leaves, rows: (local.lowerBound - base)..<(local.upperBound - base),
                                         checkpoint: checkpoint) { o, hs in
                    let k = o + base - rows.lowerBound
                    for (j, other) in layout.entries.enumerated() {
                        let cols = columns.clamped(to: other.range)
                        guard !cols.isEmpty else { continue }
                        let h = hs[j], h0 = h.startIndex - other.range.lowerBound
                        for c in cols { out[k * width + c - columns.lowerBound] = h[h0 + c] }
                    }
                }
            }
            return out
        }

        /// `H v_b` for several directions, flat, through the one recorded
        /// gradient: blocks of directions, each one batched backward pass
        /// seeded with the block (`Tensor.batchedGradients`; blocks sized
        /// as the Hessian's rows, `Autodiff.hessianBlockRows`), a
        /// ``checkpoint`` before each. Equal to `vs.map(hvp)` to rounding.
        public func hvps(_ vs: [[Double]]) throws -> [[Double]] {
            for v in vs { try layout.checkLength(v.count, op: op, what: "the direction") }
            let n = dimension
            let block = Autodiff.hessianBlockRows(of: flatGradient, wrt: leaves)
            var out: [[Double]] = []
            out.reserveCapacity(vs.count)
            var start = 0
            while start < vs.count {
                try checkpoint()
                let k = Swift.min(block, vs.count - start)
                let seeds = try Tensor(shape: [k, n], values: Array(vs[start..<(start + k)].joined()), dtype: dtype)
                let hs = try Tensor.batchedGradients(of: flatGradient, wrt: leaves, seeds: seeds).map(\.doubles)
                for b in 0..<k {
                    var row: [Double] = []
                    row.reserveCapacity(n)
                    for (h, e) in zip(hs, layout.entries) {
                        let m = e.range.count
                        row.append(contentsOf: h[(b * m)..<(b * m + m)])
                    }
                    out.append(row)
                }
                start += k
            }
            return out
        }

        /// One backward pass through the recorded flat gradient, as a batch
        /// of one (`Tensor.batchedGradients`: the concatenation's gradient is
        /// then a copy of each parameter's columns, not a gather).
        func hvp(seed: Tensor) throws -> [Double] {
            try checkpoint()
            let hs = try Tensor.batchedGradients(of: flatGradient, wrt: leaves, seeds: seed.reshape([1, seed.count]))
            var out: [Double] = []
            out.reserveCapacity(layout.count)
            for h in hs { out.append(contentsOf: h.doubles) }
            return out
        }
    }
}

extension Hessian {
    /// `‖x‖₂`; rescaled when the plain sum of squares over- or underflows.
    static func norm(_ x: [Double]) -> Double {
        let plain = dot(x, x).squareRoot()
        if plain.isFinite && plain > 1e-150 { return plain }
        var scale = 0.0
        for v in x { scale = Swift.max(scale, Swift.abs(v)) }
        guard scale > 0, scale.isFinite else { return scale }
        return scale * dot(x.map { $0 / scale }, x.map { $0 / scale }).squareRoot()
    }

    /// `xᵀy` over the common length, with eight independent SIMD
    /// accumulators so the loop vectorises (a plain `s += x[i] * y[i]` is
    /// kept in order by strict floating point and runs one element a cycle).
    static func dot(_ x: [Double], _ y: [Double]) -> Double {
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeBufferPointer { yp in dot(xp, yp, count: Swift.min(xp.count, yp.count)) }
        }
    }

    static func dot(_ xp: UnsafeBufferPointer<Double>, _ yp: UnsafeBufferPointer<Double>, count n: Int) -> Double {
        guard let xb = xp.baseAddress, let yb = yp.baseAddress, n > 0 else { return 0 }
        var acc = SIMD8<Double>.zero
        var i = 0
        while i + 8 <= n {
            let a = UnsafeRawPointer(xb + i).loadUnaligned(as: SIMD8<Double>.self)
            let b = UnsafeRawPointer(yb + i).loadUnaligned(as: SIMD8<Double>.self)
            acc.addProduct(a, b)
            i += 8
        }
        var s = acc.sum()
        while i < n { s += xb[i] * yb[i]; i += 1 }
        return s
    }

    /// `x + a y`.
    static func axpy(_ x: [Double], _ a: Double, _ y: [Double]) -> [Double] {
        var out = x
        for i in 0..<Swift.min(x.count, y.count) { out[i] += a * y[i] }
        return out
    }
}
