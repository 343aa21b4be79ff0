import NNLib
import NNTensor

/// Layers and models with PyTorch's names and defaults.
extension Builtins {
    static func dtypeOption(_ a: BuiltinArguments, _ name: String) throws -> DType {
        try TensorBridge.dtype(try a[name], a.builtin.name)
    }

    static func layer(_ m: Module) -> Value { .object(ModuleObject(m)) }

    /// A positive integer argument (a size).
    static func size(_ a: BuiltinArguments, _ name: String) throws -> Int {
        let n = try a.int(name)
        guard n >= 1 else { throw try a.bad(name, message: "a size must be >= 1, got \(n)") }
        return n
    }

    static let layers: [Builtin] = [
        Builtin("Linear", [.required("in_features"), .required("out_features"), .optional("bias", .bool(true)),
                           .optional("dtype"), .optional("seed")], area: "Layers",
                summary: "A fully connected layer `y = x @ W.T + b`, as `torch.nn.Linear` (weight `[out, in]`).",
                discussion: "Initialised as PyTorch does (`kaiming_uniform_(a=√5)`):\n```\nW ~ U(-1/√in, 1/√in),   b ~ U(-1/√in, 1/√in)\n```\nDrawn from the interpreter's generator (see `seed`), or from a fresh one when `seed:` is given. Parameters are `weight` and `bias`.") { a in
            let i = try size(a, "in_features"), o = try size(a, "out_features"), bias = try a.bool("bias"), dt = try dtypeOption(a, "dtype")
            if try a["seed"].isNil { return layer(try Linear(i, o, bias: bias, dtype: dt, rng: &a.interpreter.rng)) }
            var g = RandomGenerator(seed: try Convert.seed(a, "seed"))
            return layer(try Linear(i, o, bias: bias, dtype: dt, rng: &g))
        },
        Builtin("Sequential", [.variadic("layers")], area: "Layers",
                summary: "Layers applied in order, as `torch.nn.Sequential`; parameters are named `0.weight`, `0.bias`, `2.weight`, ...",
                discussion: "Each layer is a layer object or an nn function of one tensor (wrapped as a parameter-free layer). A single list of layers works too: `Sequential([Linear(2, 4), ReLU()])`.") { a in
            var items = a.rest
            if items.count == 1, case .list(let l) = items[0] { items = l.items }
            let mods = try items.enumerated().map { try ModuleBridge.module($1, a.interpreter, "Sequential", position: $0) }
            return layer(Sequential(mods))
        },
        Builtin("ReLU", [], area: "Layers", summary: "`max(x, 0)` as a layer.") { _ in layer(ReLU()) },
        Builtin("LeakyReLU", [.optional("slope", .number(0.01))], area: "Layers",
                summary: "`x` for `x > 0`, else `slope * x`, as a layer (PyTorch's default slope 0.01).") { a in
            let slope = try a.number("slope")
            guard slope.isFinite else { throw try a.bad("slope", message: "slope must be a finite number, got \(Value.formatNumber(slope))") }
            return layer(LeakyReLU(slope: slope))
        },
        Builtin("Sigmoid", [], area: "Layers", summary: "`1 / (1 + exp(-x))` as a layer.") { _ in layer(Sigmoid()) },
        Builtin("Tanh", [], area: "Layers", summary: "`tanh(x)` as a layer.") { _ in layer(Tanh()) },
        Builtin("GELU", [], area: "Layers", summary: "The exact GELU `x * Φ(x)` as a layer.") { _ in layer(GELU()) },
        Builtin("Softmax", [.optional("axis", .number(-1))], area: "Layers",
                summary: "`softmax` along `axis` as a layer.") { a in
            layer(Softmax(axis: try a.int("axis")))
        },
        Builtin("LogSoftmax", [.optional("axis", .number(-1))], area: "Layers",
                summary: "`log_softmax` along `axis` as a layer.") { a in
            layer(LogSoftmax(axis: try a.int("axis")))
        },
        Builtin("Flatten", [], area: "Layers",
                summary: "Flattens every axis after the first: `[N, d1, d2, ...]` becomes `[N, d1 * d2 * ...]`.") { _ in
            layer(Flatten())
        },
        Builtin("Dropout", [.optional("p", .number(0.5)), .optional("seed")], area: "Layers",
                summary: "Inverted dropout, as `torch.nn.Dropout(p)`: identity in eval mode.",
                discussion: "In training mode each element is zeroed with probability `p` and the survivors scaled so the expected value is unchanged:\n```\ny = x * mask / (1 - p),   mask ~ Bernoulli(1 - p)\n```\nThe masks are drawn from a generator seeded by `seed:` (or by the interpreter's generator).") { a in
            let p = try a.number("p")
            return layer(try Dropout(p, rng: RandomSource(seed: try Convert.seed(a, "seed"))))
        },
        Builtin("BatchNorm", [.required("features"), .optional("eps", .number(1e-5)), .optional("momentum", .number(0.1)),
                              .optional("dtype")], area: "Layers",
                summary: "Batch normalisation over `[N, C]` input, as `torch.nn.BatchNorm1d(C)`.",
                discussion: "```\ntrain: μ = mean(x, axis 0), σ² = mean((x - μ)², axis 0)   # biased\n       y = (x - μ) / sqrt(σ² + eps) * weight + bias\n       running_mean = (1 - momentum) * running_mean + momentum * μ\n       running_var  = (1 - momentum) * running_var + momentum * σ² * N / (N - 1)\neval:  y = (x - running_mean) / sqrt(running_var + eps) * weight + bias\n```\nA batch of one sample in training mode is an error (its variance is undefined): call `model.eval()` first.") { a in
            layer(try BatchNorm(try size(a, "features"), eps: try a.number("eps"), momentum: try a.number("momentum"),
                                dtype: try dtypeOption(a, "dtype")))
        },
        Builtin("LayerNorm", [.required("shape"), .optional("eps", .number(1e-5)), .optional("affine", .bool(true)),
                              .optional("dtype")], area: "Layers",
                summary: "Layer normalisation over the trailing `shape` axes, as `torch.nn.LayerNorm`.",
                discussion: "Each sample is normalised by its own statistics, the same in training and evaluation:\n```\ny = (x - mean(x)) / sqrt(var(x) + eps) * weight + bias     # over the last len(shape) axes, biased var\n```") { a in
            let shape = try TensorBridge.shape(try a["shape"], "LayerNorm")
            return layer(try LayerNorm(shape, eps: try a.number("eps"), elementwiseAffine: try a.bool("affine"),
                                       dtype: try dtypeOption(a, "dtype")))
        },
        Builtin("summary", [.required("model"), .optional("input_shape")], area: "Layers",
                summary: "A table of the model's layers with output shapes and parameter counts (`s.rows` holds them as records, `s.text` as a string).",
                discussion: "The model runs once on zeros of `input_shape` (batch axis included) in eval mode without recording; without `input_shape` it is `[1, in_features]` of the first Linear layer.") { a in
            guard case .object(let o as ModuleObject) = try a["model"] else { throw try a.bad("model", "model") }
            let shape: [Int]
            if try a["input_shape"].isNil {
                guard let s = o.inferredInputShape else {
                    let images = o.firstLayer is Conv2d || o.firstLayer is BatchNorm2d
                    throw a.error("cannot tell the input shape of this model; pass input_shape: \(images ? "[N, C, H, W] (images have no fixed size)" : "[N, features]")")
                }
                shape = s
            } else {
                shape = try TensorBridge.shape(try a["input_shape"], "summary")
            }
            let text = try o.module.summary(inputShape: shape)
            let rows: [Value] = try o.module.summaryRows(inputShape: shape).map { r in
                .record([("name", .string(r.name)), ("layer", .string(r.layer)),
                         ("output_shape", .list(r.outputShape.map { .number(Double($0)) })), ("parameters", .number(Double(r.parameters)))])
            }
            return .object(ResultObject("Summary", [("rows", .list(rows)), ("text", .string(text))]) { text })
        },
    ]
}

