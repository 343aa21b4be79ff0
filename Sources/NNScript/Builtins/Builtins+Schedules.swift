import NNLib
import NNTensor

/// Learning-rate schedules: pure functions of the step, bound to an optimizer.
extension Builtins {
    /// The optimizer (`opt`, or nil when it is a number: an unbound
    /// schedule) and the base rate (`lr:` when given, else the optimizer's
    /// rate, else the number).
    static func scheduleBase(_ a: BuiltinArguments) throws -> (Optimizer?, Double) {
        var opt: Optimizer?
        var base: Double?
        switch try a["opt"] {
        case .object(let o as OptimizerObject):
            opt = o.optimizer
            base = o.optimizer.lr
        case .number(let d): base = d
        case .nil: break
        default: throw try a.bad("opt", "optimizer or base learning rate")
        }
        if let l = try a.optionalNumber("lr") { base = l }
        guard let base else { throw a.error("give an optimizer or the base rate lr:") }
        return (opt, base)
    }

    static func unit(_ a: BuiltinArguments, _ name: String, default d: ScheduleUnit) throws -> ScheduleUnit {
        if try a[name].isNil { return d }
        let s = try a.string(name)
        guard let u = ScheduleUnit(rawValue: s) else {
            throw try a.bad(name, message: "unit must be \"epoch\" or \"batch\", got \(Value.quote(s))" + Suggest.didYouMean(s, among: ["epoch", "batch"]))
        }
        return u
    }

    /// The schedule object: bound (sets the optimizer's rate to `lr_at(0)` now) or pure.
    static func scheduleValue(_ kind: String, _ s: Schedule, _ opt: Optimizer?, _ u: ScheduleUnit) throws -> Value {
        let bound = try opt.map { try LRScheduler($0, s, unit: u) }
        return .object(ScheduleObject(kind: kind, schedule: s, scheduler: bound, optimizer: opt))
    }

    /// The standard trailing parameters of a schedule: base `lr:` and the stepping `unit:`.
    static let scheduleTail: [BuiltinParameter] = [.optional("lr"), .optional("unit")]
    static let scheduleDoc = "\n`opt` is an optimizer (the schedule then sets `opt.lr` at each `step()`, starting now with `lr_at(0)`) or a base rate (a pure schedule, for printing and plotting); `lr:` overrides the base rate. `unit:` says whether `fit` steps it per \"epoch\" (default) or per \"batch\"."

    /// A schedule's discussion: its formula (a code block), `note`, then ``scheduleDoc``.
    static func scheduleDiscussion(_ formula: String, _ note: String = "") -> String {
        "```\n" + formula + "\n```" + note + scheduleDoc
    }

    /// The body of a schedule of a base rate: reads the optimizer and the
    /// base rate, builds the schedule with `make`, and binds it (stepped per
    /// `unit:`, by default `defaultUnit`). Its kind is the builtin's name.
    static func schedule(_ a: BuiltinArguments, unit defaultUnit: ScheduleUnit = .epoch,
                         _ make: (Double) throws -> Schedule) throws -> Value {
        let (opt, base) = try scheduleBase(a)
        return try scheduleValue(a.builtin.name, try make(base), opt, try unit(a, "unit", default: defaultUnit))
    }

