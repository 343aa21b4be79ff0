import NNTensor

/// Splitting a dataset: random (optionally stratified) splits, k-fold
/// cross-validation folds, and feature standardisation fit on training data.
extension Dataset {
    /// The class label of each row of a `[N]` (or `[N, 1]`) target, as integers;
    /// throws when a label is not an integral number.
    static func labels(_ y: Tensor, op: String) throws -> [Int] {
        guard y.rank == 1 || (y.rank == 2 && y.shape[1] == 1) else {
            throw TensorError(op: op, "stratify needs class labels of shape [N], got \(y.shape)")
        }
        return try y.doubles.enumerated().map { i, v in
            guard v.isFinite, v == v.rounded(), abs(v) < 1e15 else {
                throw TensorError(op: op, "label \(v) at row \(i) is not an integer class label (stratify needs class labels)")
            }
            return Int(v)
        }
    }

    /// Sizes of parts of `n` items in proportions `ratios`: `floor(n * r)`
    /// each, then the remainder handed out one at a time from the first part
    /// (as `torch.utils.data.random_split` does).
    static func partSizes(_ n: Int, _ ratios: [Double]) -> [Int] {
        var sizes = ratios.map { Int((Double(n) * $0).rounded(.down)) }
        var left = n - sizes.reduce(0, +)
        var i = 0
        while left > 0 && !sizes.isEmpty {
            sizes[i % sizes.count] += 1
            left -= 1
            i += 1
        }
        return sizes
    }
}

/// Splits `(X, y)` at random into parts in the given proportions (which must
/// be positive and sum to 1), for example `[0.8, 0.2]` for train and
/// validation.
///
/// With `stratify`, `y` holds class labels and each class is split in the
/// same proportions separately, so every part keeps the class balance of
/// the whole; rows within a part are then shuffled. Deterministic for a seed.
public func split(_ X: Tensor, _ y: Tensor, ratios: [Double], seed: UInt64 = 0,
                  stratify: Bool = false) throws -> [Dataset] {
    try Dataset.checkRows(X, y, op: "split")
    guard ratios.count >= 2, ratios.allSatisfy({ $0.isFinite && $0 > 0 }) else {
        throw TensorError(op: "split", "ratios must be two or more positive fractions, got \(ratios)")
    }
    let total = ratios.reduce(0, +)
    guard abs(total - 1) < 1e-6 else {
        throw TensorError(op: "split", "ratios must sum to 1, got \(ratios) (sum \(total))")
    }
    let n = X.shape[0]
    var rng = RandomGenerator(seed: seed)
    var parts = Array(repeating: [Int](), count: ratios.count)
    if stratify {
        let labels = try Dataset.labels(y, op: "split")
        var byClass: [Int: [Int]] = [:]
        for (i, c) in labels.enumerated() { byClass[c, default: []].append(i) }
        for c in byClass.keys.sorted() {
            guard var members = byClass[c] else { continue }
            rng.shuffle(&members)
            var start = 0
            for (k, size) in Dataset.partSizes(members.count, ratios).enumerated() {
                parts[k] += members[start..<(start + size)]
                start += size
            }
        }
        for k in parts.indices { rng.shuffle(&parts[k]) }
    } else {
        let order = rng.permutation(n)
        var start = 0
        for (k, size) in Dataset.partSizes(n, ratios).enumerated() {
            parts[k] = Array(order[start..<(start + size)])
            start += size
        }
    }
    let whole = Dataset(unchecked: X, y)
    return parts.map { whole.rows($0) }
}

/// One fold of k-fold cross-validation.
public struct Fold {
    public let train: Dataset
    public let val: Dataset
}

/// The `k` folds of k-fold cross-validation: the rows are shuffled once
/// (deterministically for `seed`) and cut into `k` consecutive folds, the
/// first `N % k` of them one row larger (as scikit-learn's `KFold`); fold
/// `i` validates on part `i` and trains on the other `k - 1` parts, so every
/// row is validated exactly once.
public func kfold(_ X: Tensor, _ y: Tensor, k: Int, seed: UInt64 = 0, shuffle: Bool = true) throws -> [Fold] {
    try Dataset.checkRows(X, y, op: "kfold")
    let n = X.shape[0]
    guard k >= 2, k <= n else {
        throw TensorError(op: "kfold", "k must be between 2 and the number of samples (\(n)), got \(k)")
    }
    var rng = RandomGenerator(seed: seed)
    let order = shuffle ? rng.permutation(n) : Array(0..<n)
    let whole = Dataset(unchecked: X, y)
    var folds: [Fold] = []
    var start = 0
    for i in 0..<k {
        let size = n / k + (i < n % k ? 1 : 0)
        let val = Array(order[start..<(start + size)])
        let train = Array(order[..<start] + order[(start + size)...])
        folds.append(Fold(train: whole.rows(train), val: whole.rows(val)))
        start += size
    }
    return folds
}

