import NNLib
import NNTensor

/// Convolutional layers over `[N, C, H, W]` images with PyTorch's names,
/// layouts and defaults.
extension Builtins {
    /// A window size, stride or padding: an integer (the same for height and
    /// width) or a pair `[h, w]` / `(h, w)` of integers.
    static func pairArg(_ a: BuiltinArguments, _ name: String) throws -> (Int, Int) {
        let v = try a[name]
        func integer(_ x: Value) -> Int? {
            guard case .number(let d) = x else { return nil }
            return Int(exactlyChecked: d)
        }
        switch v {
        case .number:
            guard let n = integer(v) else { throw try a.bad(name, message: "\(name) must be an integer or a pair [h, w] of integers, got \(v.repr)") }
            return (n, n)
        case .list, .tuple:
            let items = try Iterate.elements(v, a.builtin.name)
            guard items.count == 2, let h = integer(items[0]), let w = integer(items[1]) else {
                throw try a.bad(name, message: "\(name) must be an integer or a pair [h, w] of integers, got \(v.repr)")
            }
            return (h, w)
        default:
            throw try a.bad(name, "integer or pair [h, w]")
        }
    }

    /// `pairArg`, or nil when the argument is nil (a pooling stride's default: the kernel).
    static func optionalPairArg(_ a: BuiltinArguments, _ name: String) throws -> (Int, Int)? {
        try a[name].isNil ? nil : try pairArg(a, name)
    }

    static let pairDoc = "`kernel`, `stride` and `padding` are an integer (the same for height and width) or a pair `[h, w]`."

    static let convLayers: [Builtin] = convFunctions + [
        Builtin("Conv2d", [.required("in_channels"), .required("out_channels"), .required("kernel"),
                           .optional("stride", .number(1)), .optional("padding", .number(0)), .optional("bias", .bool(true)),
                           .optional("dtype"), .optional("seed")], area: "Layers",
                summary: "A 2-d convolution over `[N, C, H, W]` images, as `torch.nn.Conv2d` (weight `[out, in, kh, kw]`, bias `[out]`).",
                discussion: "```\ny[n, o, oh, ow] = b[o] + Σ_{c,i,j} W[o, c, i, j] · x[n, c, oh·sh - ph + i, ow·sw - pw + j]\nOH = floor((H + 2·ph - kh) / sh) + 1,   OW likewise\n```\nwith zeros as padding. \(pairDoc) Computed as im2col + one matrix product (BLAS); its gradients are exact to every order (Hessians work on CNNs). Initialised as PyTorch does, with `fan_in = in · kh · kw`:\n```\nW ~ U(-1/√fan_in, 1/√fan_in),   b ~ U(-1/√fan_in, 1/√fan_in)\n```\ndrawn from the interpreter's generator (see `seed`), or from a fresh one when `seed:` is given. Input of another layout is an error naming it: reshape flat images with `x.reshape([-1, C, H, W])`.") { a in
            let i = try size(a, "in_channels"), o = try size(a, "out_channels")
            let k = try pairArg(a, "kernel"), s = try pairArg(a, "stride"), p = try pairArg(a, "padding")
            let bias = try a.bool("bias"), dt = try dtypeOption(a, "dtype")
            if try a["seed"].isNil {
                return layer(try Conv2d(i, o, kernel: k, stride: s, padding: p, bias: bias, dtype: dt, rng: &a.interpreter.rng))
            }
            var g = RandomGenerator(seed: try Convert.seed(a, "seed"))
            return layer(try Conv2d(i, o, kernel: k, stride: s, padding: p, bias: bias, dtype: dt, rng: &g))
        },
        Builtin("MaxPool2d", [.required("kernel"), .optional("stride")], area: "Layers",
                summary: "Max pooling over `[N, C, H, W]` images, as `torch.nn.MaxPool2d` (stride defaults to the kernel).",
                discussion: "```\ny[n, c, oh, ow] = max_{i,j} x[n, c, oh·sh + i, ow·sw + j]\n```\nNo padding; windows that do not fit are dropped, as PyTorch. The gradient goes to each window's largest element (the first of equal ones in row-major order, as PyTorch). `kernel` and `stride` are an integer or a pair `[h, w]`.") { a in
            layer(try MaxPool2d(kernel: try pairArg(a, "kernel"), stride: try optionalPairArg(a, "stride")))
        },
        Builtin("AvgPool2d", [.required("kernel"), .optional("stride")], area: "Layers",
                summary: "Average pooling over `[N, C, H, W]` images, as `torch.nn.AvgPool2d` (stride defaults to the kernel).",
                discussion: "```\ny[n, c, oh, ow] = mean_{i,j} x[n, c, oh·sh + i, ow·sw + j]\n```\nNo padding; windows that do not fit are dropped, as PyTorch. `kernel` and `stride` are an integer or a pair `[h, w]`.") { a in
            layer(try AvgPool2d(kernel: try pairArg(a, "kernel"), stride: try optionalPairArg(a, "stride")))
        },
        Builtin("BatchNorm2d", [.required("channels"), .optional("eps", .number(1e-5)), .optional("momentum", .number(0.1)),
                                .optional("dtype")], area: "Layers",
                summary: "Batch normalisation of `[N, C, H, W]` images per channel, as `torch.nn.BatchNorm2d(C)`.",
                discussion: "The statistics of each channel are taken over the batch and every position (`m = N·H·W` values):\n```\ntrain: μ = mean(x[:, c]), σ² = mean((x[:, c] - μ)²)   # biased, over N, H, W\n       y = (x - μ) / sqrt(σ² + eps) * weight + bias\n       running_mean = (1 - momentum) * running_mean + momentum * μ\n       running_var  = (1 - momentum) * running_var + momentum * σ² * m / (m - 1)\neval:  y = (x - running_mean) / sqrt(running_var + eps) * weight + bias\n```\nBuffers `running_mean`, `running_var`, `num_batches_tracked` as PyTorch's. Training on one value per channel is an error: call `model.eval()` first.") { a in
            layer(try BatchNorm2d(try size(a, "channels"), eps: try a.number("eps"), momentum: try a.number("momentum"),
                                  dtype: try dtypeOption(a, "dtype")))
        },
    ]

