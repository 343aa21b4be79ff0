import NNLib
import NNTensor

/// An optimizer (`SGD`, `Adam`, ...) as a script value: `opt.step()`,
/// `opt.zero_grad()`, `opt.lr` (read and set), `opt.parameters`, and its
/// hyperparameters by their PyTorch names.
final class OptimizerObject: LibraryObject {
    let optimizer: Optimizer
    /// The hyperparameters as constructed, for printing and reading.
    let settings: [(String, Value)]
    /// Each parameter's state_dict name (`0.weight`), when the optimizer was
    /// made from a model or its `parameters()` (see ``ParameterNames``).
    let names: [String]?

    init(_ optimizer: Optimizer, settings: [(String, Value)], names: [String]? = nil) {
        self.optimizer = optimizer
        self.settings = settings
        self.names = names
    }

    var typeName: String { optimizer.name }

    var description: String {
        let values = optimizer.parameters.reduce(0) { $0 + $1.count }
        let s = ([("lr", Value.number(optimizer.lr))] + settings).map { "\($0.0): \($0.1.repr)" }.joined(separator: ", ")
        return "\(optimizer.name)(\(s)) over \(Signature.count(optimizer.parameters.count, "parameter")) (\(Convert.grouped(values)) values)"
    }

    static let methods: [Method<OptimizerObject>] = [
        Method("step", summary: "Updates every parameter that has a gradient, in place.") { o, _ in
            try o.optimizer.step()
            return .nil
        },
        Method("zero_grad", summary: "Clears the gradient of every parameter.") { o, _ in
            o.optimizer.zeroGrad()
            return .nil
        },
        stateMethod,
    ]

    /// The hyperparameters some optimizer is made with, by their PyTorch names
    /// (each optimizer has a few of them: its `settings`).
    static let hyperparameters = ["momentum", "dampening", "nesterov", "betas", "eps", "weight_decay", "amsgrad", "lr_decay",
                                  "initial_accumulator_value", "alpha", "centered"]

    static let properties: [Property<OptimizerObject>] = [
        Property("lr", "The learning rate; the one hyperparameter that can be set (`opt.lr = 0.01`), as schedules do.",
                 set: { o, v in try o.setRate(v) }) { .number($0.optimizer.lr) },
        Property("parameters", "The parameters it updates, as a list.") { o in .list(o.optimizer.parameters.map { .tensor($0) }) },
        Property("steps", "The number of steps taken (the most any parameter has had).") { o in
            .number(Double(o.optimizer.stepCounts.max() ?? 0))
        },
    ] + hyperparameters.map { name in
        Property(name, "A hyperparameter as the optimizer was made (read only; each optimizer has its own).",
                 when: { o in o.settings.contains { $0.0 == name } }) { o in o.settings.first { $0.0 == name }?.1 ?? .nil }
    }

    static let members = Members<OptimizerObject>(
        "Optimizer", makers: ["SGD", "Adam", "AdamW", "Adagrad", "RMSProp"],
        summary: "Updates parameters from their gradients: `opt.zero_grad()`, `loss.backward()`, `opt.step()`.",
        methods: methods, properties: properties)

    /// `opt.lr = x`: a finite rate >= 0.
    private func setRate(_ value: Value) throws {
        guard case .number(let lr) = value, lr.isFinite, lr >= 0 else {
            throw BuiltinError("\(optimizer.name): lr must be a finite number >= 0, got \(value.repr)")
        }
        optimizer.lr = lr
    }

    /// Sets `lr`; the other hyperparameters are fixed when the optimizer is made, and saying so names the one that can be set.
    func setMember(_ name: String, to value: Value, in interpreter: Interpreter) throws -> Bool {
        if try Self.members.set(name, of: self, to: value) { return true }
        if settings.contains(where: { $0.0 == name }) {
            throw BuiltinError("\(optimizer.name): '\(name)' is fixed when the optimizer is made; only lr can be set")
        }
        return false
    }
}

