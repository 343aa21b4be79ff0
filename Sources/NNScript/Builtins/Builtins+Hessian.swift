import NNLib
import NNTensor

/// Second-order inspection: Hessians of functions and models, critical
/// points, saddle escape, Taylor checks and spectra by Lanczos.
extension Builtins {
    /// The parameters that define the loss: `f(x)`, or `model` with `loss:` and `data:`.
    /// The helpers below read them by these names (`f`, `x`, `loss`, `data`,
    /// `params`, `mode`), wherever a builtin places them (`hvp` puts `v` after `x`).
    static let lossParams: [BuiltinParameter] = [
        .required("f"), xParam, lossParam, dataParam, paramsParam, .optional("mode", .string("eval")),
    ]
    /// The conditional parameters of the two forms, `f(x)` and `(model, loss:, data:)`.
    static let xParam = BuiltinParameter.needed("x", when: "f is a function, as the point; omit it for a model with loss: and data:")
    static let lossParam = BuiltinParameter.needed("loss", when: "f is a model, for example loss: cross_entropy")
    static let dataParam = BuiltinParameter.needed("data", when: "f is a model: the samples (X, y) the loss is taken over")
    static let paramsParam = BuiltinParameter.needed("params", when: "f is a model written as an nn function: the tensors to differentiate")

    /// The `mode` argument: "eval" or "train" (checked in both forms, though only a model's layers have a mode).
    static func hessianMode(_ a: BuiltinArguments, _ name: String) throws -> String {
        let modeName = try a.string(name)
        guard modeName == "eval" || modeName == "train" else {
            throw try a.bad(name, message: "mode must be \"eval\" or \"train\", got \(Value.quote(modeName))"
                        + Suggest.didYouMean(modeName, among: ["eval", "train"]))
        }
        return modeName
    }

    /// The function form `f(x)` takes no `params:` (they are for a model written as a function).
    static func checkFunctionForm(_ a: BuiltinArguments) throws {
        _ = try hessianMode(a, "mode")
        guard try a["params"].isNil else {
            throw a.error("params: is for a model written as an nn function (with loss: and data:); a function f(x) is differentiated at x")
        }
    }

    /// The function form `f(x)`: the function, checked to take no `params:`, and the point `x`.
    static func functionForm(_ a: BuiltinArguments) throws -> (Value, Point) {
        let f = try a.callable("f")
        _ = try a.needed("x")
        try checkFunctionForm(a)
        return (f, try point(a, "x"))
    }

    static let lossDoc = "\n\nThe loss is `f` at `x` (an nn function of a tensor, or of a list of tensors), or a model's: `(model, loss: cross_entropy, data: (X, y))` with respect to all its parameters in one flat vector (`model.named_parameters()` order). A model may be an nn function over `params: [W1, b1]`. The loss is computed in float64 whatever the model's dtype (a float32 point, the data, and a model's parameters and buffers are widened for the analysis and left as they were; a function must then accept float64 tensors), except by `hessian(f, x)` and `hvp(f, x, v)` of a function, the autodiff transforms, which work in `x`'s dtype. Layers are in `mode: \"eval\"` (the default: BatchNorm uses running statistics, Dropout is off, so the loss is one deterministic function) or \"train\" while the loss is evaluated."

