import NNTensor

/// How a loss turns per-sample values into its result, as PyTorch's `reduction`.
public enum Reduction: String, Sendable {
    /// The mean over samples (the default).
    case mean
    /// The sum over samples.
    case sum
    /// No reduction: one value per sample.
    case none

    func apply(_ perSample: Tensor) throws -> Tensor {
        switch self {
        case .mean: return try perSample.mean()
        case .sum: return try perSample.sum()
        case .none: return perSample
        }
    }
}

/// Throws unless prediction and target have the same shape: a `[N, 1]`
/// prediction against a `[N]` target would otherwise broadcast to `[N, N]`.
func checkSameShape(_ pred: Tensor, _ target: Tensor, op: String) throws {
    guard pred.shape == target.shape else {
        throw TensorError(op: op, "prediction shape \(pred.shape) and target shape \(target.shape) differ; reshape one (for example pred.reshape([-1])) so they match")
    }
}

/// The target in the prediction's dtype (an int64 or bool target converts
/// exactly below 2^24 for a float32 prediction).
func matchingDType(_ target: Tensor, _ pred: Tensor) throws -> Tensor {
    target.dtype == pred.dtype ? target : try target.to(pred.dtype)
}

/// The mean squared error `mean((pred - target)²)`, as `F.mse_loss`.
/// Shapes must match exactly.
public func mse(_ pred: Tensor, _ target: Tensor, reduction: Reduction = .mean) throws -> Tensor {
    try checkSameShape(pred, target, op: "mse")
    let d = try pred - matchingDType(target, pred)
    return try reduction.apply(d * d)
}

/// The mean absolute error `mean(|pred - target|)`, as `F.l1_loss`.
/// Shapes must match exactly.
public func l1(_ pred: Tensor, _ target: Tensor, reduction: Reduction = .mean) throws -> Tensor {
    try checkSameShape(pred, target, op: "l1")
    return try reduction.apply((pred - matchingDType(target, pred)).abs())
}

/// Cross-entropy between logits and a target, as `F.cross_entropy`.
///
/// `logits` is `[N, C]`. `target` is either class labels `[N]` (an int64
/// tensor, or a float tensor of integral values, in `0..<C`, checked) or
/// class probabilities `[N, C]` (floats). With label
/// smoothing `ε` the target distribution `q` is mixed with the uniform one:
/// ```
/// q      = (1 - ε) * onehot(target) + ε / C       (labels)
/// q      = (1 - ε) * target         + ε / C       (probabilities)
/// loss_i = -Σ_c q_ic * logSoftmax(logits)_ic
/// ```
/// then reduced over samples by `reduction` (mean by default).
public func crossEntropy(_ logits: Tensor, _ target: Tensor, labelSmoothing: Double = 0,
                         reduction: Reduction = .mean) throws -> Tensor {
    let op = "cross_entropy"
    guard logits.rank == 2, logits.shape[1] >= 1 else {
        throw TensorError(op: op, "expected logits of shape [N, C] (one row of class scores per sample), got \(logits.shape)")
    }
    guard labelSmoothing.isFinite, labelSmoothing >= 0, labelSmoothing <= 1 else {
        throw TensorError(op: op, "label_smoothing must be in [0, 1], got \(labelSmoothing)")
    }
    let (n, c) = (logits.shape[0], logits.shape[1])
    var q: Tensor
    if target.shape == logits.shape {
        q = try matchingDType(target, logits)
    } else if target.rank == 1 {
        guard target.shape[0] == n else {
            throw TensorError(op: op, "logits have \(n) rows but the target has \(target.shape[0]) labels")
        }
        if labelSmoothing == 0 {
            // One recorded op for labels (Tensor+CrossEntropy.swift): the same
            // numbers as the general form below, with a shorter graph.
            let labels = try classLabels(target, classes: c, op: op)
            return try reduction.apply(logits.softmaxCrossEntropy(labels: labels))
        }
        q = try oneHot(target, classes: c, dtype: logits.dtype, op: op)
    } else {
        throw TensorError(op: op, "target must be class labels of shape [\(n)] or probabilities of shape \(logits.shape), got \(target.shape)")
    }
    if labelSmoothing > 0 { q = try q * (1 - labelSmoothing) + labelSmoothing / Double(c) }
    return try reduction.apply(logits.softmaxCrossEntropy(probabilities: q))
}

/// The negative log-likelihood of class labels under log-probabilities, as
/// `F.nll_loss`: `loss_i = -logProbs[i, target_i]`. `logProbs` is `[N, C]`
/// (for example from `logSoftmax`), `target` is `[N]` labels in `0..<C`
/// (int64, or floats of integral values).
public func nll(_ logProbs: Tensor, _ target: Tensor, reduction: Reduction = .mean) throws -> Tensor {
    let op = "nll"
    guard logProbs.rank == 2 else {
        throw TensorError(op: op, "expected log-probabilities of shape [N, C], got \(logProbs.shape)")
    }
    guard target.rank == 1, target.shape[0] == logProbs.shape[0] else {
        throw TensorError(op: op, "expected \(logProbs.shape[0]) class labels of shape [\(logProbs.shape[0])], got \(target.shape)")
    }
    let q = try oneHot(target, classes: logProbs.shape[1], dtype: logProbs.dtype, op: op)
    return try reduction.apply(-(q * logProbs).sum(axes: [1]))
}

/// Binary cross-entropy from logits, as `F.binary_cross_entropy_with_logits`,
/// in the stable form that never takes the log of 0 or overflows `exp`:
/// ```
/// loss = max(z, 0) - z * y + log(1 + exp(-|z|))  =  softplus(z) - z * y
/// ```
/// evaluated without cancellation (so a loss of 1e-10 has all its digits).
/// for logits `z` and targets `y` in `[0, 1]` of the same shape. Its
/// gradient is `sigmoid(z) - y`, exact at `z = 0` as well.
public func binaryCrossEntropy(logits: Tensor, target: Tensor, reduction: Reduction = .mean) throws -> Tensor {
    try checkSameShape(logits, target, op: "binary_cross_entropy")
    let y = try matchingDType(target, logits)
    let lo = try y.min().item(), hi = try y.max().item()
    guard lo >= 0, hi <= 1 else {
        throw TensorError(op: "binary_cross_entropy", "targets must be in [0, 1], got values from \(lo) to \(hi)")
    }
    // softplus(z) - z y, written per sign of z so that nothing cancels:
    // (1 - y) z + softplus(-z) for z > 0 (softplus(z) = z + softplus(-z)).
    // Both branches are smooth and agree at 0, where `where` switches; no
    // threshold, so the tail log(1 + exp(-|z|)) is kept for every z.
    let pos = try (1 - y) * logits + (-logits).softplus(threshold: .infinity)
    let neg = try logits.softplus(threshold: .infinity) - logits * y
    return try reduction.apply(Tensor.where(logits.gt(0), pos, neg))
}
