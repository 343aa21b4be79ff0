import NNTensor

/// The scores of k-fold cross-validation and their mean and spread.
public struct CrossValidation: Sendable {
    /// One score per fold, in fold order.
    public let scores: [Double]
    /// The mean of the scores.
    public let mean: Double
    /// The population standard deviation of the scores (ddof 0, as NumPy's
    /// `scores.std()` that scikit-learn users report).
    public let std: Double
}

/// Runs k-fold cross-validation: for each of the `k` folds of `kfold(X, y, k:, seed:)`,
/// `trainAndScore(foldIndex, fold)` trains a *fresh* model on `fold.train`
/// and returns its score (a loss or an accuracy) on `fold.val`.
public func crossValidate(_ X: Tensor, _ y: Tensor, k: Int, seed: UInt64 = 0,
                          _ trainAndScore: (Int, Fold) throws -> Double) throws -> CrossValidation {
    let folds = try kfold(X, y, k: k, seed: seed)
    var scores: [Double] = []
    for (i, fold) in folds.enumerated() {
        let s = try trainAndScore(i, fold)
        guard s.isFinite else {
            throw TensorError(op: "cross_validate", "fold \(i) gave the score \(s)")
        }
        scores.append(s)
    }
    let mean = scores.reduce(0, +) / Double(scores.count)
    let variance = scores.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(scores.count)
    return CrossValidation(scores: scores, mean: mean, std: variance.squareRoot())
}

/// What a cross-validation fold is scored by.
public enum FoldScore: String, Sendable {
    /// The validation loss (lower is better).
    case loss
    /// The validation accuracy (classification; higher is better).
    case accuracy
}

/// k-fold cross-validation of a model recipe: for every fold, `makeModel()`
/// builds a fresh module and its optimizer, `fit` trains it on the fold's
/// training rows for `epochs` (batches of `batchSize`, shuffled with `seed`),
/// and the fold is scored on its validation rows by `score`.
public func crossValidate(_ X: Tensor, _ y: Tensor, k: Int, seed: UInt64 = 0, epochs: Int, batchSize: Int = 32,
                          loss: @escaping (Tensor, Tensor) throws -> Tensor, score: FoldScore = .loss,
                          makeModel: () throws -> (Module, Optimizer)) throws -> CrossValidation {
    try crossValidate(X, y, k: k, seed: seed) { _, fold in
        let (model, opt) = try makeModel()
        let loader = try DataLoader(fold.train.X, fold.train.y, batchSize: batchSize, seed: seed)
        _ = try fit(module: model, loss: loss, optimizer: opt, data: loader, epochs: epochs)
        model.eval()
        let e = try evaluate(model: { try model($0) }, loss: loss, X: fold.val.X, y: fold.val.y)
        switch score {
        case .loss: return e.loss
        case .accuracy:
            guard let a = e.accuracy else {
                throw TensorError(op: "cross_validate", "score: accuracy needs a model that outputs class scores [N, C] for labels [N]")
            }
            return a
        }
    }
}

/// The training and validation loss of one trained model, with its capacity
/// (parameter count, depth or width: anything that orders models by size).
public struct CapacityResult: Sendable {
    public let name: String
    public let capacity: Int
    public let trainLoss: Double
    public let valLoss: Double

    public init(name: String, capacity: Int, trainLoss: Double, valLoss: Double) {
        self.name = name
        self.capacity = capacity
        self.trainLoss = trainLoss
        self.valLoss = valLoss
    }
}

/// What the losses of models of different capacity show.
public struct Diagnosis: Sendable, CustomStringConvertible {
    public enum Finding: String, Sendable {
        case optimizationIssue = "optimization issue"
        case modelBias = "model bias"
        case overfitting = "overfitting"
        case noProblem = "no problem found"
    }
    /// The finding.
    public let finding: Finding
    /// The rule that fired, as a sentence.
    public let rule: String
    /// The numbers that made it fire.
    public let evidence: String
    /// What to try next.
    public let advice: String

    public var description: String { "\(finding.rawValue): \(evidence) [rule: \(rule)] \(advice)" }
}

