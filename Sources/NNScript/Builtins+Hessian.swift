import NNLib
import NNTensor

/// Second-order inspection: Hessians of functions and models, critical
/// points, saddle escape, Taylor checks and spectra by Lanczos.
extension Builtins {
    /// Where the arguments that define a loss sit in a builtin's parameter list.
    struct LossArgs {
        var f = 0, x = 1, loss = 2, data = 3, params = 4, mode = 5
    }

    /// The parameters that define the loss: `f(x)`, or `model` with `loss:` and `data:`.
    static let lossParams: [BuiltinParameter] = [
        .required("f"), .optional("x"), .optional("loss"), .optional("data"), .optional("params"), .optional("mode", .string("eval")),
    ]
    static let lossDoc = "\n\nThe loss is `f` at `x` (an nn function of a tensor, or of a list of tensors), or a model's: `(model, loss: cross_entropy, data: (X, y))` with respect to all its parameters in one flat vector (`model.named_parameters()` order). A model may be an nn function over `params: [W1, b1]`. The loss is computed in float64 whatever the model's dtype (a float32 point, the data, and a model's parameters and buffers are widened for the analysis and left as they were; a function must then accept float64 tensors), except by `hessian(f, x)` and `hvp(f, x, v)` of a function, the autodiff transforms, which work in `x`'s dtype. Layers are in `mode: \"eval\"` (the default: BatchNorm uses running statistics, Dropout is off, so the loss is one deterministic function) or \"train\" while the loss is evaluated."

    /// Builds the objective, runs `body`, and restores the model's mode.
    static func withObjective<R>(_ a: BuiltinArguments, _ i: LossArgs = LossArgs(),
                                 _ body: (Hessian.Objective) throws -> R) throws -> R {
        let interp = a.interpreter
        let op = a.builtin.name
        let f = a[i.f]
        if a[i.loss].isNil && a[i.data].isNil {
            let g = try a.callable(i.f)
            guard !a[i.x].isNil else { throw a.error("missing argument 'x' (the point), or give loss: and data: for a model") }
            switch try point(a, i.x) {
            case .tensor(let t, _):
                let name = g.functionName
                let obj = try Hessian.Objective(flat: t) { w in
                    try interp.pollInterrupt()
                    return try asTensor(try interp.call(g, [.tensor(w)]), like: w, name)
                }
                return try body(obj)
            case .list(let ts):
                let lf = listFunction(g, interp, op)
                let obj = try Hessian.Objective(parameters: ts) { ps in
                    try interp.pollInterrupt()
                    return try lf(ps)
                }
                return try body(obj)
            }
        }
        guard !a[i.loss].isNil else { throw a.error("missing argument 'loss' (for example loss: cross_entropy)") }
        guard !a[i.data].isNil else { throw a.error("missing argument 'data' (the samples (X, y) the loss is taken over)") }
        let (forward, module) = try ModuleBridge.model(f, interp, op)
        let lossFn = try ModuleBridge.loss(a[i.loss], interp, op)
        // The tools compute in float64 (the parameters and buffers are
        // widened for each evaluation): the data are widened once here.
        let (x32, y32) = try DataArg.pair(a[i.data], op)
        let x = x32.detach().to(.float64), y = y32.detach().to(.float64)
        let modeName = try a.string(i.mode)
        guard modeName == "eval" || modeName == "train" else {
            throw a.bad(i.mode, message: "mode must be \"eval\" or \"train\", got \(Value.quote(modeName))")
        }
        let named: [(name: String, tensor: Tensor)]
        if let module {
            named = module.namedParameters
        } else {
            guard !a[i.params].isNil else { throw a.error("a function model needs params: [W1, b1] (the tensors to differentiate)") }
            named = try Params.collect(a[i.params], op, interp).filter(\.requiresGrad).enumerated().map { ("p\($0.offset)", $0.element) }
        }
        let modes = module?.namedModules.map { ($0.module, $0.module.isTraining) } ?? []
        module?.train(modeName == "train")
        defer { for (m, t) in modes { m.train(t) } }
        let obj = try Hessian.Objective(parameters: named, buffers: module?.namedBuffers.map(\.tensor) ?? []) {
            try interp.pollInterrupt()
            return try lossFn(try forward(x), y)
        }
        return try body(obj)
    }

    /// An optional tolerance argument (finite, >= 0).
    static func tolerance(_ a: BuiltinArguments, _ i: Int) throws -> Double? {
        guard let t = try a.optionalNumber(i) else { return nil }
        guard t.isFinite, t >= 0 else { throw a.bad(i, message: "a tolerance must be a finite number >= 0, got \(Value.formatNumber(t))") }
        return t
    }

    /// Sets a model's parameters to the flat point `θ` (for `apply: true`).
    static func apply(_ θ: [Double], to a: BuiltinArguments, _ i: LossArgs = LossArgs()) throws {
        guard case .object(let o as ModuleObject) = a[i.f] else {
            throw a.error("apply: true sets a model's parameters; for a function, use the result's point")
        }
        let ps = o.module.namedParameters
        let layout = try ParameterLayout(ps.map(\.tensor), names: ps.map(\.name))
        for (p, t) in zip(ps, try layout.unflatten(θ, dtype: ps.first?.tensor.dtype ?? .float32)) { try p.tensor.assign(t) }
    }

    static func which(_ a: BuiltinArguments, _ i: Int) throws -> Hessian.Which {
        let s = try a.string(i)
        guard let w = Hessian.Which(rawValue: s) else {
            throw a.bad(i, message: "which must be \"largest\", \"smallest\" or \"both\", got \(Value.quote(s))" +
                        Suggest.didYouMean(s, among: Hessian.Which.allCases.map(\.rawValue)))
        }
        return w
    }

    /// `hessian(f, x)` of an nn function: shape `x.shape + x.shape` (a number for a number).
    static func functionHessian(_ a: BuiltinArguments) throws -> Value {
        let f = try a.callable(0)
        switch try point(a, 1) {
        case .tensor(let t, let n):
            return try result(try Autodiff.hessian(scalarFunction(f, a.interpreter, "hessian"), at: t), n)
        case .list(let ts):
            return .tensor(try Autodiff.hessian(listFunction(f, a.interpreter, "hessian"), at: ts))
        }
    }

    /// `hvp(f, x, v)` of an nn function, by one double-backward pass.
    static func functionHVP(_ a: BuiltinArguments) throws -> Value {
        let f = try a.callable(0)
        guard case .tensor(let t, let n) = try point(a, 1) else { throw a.bad(1, "tensor") }
        guard !a[2].isNil else { throw a.error("missing argument 'v'") }
        let v = try operand(a[2], like: t, a, 2)
        return try result(try Autodiff.hvp(scalarFunction(f, a.interpreter, "hvp"), at: t, v: v), n)
    }
}