    /// The functional forms (`torch.nn.functional`), for models written as
    /// nn functions of their parameters.
    static let convFunctions: [Builtin] = [
        Builtin("conv2d", [.required("x"), .required("weight"), .optional("bias"), .optional("stride", .number(1)),
                           .optional("padding", .number(0))], area: "Layers",
                summary: "The 2-d convolution of `x` `[N, C, H, W]` with `weight` `[O, C, kh, kw]` (and `bias` `[O]`), as `torch.nn.functional.conv2d`.",
                discussion: "```\ny[n, o, oh, ow] = bias[o] + Σ_{c,i,j} weight[o, c, i, j] · x[n, c, oh·sh - ph + i, ow·sw - pw + j]\n```\nThe layer `Conv2d` holds `weight` and `bias` as parameters; this form takes them as tensors, so a model can be an nn function of its parameters (for `hessian(f, params)`). \(pairDoc) Differentiable to any order in `x`, `weight` and `bias`.") { a in
            let x = try tensorArg(a, "x"), w = try tensorArg(a, "weight")
            let b: Tensor? = try a["bias"].isNil ? nil : try tensorArg(a, "bias")
            return .tensor(try x.conv2d(weight: w, bias: b, stride: try pairArg(a, "stride"), padding: try pairArg(a, "padding")))
        },
        Builtin("max_pool2d", [.required("x"), .required("kernel"), .optional("stride")], area: "Layers",
                summary: "Max pooling of `x` `[N, C, H, W]` over `kernel` windows (stride: the kernel), as `torch.nn.functional.max_pool2d`.",
                discussion: "The function behind `MaxPool2d`: each window's largest element; the gradient goes to it (the first of equal ones).") { a in
            .tensor(try tensorArg(a, "x").maxPool2d(kernel: try pairArg(a, "kernel"), stride: try optionalPairArg(a, "stride")))
        },
        Builtin("avg_pool2d", [.required("x"), .required("kernel"), .optional("stride")], area: "Layers",
                summary: "Average pooling of `x` `[N, C, H, W]` over `kernel` windows (stride: the kernel), as `torch.nn.functional.avg_pool2d`.",
                discussion: "The function behind `AvgPool2d`: each window's mean.") { a in
            .tensor(try tensorArg(a, "x").avgPool2d(kernel: try pairArg(a, "kernel"), stride: try optionalPairArg(a, "stride")))
        },
    ]
}
