import NNTensor

/// The Hessian block of one parameter as an operator, for per-layer spectra.
extension Hessian.Probe {
    /// `v ↦ H[r, r] v` on vectors of length `r.count`, with `r` the index
    /// range of the parameter called `name` (`ParameterLayout`):
    /// ```
    /// H[r, r] v = (H · pad(v))[r]        pad(v): v at r, zeros elsewhere
    /// ```
    /// one Hessian-vector product through the recorded gradient per call.
    /// The block's eigenvalues are the curvature of the loss when only that
    /// parameter moves (they are not the eigenvalues of `H` restricted to
    /// anything else: the coupling blocks `H[r, s]` are left out). An unknown
    /// name is an error listing the parameters.
    public func blockHVP(_ name: String) throws -> (range: Range<Int>, hvp: ([Double]) throws -> [Double]) {
        guard let r = layout.entries.first(where: { $0.name == name })?.range else {
            throw TensorError(op: op, "no parameter named '\(name)'; the parameters are " + layout.names.map { "'\($0)'" }.joined(separator: ", "))
        }
        let n = dimension
        return (r, { v in
            guard v.count == r.count else {
                throw TensorError(op: op, "the direction has \(v.count) elements but '\(name)' has \(r.count)")
            }
            var full = [Double](repeating: 0, count: n)
            full.replaceSubrange(r, with: v)
            return Array(try hvp(full)[r])
        })
    }
}

extension Hessian {
    /// The `k` extreme eigenvalues of the block `H[r, r]` of the parameter
    /// `layer` (see `Probe.blockHVP`) by Lanczos, as
    /// `topEigenvalues(dimension:...)`; Ritz vectors have the block's length.
    public static func topEigenvalues(of f: Objective, layer: String, at θ: [Double]? = nil, k: Int = 1,
                                      which: Which = .largest, iterations: Int = 100,
                                      tolerance: Double = 1e-9, seed: UInt64 = 0,
                                      vectors: Bool = false) throws -> Ritz {
        try f.probe(at: θ ?? f.point, op: "top_eigenvalues") { p in
            let block = try p.blockHVP(layer)
            return try lanczos(dimension: block.range.count, k: k, which: which, iterations: iterations,
                               tolerance: tolerance, seed: seed, vectors: vectors, op: "top_eigenvalues",
                               float32Basis: f.dtype == .float32, hvp: block.hvp)
        }
    }

    /// The spectral density of each parameter's block `H[r, r]`, in layout
    /// order, by stochastic Lanczos quadrature (`spectralDensity(dimension:...)`
    /// with the same arguments for each block, `iterations` capped at the block's size).
    public static func spectralDensityByLayer(of f: Objective, at θ: [Double]? = nil, iterations: Int = 80,
                                              runs: Int = 1, bins: Int = 100, sigma: Double? = nil,
                                              seed: UInt64 = 0) throws -> [(name: String, density: SpectralDensity)] {
        try f.probe(at: θ ?? f.point, op: "spectral_density") { p in
            try f.layout.entries.map { e in
                let block = try p.blockHVP(e.name)
                return (e.name, try spectralDensity(dimension: e.range.count, iterations: Swift.min(iterations, e.range.count),
                                                    runs: runs, bins: bins, sigma: sigma, seed: seed, hvp: block.hvp))
            }
        }
    }
}
