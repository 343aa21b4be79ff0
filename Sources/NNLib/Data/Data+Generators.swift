#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NNTensor

/// Seeded synthetic data sets for examples and tests. Each draws from its
/// own `RandomGenerator(seed:)`, so the same arguments give the same data
/// on every machine. The classification sets (`twoMoons`, `spirals`,
/// `blobs`) give int64 class labels, as scikit-learn's generators do; `dtype`
/// is the features' (and the regression targets').
public enum Generators {
    static func checkCount(_ op: String, _ n: Int, min: Int = 1) throws {
        guard n >= min, n <= 10_000_000 else {
            throw TensorError(op: op, "n must be between \(min) and 10000000, got \(n)")
        }
    }

    /// Refuses data sets over 50 million numbers (n <= 1e7 and d <= 1e5, so `n * d` cannot overflow).
    static func checkSize(_ op: String, _ n: Int, _ d: Int) throws {
        guard n * d <= 50_000_000 else {
            throw TensorError(op: op, "\(n) samples of \(d) features is too large for a generated data set (at most 50000000 numbers)")
        }
    }

    static func checkNoise(_ op: String, _ noise: Double) throws {
        guard noise.isFinite, noise >= 0 else {
            throw TensorError(op: op, "noise must be finite and >= 0, got \(noise)")
        }
    }

    /// Shuffles rows of `x` (width `d`) and `y` together.
    static func shuffled(_ x: [Double], _ y: [Double], d: Int, rng: inout RandomGenerator) -> ([Double], [Double]) {
        let order = rng.permutation(y.count)
        var xs = [Double](repeating: 0, count: x.count), ys = y
        for (r, i) in order.enumerated() {
            ys[r] = y[i]
            for j in 0..<d { xs[r * d + j] = x[i * d + j] }
        }
        return (xs, ys)
    }

    /// Two interleaving half circles, as scikit-learn's `make_moons`:
    /// ```
    /// class 0: (cos t, sin t),              t = linspace(0, π, n/2)
    /// class 1: (1 - cos t, 1 - sin t - 0.5), t = linspace(0, π, n - n/2)
    /// ```
    /// plus Gaussian noise of standard deviation `noise`; rows shuffled.
    public static func twoMoons(n: Int, noise: Double = 0.1, seed: UInt64 = 0,
                                dtype: DType = .float32) throws -> Dataset {
        try checkCount("two_moons", n, min: 2)
        try checkNoise("two_moons", noise)
        var rng = RandomGenerator(seed: seed)
        let nOut = n / 2, nIn = n - nOut
        var x: [Double] = [], y: [Double] = []
        for i in 0..<nOut {
            let t = Double.pi * Double(i) / Double(Swift.max(nOut - 1, 1))
            x += [cos(t), sin(t)]; y.append(0)
        }
        for i in 0..<nIn {
            let t = Double.pi * Double(i) / Double(Swift.max(nIn - 1, 1))
            x += [1 - cos(t), 1 - sin(t) - 0.5]; y.append(1)
        }
        for i in x.indices { x[i] += noise * rng.normal() }
        (x, y) = shuffled(x, y, d: 2, rng: &rng)
        return Dataset(unchecked: try Tensor(shape: [n, 2], values: x, dtype: dtype),
                       try Tensor(shape: [n], values: y, dtype: .int64))
    }

    /// `classes` interleaved spiral arms of `n` points in total, as in
    /// Karpathy's CS231n notes: for arm `k`, `r = linspace(0, 1, m)`,
    /// `t = linspace(4k, 4(k+1), m) + noise * N(0, 1)`, point `(r sin t, r cos t)`.
    public static func spirals(n: Int, classes: Int = 2, noise: Double = 0.2, seed: UInt64 = 0,
                               dtype: DType = .float32) throws -> Dataset {
        guard classes >= 2, classes <= 1000 else {
            throw TensorError(op: "spirals", "classes must be between 2 and 1000, got \(classes)")
        }
        try checkCount("spirals", n, min: classes)
        try checkNoise("spirals", noise)
        var rng = RandomGenerator(seed: seed)
        var x: [Double] = [], y: [Double] = []
        for k in 0..<classes {
            let m = n / classes + (k < n % classes ? 1 : 0)
            for i in 0..<m {
                let f = Double(i) / Double(Swift.max(m - 1, 1))
                let t = 4 * (Double(k) + f) + noise * rng.normal()
                x += [f * sin(t), f * cos(t)]; y.append(Double(k))
            }
        }
        (x, y) = shuffled(x, y, d: 2, rng: &rng)
        return Dataset(unchecked: try Tensor(shape: [n, 2], values: x, dtype: dtype),
                       try Tensor(shape: [n], values: y, dtype: .int64))
    }

