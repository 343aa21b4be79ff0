#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NNTensor

/// What `fit` recorded, one entry per completed epoch.
public struct History: Sendable {
    /// The mean training loss over each epoch's batches (weighted by batch size).
    public internal(set) var trainLoss: [Double] = []
    /// The validation loss after each epoch (empty without validation data).
    public internal(set) var valLoss: [Double] = []
    /// The training accuracy over each epoch's batches (classification only).
    public internal(set) var trainAccuracy: [Double] = []
    /// The validation accuracy after each epoch (classification with validation data only).
    public internal(set) var valAccuracy: [Double] = []
    /// The learning rate at the start of each epoch.
    public internal(set) var lr: [Double] = []
    /// Wall-clock seconds each epoch took (validation included).
    public internal(set) var seconds: [Double] = []
    /// True when the cancellation check stopped training early.
    public internal(set) var interrupted = false
    /// The 1-based epoch with the lowest validation loss, under early stopping (nil otherwise).
    public internal(set) var bestEpoch: Int?
    /// True when early stopping ended training before `epochs`.
    public internal(set) var stoppedEarly = false
    /// What `track:` recorded, one entry per epoch each, by name (see ``TrainingTracker``).
    public internal(set) var tracked: [(name: String, values: [Double])] = []
    /// What `watch: "curvature"` recorded, one entry per estimate (empty without it; see ``CurvatureWatcher``).
    public internal(set) var curvature = CurvatureLog()

    public init() {}

    /// The number of completed epochs.
    public var epochs: Int { trainLoss.count }
}

/// The loss (and accuracy, for classification) of a model on a data set.
public struct Evaluation: Sendable {
    public let loss: Double
    /// Present when the outputs are class scores `[N, C]` (C > 1) and the targets labels `[N]`.
    public let accuracy: Double?
}

/// True when `output` holds class scores for the labels in `target`.
func isClassification(_ output: Tensor, _ target: Tensor) -> Bool {
    output.rank == 2 && output.shape[1] > 1 && target.rank == 1 && target.shape[0] == output.shape[0]
}

/// The number of correct predictions of class scores against labels (0 if labels are invalid).
func correctCount(_ output: Tensor, _ target: Tensor) -> Int {
    guard let pred = try? predictedClasses(output), pred.count == target.count else { return 0 }
    return zip(pred, target.doubles).filter { Double($0) == $1 }.count
}

/// Evaluates `model` on `(X, y)` without recording a graph, in batches of
/// `batchSize`: the loss averaged over samples (each batch's loss weighted
/// by its size, exact for mean-reduced losses) and the accuracy when the
/// model outputs class scores.
public func evaluate(model: (Tensor) throws -> Tensor, loss: (Tensor, Tensor) throws -> Tensor,
                     X: Tensor, y: Tensor, batchSize: Int = 1024) throws -> Evaluation {
    try Dataset.checkRows(X, y, op: "evaluate")
    guard batchSize >= 1 else { throw TensorError(op: "evaluate", "batch_size must be a positive integer, got \(batchSize)") }
    let n = X.shape[0]
    guard n > 0 else { throw TensorError(op: "evaluate", "the data set is empty") }
    let data = Dataset(unchecked: X, y)
    return try GradMode.noGrad {
        var total = 0.0, correct = 0, classification = true
        var start = 0
        while start < n {
            let end = start + Swift.min(batchSize, n - start)
            let part = n <= batchSize ? data : data.rows(Array(start..<end))
            let out = try model(part.X)
            let l = try loss(out, part.y)
            guard l.count == 1 else {
                throw TensorError(op: "evaluate", "the loss must be a single number, got shape \(l.shape) (use reduction mean or sum)")
            }
            total += try l.item() * Double(end - start)
            if classification && isClassification(out, part.y) { correct += correctCount(out, part.y) } else { classification = false }
            start = end
        }
        return Evaluation(loss: total / Double(n), accuracy: classification ? Double(correct) / Double(n) : nil)
    }
}

