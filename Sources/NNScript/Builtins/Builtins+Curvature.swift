import NNLib
import NNPlot
import NNTensor

/// `fit(..., watch: "curvature", every: N)`: the history's curvature records and their figure.
extension HistoryObject {
    static let curvatureSummary = "With `watch: \"curvature\"`: a record `{steps, grad_norm, lambda_min, lambda_max, near}` of lists, one entry per estimate: the optimizer steps taken before it, ‖∇L‖₂ on that step's batch, the smallest and largest Hessian eigenvalue estimates (20 Lanczos steps, float64, eval mode), and \"saddle\", \"minimum\" or \"\" (docs/hessian.md)."

    static var curvatureProperties: [Property<HistoryObject>] {
        [Property("curvature", curvatureSummary, when: { $0.history.curvature.count > 0 }) { o in
            let c = o.history.curvature
            return .record([("steps", Convert.list(c.steps.map(Double.init))), ("grad_norm", Convert.list(c.gradNorm)),
                            ("lambda_min", Convert.list(c.lambdaMin)), ("lambda_max", Convert.list(c.lambdaMax)),
                            ("near", .list(c.near.map { .string($0.rawValue) }))])
        }]
    }

    /// `plot(h, "curvature")`: the gradient norm and λ_min/λ_max over steps, saddles and minima marked.
    func curvatureFigure() throws -> Figure {
        let c = history.curvature
        guard c.count > 0 else {
            throw BuiltinError("plot: this history has no curvature records; train with fit(..., watch: \"curvature\", every: 10)")
        }
        let near = c.near
        do {
            return try Figure.curvature(steps: c.steps.map(Double.init), gradNorm: c.gradNorm, lambdaMin: c.lambdaMin,
                                        lambdaMax: c.lambdaMax, saddles: near.indices.filter { near[$0] == .saddle },
                                        minima: near.indices.filter { near[$0] == .minimum })
        } catch {
            throw BuiltinError("plot: \(error)")
        }
    }
}

extension Builtins {
    static let watchDoc = "\n\n`watch: \"curvature\", every: N` estimates, every `N` optimizer steps (default 10) (at step 0, N, 2N, … of the run, before that step and on its batch), the gradient norm and the smallest and largest eigenvalue of the training loss's Hessian: the gradient recorded once, then 20 Lanczos steps (Hessian-vector products, float64 whatever the model's dtype; exact when the model has at most 20 parameters). The loss is taken in eval mode (BatchNorm's running statistics, no dropout), so the estimate draws no random number and updates no statistic: training is bit-identical with and without the watcher. `h.curvature` holds `{steps, grad_norm, lambda_min, lambda_max, near}` and `plot(h, \"curvature\")` draws them, marking where training passed near a saddle or a minimum (docs/hessian.md, \"Watching curvature during training\")."

    /// `watch:` and `every:` of `fit`: the watcher, or nil without `watch:`.
    static func curvatureWatcher(_ a: BuiltinArguments, module: Module?, optimizer: Optimizer,
                                 forward: @escaping (Tensor) throws -> Tensor,
                                 loss: @escaping (Tensor, Tensor) throws -> Tensor) throws -> CurvatureWatcher? {
        guard try !a["watch"].isNil else {
            if try a.has("every") { throw try a.bad("every", message: "every: is the spacing of watch:'s estimates; give watch: \"curvature\" too") }
            return nil
        }
        let name = try a.string("watch")
        guard CurvatureWatcher.known.contains(name) else {
            throw try a.bad("watch", message: "watch: unknown quantity \(Value.quote(name)); the known ones are "
                            + CurvatureWatcher.known.map(Value.quote).joined(separator: ", ") + Suggest.didYouMean(name, among: CurvatureWatcher.known))
        }
        let everyValue = try a["every"]
        var every = 10
        if !everyValue.isNil {
            guard case .number(let d) = everyValue, let n = Int(exactlyChecked: d), n >= 1 else {
                let got: String
                if case .number(let d) = everyValue { got = Value.formatNumber(d) } else { got = "a \(everyValue.typeName)" }
                throw try a.bad("every", message: "every: must be a positive integer (optimizer steps between estimates), got \(got)")
            }
            every = n
        }
        let named = module?.namedParameters ?? optimizer.parameters.enumerated().map { ("p\($0.offset)", $0.element) }
        let interp = a.interpreter
        return try CurvatureWatcher(watch: name, every: every, parameters: named,
                                    buffers: module?.namedBuffers.map(\.tensor) ?? []) { x, y in
            try interp.pollInterrupt()
            return try loss(try forward(x), y)
        }
    }
}
