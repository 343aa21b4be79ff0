import NNTensor

/// Class labels and classification metrics. Labels are int64 tensors (what
/// `argmax`, `randint` and `read_csv` give), or float tensors of integral
/// values; every function that reads them checks they are whole numbers in
/// range, and says which one is not.

/// The labels of `target` as integers, each checked to be integral and in
/// `0..<classes`; `what` names them in messages ("target label", or
/// "predicted label" when the labels are predictions).
public func classLabels(_ target: Tensor, classes: Int, op: String = "labels", what: String = "target label") throws -> [Int] {
    if let a = target.int64s {
        for (i, v) in a.enumerated() where v < 0 || v >= Int64(classes) {
            throw TensorError(op: op, "\(what) \(v) at index \(i) is out of range for \(classes) classes (labels must be in 0..<\(classes))")
        }
        return a.map { Int($0) }
    }
    var out = [Int]()
    out.reserveCapacity(target.count)
    for (i, v) in target.doubles.enumerated() {
        guard v.isFinite, v == v.rounded() else {
            throw TensorError(op: op, "\(what) \(v) at index \(i) is not an integer (class labels must be whole numbers in 0..<\(classes))")
        }
        guard v >= 0, v < Double(classes) else {
            // `Int(v)` traps for a label like 1e30: show such a one as a double.
            let shown = abs(v) < 0x1p53 ? String(Int(v)) : String(v)
            throw TensorError(op: op, "\(what) \(shown) at index \(i) is out of range for \(classes) classes (labels must be in 0..<\(classes))")
        }
        out.append(Int(v))
    }
    return out
}

/// One-hot rows for class labels: shape `labels.shape + [classes]`, with a 1
/// in column `label` of each row, as `F.one_hot`. In `dtype`, by default the
/// labels' own (int64 labels give int64 rows, as PyTorch).
public func oneHot(_ labels: Tensor, classes: Int, dtype: DType? = nil, op: String = "one_hot") throws -> Tensor {
    guard classes >= 1 else {
        throw TensorError(op: op, "classes must be >= 1, got \(classes)")
    }
    let idx = try classLabels(labels, classes: classes, op: op)
    let shape = labels.shape + [classes]
    let n = try Shape.reserve(shape, dtype: .float64, op: op)
    let type = dtype ?? labels.dtype
    if type == .float32 {
        // Straight to float32 (no float64 copy to convert); `repeatElement`
        // allocates without `Array(repeating:)`'s metadata lookup.
        var v = Array(repeatElement(Float(0), count: n))
        for (i, k) in idx.enumerated() { v[i * classes + k] = 1 }
        return try Tensor(shape: shape, array: v)
    }
    var v = [Double](repeating: 0, count: n)
    for (i, k) in idx.enumerated() { v[i * classes + k] = 1 }
    return try Tensor(shape: shape, values: v, dtype: type)
}

/// The predicted class of each row: `argmax` over classes for `[N, C]`
/// scores with `C > 1`; for one score per sample (`[N]` or `[N, 1]`,
/// binary logits) 1 where the score is above `threshold`, else 0.
public func predictedClasses(_ scores: Tensor, threshold: Double = 0, op: String = "accuracy") throws -> [Int] {
    if scores.rank == 2 && scores.shape[1] > 1 {
        return (try scores.argmax(axis: 1).int64s ?? []).map { Int($0) }
    }
    guard scores.rank == 1 || (scores.rank == 2 && scores.shape[1] == 1) else {
        throw TensorError(op: op, "expected scores of shape [N, C] or [N], got \(scores.shape)")
    }
    let values = scores.doubles
    // Whole numbers other than 0 and 1 read as binary scores would be a
    // guess: [0, 1, 2, 3] may be class labels (then 2 and 3 are out of
    // range) or logits. Real scores are almost never whole numbers, so this
    // is an error naming both readings, never a silent answer.
    if !values.isEmpty, values.allSatisfy({ $0.isFinite && $0.rounded() == $0 }),
       let i = values.firstIndex(where: { $0 != 0 && $0 != 1 }) {
        let top = Int(values.max() ?? 1)
        throw TensorError(op: op, "the predictions are whole numbers and \(fmtNumber(values[i])) at index \(i) is neither 0 nor 1, so they could be class labels or binary scores: pass labels with classes: \(Swift.max(top + 1, 3)), or scores as an [N, C] tensor")
    }
    return values.map { $0 > threshold ? 1 : 0 }
}

/// A number as nn prints it in messages (integral values without a fraction).
private func fmtNumber(_ v: Double) -> String {
    v.rounded() == v && Swift.abs(v) < 1e15 ? String(Int(v)) : String(v)
}

/// The fraction of samples whose predicted class equals the label, in
/// `[0, 1]`. `scores` are logits or probabilities `[N, C]` (argmax), or
/// binary logits `[N]` (positive means class 1; pass `threshold: 0.5` for
/// probabilities); `target` holds `N` labels.
public func accuracy(_ scores: Tensor, _ target: Tensor, threshold: Double = 0) throws -> Double {
    let pred = try predictedClasses(scores, threshold: threshold)
    let classes = scores.rank == 2 && scores.shape[1] > 1 ? scores.shape[1] : 2
    let labels = try classLabels(target, classes: classes, op: "accuracy")
    guard labels.count == pred.count, !pred.isEmpty else {
        throw TensorError(op: "accuracy", "\(pred.count) predictions but \(labels.count) labels")
    }
    let right = zip(pred, labels).filter { $0 == $1 }.count
    return Double(right) / Double(pred.count)
}

/// The confusion matrix `[C, C]`: entry `[i, j]` counts samples of true
/// class `i` predicted as class `j` (rows are truth, as scikit-learn).
/// `scores` as for `accuracy`; `classes` defaults to the number of score
/// columns (2 for binary logits).
public func confusionMatrix(_ scores: Tensor, _ target: Tensor, classes: Int? = nil) throws -> Tensor {
    let pred = try predictedClasses(scores, op: "confusion_matrix")
    let c = classes ?? (scores.rank == 2 && scores.shape[1] > 1 ? scores.shape[1] : 2)
    guard c >= 1, c <= 100_000 else {
        throw TensorError(op: "confusion_matrix", "classes must be between 1 and 100000, got \(c)")
    }
    let labels = try classLabels(target, classes: c, op: "confusion_matrix")
    guard labels.count == pred.count else {
        throw TensorError(op: "confusion_matrix", "\(pred.count) predictions but \(labels.count) labels")
    }
    return try confusionCounts(pred, labels, classes: c)
}

/// The `[C, C]` counts of (truth, prediction) pairs, an int64 tensor. A prediction outside
/// `0..<classes` is an error naming it (it would otherwise be dropped, and
/// the matrix would sum to fewer than the samples).
public func confusionCounts(_ pred: [Int], _ truth: [Int], classes c: Int, op: String = "confusion_matrix") throws -> Tensor {
    // c * c is checked (and the memory asked for) before anything is allocated
    let n = try Shape.reserve([c, c], dtype: .int64, op: op)
    var m = [Int64](repeating: 0, count: n)
    for (i, (p, t)) in zip(pred, truth).enumerated() {
        guard p >= 0, p < c else {
            throw TensorError(op: op, "predicted class \(p) at index \(i) is out of range for \(c) classes (predictions must be in 0..<\(c); pass classes: \(p + 1) or more)")
        }
        m[t * c + p] += 1
    }
    return try Tensor(shape: [c, c], int64s: m)
}
