#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NNFiles
import NNLib
import NNTensor

/// The training loop, evaluation, cross-validation and the bias/variance diagnosis.
extension Builtins {
    /// The optimizer argument `name`, or Adam over `params` (or the model's parameters).
    static func trainingOptimizer(_ a: BuiltinArguments, _ name: String, params: String, module: Module?) throws -> Optimizer {
        let given = try a[name], ps0 = try a[params]
        if case .object(let o as OptimizerObject) = given {
            guard ps0.isNil else {
                throw try a.bad(params, message: "params: chooses what the default Adam trains; opt: already has its parameters")
            }
            return o.optimizer
        }
        guard given.isNil else { throw try a.bad(name, "optimizer") }
        let ps: [Tensor]
        if !ps0.isNil {
            ps = try Params.collect(ps0, a.builtin.name, a.interpreter).filter(\.requiresGrad)
        } else if let module {
            ps = module.parameters
        } else {
            throw a.error("a function model needs opt: (or params: [W1, b1] to train with Adam)")
        }
        return try Adam(ps)
    }

    /// The batches to train on: a DataLoader, or `(X, y)` made into one.
    /// `resumedSeed` (a resumed run's loader seed) takes the place of a seed not given.
    static func loader(_ a: BuiltinArguments, _ name: String, batchSize: String, seed: String,
                       resumedSeed: UInt64? = nil) throws -> DataLoader {
        let data = try a[name]
        if case .object(let l as DataLoaderObject) = data {
            for own in [batchSize, seed] where try a.has(own) {
                throw try a.bad(own, message: "the DataLoader has its own \(own); give \(own): when making it, not here")
            }
            return l.loader
        }
        let (x, y) = try DataArg.pair(data, a.builtin.name)
        let s = try a[seed].isNil ? resumedSeed : nil
        return try DataLoader(x, y, batchSize: try a.int(batchSize), shuffle: true, seed: try s ?? Convert.seed(a, seed))
    }

    /// Runs `body` with `module` in eval mode, restoring every layer's mode after.
    static func inEvalMode<R>(_ module: Module?, _ body: () throws -> R) rethrows -> R {
        guard let module else { return try body() }
        let modes = module.namedModules.map { ($0.module, $0.module.isTraining) }
        module.eval()
        defer { for (m, t) in modes { m.train(t) } }
        return try body()
    }

