import NNTensor

/// Where a learning-rate scheduler is, for checkpoints: what it is (its
/// printed form, which holds its kind and every hyperparameter), when it
/// steps, how many steps it has taken and, for `ReduceLROnPlateau`, its
/// counters.
///
/// The optimizer's current rate is not here: it belongs to the optimizer's
/// state (a schedule only ever sets it).
public struct SchedulerState: Equatable {
    /// The printed form: `StepDecay(base: 0.1, every: 2, gamma: 0.5)`,
    /// `ReduceLROnPlateau(mode: min, factor: 0.1, ...)`.
    public var description: String
    /// `epoch`, `batch`, or `none` for an unbound schedule.
    public var unit: String
    /// The steps taken (PyTorch's `last_epoch`); for a plateau scheduler, the epochs seen.
    public var steps: Int
    /// `ReduceLROnPlateau`'s best metric, epochs without improvement and cooldown left.
    public var best: Double?
    public var badEpochs: Int?
    public var cooldownLeft: Int?

    public init(description: String, unit: String, steps: Int, best: Double? = nil, badEpochs: Int? = nil,
                cooldownLeft: Int? = nil) {
        self.description = description
        self.unit = unit
        self.steps = steps
        self.best = best
        self.badEpochs = badEpochs
        self.cooldownLeft = cooldownLeft
    }

    /// Throws unless `saved` describes the same schedule as this one (same
    /// printed form and unit); `op` starts the message.
    public func checkSameSchedule(as saved: SchedulerState, op: String) throws {
        guard saved.description == description else {
            throw TensorError(op: op, "the checkpoint's schedule is \(saved.description), but the schedule given is \(description) (make the same schedule, with the same hyperparameters)")
        }
        guard saved.unit == unit else {
            throw TensorError(op: op, "the checkpoint's schedule steps per \(saved.unit), but the schedule given steps per \(unit)")
        }
        guard saved.steps >= 0 else {
            throw TensorError(op: op, "the checkpoint's schedule has taken \(saved.steps) steps; it must be >= 0")
        }
    }
}

extension LRScheduler {
    /// The position a checkpoint keeps.
    public func exportState() -> SchedulerState {
        SchedulerState(description: schedule.description, unit: unit.rawValue, steps: stepCount)
    }

    /// Checks `saved` and returns the change that restores the step count
    /// (the optimizer's rate is restored with the optimizer).
    public func prepareRestore(_ saved: SchedulerState, op: String) throws -> () -> Void {
        try exportState().checkSameSchedule(as: saved, op: op)
        guard saved.best == nil, saved.badEpochs == nil, saved.cooldownLeft == nil else {
            throw TensorError(op: op, "the checkpoint's schedule has plateau counters, but \(schedule.description) has none")
        }
        let steps = saved.steps
        return { [self] in stepCount = steps }
    }
}

extension ReduceLROnPlateau {
    /// `ReduceLROnPlateau(mode: min, factor: 0.1, patience: 10, ...)`: every hyperparameter.
    public var settingsDescription: String {
        "ReduceLROnPlateau(mode: \(mode.rawValue), factor: \(factor), patience: \(patience), threshold: \(threshold), "
            + "threshold_mode: \(thresholdMode.rawValue), cooldown: \(cooldown), min_lr: \(minLr), eps: \(eps))"
    }

    /// The counters a checkpoint keeps.
    public func exportState() -> SchedulerState {
        SchedulerState(description: settingsDescription, unit: unit.rawValue, steps: epochsSeen, best: best,
                       badEpochs: badEpochs, cooldownLeft: cooldownLeft)
    }

    /// Checks `saved` and returns the change that restores the counters.
    public func prepareRestore(_ saved: SchedulerState, op: String) throws -> () -> Void {
        try exportState().checkSameSchedule(as: saved, op: op)
        guard let best = saved.best, let bad = saved.badEpochs, let left = saved.cooldownLeft else {
            throw TensorError(op: op, "the checkpoint's ReduceLROnPlateau lacks its counters (best, bad_epochs, cooldown_left)")
        }
        guard !best.isNaN, bad >= 0, left >= 0, left <= cooldown else {
            throw TensorError(op: op, "the checkpoint's ReduceLROnPlateau counters are out of range (best \(best), bad_epochs \(bad), cooldown_left \(left))")
        }
        let steps = saved.steps
        return { [self] in restoreCounters(best: best, badEpochs: bad, cooldownLeft: left, epochsSeen: steps) }
    }
}

extension LearningRateScheduler {
    /// The state of either kind of scheduler.
    public func exportSchedulerState() -> SchedulerState? {
        switch self {
        case let s as LRScheduler: return s.exportState()
        case let s as ReduceLROnPlateau: return s.exportState()
        default: return nil
        }
    }

    /// Checks `saved` against either kind of scheduler; see their `prepareRestore`.
    public func prepareSchedulerRestore(_ saved: SchedulerState, op: String) throws -> () -> Void {
        switch self {
        case let s as LRScheduler: return try s.prepareRestore(saved, op: op)
        case let s as ReduceLROnPlateau: return try s.prepareRestore(saved, op: op)
        default: throw TensorError(op: op, "this kind of schedule cannot be restored from a checkpoint")
        }
    }
}
