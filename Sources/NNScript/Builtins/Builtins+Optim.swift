import NNLib
import NNTensor

/// Optimizers (exactly torch.optim's update rules) and learning-rate schedules.
extension Builtins {
    /// The parameters to optimise: anything `parameters(x)` collects from.
    /// Tensors that do not require grad are left out (they have nothing to
    /// step on); when that leaves none, the error says why instead of
    /// reporting an empty list.
    static func optimParams(_ a: BuiltinArguments) throws -> [Tensor] {
        let all = try Params.collect(try a["params"], a.builtin.name, a.interpreter)
        let params = all.filter(\.requiresGrad)
        if params.isEmpty, let first = all.first {
            let what = all.count == 1 ? "the tensor given does not require grad" : "none of the \(all.count) tensors given requires grad"
            let fix = first.dtype.isFloatingPoint
                ? "make it a parameter with param(t) or t.requires_grad = true"
                : "an \(first.dtype) tensor cannot (convert it with .to(\"float32\") and make that a parameter with param(...))"
            throw BuiltinError("\(a.builtin.name): \(what), so there is nothing to optimize; \(fix)")
        }
        return params
    }

    static func betas(_ a: BuiltinArguments, _ name: String) throws -> (Double, Double) {
        let b = try Convert.doubles(try a[name], "betas", a.builtin.name)
        guard b.count == 2 else { throw try a.bad(name, message: "betas must be two numbers [β1, β2], got \(b.count)") }
        return (b[0], b[1])
    }

    /// The optimizer as a script value. Its settings are the hyperparameters
    /// its builtin declares (every parameter but `params` and `lr`), in
    /// declaration order, with the values given.
    static func optimizer(_ o: Optimizer, _ a: BuiltinArguments) throws -> Value {
        let names = a.builtin.parameters.map(\.name).filter(OptimizerObject.hyperparameters.contains)
        let params = ParameterNames.of(o.parameters, given: try a["params"], a.interpreter)
        return .object(OptimizerObject(o, settings: try names.map { ($0, try a[$0]) }, names: params))
    }

    /// Adam and AdamW: the same parameters (but for the default weight decay)
    /// read the same way; `make` is the optimizer's initialiser.
    static func adam(_ name: String, weightDecay: Double, summary: String, discussion: String,
                     _ make: @escaping ([Tensor], Double, (Double, Double), Double, Double, Bool) throws -> Adam) -> Builtin {
        Builtin(name, [.required("params"), .optional("lr", .number(1e-3)), .optional("betas", .numbers([0.9, 0.999])),
                       .optional("eps", .number(1e-8)), .optional("weight_decay", .number(weightDecay)), .optional("amsgrad", .bool(false))],
                area: "Optimizers", summary: summary, discussion: discussion) { a in
            let o = try make(try optimParams(a), try a.number("lr"), try betas(a, "betas"), try a.number("eps"),
                             try a.number("weight_decay"), try a.bool("amsgrad"))
            return try optimizer(o, a)
        }
    }

    static let paramsDoc = "`params` is `model.parameters()`, a model, or a list of `param` tensors."

