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
