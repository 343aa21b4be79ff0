/// The derivative of the symmetric eigendecomposition `A = V diag(λ) Vᵀ`.
///
/// `eigh` records one node whose output packs `[λ; vec(V)]` (`n + n²`
/// elements); the values and vectors a caller sees are slices of it, so one
/// rule serves both and each sees the other as a tracked tensor. With `λ̄`
/// and `V̄` the gradients of the loss with respect to the two parts
/// (PyTorch's `linalg_eig_backward` for Hermitian input; Giles 2008):
///
/// ```
/// Ā = V (diag(λ̄) + F ∘ skew(Vᵀ V̄)) Vᵀ
/// skew(M) = (M - Mᵀ) / 2,   F[i][j] = 1 / (λ[j] - λ[i]) for i != j, 0 on the diagonal
/// ```
///
/// `Ā` is symmetric: it is the gradient with respect to the symmetrised
/// input `(A + Aᵀ)/2` that `eigh` decomposes. The rule is written in tensor
/// ops (index, matmul, arithmetic), so it is differentiable again. Where
/// two eigenvalues coincide `F` is undefined: when `V̄` is nonzero there,
/// the backward pass throws rather than return infinities.
extension Linalg {
    /// Records `values` and `vectors` of `a` as slices of one `eigh` node.
    static func recorded(_ a: Tensor, _ values: Tensor, _ vectors: Tensor) throws -> (values: Tensor, vectors: Tensor) {
        guard GradMode.isEnabled, a.isTracked else { return (values, vectors) }
        let n = values.count
        let packed = try Tensor.concat([values, vectors.reshape([n * n])], axis: 0)
        let node = Tensor.record(.eigh, packed.detach(), [a]) { g, ctx in
            [try eighGradient(g, packed: ctx.output, n: n)]
        }
        return (try node.index([.range(0..<n)]),
                try node.index([.slice(start: n, stop: nil, step: nil)]).reshape([n, n]))
    }

    /// `Ā` from the packed gradient `g = [λ̄; vec(V̄)]` and the packed output.
    static func eighGradient(_ g: Tensor, packed: Tensor, n: Int) throws -> Tensor {
        let w = try packed.index([.range(0..<n)])
        let v = try packed.index([.slice(start: n, stop: nil, step: nil)]).reshape([n, n])
        let gw = try g.index([.range(0..<n)])
        let gv = try g.index([.slice(start: n, stop: nil, step: nil)]).reshape([n, n])
        // V diag(λ̄) Vᵀ
        var inner = try Tensor.eye(n, dtype: g.dtype) * gw.reshape([1, n])
        if gv.doubles.contains(where: { $0 != 0 }) {
            try checkDistinct(w.doubles, dtype: w.dtype)
            let eye = try Tensor.eye(n, dtype: g.dtype)
            let m = try v.T.matmul(gv)
            let skew = try (m - m.T) * 0.5
            let gap = try w.reshape([1, n]) - w.reshape([n, 1])     // λ[j] - λ[i]
            let f = try (1.0 / (gap + eye)) * (1.0 - eye)
            inner = try inner + f * skew
        }
        return try v.matmul(inner).matmul(v.T)
    }

    /// Throws when two eigenvalues are equal (to a few ulps of the largest),
    /// where the eigenvectors' derivative does not exist.
    static func checkDistinct(_ w: [Double], dtype: DType) throws {
        let scale = Swift.max(1, w.map { abs($0) }.max() ?? 0)
        let tol = (dtype == .float32 ? Double(Float.ulpOfOne) : Double.ulpOfOne) * 16 * scale
        for i in w.indices.dropFirst() where abs(w[i] - w[i - 1]) <= tol {
            throw TensorError(op: "eigh", "the eigenvectors have no derivative where eigenvalues repeat (\(w[i]) appears twice); differentiate a function of the eigenvalues only")
        }
    }
}