/// Trains `model` with `optimizer` on the batches of `data` for `epochs`
/// passes, as the usual PyTorch loop, and records a `History`:
/// ```
/// for epoch in startEpoch+1...epochs:
///     train mode;  for (xb, yb) in data:
///         optimizer.zeroGrad();  l = loss(model(xb), yb);  l.backward();  optimizer.step()
///         (batch-unit scheduler).advance();  progress;  stop if shouldStop()
///     eval mode;  evaluate on validation;  (epoch-unit scheduler).advance(metric: val or train loss)
///     earlyStopping.epochEnded(val loss);  epochEnded(epoch, history)   # e.g. write a checkpoint
///     stop if earlyStopping stopped
/// earlyStopping.restoreBest: put the best epoch's weights back
/// ```
/// - Parameters:
///   - setTraining: switches the model between training and evaluation mode
///     (a `Module`'s `train`/`eval`); nil for a plain function.
///   - startEpoch: the epochs already done (a resumed run, whose state the
///     caller restored): training continues with epoch `startEpoch + 1`, up
///     to `epochs` in all, and `history` holds the earlier epochs.
///   - earlyStopping: the early-stopping rule (needs `validation`; with
///     `restoreBest`, `weights` reads and restores the model's weights).
///   - epochEnded: called after each complete epoch, everything advanced
///     (schedule, early stopping), with the history so far; not after an
///     interrupted one.
///   - tracker: records σ, η/σ and the gradient norm per epoch (`track:`).
///   - watcher: every `watcher.every` steps, before the step, estimates the
///     gradient norm and the extreme Hessian eigenvalues on the step's batch
///     with the model in eval mode (`setTraining(false)`, then back), into
///     `history.curvature` (`watch: "curvature"`); it changes nothing the
///     training reads.
///   - shouldStop: checked after every batch; when it returns true training
///     stops at that safe point (between steps) and the history so far is
///     returned with `interrupted` set.
/// A loss that becomes NaN or infinite stops training with an error that
/// names the epoch and batch.
public func fit(model: (Tensor) throws -> Tensor, loss: (Tensor, Tensor) throws -> Tensor,
                optimizer: Optimizer, data: DataLoader, epochs: Int,
                validation: Dataset? = nil, schedule: LearningRateScheduler? = nil,
                setTraining: ((Bool) -> Void)? = nil, progress: ProgressReporter? = nil,
                startEpoch: Int = 0, history initial: History = History(),
                earlyStopping: EarlyStopping? = nil, weights: ModelWeights? = nil,
                epochEnded: ((Int, History) throws -> Void)? = nil, tracker: TrainingTracker? = nil,
                watcher: CurvatureWatcher? = nil, shouldStop: () -> Bool = { false }) throws -> History {
    guard epochs >= 1 else { throw TensorError(op: "fit", "epochs must be >= 1, got \(epochs)") }
    guard startEpoch >= 0, startEpoch <= epochs else {
        throw TensorError(op: "fit", "the run to resume is at epoch \(startEpoch), past epochs: \(epochs) (epochs: is the total, counted from the run's first epoch; give at least \(startEpoch))")
    }
    if let earlyStopping {
        guard validation != nil else {
            throw TensorError(op: "fit", "early stopping monitors the validation loss; give val: (a Dataset or (X, y))")
        }
        guard !earlyStopping.restoreBest || weights != nil else {
            throw TensorError(op: "fit", "restore_best needs a way to read the model's weights")
        }
    }
    var history = initial
    history.interrupted = false
    if let tracker {
        try tracker.prepare(&history, startEpoch: startEpoch)
    } else if startEpoch > 0, let first = history.tracked.first {
        throw TensorError(op: "fit", "the run to resume tracked \(first.name) (track:); give the same track: to continue its series")
    }
    let start = ProcessInfo.processInfo.systemUptime
    let batches = data.batchCount
    var stepsDone = 0
    defer { progress?.trainingEnded(interrupted: history.interrupted) }
    if startEpoch < epochs && earlyStopping?.stopped != true {
        for epoch in (startEpoch + 1)...epochs {
            let epochStart = ProcessInfo.processInfo.systemUptime
            let lrAtStart = optimizer.lr
            setTraining?(true)
            var lossSum = 0.0, seen = 0, correct = 0, classification = true
            var b = 0
            for (xb, yb) in data {
                b += 1
                if let watcher {
                    // The steps of the whole run (a resumed run continues the count).
                    let (base, overflow) = (epoch - 1).multipliedReportingOverflow(by: batches)
                    guard !overflow else { throw TensorError(op: "fit", "watch: the step count overflows at epoch \(epoch)") }
                    let step = base + b - 1
                    if step % watcher.every == 0 {
                        setTraining?(false)
                        defer { setTraining?(true) }
                        history.curvature.append(step: step, try watcher.estimate(xb, yb))
                    }
                }
                optimizer.zeroGrad()
                let out = try model(xb)
                let l = try loss(out, yb)
                guard l.count == 1 else {
                    throw TensorError(op: "fit", "the loss must be a single number, got shape \(l.shape) (use reduction mean or sum)")
                }
                let value = try l.item()
                guard value.isFinite else {
                    throw TensorError(op: "fit", "the loss became \(value) at epoch \(epoch), batch \(b); training diverged (try a smaller learning rate, or check the data for NaN)")
                }
                try l.backward()
                try optimizer.step()
                tracker?.stepped(optimizer, lr: optimizer.lr)
                stepsDone += 1
                let n = xb.shape[0]
                lossSum += value * Double(n)
                seen += n
                if classification && isClassification(out, yb) { correct += correctCount(out.detach(), yb) } else { classification = false }
                if let schedule, schedule.unit == .batch { try schedule.advance(metric: nil) }
                if let progress {
                    let now = ProcessInfo.processInfo.systemUptime
                    let perStep = (now - start) / Double(stepsDone)
                    let left = (Double(epochs - epoch) * Double(batches) + Double(batches - b)) * perStep
                    progress.batchEnded(BatchProgress(epoch: epoch, epochs: epochs, batch: b, batches: batches,
                                                      loss: lossSum / Double(Swift.max(seen, 1)),
                                                      samplesPerSecond: Double(seen) / Swift.max(now - epochStart, 1e-9),
                                                      elapsed: now - start, remaining: left))
                }
                if shouldStop() { history.interrupted = true; break }
            }
            if history.interrupted && seen == 0 { break }
            setTraining?(false)
            let trainLoss = lossSum / Double(Swift.max(seen, 1))
            var val: Evaluation?
            if let validation, !history.interrupted {
                val = try evaluate(model: model, loss: loss, X: validation.X, y: validation.y, batchSize: Swift.max(data.batchSize, 256))
            }
            history.trainLoss.append(trainLoss)
            if classification && seen > 0 { history.trainAccuracy.append(Double(correct) / Double(seen)) }
            if let val {
                history.valLoss.append(val.loss)
                if let a = val.accuracy { history.valAccuracy.append(a) }
            }
            history.lr.append(lrAtStart)
            if let tracker { history.record(try tracker.epochEnded(optimizer)) }
            let seconds = ProcessInfo.processInfo.systemUptime - epochStart
            history.seconds.append(seconds)
            progress?.epochEnded(EpochSummary(epoch: epoch, epochs: epochs, trainLoss: trainLoss, valLoss: val?.loss,
                                              trainAccuracy: classification ? history.trainAccuracy.last : nil,
                                              valAccuracy: val?.accuracy, lr: lrAtStart, seconds: seconds))
            if history.interrupted { break }
            if let schedule, schedule.unit == .epoch { try schedule.advance(metric: val?.loss ?? trainLoss) }
            var stop = false
            if let earlyStopping, let v = val?.loss {
                stop = earlyStopping.epochEnded(epoch, valLoss: v, snapshot: weights?.snapshot ?? { [] })
                history.bestEpoch = earlyStopping.bestEpoch
                history.stoppedEarly = earlyStopping.stopped
                if stop { progress?.stoppedEarly(epoch: epoch, patience: earlyStopping.patience ?? 0) }
            }
            try epochEnded?(epoch, history)
            if stop { break }
        }
    }
    if let earlyStopping, earlyStopping.restoreBest, let kept = earlyStopping.bestWeights, let weights {
        try weights.restore(kept)
        progress?.weightsRestored(epoch: earlyStopping.bestEpoch, valLoss: earlyStopping.best)
    }
    setTraining?(true)
    return history
}

/// `fit` for a `Module`: switches it between training and evaluation mode
/// around validation.
public func fit(module: Module, loss: (Tensor, Tensor) throws -> Tensor, optimizer: Optimizer,
                data: DataLoader, epochs: Int, validation: Dataset? = nil,
                schedule: LearningRateScheduler? = nil, progress: ProgressReporter? = nil,
                startEpoch: Int = 0, history: History = History(), earlyStopping: EarlyStopping? = nil,
                epochEnded: ((Int, History) throws -> Void)? = nil, tracker: TrainingTracker? = nil,
                watcher: CurvatureWatcher? = nil, shouldStop: () -> Bool = { false }) throws -> History {
    try fit(model: { try module($0) }, loss: loss, optimizer: optimizer, data: data, epochs: epochs,
            validation: validation, schedule: schedule, setTraining: { module.train($0) },
            progress: progress, startEpoch: startEpoch, history: history, earlyStopping: earlyStopping,
            weights: .module(module), epochEnded: epochEnded, tracker: tracker, watcher: watcher, shouldStop: shouldStop)
}