/// Per-column standardisation fit on training data: `(x - mean) / std`
/// with the *training* mean and (population, ddof 0) standard deviation,
/// as scikit-learn's `StandardScaler`. A constant column gets std 1, so it
/// is centred but not blown up.
///
/// "Constant" is decided with a tolerance relative to the column's
/// magnitude, as scikit-learn's `_is_constant_feature` (used by
/// `_handle_zeros_in_scale`), since the mean of equal values carries a
/// rounding error (`[0.1, 0.1, 0.1]` has a computed std of `1.4e-17`):
/// ```
/// constant  ⇔  var ≤ N·ε·var + (N·|mean|·ε)²        ε = 2.2e-16 (Float64 machine epsilon)
/// ```
/// The statistics are computed in Float64 whatever the data's dtype, on
/// each column divided by a power of two near its largest magnitude (an
/// exact scaling), so squares of large values do not overflow and those
/// of tiny ones do not underflow.
public struct Standardizer {
    /// The training mean of each column.
    public let mean: [Double]
    /// The training standard deviation of each column (1 where it was 0).
    public let std: [Double]

    /// Fits the statistics on `X` of shape `[N, D]` (N >= 1).
    public init(fit X: Tensor) throws {
        guard X.rank == 2, X.shape[0] >= 1 else {
            throw TensorError(op: "standardize", "expected training data of shape [N, D] with N >= 1, got \(X.shape)")
        }
        let (n, d) = (X.shape[0], X.shape[1])
        let v = X.doubles
        guard v.allSatisfy(\.isFinite) else {
            throw TensorError(op: "standardize", "the training data contain NaN or infinite values")
        }
        // Each column's largest magnitude, rounded to a power of two: the
        // statistics are taken of the column divided by it (exact, so the
        // results are those of the plain formulas) and scaled back.
        var scale = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { scale[j] = Swift.max(scale[j], Swift.abs(v[i * d + j])) } }
        for j in 0..<d where scale[j] > 0 { scale[j] = Double(sign: .plus, exponent: scale[j].exponent, significand: 1) }
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d where scale[j] > 0 { mean[j] += v[i * d + j] / scale[j] } }
        for j in 0..<d { mean[j] /= Double(n) }
        var ss = [Double](repeating: 0, count: d)
        for i in 0..<n {
            for j in 0..<d where scale[j] > 0 { let e = v[i * d + j] / scale[j] - mean[j]; ss[j] += e * e }
        }
        var std = [Double](repeating: 1, count: d)
        for j in 0..<d {
            let variance = ss[j] / Double(n)
            if !Self.isConstant(variance: variance, mean: mean[j], count: n) {
                std[j] = variance.squareRoot() * scale[j]
            }
            mean[j] *= scale[j]
        }
        self.mean = mean
        self.std = std
    }

    /// scikit-learn's `_is_constant_feature`: a variance within the rounding
    /// error that computing it from `count` equal values can carry,
    /// `var ≤ N·ε·var + (N·|mean|·ε)²`.
    static func isConstant(variance: Double, mean: Double, count n: Int) -> Bool {
        let eps = Double.ulpOfOne, nd = Double(n)
        let bound = nd * eps * variance + (nd * Swift.abs(mean) * eps) * (nd * Swift.abs(mean) * eps)
        return !(variance > bound)
    }

    /// Applies the training statistics to `x` of shape `[M, D]` (or `[D]`).
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        guard let d = x.shape.last, d == mean.count, x.rank <= 2 else {
            throw TensorError(op: "standardize", "fitted on \(mean.count) columns but got shape \(x.shape)")
        }
        let m = try Tensor(shape: [d], values: mean, dtype: x.dtype)
        let s = try Tensor(shape: [d], values: std, dtype: x.dtype)
        return try (x - m) / s
    }
}

/// Fits a `Standardizer` on training data; apply it to any data with `s(x)`.
public func standardize(_ X: Tensor) throws -> Standardizer {
    try Standardizer(fit: X)
}
