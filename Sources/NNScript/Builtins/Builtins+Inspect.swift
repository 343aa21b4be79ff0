import NNLib
import NNTensor

/// `fit(..., track:)`: the history's tracked series.
extension HistoryObject {
    /// What each tracked series holds, by name (docs/optimizers.md).
    static let trackedSummaries: [(String, String)] = [
        ("sigma", "With `track: [\"sigma\"]`: per epoch, the median over every parameter element of σ, the scale the optimizer divides by, after the epoch's last step."),
        ("sigma_min", "With `track: [\"sigma\"]`: per epoch, the smallest σ."),
        ("sigma_max", "With `track: [\"sigma\"]`: per epoch, the largest σ."),
        ("effective_lr", "With `track: [\"effective_lr\"]`: per epoch, the median over every parameter element of η/σ after the epoch's last step."),
        ("effective_lr_min", "With `track: [\"effective_lr\"]`: per epoch, the smallest η/σ."),
        ("effective_lr_max", "With `track: [\"effective_lr\"]`: per epoch, the largest η/σ."),
        ("grad_norm", "With `track: [\"grad_norm\"]`: per epoch, the mean over its steps of the gradient norm ‖∇‖₂ (all parameters together)."),
    ]

    static var trackedProperties: [Property<HistoryObject>] {
        trackedSummaries.map { name, summary in
            Property(name, summary, when: { $0.history.tracked(name) != nil }) { o in
                Convert.list(o.history.tracked(name) ?? [])
            }
        }
    }
}

extension Builtins {
    /// `track:` of `fit`: a list of names (or one name), or nil.
    static func tracker(_ a: BuiltinArguments, _ name: String) throws -> TrainingTracker? {
        let v = try a[name]
        if v.isNil { return nil }
        let names: [String]
        if case .string(let s) = v {
            names = [s]
        } else {
            names = try a.sequence(name).map { x in
                guard case .string(let s) = x else {
                    throw try a.bad(name, message: "track: takes names such as [\"sigma\", \"effective_lr\", \"grad_norm\"], got a \(x.typeName)")
                }
                return s
            }
        }
        do { return try TrainingTracker(names) } catch let e as TensorError {
            let unknown = names.first { !TrainingTracker.known.contains($0) }
            throw try a.bad(name, message: String(e.message.dropFirst("fit: ".count)) + (unknown.map { Suggest.didYouMean($0, among: TrainingTracker.known) } ?? ""))
        }
    }
}

/// Looking inside training: `explain(opt)` and `lint(model, loss)`.
extension Builtins {
    static let inspection: [Builtin] = [
        Builtin("explain", [.required("opt"), .optional("schedule")], area: "Optimizers",
                summary: "Prints what each hyperparameter of `opt` does right now and, per parameter, the min / median / max of the effective learning rate η/σ.",
                discussion: "σ is the per-coordinate scale the optimizer's last step divided by (see `opt.state(p)` and docs/optimizers.md):\n```\nSGD       σ = 1\nAdagrad   σ = sqrt(sum) + eps            η = lr / (1 + (t - 1) · lr_decay)\nRMSProp   σ = sqrt(v) + eps              (centered: sqrt(v - ḡ²) + eps)\nAdam(W)   σ = sqrt(v̂) + eps = sqrt(v) / sqrt(1 - β2^t) + eps\n```\nThe median of an even number of elements is the mean of the middle two. With `schedule:` (bound to `opt`) the lr line names the schedule, its step and the next rate. Before the first step only the hyperparameters are explained. Returns nil.") { a in
            guard case .object(let o as OptimizerObject) = try a["opt"] else { throw try a.bad("opt", "optimizer") }
            var schedule: ScheduleObject?
            let s = try a["schedule"]
            if !s.isNil {
                guard case .object(let so as ScheduleObject) = s else { throw try a.bad("schedule", "schedule") }
                guard so.optimizer === o.optimizer else {
                    throw try a.bad("schedule", message: "the schedule is not bound to this optimizer (make it with \(so.kind)(opt, ...))")
                }
                schedule = so
            }
            let text: String
            do { text = try o.explanation(schedule: schedule) } catch let e as TensorError { throw a.error(e.message) }
            try a.interpreter.write(text + "\n")
            return .nil
        },
    ]
}