/// Says which of "optimization issue", "model bias" or "overfitting" the
/// losses of models of different capacity show, and which rule fired.
/// Hung-yi Lee's flowchart ("general guide" to training) starts from the
/// training loss:
/// ```
/// training loss large → model bias or optimization issue (compare capacities)
/// training loss small → validation loss large → overfitting (or mismatch)
///                       validation loss small → done
/// ```
/// so the first of these rules that holds decides:
/// ```
/// 1. optimization issue: a larger model's training loss is above acceptableLoss
///    AND above a smaller one's by more than tolerance · (the smaller one's loss)
///    (it could represent the smaller one's function, so the optimiser fell short;
///    never when both fit the training data)
/// 2. model bias:         even the lowest training loss is above acceptableLoss
///    (no model is flexible enough to fit the training data)
/// 3. overfitting:        a model's training loss is at most acceptableLoss but its
///    validation loss is above it (it fits the training data but does not generalise;
///    or the validation data come from another distribution: mismatch)
/// 4. no problem found
/// ```
/// `tolerance` is the relative margin by which a larger model's training
/// loss must exceed a smaller one's to count as higher (noise in the
/// losses): `large > small · (1 + tolerance)`.
public func diagnose(_ results: [CapacityResult], acceptableLoss: Double, tolerance: Double = 0.01) throws -> Diagnosis {
    guard !results.isEmpty else {
        throw TensorError(op: "diagnose", "needs the losses of at least one trained model")
    }
    guard acceptableLoss.isFinite, acceptableLoss >= 0, tolerance.isFinite, tolerance >= 0 else {
        throw TensorError(op: "diagnose", "acceptable_loss and tolerance must be finite and >= 0")
    }
    for r in results where !(r.trainLoss.isFinite && r.valLoss.isFinite) {
        throw TensorError(op: "diagnose", "model '\(r.name)' has a loss that is not a finite number (train \(r.trainLoss), val \(r.valLoss))")
    }
    let bySize = results.sorted { $0.capacity < $1.capacity }
    func fmt(_ x: Double) -> String { TextProgress.number(x) }
    for (i, small) in bySize.enumerated() {
        for large in bySize[(i + 1)...] where large.capacity > small.capacity
            && large.trainLoss > acceptableLoss && large.trainLoss > small.trainLoss * (1 + tolerance) {
            return Diagnosis(
                finding: .optimizationIssue,
                rule: "a larger model has a training loss above the acceptable loss and higher than a smaller one's",
                evidence: "'\(large.name)' (capacity \(large.capacity)) reaches training loss \(fmt(large.trainLoss)), above the acceptable \(fmt(acceptableLoss)) and higher than \(fmt(small.trainLoss)) of the smaller '\(small.name)' (capacity \(small.capacity))",
                advice: "The larger model can represent everything the smaller one can, so its optimiser fell short: train longer, tune the learning rate, use a better optimiser (Adam), normalisation or residual connections.")
        }
    }
    if let best = results.min(by: { $0.trainLoss < $1.trainLoss }), best.trainLoss > acceptableLoss {
        return Diagnosis(
            finding: .modelBias,
            rule: "even the lowest training loss is above the acceptable loss",
            evidence: "the best training loss is \(fmt(best.trainLoss)) ('\(best.name)'), above the acceptable \(fmt(acceptableLoss))",
            advice: "No model fits even the training data: make the model more flexible (more features, units or layers).")
    }
    if let over = bySize.last(where: { $0.trainLoss <= acceptableLoss && $0.valLoss > acceptableLoss }) {
        return Diagnosis(
            finding: .overfitting,
            rule: "training loss at most the acceptable loss but validation loss above it",
            evidence: "'\(over.name)' (capacity \(over.capacity)) has training loss \(fmt(over.trainLoss)) but validation loss \(fmt(over.valLoss)) (acceptable \(fmt(acceptableLoss)))",
            advice: "The model fits the training data but does not generalise: use more data, data augmentation, a smaller model, weight decay, dropout or early stopping. If none of these helps, the validation data may come from a different distribution than the training data (mismatch).")
    }
    return Diagnosis(
        finding: .noProblem,
        rule: "no rule fired",
        evidence: "every training loss is at most \(fmt(acceptableLoss)) and no larger model trains worse than a smaller one; validation losses are within the acceptable loss",
        advice: "Pick the model with the lowest validation loss.")
}
