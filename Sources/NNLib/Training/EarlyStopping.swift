import NNTensor

/// Early stopping on the validation loss with Keras' `EarlyStopping`
/// semantics (`monitor="val_loss"`, `mode="min"`, `min_delta=0`,
/// `baseline=None`, `restore_best_weights`, Keras 3):
/// ```
/// at the end of epoch e (1-based), with validation loss v:
///     if restoreBest and no weights kept yet: keep the weights, bestEpoch = e   # a fallback
///     wait += 1
///     if v < best:                                                  # strictly better (min_delta 0)
///         best = v;  bestEpoch = e;  wait = 0
///         if restoreBest: keep the weights
///     else if patience != nil and wait >= patience and e > 1:
///         stop training after this epoch
/// at the end of training (stopped early or not, also after Ctrl-C):
///     if restoreBest and weights were kept: put them back
/// ```
/// So `patience` counts consecutive epochs without improvement: with
/// patience 2 and losses `0.5, 0.4, 0.45, 0.41` training stops after epoch
/// 4 and (with `restoreBest`) the model gets epoch 2's weights. A NaN loss
/// never improves. `patience` nil never stops (only `restoreBest` acts).
/// This is Keras 3's `on_epoch_end` / `on_train_end` line for line
/// (`keras/src/callbacks/early_stopping.py`), with 1-based epochs.
public final class EarlyStopping {
    /// Epochs without improvement that stop training; nil never stops.
    public let patience: Int?
    /// Put back the best epoch's weights when training ends.
    public let restoreBest: Bool
    /// The lowest validation loss so far (`inf` before the first epoch).
    public private(set) var best = Double.infinity
    /// Epochs since the last improvement.
    public private(set) var wait = 0
    /// The 1-based epoch of `best` (with `restoreBest`, of the weights kept); nil before any.
    public private(set) var bestEpoch: Int?
    /// True once the rule has stopped training.
    public private(set) var stopped = false
    /// The weights kept for `restoreBest` (a snapshot: named tensors).
    public private(set) var bestWeights: [(name: String, tensor: Tensor)]?

    public init(patience: Int?, restoreBest: Bool) throws {
        if let patience, patience < 0 {
            throw TensorError(op: "fit", "patience must be >= 0 (epochs without improvement before stopping), got \(patience)")
        }
        self.patience = patience
        self.restoreBest = restoreBest
    }

    /// Records epoch `epoch`'s validation loss; `snapshot` gives the model's
    /// weights (called only when they must be kept). Returns true when
    /// training should stop after this epoch.
    public func epochEnded(_ epoch: Int, valLoss v: Double,
                           snapshot: () -> [(name: String, tensor: Tensor)]) -> Bool {
        if restoreBest && bestWeights == nil {
            bestWeights = snapshot()
            bestEpoch = epoch
        }
        wait += 1
        if v < best {
            best = v
            bestEpoch = epoch
            wait = 0
            if restoreBest { bestWeights = snapshot() }
            return false
        }
        if let patience, wait >= patience, epoch > 1 {
            stopped = true
            return true
        }
        return false
    }

    /// The counters a checkpoint keeps (the weights go as tensors).
    public struct Counters: Equatable {
        public var patience: Int?
        public var restoreBest: Bool
        public var best: Double
        public var wait: Int
        public var bestEpoch: Int?
        public var stopped: Bool

        public init(patience: Int?, restoreBest: Bool, best: Double, wait: Int, bestEpoch: Int?, stopped: Bool) {
            self.patience = patience
            self.restoreBest = restoreBest
            self.best = best
            self.wait = wait
            self.bestEpoch = bestEpoch
            self.stopped = stopped
        }
    }

    public var counters: Counters {
        Counters(patience: patience, restoreBest: restoreBest, best: best, wait: wait, bestEpoch: bestEpoch, stopped: stopped)
    }

    /// Puts back saved counters and weights after checking they belong to
    /// the same rule (same patience and restoreBest). `op` starts messages.
    public func restore(_ c: Counters, weights: [(name: String, tensor: Tensor)]?, op: String) throws {
        func show(_ p: Int?) -> String { p.map(String.init) ?? "nil" }
        guard c.patience == patience, c.restoreBest == restoreBest else {
            throw TensorError(op: op, "the checkpoint was written with patience: \(show(c.patience)), restore_best: \(c.restoreBest), but here patience: \(show(patience)), restore_best: \(restoreBest) (give the same ones to resume)")
        }
        guard c.wait >= 0, !c.best.isNaN, c.bestEpoch.map({ $0 >= 1 }) ?? true else {
            throw TensorError(op: op, "the checkpoint's early-stopping counters are out of range (best \(c.best), wait \(c.wait))")
        }
        if restoreBest && weights == nil && (c.bestEpoch != nil || c.wait > 0) {
            throw TensorError(op: op, "the checkpoint uses restore_best but holds no best weights")
        }
        best = c.best
        wait = c.wait
        bestEpoch = c.bestEpoch
        stopped = c.stopped
        bestWeights = restoreBest ? weights : nil
    }
}

/// How the training loop reads and puts back a model's weights (for
/// `restoreBest`): a `Module`'s state dict, or a function model's parameters
/// by their index in the optimizer (`"0"`, `"1"`, ...).
public struct ModelWeights {
    public let snapshot: () -> [(name: String, tensor: Tensor)]
    public let restore: ([(name: String, tensor: Tensor)]) throws -> Void

    public init(snapshot: @escaping () -> [(name: String, tensor: Tensor)],
                restore: @escaping ([(name: String, tensor: Tensor)]) throws -> Void) {
        self.snapshot = snapshot
        self.restore = restore
    }

    /// A module's parameters and buffers (`state_dict`).
    public static func module(_ m: Module) -> ModelWeights {
        ModelWeights(snapshot: { m.stateDictionary() }, restore: { try m.loadStateDictionary($0) })
    }

    /// A list of parameters, named by index.
    public static func parameters(_ ps: [Tensor]) -> ModelWeights {
        ModelWeights(snapshot: { ps.enumerated().map { ("\($0.offset)", $0.element.detach()) } }, restore: { saved in
            guard saved.count == ps.count, zip(saved, ps).allSatisfy({ $0.tensor.shape == $1.shape && $0.tensor.dtype == $1.dtype }) else {
                throw TensorError(op: "fit", "the kept weights do not match the parameters (\(saved.count) tensors for \(ps.count) parameters)")
            }
            try GradMode.noGrad { for (s, p) in zip(saved, ps) { try p.assign(s.tensor) } }
        })
    }
}