/// Training lint: `fit` warns before its first step, `lint(model, loss)` on demand.
extension Builtins {
    /// The loss as lint knows it (the builtins `cross_entropy`, `binary_cross_entropy`, `mse`), else nil.
    static func lintLoss(_ v: Value) -> TrainingLint.LossKind? {
        guard case .builtin(let b) = v else { return nil }
        return TrainingLint.LossKind(rawValue: b.name)
    }

    /// The kinds named by argument `name` (nil: none), each checked against the known ones.
    static func lintKinds(_ a: BuiltinArguments, _ name: String) throws -> Set<String> {
        let v = try a[name]
        if v.isNil { return [] }
        let items: [Value]
        if case .string = v { items = [v] } else { items = try a.sequence(name) }
        var out: Set<String> = []
        for x in items {
            guard case .string(let k) = x, TrainingLint.kinds.contains(k) else {
                let shown = { if case .string(let k) = x { return Value.quote(k) } else { return "a \(x.typeName)" } }()
                throw try a.bad(name, message: "\(name): \(shown) is not a lint kind; the kinds are " +
                                TrainingLint.kinds.map { Value.quote($0) }.joined(separator: ", "))
            }
            out.insert(k)
        }
        return out
    }

    /// Writes each finding not skipped to the error stream, one line each:
    /// `warning: fit: [kind] message (silence: lint_skip: ["kind"])`. With
    /// `once`, a line this interpreter has already written is not repeated.
    /// Returns the kinds found (skipped ones left out).
    @discardableResult
    static func reportLint(_ findings: [TrainingLint.Finding], op: String, skip: Set<String>, skipName: String,
                           once: Bool, _ interp: Interpreter) -> [String] {
        var kinds: [String] = []
        for f in findings where !skip.contains(f.kind) {
            kinds.append(f.kind)
            let line = "warning: \(op): [\(f.kind)] \(f.message) (silence: \(skipName): [\"\(f.kind)\"])\n"
            if once {
                guard interp.libraryState.lintWarned.insert(line).inserted else { continue }
            }
            interp.options.errorOutput(line)
        }
        return kinds
    }

    static let lintDoc = "The kinds, each reported at most once, in this order:\n```\ndouble_softmax      the model ends in Softmax and the loss is cross_entropy (which takes logits)\nsigmoid_bce         the model ends in Sigmoid and the loss is binary_cross_entropy (which takes logits)\nmse_on_labels       mse against class labels: whole numbers 0..K-1 (2 <= K <= 10, all present) or one-hot rows\nbatchnorm_batch1    a BatchNorm trained with batches of 1, or a last batch of 1 (N % batch_size == 1)\nzero_lr             every step of the first epoch has lr 0 (lr 0, or a schedule at 0 stepped per epoch)\nunscaled_features   two input features' scales (largest |value|) differ by 1000x or more\n```\nThe loss is recognised when it is the builtin itself (`cross_entropy`, not a function calling it). Warnings go to the error stream, one line each: `warning: fit: [kind] what is wrong and the fix (silence: lint_skip: [\"kind\"])`."

    static let lintBuiltins: [Builtin] = [
        Builtin("lint", [.required("model"), .required("loss"), .optional("data"), .optional("opt"), .optional("schedule"),
                         .optional("batch_size", .number(32)), .optional("skip")], area: "Training",
                summary: "Checks a training setup for mistakes that train without an error but badly (double softmax, mse on labels, ...), writes a warning for each to the error stream and returns their kinds.",
                discussion: "`fit` runs the same checks before its first step (turn them off with `lint: false`, or some with `lint_skip: [kinds]`). `data` is `(X, y)`, a Dataset or a DataLoader (its batch size and drop_last then count), `opt` and `schedule` give the first step's learning rate; each check runs when what it needs is given. `skip` leaves kinds out.\n\n" + lintDoc) { a in
            let interp = a.interpreter
            let setup = try lintSetup(a, model: try a["model"], loss: try a["loss"], data: "data", opt: "opt", schedule: "schedule")
            let kinds = reportLint(TrainingLint.check(setup), op: "lint", skip: try lintKinds(a, "skip"), skipName: "skip", once: false, interp)
            return .list(kinds.map { .string($0) })
        },
    ]

