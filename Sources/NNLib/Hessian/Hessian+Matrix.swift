import NNTensor

/// The full Hessian as a matrix, and its eigendecomposition.
extension Hessian {
    /// The exact Hessian `H[r, c] = ∂²L/∂θ[r]∂θ[c]` at `θ` (the objective's
    /// point when nil) as a `[P, P]` Float64 tensor, or the block of one
    /// parameter (`block: "0.weight"`) as `[n, n]` with `n` its element count.
    ///
    /// Built row by row: the gradient is recorded once, then row `r` is
    /// `H e_r`, one backward pass through it (`P` passes in all, or `n` for a
    /// block). The result is symmetrised, `(H + Hᵀ) / 2`, which changes it
    /// only by rounding. Costs `P²` doubles of memory: for large models use
    /// `topEigenvalues`, `hessianTrace` or `spectralDensity` instead; a
    /// matrix of more than `maxDimension` rows throws rather than exhaust memory.
    public static func matrix(of f: Objective, at θ: [Double]? = nil, block: String? = nil,
                              maxDimension: Int = 20000) throws -> Tensor {
        let range = try block.map { try f.layout.range(of: $0) } ?? 0..<f.dimension
        guard range.count <= maxDimension else {
            throw TensorError(op: "hessian", "the Hessian would be \(range.count) x \(range.count), more than the \(maxDimension) rows allowed; use hvp, top_eigenvalues, hessian_trace or spectral_density, or pick one parameter's block with layer:")
        }
        let values = try f.probe(at: θ ?? f.point, op: "hessian") { p in
            try p.matrix(range)
        }
        return try Tensor(shape: [range.count, range.count], array: values)
    }

    /// The eigenvalues (ascending) and unit eigenvectors of a symmetric
    /// matrix given row-major, by `Linalg.eigh`.
    public struct Eigen: Sendable {
        /// The eigenvalues, ascending.
        public let values: [Double]
        /// The eigenvectors, `vectors[i]` for `values[i]`, each of unit length.
        public let vectors: [[Double]]
    }

    /// `eigh` of a square symmetric matrix held row-major in `a` (`n × n`).
    public static func eigen(_ a: [Double], n: Int) throws -> Eigen {
        let t = try Tensor(shape: [n, n], array: a)
        let (w, v) = try Linalg.eigh(t)
        let vd = v.doubles
        let vectors = (0..<n).map { i in (0..<n).map { r in vd[r * n + i] } }
        return Eigen(values: w.doubles, vectors: vectors)
    }

    /// The eigenvalues (ascending) of a square symmetric matrix, row-major.
    public static func eigenvalues(_ a: [Double], n: Int) throws -> [Double] {
        try Linalg.eigvalsh(Tensor(shape: [n, n], array: a)).doubles
    }
}

extension Hessian.Probe {
    /// `H[range, range]`, row-major and symmetrised.
    public func matrix(_ range: Range<Int>? = nil) throws -> [Double] {
        let range = range ?? 0..<dimension
        guard range.lowerBound >= 0, range.upperBound <= dimension else {
            throw TensorError(op: op, "rows \(range) are out of range for \(dimension) parameters")
        }
        let n = range.count
        var h = try rows(range, columns: range)
        for i in 0..<n {
            for j in (i + 1)..<Swift.max(i + 1, n) {
                let m = (h[i * n + j] + h[j * n + i]) / 2
                h[i * n + j] = m
                h[j * n + i] = m
            }
        }
        return h
    }
}
