#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NNTensor

/// A learning rate as a pure function of the step: `lrAt(step)` for
/// `step = 0, 1, 2, ...`, where step 0 is the rate before any scheduler
/// step (what PyTorch calls `last_epoch`). Because it is pure, a schedule
/// can be printed or plotted before training; `LRScheduler` binds one to an
/// optimizer and advances it.
///
/// Schedules compose: `warmup(steps:startFactor:then:)` runs another
/// schedule after its warm-up, shifted so that it starts at its own step 0.
public struct Schedule: CustomStringConvertible {
    /// How the schedule prints: its kind and hyperparameters.
    public let description: String
    private let rate: (Int) throws -> Double

    /// A schedule from any function of the step (see `custom`).
    public init(description: String, _ rate: @escaping (Int) throws -> Double) {
        self.description = description
        self.rate = rate
    }

    /// The learning rate at `step` (>= 0).
    public func lrAt(_ step: Int) throws -> Double {
        guard step >= 0 else {
            throw TensorError(op: "lr_at", "step must be >= 0, got \(step)")
        }
        let lr = try rate(step)
        guard lr.isFinite, lr >= 0 else {
            throw TensorError(op: "lr_at", "\(description) gave learning rate \(lr) at step \(step); a learning rate must be finite and >= 0")
        }
        return lr
    }

    /// The learning rates at steps `0..<count` (for printing or plotting).
    public func lrs(_ count: Int) throws -> [Double] {
        guard count <= 10_000_000 else {
            throw TensorError(op: "lr_at", "asked for \(count) learning rates; at most 10000000 at once")
        }
        return try (0..<Swift.max(count, 0)).map { try lrAt($0) }
    }

    /// `x` clamped to the closed interval between `a` and `b` (in either
    /// order): the rounding of a formula that moves from one end to the
    /// other never carries it past an end (a decay to 0 gives 0, not
    /// `-1.4e-17`, which `lrAt` would reject).
    static func between(_ x: Double, _ a: Double, _ b: Double) -> Double {
        Swift.min(Swift.max(x, Swift.min(a, b)), Swift.max(a, b))
    }

    /// `a + (b - a) · t / n`, exactly `a` at `t <= 0` and exactly `b` at
    /// `t >= n`, and never outside `[a, b]` by rounding.
    static func interpolate(_ a: Double, _ b: Double, _ t: Int, of n: Int) -> Double {
        if t <= 0 { return a }
        if t >= n { return b }
        return between(a + (b - a) * Double(t) / Double(n), a, b)
    }

    static func check(_ name: String, _ what: String, _ value: Double, _ ok: Bool, _ rule: String) throws {
        guard value.isFinite, ok else {
            throw TensorError(op: name, "invalid \(what) \(value): \(rule)")
        }
    }

    // MARK: - The schedules

    /// The same rate at every step.
    public static func constant(_ lr: Double) throws -> Schedule {
        try check("Constant", "lr", lr, lr >= 0, "must be >= 0")
        return Schedule(description: "Constant(lr: \(lr))") { _ in lr }
    }

    /// Step decay, as `StepLR`: `base * gamma^floor(step / every)`.
    public static func stepDecay(base: Double, every: Int, gamma: Double = 0.1) throws -> Schedule {
        try check("StepDecay", "base lr", base, base >= 0, "must be >= 0")
        try check("StepDecay", "every", Double(every), every > 0, "must be a positive number of steps")
        try check("StepDecay", "gamma", gamma, gamma > 0, "must be > 0")
        return Schedule(description: "StepDecay(base: \(base), every: \(every), gamma: \(gamma))") { t in
            base * pow(gamma, Double(t / every))
        }
    }

    /// Multi-step decay, as `MultiStepLR`: `base * gamma^(number of milestones <= step)`.
    public static func multiStep(base: Double, milestones: [Int], gamma: Double = 0.1) throws -> Schedule {
        try check("MultiStep", "base lr", base, base >= 0, "must be >= 0")
        try check("MultiStep", "gamma", gamma, gamma > 0, "must be > 0")
        guard !milestones.isEmpty, milestones.allSatisfy({ $0 > 0 }), zip(milestones, milestones.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw TensorError(op: "MultiStep", "milestones must be positive and strictly increasing, got \(milestones)")
        }
        return Schedule(description: "MultiStep(base: \(base), milestones: \(milestones), gamma: \(gamma))") { t in
            base * pow(gamma, Double(milestones.filter { $0 <= t }.count))
        }
    }

    /// Exponential decay, as `ExponentialLR`: `base * gamma^step`.
    public static func exponential(base: Double, gamma: Double) throws -> Schedule {
        try check("Exponential", "base lr", base, base >= 0, "must be >= 0")
        try check("Exponential", "gamma", gamma, gamma > 0, "must be > 0")
        return Schedule(description: "Exponential(base: \(base), gamma: \(gamma))") { t in base * pow(gamma, Double(t)) }
    }