/// A learning-rate schedule as a script value.
///
/// Bound to an optimizer (`StepDecay(opt, every: 10)`), `sched.step()`
/// advances it and sets `opt.lr`; unbound (`CosineDecay(0.1, steps: 100)`),
/// it is a pure function of the step for printing and plotting. Either way
/// `sched.lr_at(t)` is the rate at step `t` and `sched.lr` the current one.
final class ScheduleObject: LibraryObject {
    /// The kind: `StepDecay`, `CosineDecay`, ...
    let kind: String
    /// The rate as a function of the step (nil for ReduceOnPlateau).
    let schedule: Schedule?
    /// What advances the optimizer's rate (nil when unbound).
    let scheduler: LearningRateScheduler?
    let optimizer: Optimizer?
    /// Steps taken when unbound.
    var count = 0

    init(kind: String, schedule: Schedule?, scheduler: LearningRateScheduler?, optimizer: Optimizer?) {
        self.kind = kind
        self.schedule = schedule
        self.scheduler = scheduler
        self.optimizer = optimizer
    }

    var typeName: String { kind }

    var description: String {
        let what = schedule?.description ?? describePlateau()
        let unit = scheduler.map { " stepped per \($0.unit.rawValue)" } ?? ""
        let bound = optimizer.map { " on \($0.name), lr now \(Value.formatNumber($0.lr))" } ?? " (unbound)"
        return what + unit + bound
    }

    private func describePlateau() -> String {
        guard let p = scheduler as? ReduceLROnPlateau else { return kind }
        return "ReduceOnPlateau(mode: \(p.mode.rawValue), factor: \(p.factor), patience: \(p.patience), threshold: \(p.threshold))"
    }

    /// Steps taken so far.
    var steps: Int { (scheduler as? LRScheduler)?.stepCount ?? count }

    static let methods: [Method<ScheduleObject>] = [
        Method("step", [.optional("metric")],
               summary: "Advances the schedule one step and sets the optimizer's lr (ReduceOnPlateau needs the epoch's `metric`).") { s, a in
            if try a.has("metric"), !(s.scheduler is ReduceLROnPlateau) {
                throw try a.bad("metric", message: "metric is for ReduceOnPlateau; \(s.kind) depends on the step count only")
            }
            try s.step(metric: try a.optionalNumber("metric"))
            return .nil
        },
        Method("lr_at", [.required("step")], summary: "The learning rate at `step` (0 before any step).") { s, a in
            .number(try s.rate(a.int("step")))
        },
        Method("lrs", [.required("steps")], summary: "The learning rates at steps `0..steps`, as a list.") { s, a in
            let n = try a.int("steps")
            guard n >= 0, n <= 10_000_000 else { throw try a.bad("steps", message: "steps must be in 0...10000000, got \(n)") }
            return .list(try (0..<n).map { .number(try s.rate($0)) })
        },
    ]

    static let properties: [Property<ScheduleObject>] = [
        Property("lr", "The current rate (the optimizer's, when bound).") { s in
            if let o = s.optimizer { return .number(o.lr) }
            return .number(try s.rate(s.count))
        },
        Property("steps", "The steps taken so far.") { .number(Double($0.steps)) },
        Property("unit", "\"epoch\" or \"batch\": what `fit` steps it per (nil when unbound).") { s in
            s.scheduler.map { .string($0.unit.rawValue) } ?? .nil
        },
    ]

    static let members = Members<ScheduleObject>(
        "Schedule", makers: ["Constant", "StepDecay", "MultiStep", "Exponential", "CosineDecay", "LinearDecay", "Warmup",
                             "Transformer", "LambdaLR", "ReduceOnPlateau"],
        summary: "A learning-rate schedule, bound to an optimizer (`sched.step()` sets `opt.lr`) or unbound (a function of the step).",
        methods: methods, properties: properties)

    /// The rate at `step`; ReduceOnPlateau has none (it depends on the metric).
    func rate(_ step: Int) throws -> Double {
        guard let schedule else {
            throw BuiltinError("\(kind): the rate depends on the monitored metric, so it is not a function of the step")
        }
        return try schedule.lrAt(step)
    }

    func step(metric: Double?) throws {
        if let s = scheduler {
            try s.advance(metric: metric)
        } else {
            _ = try rate(count + 1)
            count += 1
        }
    }
}