    static let optimizers: [Builtin] = [
        Builtin("SGD", [.required("params"), .required("lr"), .optional("momentum", .number(0)), .optional("dampening", .number(0)),
                        .optional("weight_decay", .number(0)), .optional("nesterov", .bool(false))], area: "Optimizers",
                summary: "Stochastic gradient descent with momentum, dampening, Nesterov and weight decay, as `torch.optim.SGD`.",
                discussion: "For each parameter `θ` with gradient `∇`, at step `t`:\n```\ng = ∇ + weight_decay * θ\nif momentum != 0:\n    b = (t == 1) ? g : momentum * b + (1 - dampening) * g\n    g = nesterov ? g + momentum * b : b\nθ = θ - lr * g\n```\n" + paramsDoc) { a in
            let o = try SGD(try optimParams(a), lr: try a.number("lr"), momentum: try a.number("momentum"),
                            dampening: try a.number("dampening"), weightDecay: try a.number("weight_decay"),
                            nesterov: try a.bool("nesterov"))
            return try optimizer(o, a)
        },
        adam("Adam", weightDecay: 0,
             summary: "Adam (Kingma & Ba 2015), as `torch.optim.Adam`: momentum plus RMSProp scaling, bias-corrected.",
             discussion: "```\ng = ∇ + weight_decay * θ\nm = β1 * m + (1 - β1) * g;   v = β2 * v + (1 - β2) * g²\nm̂ = m / (1 - β1^t);          v̂ = (amsgrad ? max(v̂max, v) : v) / (1 - β2^t)\nθ = θ - lr * m̂ / (sqrt(v̂) + eps)\n```\n" + paramsDoc) {
            try Adam($0, lr: $1, betas: $2, eps: $3, weightDecay: $4, amsgrad: $5)
        },
        adam("AdamW", weightDecay: 0.01,
             summary: "Adam with decoupled weight decay (Loshchilov & Hutter 2019), as `torch.optim.AdamW`.",
             discussion: "```\nθ = θ * (1 - lr * weight_decay)\nthen Adam's update with weight_decay 0\n```\nPyTorch's default `weight_decay` 0.01. " + paramsDoc) {
            try AdamW($0, lr: $1, betas: $2, eps: $3, weightDecay: $4, amsgrad: $5)
        },
        Builtin("Adagrad", [.required("params"), .optional("lr", .number(0.01)), .optional("lr_decay", .number(0)),
                            .optional("weight_decay", .number(0)), .optional("initial_accumulator_value", .number(0)),
                            .optional("eps", .number(1e-10))], area: "Optimizers",
                summary: "Adagrad (Duchi, Hazan & Singer 2011), as `torch.optim.Adagrad`.",
                discussion: "Each coordinate's step is divided by the root of the *sum* of its squared gradients:\n```\nlr_t = lr / (1 + (t - 1) * lr_decay)\ng = ∇ + weight_decay * θ;   s = s + g²\nθ = θ - lr_t * g / (sqrt(s) + eps)\n```\n" + paramsDoc) { a in
            let o = try Adagrad(try optimParams(a), lr: try a.number("lr"), lrDecay: try a.number("lr_decay"),
                                weightDecay: try a.number("weight_decay"),
                                initialAccumulatorValue: try a.number("initial_accumulator_value"), eps: try a.number("eps"))
            return try optimizer(o, a)
        },
        Builtin("RMSProp", [.required("params"), .optional("lr", .number(0.01)), .optional("alpha", .number(0.99)),
                            .optional("eps", .number(1e-8)), .optional("weight_decay", .number(0)), .optional("momentum", .number(0)),
                            .optional("centered", .bool(false))], area: "Optimizers",
                summary: "RMSProp (Hinton 2012), as `torch.optim.RMSprop`, with optional centring and momentum.",
                discussion: "Each coordinate's step is divided by the root of an exponential moving *mean* of its squared gradients:\n```\ng = ∇ + weight_decay * θ;   v = alpha * v + (1 - alpha) * g²\nṽ = centered ? v - ḡ² : v        (ḡ = alpha * ḡ + (1 - alpha) * g)\nmomentum > 0: b = momentum * b + g / (sqrt(ṽ) + eps);  θ = θ - lr * b\nelse:         θ = θ - lr * g / (sqrt(ṽ) + eps)\n```\n" + paramsDoc) { a in
            let o = try RMSProp(try optimParams(a), lr: try a.number("lr"), alpha: try a.number("alpha"), eps: try a.number("eps"),
                                weightDecay: try a.number("weight_decay"), momentum: try a.number("momentum"),
                                centered: try a.bool("centered"))
            return try optimizer(o, a)
        },
    ]
}
