import NNTensor

/// What `fit(..., track:)` records per epoch besides the losses: the
/// optimizer's per-coordinate scale `σ`, the effective learning rate `η/σ`
/// (see ``ParameterInspection``) and the gradient norm.
///
/// Per epoch, into the history (each a list with one number per epoch):
/// ```
/// grad_norm                          mean over the epoch's steps of ‖∇‖₂, all parameters together
/// sigma, sigma_min, sigma_max        median / min / max of σ over every element of every parameter,
///                                    after the epoch's last step
/// effective_lr, _min, _max           the same for η/σ (η: the lr that last step used)
/// ```
/// The median of an even number of elements is the mean of the middle two.
/// A parameter that has taken no step yet (it never had a gradient) is left
/// out; with none, the epoch's entry is NaN.
public final class TrainingTracker {
    /// The quantities `track:` accepts, in the order the history lists them.
    public static let known = ["sigma", "effective_lr", "grad_norm"]

    /// The quantities tracked, in the order given.
    public let quantities: [String]
    private var gradNormSum = 0.0
    private var steps = 0
    private var lastLR: Double?

    /// Throws for a name not in ``known`` (the message lists them) or given twice.
    public init(_ quantities: [String]) throws {
        for q in quantities where !Self.known.contains(q) {
            throw TensorError(op: "fit", "track: unknown quantity \"\(q)\"; the known ones are " + Self.known.map { "\"\($0)\"" }.joined(separator: ", "))
        }
        if let twice = quantities.first(where: { q in quantities.filter { $0 == q }.count > 1 }) {
            throw TensorError(op: "fit", "track: \"\(twice)\" is given twice")
        }
        self.quantities = quantities
    }

    /// The history's names for the tracked quantities, in order (`sigma`, `sigma_min`, `sigma_max`, ...).
    public var seriesNames: [String] {
        quantities.flatMap { $0 == "grad_norm" ? [$0] : [$0, "\($0)_min", "\($0)_max"] }
    }

    /// Called after each `optimizer.step()` (the gradients are still there),
    /// with the learning rate that step used.
    func stepped(_ optimizer: Optimizer, lr: Double) {
        lastLR = lr
        guard quantities.contains("grad_norm") else { return }
        var sum = 0.0
        for p in optimizer.parameters {
            guard let g = p.grad else { continue }
            for x in g.doubles { sum += x * x }
        }
        gradNormSum += sum.squareRoot()
        steps += 1
    }

    /// The epoch's values, named as ``seriesNames``, and a fresh start for the next epoch.
    func epochEnded(_ optimizer: Optimizer) throws -> [(name: String, value: Double)] {
        defer { gradNormSum = 0; steps = 0 }
        var out: [(name: String, value: Double)] = []
        let states = quantities.contains(where: { $0 != "grad_norm" }) ? try optimizer.inspect(lr: lastLR) : []
        for q in quantities {
            if q == "grad_norm" {
                out.append((q, steps > 0 ? gradNormSum / Double(steps) : .nan))
                continue
            }
            let values = states.compactMap { $0 }.flatMap { (q == "sigma" ? $0.sigma : $0.effectiveLR).doubles }
            let s = Summary(values)
            out += [(q, s.median), ("\(q)_min", s.min), ("\(q)_max", s.max)]
        }
        return out
    }

    /// Min, median and max of a list of numbers (all NaN for an empty one or one holding NaN).
    public struct Summary {
        public let min: Double, median: Double, max: Double

        public init(_ values: [Double]) {
            let sorted = values.sorted()
            guard !values.contains(where: \.isNaN), let first = sorted.first, let last = sorted.last else {
                (min, median, max) = (.nan, .nan, .nan)
                return
            }
            let n = sorted.count
            min = first
            max = last
            median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
        }
    }
}

extension TrainingTracker {
    /// Checks that a resumed run tracks what the saved one did (so every
    /// series keeps one entry per epoch), and starts empty series for a new run.
    func prepare(_ history: inout History, startEpoch: Int) throws {
        let names = seriesNames
        if startEpoch == 0 && history.tracked.isEmpty {
            history.tracked = names.map { ($0, []) }
            return
        }
        let saved = history.tracked.map(\.name)
        guard saved == names else {
            let had = saved.isEmpty ? "tracked nothing" : "tracked " + saved.filter { !$0.hasSuffix("_min") && !$0.hasSuffix("_max") }.joined(separator: ", ")
            throw TensorError(op: "fit", "the run to resume \(had), but track: here asks for \(quantities.joined(separator: ", ")); give the same track: as the saved run")
        }
    }
}

extension History {
    /// Appends one epoch's tracked values (named as the series are).
    mutating func record(_ values: [(name: String, value: Double)]) {
        for v in values {
            if let i = tracked.firstIndex(where: { $0.name == v.name }) { tracked[i].values.append(v.value) } else { tracked.append((v.name, [v.value])) }
        }
    }

    /// The series `name` recorded by `track:` (nil when not tracked).
    public func tracked(_ name: String) -> [Double]? { tracked.first { $0.name == name }?.values }
}