    static let training: [Builtin] = [
        Builtin("fit", [.required("model"), .required("loss"), .optional("opt"), .required("data"), .optional("epochs", .number(1)),
                        .optional("val"), .optional("schedule"), .optional("params"), .optional("batch_size", .number(32)),
                        .optional("seed"), .optional("plot", .bool(false)), .optional("verbose", .bool(true)),
                        .optional("patience"), .optional("restore_best", .bool(false)), .optional("checkpoint"),
                        .optional("resume"), .optional("track"), .optional("lint", .bool(true)), .optional("lint_skip"),
                        .optional("watch"), .optional("every")],
                area: "Training",
                summary: "Trains `model` on `data` for `epochs` and returns the History (per-epoch losses, accuracies, lr, seconds).",
                discussion: "The usual PyTorch loop:\n```\nfor epoch in 1..=epochs:\n    model.train();  for (xb, yb) in data:\n        opt.zero_grad();  l = loss(model(xb), yb);  l.backward();  opt.step()\n    model.eval();   validation loss/accuracy;  schedule.step()\n```\n`data` is a DataLoader or `(X, y)` (then batches of `batch_size`, shuffled with `seed`); `val` a Dataset or `(X, y)`. `model` may be an nn function; without `opt:`, Adam(lr 1e-3) trains `params:` (or the model's parameters). A schedule steps per epoch or per batch as its `unit` says; ReduceOnPlateau gets the validation loss (else the training loss). Progress goes to stderr; `plot: true` draws the loss curve live. In a notebook (the Jupyter kernel) the progress and the curve are each one output, updated in place.\n\nEarly stopping, as Keras' `EarlyStopping(monitor=\"val_loss\", min_delta=0, patience, restore_best_weights)` (needs `val:`):\n```\nafter each epoch e:  wait += 1\n    if val_loss < best:  best = val_loss; best_epoch = e; wait = 0   (keep the weights, with restore_best)\n    elif patience != nil and wait >= patience and e > 1:  stop\nat the end (stopped or not):  restore_best puts back best_epoch's weights\n```\nso `patience: 5` stops after 5 epochs in a row without a strictly lower val_loss; `restore_best: true` alone restores without stopping.\n\n`checkpoint: \"run.ckpt\"` writes a checkpoint (see `save_checkpoint`) after each complete epoch, atomically: model, optimizer, schedule, data order, random generators, history and early-stopping state. `resume: \"run.ckpt\"` restores all of that first and continues with the next epoch; `epochs` is the total, counted from the run's first epoch, so `fit(..., epochs: 6, resume: f)` after 3 saved epochs trains epochs 4 to 6 and gives the same weights and history, bit for bit, as 6 epochs in one go (the same call otherwise: model, optimizer, schedule, data and `val`, made the same way). With `(X, y)` data and no `seed:`, the resumed run takes the saved seed.\n\nThe History has `train_loss`, `val_loss`, `train_acc`, `val_acc`, `lr` and `seconds` (lists, one entry per epoch), `epochs`, `interrupted`, `best_epoch` and `stopped_early`. Ctrl-C: the first press during `fit` (the first of the script run, or of the REPL entry) ends training after the current step, and `fit` returns the history so far with `interrupted: true` (a partly done epoch counts as an epoch, without validation, and writes no checkpoint), so `let h = fit(...)` still binds `h` and the script goes on; a second press interrupts as anywhere else.\n\nThe `checkpoint:` and `resume:` files must be ones the file policy allows, as for `save_checkpoint` and `load_checkpoint` (docs/sandbox.md).\n\n`track: [\"sigma\", \"effective_lr\", \"grad_norm\"]` (any of them) records per epoch, in the history, what the optimizer does (docs/optimizers.md):\n```\nh.grad_norm                   mean over the epoch's steps of ‖∇‖₂ (all parameters together)\nh.sigma, h.sigma_min/_max     median / min / max over every parameter element of σ after the epoch's last step\nh.effective_lr, _min, _max    the same for η/σ (η the lr that step used)\n```\nso `plot(h.effective_lr)` shows Adagrad's steps shrinking and RMSProp's recovering. A resumed run must track the same.\n\nBefore the first step (of a run not resumed) `fit` checks the setup as `lint` does and writes a warning for each mistake found to the error stream, once per interpreter for the same warning; `lint: false` turns the checks off, `lint_skip: [\"double_softmax\", ...]` some of them. " + lintDoc + watchDoc) { a in
            let interp = a.interpreter
            let (forward, module) = try ModuleBridge.model(try a["model"], interp, "fit")
            let lossFn = try ModuleBridge.loss(try a["loss"], interp, "fit")
            let opt = try trainingOptimizer(a, "opt", params: "params", module: module)
            let resumePath: String? = try a["resume"].isNil ? nil : try a.path("resume", .read)
            let checkpointPath: String? = try a["checkpoint"].isNil ? nil : try a.path("checkpoint", .write)
            var resumed: Checkpoint?
            if let resumePath {
                do { resumed = try TensorFiles.readCheckpoint(resumePath) } catch { throw a.error("\(error)") }
            }
            let data = try loader(a, "data", batchSize: "batch_size", seed: "seed", resumedSeed: resumed?.loader?.seed)
            let epochs = try a.int("epochs")
            let valValue = try a["val"]
            let val: Dataset? = try valValue.isNil ? nil : { let (x, y) = try DataArg.pair(valValue, "fit", what: "val"); return try Dataset(X: x, y: y, op: "fit") }()
            var sched: LearningRateScheduler?
            var scheduleObject: ScheduleObject?
            let schedule = try a["schedule"]
            if !schedule.isNil {
                guard case .object(let s as ScheduleObject) = schedule else { throw try a.bad("schedule", "schedule") }
                guard let bound = s.scheduler, let so = s.optimizer else {
                    throw try a.bad("schedule", message: "the schedule is not bound to an optimizer; make it with \(s.kind)(opt, ...)")
                }
                guard so === opt else { throw try a.bad("schedule", message: "the schedule is bound to a different optimizer than opt") }
                sched = bound
                scheduleObject = s
            }
            let early = try earlyStopping(a, hasValidation: val != nil)
            let tracker = try tracker(a, "track")
            let watcher = try curvatureWatcher(a, module: module, optimizer: opt, forward: forward, loss: lossFn)
            let parts = TrainingParts(interpreter: interp, model: module.map { .module($0) } ?? .parameters(opt.parameters),
                                      optimizer: opt, schedule: scheduleObject, loader: data)
            var startEpoch = 0, startHistory = History()
            if let c = resumed, let resumePath {
                (startEpoch, startHistory) = try resume(c, resumePath, parts, early, hasValidation: val != nil, epochs: epochs)
                if try a.bool("verbose") {
                    interp.options.errorOutput("resuming from '\(FilePath.printable(resumePath))' after epoch \(startEpoch)\n")
                }
            }
            let epochEnded: ((Int, History) throws -> Void)? = checkpointPath.map { path in
                { epoch, h in
                    var c = try parts.checkpoint(epoch: epoch, op: "fit")
                    c.history = h
                    if let early {
                        c.earlyStopping = early.counters
                        c.bestWeights = early.bestWeights
                    }
                    do { try TensorFiles.writeCheckpoint(c, to: path) } catch { throw BuiltinError("fit: \(error)") }
                }
            }
            try lintBeforeFit(a, module: module, data: data, opt: opt, schedule: scheduleObject, resuming: resumed != nil)
            let verbose = try a.bool("verbose"), plotting = try a.bool("plot")
            let text = verbose ? TextProgress(isTerminal: isatty(2) != 0, write: interp.options.errorOutput) : nil
            let progress: ProgressReporter?
            if interp.options.display != nil {  // a notebook
                progress = verbose || plotting ? DisplayProgress(interp: interp, verbose: verbose, plot: plotting) : nil
            } else {
                progress = plotting ? LivePlotProgress(inner: text, interp: interp, terminal: PlotTerminal.detect()) : text
            }
            let setTraining: ((Bool) -> Void)? = module.map { m in { m.train($0) } }
            let h = try interp.softStoppable({ shouldStop in
                try NNLib.fit(model: forward, loss: lossFn, optimizer: opt, data: data, epochs: epochs, validation: val,
                              schedule: sched, setTraining: setTraining, progress: progress, startEpoch: startEpoch,
                              history: startHistory, earlyStopping: early, weights: parts.model?.weights,
                              epochEnded: epochEnded, tracker: tracker, watcher: watcher, shouldStop: shouldStop)
            }, stoppedEarly: \.interrupted)
            if let e = (progress as? LivePlotProgress)?.writeError ?? (progress as? DisplayProgress)?.writeError { throw e }
            return .object(HistoryObject(h))
        },
        Builtin("evaluate", [.required("model"), .required("X"), .needed("y", when: yNeeded("X")), .required("loss"), .optional("batch_size", .number(1024))],
                area: "Training",
                summary: "The loss (and accuracy, for class scores) of `model` on `(X, y)`, in eval mode and without recording.",
                discussion: "Each batch's loss is weighted by its size, so the result is the mean over samples for a mean-reduced loss. `X` may be a Dataset (then `y` is omitted). Returns `{loss, accuracy}` (accuracy nil for regression).") { a in
            let interp = a.interpreter
            let (forward, module) = try ModuleBridge.model(try a["model"], interp, "evaluate")
            let (x, y) = try features(a, "X", "y")
            let lossFn = try ModuleBridge.loss(try a["loss"], interp, "evaluate")
            let e = try inEvalMode(module) {
                try NNLib.evaluate(model: forward, loss: lossFn, X: x, y: y, batchSize: try a.int("batch_size"))
            }
            return .object(ResultObject("Evaluation", [("loss", .number(e.loss)), ("accuracy", e.accuracy.map { .number($0) } ?? .nil)]) {
                "loss \(Convert.short(e.loss))" + (e.accuracy.map { ", accuracy \(Convert.short($0))" } ?? "")
            })
        },
        Builtin("cross_validate", [.required("make_model"), .required("X"), .needed("y", when: yNeeded("X")), .required("loss"), .optional("k", .number(5)),
                                   .optional("epochs", .number(10)), .optional("batch_size", .number(32)), .optional("score", .string("loss")),
                                   .optional("seed", .number(0))], area: "Training",
                summary: "k-fold cross-validation of a model recipe: the score of each fold, their mean and standard deviation.",
                discussion: "For each fold of `kfold(X, y, k:, seed:)`, `make_model()` builds a fresh model (or a `(model, opt)` pair; Adam(lr 1e-3) otherwise), `fit` trains it on the fold's training rows for `epochs`, and it is scored on the validation rows by `score`: \"loss\" or \"accuracy\".\n```\nmean = Σ s_i / k,   std = sqrt(Σ (s_i - mean)² / k)\n```") { a in
            let interp = a.interpreter
            let make = try a.callable("make_model")
            let (x, y) = try features(a, "X", "y")
            let lossFn = try ModuleBridge.loss(try a["loss"], interp, "cross_validate")
            let scoreName = try a.string("score")
            guard let score = FoldScore(rawValue: scoreName) else {
                throw try a.bad("score", message: "score must be \"loss\" or \"accuracy\", got \(Value.quote(scoreName))")
            }
            let epochs = try a.int("epochs"), batch = try a.int("batch_size"), seed = try a.int("seed")
            guard seed >= 0 else { throw try a.bad("seed", message: "a seed must be non-negative") }
            let cv = try NNLib.crossValidate(x, y, k: try a.int("k"), seed: UInt64(seed)) { _, fold in
                var made = try interp.call(make, [])
                var opt: Optimizer?
                if case .tuple(let t) = made, t.count == 2 {
                    made = t[0]
                    guard case .object(let o as OptimizerObject) = t[1] else {
                        throw a.error("make_model must return a model or a (model, optimizer) pair")
                    }
                    opt = o.optimizer
                }
                let (forward, module) = try ModuleBridge.model(made, interp, "cross_validate")
                guard let optimizer = try opt ?? module.map({ try Adam($0.parameters) }) else {
                    throw a.error("make_model returned a function; return (model, optimizer) instead")
                }
                let loader = try DataLoader(fold.train.X, fold.train.y, batchSize: batch, seed: UInt64(seed))
                let h = try NNLib.fit(model: forward, loss: lossFn, optimizer: optimizer, data: loader, epochs: epochs,
                                      setTraining: module.map { m in { m.train($0) } },
                                      shouldStop: { interp.interruptRequested })
                if h.interrupted { try interp.pollInterrupt() }
                let e = try inEvalMode(module) {
                    try NNLib.evaluate(model: forward, loss: lossFn, X: fold.val.X, y: fold.val.y)
                }
                if score == .accuracy {
                    guard let acc = e.accuracy else { throw a.error("score: \"accuracy\" needs a model that outputs class scores [N, C]") }
                    return acc
                }
                return e.loss
            }
            return .object(ResultObject("CrossValidation", [("scores", Convert.list(cv.scores)), ("mean", .number(cv.mean)),
                                                            ("std", .number(cv.std))]) {
                "\(cv.scores.count)-fold cross-validation (\(scoreName)): \(Convert.short(cv.mean)) ± \(Convert.short(cv.std)), folds \(Convert.shortList(cv.scores))"
            })
        },
        Builtin("diagnose", [.required("results"), .required("acceptable_loss"), .optional("tolerance", .number(0.01))], area: "Training",
                summary: "Says whether the losses of models of different capacity show an optimization issue, model bias or overfitting, and which rule fired.",
                discussion: "`results` is a list of records `{name, capacity, train_loss, val_loss}`. Hung-yi Lee's flowchart starts from the training loss: large → model bias or optimization issue (compare capacities); small → look at the validation loss (large: overfitting, or mismatch). The first rule that holds decides:\n```\n1. optimization issue: a larger model's training loss is above acceptable_loss\n                      and above a smaller one's · (1 + tolerance)   (never when both fit)\n2. model bias:         even the lowest training loss is above acceptable_loss\n3. overfitting:        training loss <= acceptable_loss but validation loss above it\n4. no problem found\n```\n`tolerance` is the relative margin by which a larger model's training loss must exceed a smaller one's to count as higher.") { a in
            let items = try a.sequence("results")
            let results = try items.enumerated().map { i, v -> CapacityResult in
                guard case .record(let r) = v else { throw try a.bad("results", message: "item \(i) must be a record {name, capacity, train_loss, val_loss}") }
                func num(_ k: String) throws -> Double {
                    guard case .number(let d)? = r[k] else { throw try a.bad("results", message: "item \(i) needs a number '\(k)'") }
                    return d
                }
                let name: String
                if case .string(let s)? = r["name"] { name = s } else { name = "model \(i)" }
                guard let cap = Int(exactlyChecked: try num("capacity")) else { throw try a.bad("results", message: "item \(i): capacity must be an integer") }
                return CapacityResult(name: name, capacity: cap, trainLoss: try num("train_loss"), valLoss: try num("val_loss"))
            }
            let d = try NNLib.diagnose(results, acceptableLoss: try a.number("acceptable_loss"), tolerance: try a.number("tolerance"))
            return .object(ResultObject("Diagnosis", [("finding", .string(d.finding.rawValue)), ("rule", .string(d.rule)),
                                                      ("evidence", .string(d.evidence)), ("advice", .string(d.advice))]) { d.description })
        },
    ]
}