    /// What `lint` looks at, from its arguments.
    static func lintSetup(_ a: BuiltinArguments, model: Value, loss: Value, data: String, opt: String, schedule: String) throws -> TrainingLint.Setup {
        var s = TrainingLint.Setup()
        if case .object(let m as ModuleObject) = model { s.model = m.module }
        s.loss = lintLoss(loss)
        let d = try a[data]
        if case .object(let l as DataLoaderObject) = d {
            s.X = l.loader.X
            s.y = l.loader.y
            s.batchSize = l.loader.batchSize
            s.dropLast = l.loader.dropLast
        } else if !d.isNil {
            let (x, y) = try DataArg.pair(d, a.builtin.name)
            s.X = x
            s.y = y
            s.batchSize = try a.int("batch_size")
        }
        let o = try a[opt]
        var lr: Double?
        if case .object(let oo as OptimizerObject) = o { lr = oo.optimizer.lr } else if !o.isNil { throw try a.bad(opt, "optimizer") }
        let sc = try a[schedule]
        var scheduleObject: ScheduleObject?
        if case .object(let so as ScheduleObject) = sc { scheduleObject = so } else if !sc.isNil { throw try a.bad(schedule, "schedule") }
        if let so = scheduleObject { s.schedule = so.schedule?.description ?? so.kind }
        s.firstEpochRates = firstEpochRates(lr: lr ?? scheduleObject?.optimizer?.lr, schedule: scheduleObject, setup: s)
        return s
    }
}

extension Builtins {
    /// `fit`'s lint: before the first step of a new run (not a resumed one),
    /// unless `lint: false`; `lint_skip:` is checked either way.
    static func lintBeforeFit(_ a: BuiltinArguments, module: Module?, data: DataLoader, opt: Optimizer,
                              schedule: ScheduleObject?, resuming: Bool) throws {
        let skip = try lintKinds(a, "lint_skip")
        guard try a.bool("lint"), !resuming else { return }
        var setup = TrainingLint.Setup(model: module, loss: lintLoss(try a["loss"]), X: data.X, y: data.y,
                                       batchSize: data.batchSize, dropLast: data.dropLast,
                                       schedule: schedule.map { $0.schedule?.description ?? $0.kind })
        setup.firstEpochRates = firstEpochRates(lr: opt.lr, schedule: schedule, setup: setup)
        reportLint(TrainingLint.check(setup), op: "fit", skip: skip, skipName: "lint_skip", once: true, a.interpreter)
    }

    /// The rates of the first epoch's steps: the current one (no schedule, or
    /// one stepped per epoch), or a per-batch schedule's rates at steps
    /// `0..<batches` (nil when the number of batches is not known).
    static func firstEpochRates(lr: Double?, schedule: ScheduleObject?, setup: TrainingLint.Setup) -> [Double]? {
        guard let lr else { return nil }
        guard let s = schedule, s.scheduler?.unit == .batch, s.steps == 0, let plain = s.schedule else { return [lr] }
        guard let n = setup.X?.shape.first, let b = setup.batchSize, b >= 1 else { return nil }
        let batches = Swift.min(setup.dropLast ? n / b : (n + b - 1) / b, 100_000)
        var rates: [Double] = []
        for step in 0..<batches {
            guard let r = try? plain.lrAt(step) else { return nil }
            rates.append(r)
            if r != 0 { break }
        }
        return rates
    }
}
