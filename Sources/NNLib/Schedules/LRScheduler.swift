import NNTensor

/// When a training loop advances a scheduler.
public enum ScheduleUnit: String, Sendable {
    /// After every optimizer step (warm-up and Transformer schedules).
    case batch
    /// After every epoch (PyTorch's usual `scheduler.step()` placement).
    case epoch
}

/// Something a training loop advances to change an optimizer's learning rate.
public protocol LearningRateScheduler: AnyObject {
    /// When `fit` calls `advance(metric:)`.
    var unit: ScheduleUnit { get }
    /// Moves to the next step. `metric` is the epoch's monitored loss
    /// (validation loss when there is validation data, else training loss);
    /// only plateau schedulers use it.
    func advance(metric: Double?) throws
}

/// Binds a `Schedule` to an optimizer, as `torch.optim.lr_scheduler`:
/// constructing it sets `optimizer.lr = schedule.lrAt(0)`, and each
/// `step()` advances the count and sets `optimizer.lr = schedule.lrAt(count)`.
public final class LRScheduler: LearningRateScheduler {
    public let optimizer: Optimizer
    public let schedule: Schedule
    public let unit: ScheduleUnit
    /// The number of `step()` calls so far (PyTorch's `last_epoch`).
    public internal(set) var stepCount = 0

    public init(_ optimizer: Optimizer, _ schedule: Schedule, unit: ScheduleUnit = .epoch) throws {
        self.optimizer = optimizer
        self.schedule = schedule
        self.unit = unit
        optimizer.lr = try schedule.lrAt(0)
    }

    /// The optimizer's current learning rate.
    public var lr: Double { optimizer.lr }

    /// Advances one step and sets the optimizer's learning rate.
    public func step() throws {
        let lr = try schedule.lrAt(stepCount + 1)
        stepCount += 1
        optimizer.lr = lr
    }

    public func advance(metric: Double?) throws { try step() }
}

/// Divides the learning rate by `1 / factor` when a monitored metric has
/// stopped improving for more than `patience` epochs, exactly as PyTorch's
/// `ReduceLROnPlateau` (not a pure function of the step: it depends on the
/// metric).
///
/// ```
/// better(a, best) = mode == min ? a < best * (1 - threshold)   (rel)
///                                 a < best - threshold           (abs)
///                             (and mirrored for max)
/// on step(metric):
///     if better(metric, best): best = metric; bad = 0 else: bad += 1
///     if cooldownLeft > 0:     cooldownLeft -= 1; bad = 0
///     if bad > patience:       lr = max(lr * factor, minLr) (if it falls by more than eps)
///                              cooldownLeft = cooldown; bad = 0
/// ```
public final class ReduceLROnPlateau: LearningRateScheduler {
    public enum Mode: String, Sendable { case min, max }
    public enum ThresholdMode: String, Sendable { case rel, abs }

    public let optimizer: Optimizer
    public let mode: Mode
    public let factor: Double
    public let patience: Int
    public let threshold: Double
    public let thresholdMode: ThresholdMode
    public let cooldown: Int
    public let minLr: Double
    public let eps: Double
    public var unit: ScheduleUnit { .epoch }

    /// The best metric so far (`inf` for min mode before any step).
    public private(set) var best: Double
    /// Epochs without improvement since the last improvement or reduction.
    public private(set) var badEpochs = 0
    /// Epochs of cooldown left after a reduction.
    public private(set) var cooldownLeft = 0
    /// The number of `step(_:)` calls so far.
    public private(set) var epochsSeen = 0

    /// Defaults are PyTorch's: mode min, factor 0.1, patience 10, threshold
    /// 1e-4 relative, no cooldown, minLr 0, eps 1e-8.
    public init(_ optimizer: Optimizer, mode: Mode = .min, factor: Double = 0.1, patience: Int = 10,
                threshold: Double = 1e-4, thresholdMode: ThresholdMode = .rel, cooldown: Int = 0,
                minLr: Double = 0, eps: Double = 1e-8) throws {
        try Schedule.check("ReduceLROnPlateau", "factor", factor, factor >= 0 && factor < 1, "must be in [0, 1)")
        try Schedule.check("ReduceLROnPlateau", "patience", Double(patience), patience >= 0, "must be >= 0")
        try Schedule.check("ReduceLROnPlateau", "threshold", threshold, threshold >= 0, "must be >= 0")
        try Schedule.check("ReduceLROnPlateau", "cooldown", Double(cooldown), cooldown >= 0, "must be >= 0")
        try Schedule.check("ReduceLROnPlateau", "min_lr", minLr, minLr >= 0, "must be >= 0")
        try Schedule.check("ReduceLROnPlateau", "eps", eps, eps >= 0, "must be >= 0")
        self.optimizer = optimizer
        self.mode = mode
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.thresholdMode = thresholdMode
        self.cooldown = cooldown
        self.minLr = minLr
        self.eps = eps
        self.best = mode == .min ? .infinity : -.infinity
    }

    /// True when `a` improves on `best` by more than the threshold.
    public func isBetter(_ a: Double, than best: Double) -> Bool {
        switch (mode, thresholdMode) {
        case (.min, .rel): return a < best * (1 - threshold)
        case (.min, .abs): return a < best - threshold
        case (.max, .rel): return a > best * (1 + threshold)
        case (.max, .abs): return a > best + threshold
        }
    }

    /// Records one epoch's metric and reduces the learning rate if it has plateaued.
    public func step(_ metric: Double) throws {
        guard metric.isFinite else {
            throw TensorError(op: "ReduceLROnPlateau", "the monitored metric is \(metric); training has diverged (try a smaller lr)")
        }
        epochsSeen += 1
        if isBetter(metric, than: best) {
            best = metric
            badEpochs = 0
        } else {
            badEpochs += 1
        }
        if cooldownLeft > 0 {
            cooldownLeft -= 1
            badEpochs = 0
        }
        if badEpochs > patience {
            let reduced = Swift.max(optimizer.lr * factor, minLr)
            if optimizer.lr - reduced > eps { optimizer.lr = reduced }
            cooldownLeft = cooldown
            badEpochs = 0
        }
    }

    /// Puts back counters saved by a checkpoint (checked by `prepareRestore`).
    func restoreCounters(best: Double, badEpochs: Int, cooldownLeft: Int, epochsSeen: Int) {
        self.best = best
        self.badEpochs = badEpochs
        self.cooldownLeft = cooldownLeft
        self.epochsSeen = epochsSeen
    }

    public func advance(metric: Double?) throws {
        guard let metric else {
            throw TensorError(op: "ReduceLROnPlateau", "needs a metric each epoch (a loss), got none")
        }
        try step(metric)
    }
}