    /// Isotropic Gaussian blobs, as scikit-learn's `make_blobs`: `centers`
    /// centres drawn uniformly in `[-10, 10]^dim`, samples dealt round-robin
    /// to the centres, each `centre + std * N(0, I)`; rows shuffled.
    public static func blobs(n: Int, centers: Int = 3, dim: Int = 2, std: Double = 1, seed: UInt64 = 0,
                             dtype: DType = .float32) throws -> Dataset {
        guard centers >= 1, centers <= 1000, dim >= 1, dim <= 10_000 else {
            throw TensorError(op: "blobs", "centers must be in 1...1000 and dim in 1...10000, got \(centers) and \(dim)")
        }
        try checkCount("blobs", n)
        try checkSize("blobs", n, dim)
        try checkNoise("blobs", std)
        var rng = RandomGenerator(seed: seed)
        let c = (0..<(centers * dim)).map { _ in -10 + 20 * rng.uniform() }
        var x: [Double] = [], y: [Double] = []
        for i in 0..<n {
            let k = i % centers
            for j in 0..<dim { x.append(c[k * dim + j] + std * rng.normal()) }
            y.append(Double(k))
        }
        (x, y) = shuffled(x, y, d: dim, rng: &rng)
        return Dataset(unchecked: try Tensor(shape: [n, dim], values: x, dtype: dtype),
                       try Tensor(shape: [n], values: y, dtype: .int64))
    }

    /// Noisy linear regression: `X ~ N(0, I)` of shape `[n, w.count]` and
    /// `y = X w + bias + noise * N(0, 1)` of shape `[n]`.
    public static func linear(n: Int, weights: [Double], bias: Double = 0, noise: Double = 0.1,
                              seed: UInt64 = 0, dtype: DType = .float32) throws -> Dataset {
        try checkCount("linear_data", n)
        try checkNoise("linear_data", noise)
        guard !weights.isEmpty, weights.count <= 100_000, weights.allSatisfy(\.isFinite), bias.isFinite else {
            throw TensorError(op: "linear_data", "weights must be a non-empty list of finite numbers")
        }
        let d = weights.count
        try checkSize("linear_data", n, d)
        var rng = RandomGenerator(seed: seed)
        var x: [Double] = [], y: [Double] = []
        for _ in 0..<n {
            var s = bias
            for j in 0..<d { let v = rng.normal(); x.append(v); s += weights[j] * v }
            y.append(s + noise * rng.normal())
        }
        return Dataset(unchecked: try Tensor(shape: [n, d], values: x, dtype: dtype),
                       try Tensor(shape: [n], values: y, dtype: dtype))
    }

    /// Noisy polynomial regression in one variable: `x ~ U(low, high)` of
    /// shape `[n, 1]` and `y = Σ_k coefficients[k] * x^k + noise * N(0, 1)`.
    public static func polynomial(n: Int, coefficients: [Double], low: Double = -1, high: Double = 1,
                                  noise: Double = 0.1, seed: UInt64 = 0, dtype: DType = .float32) throws -> Dataset {
        try checkCount("polynomial_data", n)
        try checkNoise("polynomial_data", noise)
        guard !coefficients.isEmpty, coefficients.count <= 100, coefficients.allSatisfy(\.isFinite) else {
            throw TensorError(op: "polynomial_data", "coefficients must be 1 to 100 finite numbers (c0 + c1 x + ...)")
        }
        guard low.isFinite, high.isFinite, low < high else {
            throw TensorError(op: "polynomial_data", "need finite low < high, got \(low) and \(high)")
        }
        var rng = RandomGenerator(seed: seed)
        var x: [Double] = [], y: [Double] = []
        for _ in 0..<n {
            let v = low + (high - low) * rng.uniform()
            var s = 0.0
            for c in coefficients.reversed() { s = s * v + c }   // Horner
            x.append(v)
            y.append(s + noise * rng.normal())
        }
        return Dataset(unchecked: try Tensor(shape: [n, 1], values: x, dtype: dtype),
                       try Tensor(shape: [n], values: y, dtype: dtype))
    }
}