    /// Cosine annealing over `steps` (PyTorch's `T_max`), as `CosineAnnealingLR`'s
    /// closed form, held at `minLr` after `steps` (PyTorch's would rise again):
    /// ```
    /// lr(t) = minLr + (base - minLr) * (1 + cos(π * min(t, steps) / steps)) / 2
    /// ```
    /// Exactly `base` at step 0 and `minLr` from step `steps` on, and never
    /// outside `[min(base, minLr), max(base, minLr)]` by rounding.
    public static func cosine(base: Double, steps: Int, minLr: Double = 0) throws -> Schedule {
        try check("CosineDecay", "base lr", base, base >= 0, "must be >= 0")
        try check("CosineDecay", "steps", Double(steps), steps > 0, "must be a positive number of steps")
        try check("CosineDecay", "min_lr", minLr, minLr >= 0, "must be >= 0")
        return Schedule(description: "CosineDecay(base: \(base), steps: \(steps), min_lr: \(minLr))") { t in
            if t <= 0 { return base }
            if t >= steps { return minLr }
            return between(minLr + (base - minLr) * (1 + cos(Double.pi * Double(t) / Double(steps))) / 2, base, minLr)
        }
    }

    /// Linear decay from `base` to `endLr` over `steps`, then held:
    /// `lr(t) = base + (endLr - base) * min(t, steps) / steps`, exactly
    /// `endLr` from step `steps` on (the plain formula gives `-1.4e-17` for
    /// `base` 0.1 and `steps` 3) and never outside `[endLr, base]`.
    public static func linearDecay(base: Double, steps: Int, endLr: Double = 0) throws -> Schedule {
        try check("LinearDecay", "base lr", base, base >= 0, "must be >= 0")
        try check("LinearDecay", "steps", Double(steps), steps > 0, "must be a positive number of steps")
        try check("LinearDecay", "end_lr", endLr, endLr >= 0, "must be >= 0")
        return Schedule(description: "LinearDecay(base: \(base), steps: \(steps), end_lr: \(endLr))") { t in
            interpolate(base, endLr, t, of: steps)
        }
    }

    /// Linear warm-up for `steps` steps to the rate `then` starts at, then `then`
    /// (shifted so it starts at its own step 0). As PyTorch's `LinearLR`:
    /// ```
    /// lr(t) = then(0) * (startFactor + (1 - startFactor) * t / steps)   for t < steps
    /// lr(t) = then(t - steps)                                             after
    /// ```
    /// With the default `startFactor` 0 the first step has rate 0, as in
    /// Hugging Face's `get_*_schedule_with_warmup`.
    public static func warmup(steps: Int, startFactor: Double = 0, then: Schedule) throws -> Schedule {
        try check("Warmup", "steps", Double(steps), steps >= 0, "must be >= 0")
        try check("Warmup", "start_factor", startFactor, startFactor >= 0 && startFactor <= 1, "must be in [0, 1]")
        return Schedule(description: "Warmup(steps: \(steps), start_factor: \(startFactor), then: \(then))") { t in
            if t >= steps { return try then.lrAt(t - steps) }
            return try then.lrAt(0) * interpolate(startFactor, 1, t, of: steps)
        }
    }

    /// Linear warm-up from 0 to `peak` over `warmup` steps, then cosine decay
    /// to `minLr` at step `total` (held after).
    public static func warmupCosine(peak: Double, warmup: Int, total: Int, minLr: Double = 0) throws -> Schedule {
        guard total > warmup else {
            throw TensorError(op: "WarmupCosine", "total steps (\(total)) must be greater than the warm-up steps (\(warmup))")
        }
        return try Schedule.warmup(steps: warmup, then: .cosine(base: peak, steps: total - warmup, minLr: minLr))
    }

    /// Linear warm-up from 0 to `peak` over `warmup` steps, then linear decay
    /// to `minLr` at step `total` (held after).
    public static func warmupLinear(peak: Double, warmup: Int, total: Int, minLr: Double = 0) throws -> Schedule {
        guard total > warmup else {
            throw TensorError(op: "WarmupLinear", "total steps (\(total)) must be greater than the warm-up steps (\(warmup))")
        }
        return try Schedule.warmup(steps: warmup, then: .linearDecay(base: peak, steps: total - warmup, endLr: minLr))
    }

    /// The Transformer schedule of Vaswani et al. (2017), "Attention Is All
    /// You Need", §5.3, times `scale`:
    /// ```
    /// lr(t) = scale * dModel^-0.5 * min(t^-0.5, t * warmup^-1.5),   t = max(step, 1)
    /// ```
    /// It rises linearly for `warmup` steps and then decays as `1/sqrt(t)`;
    /// step 0 uses `t = 1`, as the Annotated Transformer does with `LambdaLR`.
    public static func transformer(dModel: Int, warmup: Int, scale: Double = 1) throws -> Schedule {
        try check("Transformer", "d_model", Double(dModel), dModel > 0, "must be > 0")
        try check("Transformer", "warmup", Double(warmup), warmup > 0, "must be > 0")
        try check("Transformer", "scale", scale, scale > 0, "must be > 0")
        return Schedule(description: "Transformer(d_model: \(dModel), warmup: \(warmup), scale: \(scale))") { step in
            let t = Double(Swift.max(step, 1))
            return scale * pow(Double(dModel), -0.5) * Swift.min(pow(t, -0.5), t * pow(Double(warmup), -1.5))
        }
    }

    /// A user function of the step that returns the learning rate itself
    /// (not a factor of a base rate, unlike PyTorch's `LambdaLR`).
    public static func custom(_ description: String = "Custom", _ lr: @escaping (Int) throws -> Double) -> Schedule {
        Schedule(description: description, lr)
    }
}
