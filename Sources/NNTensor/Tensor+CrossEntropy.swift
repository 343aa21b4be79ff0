/// Softmax cross-entropy of rows of logits as one recorded op: the loss
/// `cross_entropy` computes, with one record in the graph instead of five
/// (`logSoftmax`, `mul`, `sumTo`, `reshape`, `neg`) and a shorter backward
/// pass, for the same numbers: the forward pass runs the same kernels in
/// the same order, and the first-order gradient is the same roundings.
///
/// ```
/// loss_i = -Σ_j q_ij · logSoftmax(z)_ij          z, q: [N, C]; loss: [N]
/// ∂loss_i/∂z_ij = g_i · (softmax(z)_ij · Σ_k q_ik - q_ij)
/// ∂loss_i/∂q_ij = -g_i · logSoftmax(z)_ij
/// ```
///
/// For class labels `q` is one-hot, `Σ_k q_ik = 1`, and the rule is
/// `exp(logp) · g - g · q` (two products and a difference). With `h = -g·q`
/// the general rule is `h - exp(logp) · Σ_k h_ik`, exactly what the
/// unfused graph computes; for one-hot rows `Σ_k h_ik = -g_i` exactly (one
/// term and zeros), so both forms round the same: `fl(fl(e·g) - g·q)`
/// equals `fl(h - fl(e·(-g)))` element by element.
///
/// Both rules are written in tensor ops, so they differentiate again
/// (`create_graph`); `logp` is then recomputed from the recorded input, and
/// taken from the forward pass otherwise.
extension Tensor {
    /// `-Σ_j onehot(labels)_ij · logSoftmax(self)_ij` for logits `[N, C]` and
    /// `N` class labels in `0..<C`: the per-sample cross-entropy `[N]`.
    public func softmaxCrossEntropy(labels: [Int]) throws -> Tensor {
        let (n, c) = try crossEntropyShape(op: "cross_entropy")
        guard labels.count == n else {
            throw TensorError(op: "cross_entropy", "logits have \(n) rows but there are \(labels.count) labels")
        }
        if let i = labels.firstIndex(where: { $0 < 0 || $0 >= c }) {
            throw TensorError(op: "cross_entropy", "label \(labels[i]) at index \(i) is out of range for \(c) classes (labels must be in 0..<\(c))")
        }
        let q = Tensor.oneHotRows(labels, classes: c, dtype: dtype)
        let (logp, out) = try crossEntropyForward(q, n: n, c: c)
        return Tensor.record(.softmaxCrossEntropy, out, [self]) { g, ctx in
            let logp = try GradMode.isEnabled ? ctx.inputs[0].logSoftmax(axis: 1) : logp
            let gcol = try g.reshape([n, 1])
            return [try logp.exp() * gcol - gcol * q]
        }.batchedRule { g, ctx in
            let logp = try GradMode.isEnabled ? ctx.inputs[0].logSoftmax(axis: 1) : logp
            let gcol = try g.reshape([g.shape[0], n, 1])
            return [try logp.exp() * gcol - gcol * q]
        }
    }

    /// `-Σ_j q_ij · logSoftmax(self)_ij` for logits and target probabilities
    /// `q` of the same shape `[N, C]` and dtype: the per-sample cross-entropy `[N]`.
    public func softmaxCrossEntropy(probabilities q: Tensor) throws -> Tensor {
        let (n, c) = try crossEntropyShape(op: "cross_entropy")
        guard q.shape == shape else {
            throw TensorError(op: "cross_entropy", "target probabilities of shape \(fmt(q.shape)) do not match the logits' \(fmt(shape))")
        }
        try Tensor.checkSameDType([self, q], op: "cross_entropy")
        let (logp, out) = try crossEntropyForward(q, n: n, c: c)
        return Tensor.record(.softmaxCrossEntropy, out, [self, q]) { g, ctx in
            try Tensor.crossEntropyGradients(g.reshape([n, 1]), ctx, logp: logp, axis: 1)
        }.batchedRule { g, ctx in
            try Tensor.crossEntropyGradients(g.reshape([g.shape[0], n, 1]), ctx, logp: logp, axis: 2)
        }
    }

    /// The general rule, for `g` as a column (`[N, 1]`, or `[k, N, 1]` for a
    /// batch of cotangents with the classes along `axis`).
    private static func crossEntropyGradients(_ gcol: Tensor, _ ctx: GradContext, logp: Tensor, axis: Int) throws -> [Tensor?] {
        let (z, q) = (ctx.inputs[0], ctx.inputs[1])
        let logp = try GradMode.isEnabled ? z.logSoftmax(axis: 1) : logp
        let h = try -gcol * q
        return [ctx.needs[0] ? try h - logp.exp() * h.sum(axes: [axis], keepdims: true) : nil,
                ctx.needs[1] ? try -gcol * logp : nil]
    }

    /// `[N, C]` of logits with at least one class, else an error.
    private func crossEntropyShape(op: String) throws -> (Int, Int) {
        guard rank == 2, shape[1] >= 1, !isBool else {
            throw TensorError(op: op, "expected float logits of shape [N, C] (one row of class scores per sample), got \(isBool ? "a bool tensor of shape " : "")\(fmt(shape))")
        }
        return (shape[0], shape[1])
    }

    /// Rows of `classes` zeros with a 1 at each label (valid labels).
    private static func oneHotRows(_ labels: [Int], classes c: Int, dtype: DType) -> Tensor {
        let count = labels.count * c
        if dtype == .float64 {
            var v = Array(repeatElement(0.0, count: count))
            for (i, k) in labels.enumerated() { v[i * c + k] = 1 }
            return Tensor(shape: [labels.count, c], storage: .float64(v))
        }
        var v = Array(repeatElement(Float(0), count: count))
        for (i, k) in labels.enumerated() { v[i * c + k] = 1 }
        return Tensor(shape: [labels.count, c], storage: .float32(v))
    }

    /// `logSoftmax` along the rows (a constant) and the loss
    /// `-Σ_j q_ij · logp_ij`, by the kernels of the unfused ops in their
    /// order: the softmax kernel, the product `q * logp`, the pairwise row
    /// sum (`sumTo`'s), the negation.
    private func crossEntropyForward(_ q: Tensor, n: Int, c: Int) throws -> (Tensor, Tensor) {
        try Shape.reserve([n, c], dtype: dtype, op: "cross_entropy")
        func run<T: TensorScalar>(_ z: [T], _ q: [T]) -> ([T], [T]) {
            let logp = Kernels.softmax(z, n, c, 1, log: true)
            let terms = Kernels.zip(q, [n, c], logp, [n, c], [n, c], { $0 * $1 })
            return (logp, Kernels.map(Kernels.reduce3(.sum, terms, n, c, 1), { -$0 }))
        }
        switch (storage, q.storage) {
        case let (.float32(z), .float32(w)):
            let (logp, loss) = run(z, w)
            return (Tensor(shape: shape, storage: .float32(logp)), Tensor(shape: [n], storage: .float32(loss)))
        case let (.float64(z), .float64(w)):
            let (logp, loss) = run(z, w)
            return (Tensor(shape: shape, storage: .float64(logp)), Tensor(shape: [n], storage: .float64(loss)))
        default:
            throw TensorError(op: "cross_entropy", "dtypes \(dtype) and \(q.dtype) do not match; convert one with .to(\"\(dtype)\")")
        }
    }
}
