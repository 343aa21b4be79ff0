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