    static let schedules: [Builtin] = [
        Builtin("Constant", [.required("opt")] + scheduleTail, area: "Schedules",
                summary: "The same learning rate at every step.", discussion: scheduleDoc) { a in
            try schedule(a) { try .constant($0) }
        },
        Builtin("StepDecay", [.required("opt"), .required("every"), .optional("gamma", .number(0.1))] + scheduleTail,
                area: "Schedules", summary: "Multiplies the rate by `gamma` every `every` steps, as `StepLR`.",
                discussion: scheduleDiscussion("lr(t) = base * gamma ^ floor(t / every)")) { a in
            try schedule(a) { try .stepDecay(base: $0, every: try a.int("every"), gamma: try a.number("gamma")) }
        },
        Builtin("MultiStep", [.required("opt"), .required("milestones"), .optional("gamma", .number(0.1))] + scheduleTail,
                area: "Schedules", summary: "Multiplies the rate by `gamma` at each milestone step, as `MultiStepLR`.",
                discussion: scheduleDiscussion("lr(t) = base * gamma ^ (number of milestones <= t)")) { a in
            try schedule(a) { base in
                let ms = try Convert.ints(try a["milestones"], "milestones", "MultiStep")
                return try .multiStep(base: base, milestones: ms, gamma: try a.number("gamma"))
            }
        },
        Builtin("Exponential", [.required("opt"), .required("gamma")] + scheduleTail, area: "Schedules",
                summary: "Multiplies the rate by `gamma` every step, as `ExponentialLR`.",
                discussion: scheduleDiscussion("lr(t) = base * gamma ^ t")) { a in
            try schedule(a) { try .exponential(base: $0, gamma: try a.number("gamma")) }
        },
        Builtin("CosineDecay", [.required("opt"), .required("steps"), .optional("min_lr", .number(0))] + scheduleTail,
                area: "Schedules", summary: "Cosine annealing from the base rate to `min_lr` over `steps`, then held, as `CosineAnnealingLR`.",
                discussion: scheduleDiscussion("lr(t) = min_lr + (base - min_lr) * (1 + cos(π * min(t, steps) / steps)) / 2")) { a in
            try schedule(a) { try .cosine(base: $0, steps: try a.int("steps"), minLr: try a.number("min_lr")) }
        },
        Builtin("LinearDecay", [.required("opt"), .required("steps"), .optional("end_lr", .number(0))] + scheduleTail,
                area: "Schedules", summary: "Linear decay from the base rate to `end_lr` over `steps`, then held.",
                discussion: scheduleDiscussion("lr(t) = base + (end_lr - base) * min(t, steps) / steps")) { a in
            try schedule(a) { try .linearDecay(base: $0, steps: try a.int("steps"), endLr: try a.number("end_lr")) }
        },
        Builtin("Warmup", [.required("opt"), .required("steps"), .optional("then"), .optional("start_factor", .number(0))] + scheduleTail,
                area: "Schedules", summary: "Linear warm-up over `steps` to the rate `then` starts at, then the schedule `then` (shifted to start at its step 0).",
                discussion: scheduleDiscussion("lr(t) = then(0) * (start_factor + (1 - start_factor) * t / steps)   for t < steps\nlr(t) = then(t - steps)                                              after",
                                               "\nWithout `then` the rate stays at the base rate after the warm-up. Stepped per \"batch\" by default.")) { a in
            try schedule(a, unit: .batch) { base in
                var then = try Schedule.constant(base)
                if try !a["then"].isNil {
                    guard case .object(let t as ScheduleObject) = try a["then"], let s = t.schedule else { throw try a.bad("then", "schedule") }
                    then = s
                }
                return try .warmup(steps: try a.int("steps"), startFactor: try a.number("start_factor"), then: then)
            }
        },
        Builtin("Transformer", [.required("opt"), .required("d_model"), .required("warmup"), .optional("scale", .number(1)),
                                .optional("unit")], area: "Schedules",
                summary: "The schedule of \"Attention Is All You Need\" (§5.3): linear rise for `warmup` steps, then `1/sqrt(t)` decay.",
                discussion: "```\nlr(t) = scale * d_model^-0.5 * min(t^-0.5, t * warmup^-1.5),   t = max(step, 1)\n```\nThe rate does not depend on the optimizer's; stepped per \"batch\" by default. `opt` may be nil for a pure schedule.") { a in
            var opt: Optimizer?
            switch try a["opt"] {
            case .object(let o as OptimizerObject): opt = o.optimizer
            case .nil, .number: break
            default: throw try a.bad("opt", "optimizer")
            }
            let s = try Schedule.transformer(dModel: try a.int("d_model"), warmup: try a.int("warmup"), scale: try a.number("scale"))
            return try scheduleValue("Transformer", s, opt, try unit(a, "unit", default: .batch))
        },
        Builtin("LambdaLR", [.required("opt"), .required("fn")] + scheduleTail, area: "Schedules",
                summary: "The base rate times `fn(step)`, as PyTorch's `LambdaLR`.",
                discussion: scheduleDiscussion("lr(t) = base * fn(t)", "\n`fn` is an nn function of the step number returning a factor.")) { a in
            try schedule(a) { base in
                let f = try a.callable("fn")
                let name = f.functionName
                let interp = a.interpreter
                return Schedule.custom("LambdaLR(base: \(base), fn: \(name))") { [weak interp] t in
                    guard let interp else { throw BuiltinError("LambdaLR: the interpreter is gone") }
                    let v = try interp.call(f, [.number(Double(t))])
                    guard case .number(let k) = v else {
                        throw BuiltinError("LambdaLR: \(name)(\(t)) must return a number, got \(v.typeName)")
                    }
                    return base * k
                }
            }
        },
        Builtin("ReduceOnPlateau", [.required("opt"), .optional("mode", .string("min")), .optional("factor", .number(0.1)),
                                    .optional("patience", .number(10)), .optional("threshold", .number(1e-4)),
                                    .optional("threshold_mode", .string("rel")), .optional("cooldown", .number(0)),
                                    .optional("min_lr", .number(0)), .optional("eps", .number(1e-8))], area: "Schedules",
                summary: "Multiplies the rate by `factor` when the monitored loss stops improving for more than `patience` epochs, as `ReduceLROnPlateau`.",
                discussion: "```\nbetter(a) = mode == \"min\" ? a < best * (1 - threshold) : a > best * (1 + threshold)   (rel)\nbad epochs > patience  →  lr = max(lr * factor, min_lr); cooldown epochs follow\n```\n`sched.step(metric)` takes the epoch's loss; `fit` passes the validation loss (or the training loss).") { a in
            guard case .object(let o as OptimizerObject) = try a["opt"] else { throw try a.bad("opt", "optimizer") }
            let modeName = try a.string("mode"), tm = try a.string("threshold_mode")
            guard let mode = ReduceLROnPlateau.Mode(rawValue: modeName) else {
                throw try a.bad("mode", message: "mode must be \"min\" or \"max\", got \(Value.quote(modeName))")
            }
            guard let thresholdMode = ReduceLROnPlateau.ThresholdMode(rawValue: tm) else {
                throw try a.bad("threshold_mode", message: "threshold_mode must be \"rel\" or \"abs\", got \(Value.quote(tm))")
            }
            let p = try ReduceLROnPlateau(o.optimizer, mode: mode, factor: try a.number("factor"), patience: try a.int("patience"),
                                          threshold: try a.number("threshold"), thresholdMode: thresholdMode,
                                          cooldown: try a.int("cooldown"), minLr: try a.number("min_lr"), eps: try a.number("eps"))
            return .object(ScheduleObject(kind: "ReduceOnPlateau", schedule: nil, scheduler: p, optimizer: o.optimizer))
        },
    ]
}
