import NNFiles
import NNLib
import NNTensor

/// Checkpoints: a training run's whole state in one file, and back.
extension Builtins {
    /// The model argument: a layer or model, or a list of a function model's parameter tensors.
    static func checkpointModel(_ a: BuiltinArguments, _ name: String) throws -> TrainingParts.Model? {
        switch try a[name] {
        case .nil: return nil
        case .object(let o as ModuleObject): return .module(o.module)
        case .list(let l): return .parameters(try parameterList(l.items, a, name))
        case .tuple(let t): return .parameters(try parameterList(t, a, name))
        default: throw try a.bad(name, "model or list of parameter tensors")
        }
    }

    private static func parameterList(_ items: [Value], _ a: BuiltinArguments, _ name: String) throws -> [Tensor] {
        try items.enumerated().map { i, v in
            guard case .tensor(let t) = v else {
                throw try a.bad(name, message: "a function model's parameters must be tensors, got a \(v.typeName) at index \(i)")
            }
            return t
        }
    }

    /// The optional optimizer, schedule and data loader arguments.
    static func checkpointParts(_ a: BuiltinArguments) throws -> TrainingParts {
        var parts = TrainingParts(interpreter: a.interpreter, model: try checkpointModel(a, "model"))
        switch try a["opt"] {
        case .nil: break
        case .object(let o as OptimizerObject): parts.optimizer = o.optimizer
        default: throw try a.bad("opt", "optimizer")
        }
        switch try a["schedule"] {
        case .nil: break
        case .object(let s as ScheduleObject): parts.schedule = s
        default: throw try a.bad("schedule", "schedule")
        }
        switch try a["data"] {
        case .nil: break
        case .object(let l as DataLoaderObject): parts.loader = l.loader
        default: throw try a.bad("data", message: "DataLoader expected, got \(try a["data"].typeName); a checkpoint keeps a DataLoader's position, and fit(checkpoint:) the one it makes from (X, y)")
        }
        return parts
    }

    static let checkpointDoc = "\n\nThe file is one `.safetensors` file (any safetensors reader opens it): the tensors under `model.`, `opt.state.<i>.<buffer>`, `best.` and `extra.`, everything else as JSON in the header's `__metadata__` (the layout is in docs/persistence.md). It is written atomically; reading it checks every name, shape, dtype and field, and never executes anything." + fileDoc

    static let checkpoints: [Builtin] = [
        Builtin("save_checkpoint", [.required("path"), .optional("model"), .optional("opt"), .optional("schedule"), .optional("data"),
                                    .optional("epoch", .number(0)), .optional("history"), .optional("extra")], area: "Files",
                summary: "Saves a training run in one file: the model, the optimizer's state, the schedule's position, the random generators, the data loader's position, the epoch, the history and a user record.",
                discussion: "Everything training depends on, so that `load_checkpoint` in a new process continues the run bit for bit:\n```\nmodel     its state_dict (a list of tensors: a function model's parameters)\nopt       kind, lr, hyperparameters, step counts, buffers (momentum_buffer, exp_avg, exp_avg_sq, max_exp_avg_sq, sum, square_avg, grad_avg)\nschedule  its steps (ReduceOnPlateau: best, bad epochs, cooldown left)\ndata      a DataLoader's seed and epoch count (its next permutation)\nrng       the interpreter's generator and every Dropout's in the model (always saved)\n```\n`epoch` is the number of epochs done; `history` a History from `fit`; `extra` any record of numbers, strings, bools, nil, tensors, lists, tuples and records (saved exactly). A schedule bound to an optimizer needs that optimizer as `opt:`." + checkpointDoc) { a in
            let path = try a.path("path", .write)
            let parts = try checkpointParts(a)
            let epoch = try a.int("epoch")
            guard epoch >= 0 else { throw try a.bad("epoch", message: "epoch must be >= 0 (the epochs done), got \(epoch)") }
            var c = try parts.checkpoint(epoch: epoch, op: "save_checkpoint")
            switch try a["history"] {
            case .nil: break
            case .object(let h as HistoryObject): c.history = h.history
            default: throw try a.bad("history", "History")
            }
            let extra = try a["extra"]
            if !extra.isNil {
                var tensors: [(name: String, tensor: Tensor)] = []
                c.extra = try CheckpointValues.encode(extra, &tensors, op: "save_checkpoint").text
                c.extraTensors = tensors
            }
            do { try TensorFiles.writeCheckpoint(c, to: path) } catch { throw a.error("\(error)") }
            return .nil
        },
        Builtin("load_checkpoint", [.required("path"), .optional("model"), .optional("opt"), .optional("schedule"), .optional("data"),
                                    .optional("strict", .bool(true))], area: "Files",
                summary: "Restores a training run saved by `save_checkpoint` (or `fit(checkpoint:)`) into the objects given; returns `{epoch, history, extra}`.",
                discussion: "Restores the model's weights, the optimizer's state, the schedule's position, the data loader's position, the interpreter's random generator and every Dropout's, so training continues exactly as if it had not stopped. Make the objects as the saved run did (same architecture, same kind of optimizer with the same hyperparameters, same schedule, same loader settings), then load.\n\nEverything is checked before anything changes: names, shapes and dtypes of the weights and buffers, the optimizer's kind (an Adam checkpoint into SGD is an error naming both) and hyperparameters, the schedule, the loader's settings and seed, the Dropout layers. With `strict: true` every part the file holds (model, optimizer, schedule, data) must be given; `strict: false` leaves out the parts not given (e.g. only the model, to evaluate it). A part given that the file lacks is always an error. The result's `history` is a History (nil when none was saved), `extra` the user record (nil when none)." + checkpointDoc) { a in
            let path = try a.path("path", .read)
            let parts = try checkpointParts(a)
            let c: Checkpoint
            do { c = try TensorFiles.readCheckpoint(path) } catch { throw a.error("\(error)") }
            let extra = try checkpointExtra(c, path, op: "load_checkpoint")
            let restore = try parts.prepareRestore(c, file: path, op: "load_checkpoint", strict: try a.bool("strict"))
            try restore()
            return .record([("epoch", .number(Double(c.epoch))), ("history", c.history.map { .object(HistoryObject($0)) } ?? .nil),
                            ("extra", extra)])
        },
    ]

