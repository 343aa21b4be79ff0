/// Matrix products with NumPy's `matmul` semantics, on BLAS (`sgemm` /
/// `dgemm`) or the portable Swift kernel.
extension Tensor {
    /// The matrix product `self @ other`, as `numpy.matmul`:
    /// - 1-d · 1-d: the dot product, a 0-d tensor;
    /// - 2-d · 2-d: the matrix product;
    /// - 1-d · n-d: the vector is a row `[1, k]`, removed from the result;
    /// - n-d · 1-d: the vector is a column `[k, 1]`, removed from the result;
    /// - batched: all but the last two dimensions are batch dimensions and
    ///   broadcast (`[2, 1, n, k] @ [3, k, m]` is `[2, 3, n, m]`).
    ///
    /// `transposeSelf` / `transposeOther` multiply by the transpose of a
    /// (batched) matrix operand without copying it (BLAS's transpose flags):
    /// `x.matmul(w, transposeOther: true)` is `x @ wᵀ`, a linear layer with
    /// PyTorch's `[out, in]` weights. They are ignored for 1-d operands.
    ///
    /// Dtypes meet as arithmetic's do: int64 with a float multiplies in the
    /// float; int64 with int64 (or bool) gives int64, a plain loop with
    /// wrapping arithmetic (no BLAS has an integer product).
    ///
    /// Throws `matmul: shapes [4, 2] and [3, 8] are not aligned (2 != 3)`
    /// when the inner dimensions differ. Gradient (`C = A B`):
    /// `gA = g Bᵀ`, `gB = Aᵀ g`, summed over broadcast batch dimensions.
    public func matmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false) throws -> Tensor {
        guard rank >= 1, other.rank >= 1 else {
            throw TensorError(op: "matmul", "both operands need at least one dimension, got shapes \(fmt(shape)) and \(fmt(other.shape))")
        }
        if dtype != other.dtype, Tensor.resultType(dtype, other.dtype) != nil {
            let (a, b) = Tensor.promoted(self, other)
            return try a.matmul(b, transposeSelf: transposeSelf, transposeOther: transposeOther)
        }
        try Tensor.checkSameDType(self, other)
        let tA = transposeSelf && rank >= 2, tB = transposeOther && other.rank >= 2
        let kA = rank == 1 ? shape[0] : shape[rank - (tA ? 2 : 1)]
        let kB = other.rank == 1 ? other.shape[0] : other.shape[other.rank - (tB ? 1 : 2)]
        guard kA == kB else {
            throw TensorError(op: "matmul", "shapes \(fmt(shape)) and \(fmt(other.shape)) are not aligned (\(kA) != \(kB))")
        }
        if rank == 2 && other.rank == 2 { return try Tensor.mm(self, other, tA, tB) }  // no batch dimensions
        let batchA = Array(shape.dropLast(2)), batchB = Array(other.shape.dropLast(2))
        guard (try? Shape.broadcast(batchA, batchB, op: "matmul")) != nil else {
            throw TensorError(op: "matmul", "the batch dimensions of shapes \(fmt(shape)) and \(fmt(other.shape)) cannot be broadcast together")
        }
        if rank >= 2 && other.rank >= 2 { return try Tensor.mm(self, other, tA, tB) }
        let a = rank == 1 ? try reshape([1, kA]) : self
        let b = other.rank == 1 ? try other.reshape([kB, 1]) : other
        let c = try Tensor.mm(a, b, tA, tB)
        var s = c.shape
        if other.rank == 1 { s.removeLast() }
        if rank == 1 { s.remove(at: s.count - (other.rank == 1 ? 1 : 2)) }
        return try c.reshape(s)
    }

    /// The dot product of two vectors of the same length (a 0-d tensor).
    public func dot(_ other: Tensor) throws -> Tensor {
        guard rank == 1, other.rank == 1 else {
            throw TensorError(op: "dot", "expected two 1-d tensors, got shapes \(fmt(shape)) and \(fmt(other.shape))")
        }
        return try matmul(other)
    }

    /// The primitive: `op(A) @ op(B)` for operands of rank >= 2 with
    /// broadcast batch dimensions, where `op` transposes the last two axes
    /// when its flag is set. Recorded as `matmul`; the gradient rule uses the
    /// same primitive with transpose flags, so it never copies a transpose:
    ///
    ///     C = A B   : gA = g Bᵀ,      gB = Aᵀ g
    ///     C = A Bᵀ  : gA = g B,       gB = gᵀ A
    ///     C = Aᵀ B  : gA = B gᵀ,      gB = A g
    ///     C = Aᵀ Bᵀ : gA = Bᵀ gᵀ,     gB = gᵀ Aᵀ
    static func mm(_ a: Tensor, _ b: Tensor, _ tA: Bool, _ tB: Bool) throws -> Tensor {
        let ra = a.rank, rb = b.rank
        let n = a.shape[ra - (tA ? 1 : 2)], k = a.shape[ra - (tA ? 2 : 1)]
        let kb = b.shape[rb - (tB ? 1 : 2)], m = b.shape[rb - (tB ? 2 : 1)]
        guard k == kb else {
            throw TensorError(op: "matmul", "shapes \(fmt(a.shape)) and \(fmt(b.shape)) are not aligned (\(k) != \(kb))")
        }
        try checkSameDType(a, b)
        let plain = ra == 2 && rb == 2  // no batch dimensions: skip making and broadcasting them
        let batchA = plain ? [] : Array(a.shape.dropLast(2)), batchB = plain ? [] : Array(b.shape.dropLast(2))
        let batch = plain ? [] : try Shape.broadcast(batchA, batchB, op: "matmul")
        let outShape = plain ? [n, m] : batch + [n, m]
        try Shape.reserve(outShape, dtype: a.dtype, op: "matmul")
        let out: Tensor
        switch (a.storage, b.storage) {
        case let (.float32(x), .float32(y)):
            out = Tensor(shape: outShape, storage: .float32(Kernels.batchedMatmul(x, batchA, y, batchB, batch, n: n, k: k, m: m, tA: tA, tB: tB)))
        case let (.float64(x), .float64(y)):
            out = Tensor(shape: outShape, storage: .float64(Kernels.batchedMatmul(x, batchA, y, batchB, batch, n: n, k: k, m: m, tA: tA, tB: tB)))
        case let (.int64(x), .int64(y)):
            return Tensor(shape: outShape, storage: .int64(Kernels.batchedMatmulInt64(x, batchA, y, batchB, batch, n: n, k: k, m: m, tA: tA, tB: tB)))
        default:
            throw TensorError(op: "matmul", "dtypes \(a.dtype) and \(b.dtype) do not match")
        }
        return record(.matmul, out, [a, b]) { g, ctx in
            let (A, B) = (ctx.inputs[0], ctx.inputs[1])
            var gA: Tensor? = nil, gB: Tensor? = nil
            if ctx.needs[0] {
                switch (tA, tB) {
                case (false, false): gA = try mm(g, B, false, true)
                case (false, true): gA = try mm(g, B, false, false)
                case (true, false): gA = try mm(B, g, false, true)
                case (true, true): gA = try mm(B, g, true, true)
                }
            }
            if ctx.needs[1] {
                if B.rank == 2 && A.rank > 2 && !tA && k > 0 && m > 0 {
                    // A batch of rows times one matrix (a linear layer): fold
                    // the batch into the rows instead of summing per-batch products.
                    let A2 = try A.reshape([-1, k]), g2 = try g.reshape([-1, m])
                    gB = tB ? try mm(g2, A2, true, false) : try mm(A2, g2, true, false)
                } else {
                    switch (tA, tB) {
                    case (false, false): gB = try mm(A, g, true, false)
                    case (false, true): gB = try mm(g, A, true, false)
                    case (true, false): gB = try mm(A, g, false, false)
                    case (true, true): gB = try mm(g, A, true, true)
                    }
                }
            }
            return [gA, gB]
        }
    }

    /// `checkSameDType([a, b], op: "matmul")` without making the array.
    @inline(__always)
    private static func checkSameDType(_ a: Tensor, _ b: Tensor) throws {
        if a.dtype != b.dtype { try checkSameDType([a, b], op: "matmul") }
    }
}