    /// Builds the objective, runs `body`, and restores the model's mode.
    ///
    /// Ctrl-C is polled before each evaluation of the loss and at the
    /// objective's checkpoints (each Hessian row, each Hessian-vector product).
    static func withObjective<R>(_ a: BuiltinArguments, _ body: (Hessian.Objective) throws -> R) throws -> R {
        let interp = a.interpreter
        let op = a.builtin.name
        let f = try a["f"]
        if try a["loss"].isNil && a["data"].isNil {
            let (g, p) = try functionForm(a)
            switch p {
            case .tensor(let t, _):
                let name = g.functionName
                var obj = try Hessian.Objective(flat: t) { w in
                    try interp.pollInterrupt()
                    return try asTensor(try interp.call(g, [.tensor(w)]), like: w, name)
                }
                obj.checkpoint = interp.pollInterrupt
                return try body(obj)
            case .list(let ts):
                let lf = listFunction(g, interp, op)
                var obj = try Hessian.Objective(parameters: ts) { ps in
                    try interp.pollInterrupt()
                    return try lf(ps)
                }
                obj.checkpoint = interp.pollInterrupt
                return try body(obj)
            }
        }
        let (forward, module) = try ModuleBridge.model(f, interp, op)
        let lossFn = try ModuleBridge.loss(try a.needed("loss"), interp, op)
        // The tools compute in float64 (the parameters and buffers are
        // widened for each evaluation): the data are widened once here.
        let (x32, y32) = try DataArg.pair(try a.needed("data"), op)
        // (int64 labels stay int64: the loss reads them as labels)
        let x = try x32.detach().to(.float64), y = y32.dtype.isFloatingPoint ? try y32.detach().to(.float64) : y32.detach()
        guard try a["x"].isNil else {
            throw a.error("x is the point of a function f(x); a model's point is its parameters, so omit x with loss: and data:")
        }
        let modeName = try hessianMode(a, "mode")
        let named: [(name: String, tensor: Tensor)]
        if let module {
            named = module.namedParameters
        } else {
            named = try Params.collect(try a.needed("params", "for example params: [W1, b1]"), op, interp).filter(\.requiresGrad).enumerated().map { ("p\($0.offset)", $0.element) }
        }
        let modes = module?.namedModules.map { ($0.module, $0.module.isTraining) } ?? []
        module?.train(modeName == "train")
        defer { for (m, t) in modes { m.train(t) } }
        var obj = try Hessian.Objective(parameters: named, buffers: module?.namedBuffers.map(\.tensor) ?? []) {
            try interp.pollInterrupt()
            return try lossFn(try forward(x), y)
        }
        obj.checkpoint = interp.pollInterrupt
        return try body(obj)
    }

    /// An optional tolerance argument (finite, >= 0).
    static func tolerance(_ a: BuiltinArguments, _ name: String) throws -> Double? {
        guard let t = try a.optionalNumber(name) else { return nil }
        guard t.isFinite, t >= 0 else { throw try a.bad(name, message: "a tolerance must be a finite number >= 0, got \(Value.formatNumber(t))") }
        return t
    }

    /// Sets a model's parameters to the flat point `θ` (for `apply: true`).
    static func apply(_ θ: [Double], to a: BuiltinArguments) throws {
        guard case .object(let o as ModuleObject) = try a["f"] else {
            throw a.error("apply: true sets a model's parameters; for a function, use the result's point")
        }
        let ps = o.module.namedParameters
        let layout = try ParameterLayout(ps.map(\.tensor), names: ps.map(\.name))
        for (p, t) in zip(ps, try layout.unflatten(θ, dtype: ps.first?.tensor.dtype ?? .float32)) { try p.tensor.assign(t) }
    }

    static func which(_ a: BuiltinArguments, _ name: String) throws -> Hessian.Which {
        let s = try a.string(name)
        guard let w = Hessian.Which(rawValue: s) else {
            throw try a.bad(name, message: "which must be \"largest\", \"smallest\" or \"both\", got \(Value.quote(s))" +
                        Suggest.didYouMean(s, among: Hessian.Which.allCases.map(\.rawValue)))
        }
        return w
    }

    /// `hessian(f, x)` of an nn function: shape `x.shape + x.shape` (a number for a number).
    static func functionHessian(_ a: BuiltinArguments) throws -> Value {
        let (f, p) = try functionForm(a)
        let interp = a.interpreter
        return try transform(f, at: p, interp, "hessian",
                             single: { try Autodiff.hessian($0, at: $1, checkpoint: interp.pollInterrupt) },
                             many: { .tensor(try Autodiff.hessian($0, at: $1, checkpoint: interp.pollInterrupt)) })
    }

    /// `hvp(f, x, v)` of an nn function, by one double-backward pass.
    static func functionHVP(_ a: BuiltinArguments) throws -> Value {
        let (f, p) = try functionForm(a)
        return try transform(f, at: p, a.interpreter, "hvp",
                             single: { g, t in try Autodiff.hvp(g, at: t, v: try operand(try a["v"], like: t, a, "v")) },
                             // a list of points takes a list of directions, one per tensor
                             many: { g, ts in tensorsValue(try Autodiff.hvp(g, at: ts, v: try tensorList(a, "v"))) })
    }
}