    /// The user record of `c`, decoded (nil when none was saved).
    static func checkpointExtra(_ c: Checkpoint, _ path: String, op: String) throws -> Value {
        let tensors = Dictionary(c.extraTensors.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
        guard let text = c.extra else {
            if let t = c.extraTensors.first {
                throw BuiltinError("\(op): cannot read '\(FilePath.printable(path))': tensor 'extra.\(t.name)' belongs to a user record, but there is no '__metadata__.extra'")
            }
            return .nil
        }
        let json: JSONValue
        do { json = try JSONValue.parse(text, maxDepth: 2 * CheckpointValues.maxDepth + 2) } catch {
            throw BuiltinError("\(op): cannot read '\(FilePath.printable(path))': '__metadata__.extra': \(error)")
        }
        return try CheckpointValues.decode(json, tensors: tensors, file: FilePath.printable(path), op: op)
    }

    /// fit's early-stopping rule from `patience:` and `restore_best:` (nil when neither is given).
    static func earlyStopping(_ a: BuiltinArguments, hasValidation: Bool) throws -> EarlyStopping? {
        let patience = try a.optionalInt("patience")
        let restoreBest = try a.bool("restore_best")
        guard patience != nil || restoreBest else { return nil }
        if let patience, patience < 0 {
            throw try a.bad("patience", message: "patience must be >= 0 (epochs without improvement before stopping), got \(patience)")
        }
        guard hasValidation else {
            throw a.error("\(patience != nil ? "patience:" : "restore_best:") monitors the validation loss; give val: (a Dataset or (X, y))")
        }
        return try EarlyStopping(patience: patience, restoreBest: restoreBest)
    }

    /// Restores a resumed run for fit: checks that `c` was written by a run
    /// like this call (history of its epochs, data position, the same
    /// early-stopping rule and validation), restores every part, and returns
    /// the epoch and history to continue from.
    static func resume(_ c: Checkpoint, _ path: String, _ parts: TrainingParts, _ early: EarlyStopping?,
                       hasValidation: Bool, epochs: Int) throws -> (Int, History) {
        let shown = "'\(FilePath.printable(path))'"
        func fail(_ m: String) -> BuiltinError { BuiltinError("fit: cannot resume from \(shown): \(m)") }
        guard c.epoch <= epochs else {
            throw fail("it is at epoch \(c.epoch), past epochs: \(epochs) (epochs: is the total, counted from the run's first epoch; give more than \(c.epoch) to train on)")
        }
        guard let h = c.history, h.epochs == c.epoch else {
            throw fail("it holds no history of its \(c.epoch) epochs (save_checkpoint(..., history: h) or fit(checkpoint:) write one); load it with load_checkpoint and call fit without resume:")
        }
        guard c.loader != nil else {
            throw fail("it holds no data loader position (save_checkpoint(..., data: loader) or fit(checkpoint:) write one)")
        }
        if c.epoch > 0 && h.valLoss.isEmpty == hasValidation {
            throw fail(hasValidation ? "the saved run had no val: (its history has no val_loss); resume without val:" : "the saved run had val: (its history has val_loss); give the same val:")
        }
        switch (early, c.earlyStopping) {
        case (let e?, let counters?):
            do { try e.restore(counters, weights: c.bestWeights, op: "fit") } catch let e as TensorError { throw BuiltinError(e.message) }
        case (let e?, nil):
            throw fail("it was written without patience: or restore_best:, but here patience: \(e.patience.map(String.init) ?? "nil"), restore_best: \(e.restoreBest) (give the same ones to resume)")
        case (nil, let counters?):
            throw fail("it was written with patience: \(counters.patience.map(String.init) ?? "nil"), restore_best: \(counters.restoreBest); give the same ones to resume")
        case (nil, nil): break
        }
        let restore = try parts.prepareRestore(c, file: path, op: "fit", strict: true)
        try restore()
        return (c.epoch, h)
    }
}
