import NNTensor

/// Shape operations, reductions, softmax and linear algebra.
extension Builtins {
    static let tensor: [Builtin] = creation + shapes + reductions

    static let shapes: [Builtin] = [
        Builtin("reshape", [.required("t"), .required("shape")], area: "Tensors",
                summary: "The same elements in a new shape (one dimension may be -1).") { a in
            let t = try tensorArg(a, "t")
            let shape = try TensorBridge.axes(try a["shape"], "reshape") ?? []
            return .tensor(try t.reshape(shape))
        },
        Builtin("flatten", [.required("t"), .optional("start", .number(0)), .optional("end", .number(-1))], area: "Tensors",
                summary: "Axes `start` through `end` merged into one (by default: a 1-d tensor).") { a in
            .tensor(try tensorArg(a, "t").flatten(startAxis: try a.int("start"), endAxis: try a.int("end")))
        },
        Builtin("transpose", [.required("t"), .optional("a", .number(0)), .optional("b", .number(1))], area: "Tensors",
                summary: "Axes `a` and `b` swapped.") { a in
            .tensor(try tensorArg(a, "t").transpose(try a.int("a"), try a.int("b")))
        },
        Builtin("permute", [.required("t"), .required("axes")], area: "Tensors",
                summary: "The axes reordered: output axis `i` is input axis `axes[i]`.") { a in
            .tensor(try tensorArg(a, "t").permute(try TensorBridge.axes(try a["axes"], "permute") ?? []))
        },
        Builtin("squeeze", [.required("t"), .optional("axis")], area: "Tensors",
                summary: "Axes of size 1 removed (all of them, or those in `axis`).") { a in
            .tensor(try tensorArg(a, "t").squeeze(axes: try TensorBridge.axes(try a["axis"], "squeeze")))
        },
        Builtin("unsqueeze", [.required("t"), .required("axis")], area: "Tensors",
                summary: "An axis of size 1 inserted at `axis`.") { a in
            .tensor(try tensorArg(a, "t").unsqueeze(try a.int("axis")))
        },
        Builtin("concat", [.required("tensors"), .optional("axis", .number(0))], area: "Tensors",
                summary: "Tensors joined along an existing axis.") { a in
            .tensor(try Tensor.concat(try tensorList(a, "tensors"), axis: try a.int("axis")))
        },
        Builtin("stack", [.required("tensors"), .optional("axis", .number(0))], area: "Tensors",
                summary: "Tensors of equal shape joined along a new axis.") { a in
            .tensor(try Tensor.stack(try tensorList(a, "tensors"), axis: try a.int("axis")))
        },
        Builtin("matmul", [.required("a"), .required("b")], area: "Tensors",
                summary: "The matrix product `a @ b` (batched over leading axes; 1-d operands as vectors).") { a in
            let (x, y) = try tensorPair(a, "a", "b")
            return .tensor(try x.matmul(y))
        },
        Builtin("dot", [.required("a"), .required("b")], area: "Tensors", summary: "The dot product of two 1-d tensors.") { a in
            let (x, y) = try tensorPair(a, "a", "b")
            return .tensor(try x.dot(y))
        },
        Builtin("where", [.required("condition"), .required("a"), .required("b")], area: "Tensors",
                summary: "Elementwise `a` where `condition` is true, else `b` (with broadcasting).",
                discussion: "`condition` is a mask (a bool tensor such as `x > 0`; a number tensor is read as `x != 0`). A number for `a` or `b` takes the other's dtype (float32 when both are numbers).") { a in
            let c = try maskArg(a, "condition")
            let (x, y) = try tensorPair(a, "a", "b", orLike: c.isBool ? Tensor(scalar: 0) : c)
            return .tensor(try Tensor.where(c, x, y))
        },
        Builtin("maximum", [.required("a"), .required("b")], area: "Tensors",
                summary: "The elementwise maximum of two tensors (or a tensor and a number).") { a in
            let (x, y) = try tensorPair(a, "a", "b")
            return .tensor(try Tensor.maximum(x, y))
        },
        Builtin("minimum", [.required("a"), .required("b")], area: "Tensors",
                summary: "The elementwise minimum of two tensors (or a tensor and a number).") { a in
            let (x, y) = try tensorPair(a, "a", "b")
            return .tensor(try Tensor.minimum(x, y))
        },
        Builtin("softmax", [.required("t"), .optional("axis", .number(-1))], area: "Tensors",
                summary: "Exponentials normalised to sum to 1 along `axis`.",
                discussion: "```\nsoftmax(x)[i] = exp(x[i] - max(x)) / sum(exp(x - max(x)))\n```") { a in
            .tensor(try sized(try tensorArg(a, "t"), "softmax").softmax(axis: try a.int("axis")))
        },
        Builtin("log_softmax", [.required("t"), .optional("axis", .number(-1))], area: "Tensors",
                summary: "The logarithm of `softmax`, computed stably.",
                discussion: "```\nlog_softmax(x) = x - logsumexp(x)\n```") { a in
            .tensor(try sized(try tensorArg(a, "t"), "log_softmax").logSoftmax(axis: try a.int("axis")))
        },
        Builtin("eigh", [.required("a")], area: "Tensors",
                summary: "Eigenvalues (ascending) and eigenvectors (columns) of a symmetric matrix: `{values, vectors}`.") { a in
            let (w, v) = try Linalg.eigh(try tensorLike(a, "a"))
            return .record([("values", .tensor(w)), ("vectors", .tensor(v))])
        },
        Builtin("eigvalsh", [.required("a")], area: "Tensors",
                summary: "The eigenvalues (ascending) of a symmetric matrix.") { a in
            .tensor(try Linalg.eigvalsh(try tensorLike(a, "a")))
        },
    ]

    /// Argument `name`, a list (or tuple) of tensors.
    static func tensorList(_ a: BuiltinArguments, _ name: String) throws -> [Tensor] {
        try a.sequence(name).map { v in
            guard case .tensor(let t) = v else { throw try a.bad(name, message: "list of tensors expected, got a \(v.typeName) inside") }
            return t
        }
    }

    /// Arguments `first` and `second` as tensors: a number or list meets a tensor in
    /// that tensor's dtype whichever side it is on (`maximum(3.0, t64)` as
    /// `maximum(t64, 3.0)`); when neither is a tensor, both take `orLike`'s
    /// dtype, or are made as `tensor()` makes them.
    static func tensorPair(_ a: BuiltinArguments, _ first: String, _ second: String, orLike c: Tensor? = nil) throws -> (Tensor, Tensor) {
        let vi = try a[first], vj = try a[second]
        switch (vi, vj) {
        case (.tensor(let x), .tensor(let y)): return (x, y)
        case (.tensor(let x), _): return (x, try operand(vj, like: x, a, second))
        case (_, .tensor(let y)): return (try operand(vi, like: y, a, first), y)
        default:
            if let c { return (try operand(vi, like: c, a, first), try operand(vj, like: c, a, second)) }
            return (try tensorLike(a, first), try tensorLike(a, second))
        }
    }

    /// A number meets a tensor as a 0-d tensor of the tensor's dtype; `v` is
    /// argument `name` (for the message when it is neither).
    static func operand(_ v: Value, like t: Tensor, _ a: BuiltinArguments, _ name: String) throws -> Tensor {
        switch v {
        case .number(let d): return t.scalar(d)
        case .tensor(let u): return u
        case .list, .tuple:
            guard t.isInt64 else { return try TensorBridge.make(v, dtype: t.dtype, a.builtin.name) }
            // with an int64 tensor, a list is read by its values as a number
            // is (`Tensor.scalar`): integers stay int64, anything else float32
            let wide = try TensorBridge.make(v, dtype: .float64, a.builtin.name)
            let integral = wide.doubles.allSatisfy { Int64(exactly: $0) != nil }
            return try TensorBridge.make(v, dtype: integral ? .int64 : nil, a.builtin.name)
        default: throw try a.bad(name, "tensor or number")
        }
    }

    /// A reduction over tensors that also accepts a list of numbers.
    static func reduction(_ name: String, _ summary: String, _ discussion: String = "",
                          list: (@Sendable ([Double]) throws -> Double)?,
                          tensor: @escaping @Sendable (Tensor, [Int]?, Bool) throws -> Tensor) -> Builtin {
        Builtin(name, [.required("x"), .optional("axis"), .optional("keepdims", .bool(false))], area: "Tensors",
                summary: summary, discussion: discussion + (discussion.isEmpty ? "" : "\n\n")
                    + "`axis` is an integer or a list of integers (negative counts from the end); nil reduces every axis.") { a in
            let x = try a["x"]
            switch x {
            case .tensor(let t):
                return .tensor(try tensor(t, try TensorBridge.axes(try a["axis"], name), try a.bool("keepdims")))
            case .list, .tuple, .range:
                guard let list else { throw try a.bad("x", "tensor") }
                let xs = try Iterate.elements(x, name).map { v in
                    guard case .number(let d) = v else { throw try a.bad("x", message: "list of numbers expected, got a \(v.typeName) inside") }
                    return d
                }
                return .number(try list(xs))
            default:
                throw try a.bad("x", list == nil ? "tensor" : "tensor or list")
            }
        }
    }

    /// `max`/`min`: of numbers, of a list, of a tensor (reduction), or elementwise of two tensors.
    static func extremum(_ name: String, _ isMax: Bool) -> Builtin {
        Builtin(name, [.variadic("values"), .optional("axis"), .optional("keepdims", .bool(false))], area: "Tensors",
                summary: "The \(isMax ? "largest" : "smallest") of numbers, of a list, of a tensor's elements (along `axis`), or elementwise of two tensors.") { a in
            let pick: (Double, Double) -> Double = isMax ? { Swift.max($0, $1) } : { Swift.min($0, $1) }
            func ofNumbers(_ xs: [Value]) throws -> Value {
                guard !xs.isEmpty else { throw BuiltinError("\(name): empty sequence") }
                var best: Double?
                for x in xs {
                    guard case .number(let d) = x else { throw BuiltinError("\(name): numbers expected, got \(x.typeName)") }
                    if d.isNaN { return .number(d) }
                    best = best.map { pick($0, d) } ?? d
                }
                return .number(best ?? .nan)
            }
            switch a.rest.count {
            case 0: throw BuiltinError("\(name): missing argument 'values'")
            case 1:
                switch a.rest[0] {
                case .tensor(let t):
                    let axes = try TensorBridge.axes(try a["axis"], name), keep = try a.bool("keepdims")
                    return .tensor(isMax ? try t.max(axes: axes, keepdims: keep) : try t.min(axes: axes, keepdims: keep))
                case .list, .tuple, .range: return try ofNumbers(try Iterate.elements(a.rest[0], name))
                case .number: return a.rest[0]
                default: throw BuiltinError("bad argument #1 to '\(name)' (number, list or tensor expected, got \(a.rest[0].typeName))")
                }
            case 2:
                switch (a.rest[0], a.rest[1]) {
                case (.tensor(let t), let o), (let o, .tensor(let t)):
                    let u: Tensor
                    switch o {
                    case .number(let d): u = t.scalar(d)
                    case .tensor(let x): u = x
                    default: throw BuiltinError("\(name): cannot compare a tensor with a \(o.typeName)")
                    }
                    return .tensor(isMax ? try Tensor.maximum(t, u) : try Tensor.minimum(t, u))
                default: return try ofNumbers(a.rest)
                }
            default:
                return try ofNumbers(a.rest)
            }
        }
    }

    static let reductions: [Builtin] = [
        reduction("sum", "The sum of the elements (along `axis`).",
                  "A bool tensor sums to the count of its true elements (float32); an int64 tensor to an int64, wrapping on overflow as NumPy's.",
                  list: { $0.reduce(0, +) }) {
            try $0.sum(axes: $1, keepdims: $2)
        },
        reduction("mean", "The arithmetic mean (along `axis`).",
                  "The mean of a bool or int64 tensor is float32 (of int64, summed in float64 first).", list: { xs in
            guard !xs.isEmpty else { throw BuiltinError("mean: empty list") }
            return xs.reduce(0, +) / Double(xs.count)
        }) { try $0.mean(axes: $1, keepdims: $2) },
        extremum("max", true),
        extremum("min", false),
        Builtin("argmax", [.required("t"), .optional("axis"), .optional("keepdims", .bool(false))], area: "Tensors",
                summary: "The index of the largest element (of the flattened tensor, or along `axis`), as an int64 tensor.",
                discussion: "The first one on ties; the first NaN if there is one, as `torch.argmax`. The indices are int64 whatever the input's dtype, so `argmax(scores, axis: 1)` compares, indexes and feeds `one_hot` and the losses as labels do.") { a in
            .tensor(try tensorArg(a, "t").argmax(axis: try a.optionalInt("axis"), keepdims: try a.bool("keepdims")))
        },
        Builtin("argmin", [.required("t"), .optional("axis"), .optional("keepdims", .bool(false))], area: "Tensors",
                summary: "The index of the smallest element (of the flattened tensor, or along `axis`), as an int64 tensor.") { a in
            .tensor(try tensorArg(a, "t").argmin(axis: try a.optionalInt("axis"), keepdims: try a.bool("keepdims")))
        },
        reduction("var", "The variance with Bessel's correction (along `axis`).",
                  "```\nvar(x) = sum((x - mean(x)) ** 2) / (n - 1)\n```", list: nil) {
            try $0.variance(axes: $1, keepdims: $2)
        },
        reduction("std", "The standard deviation with Bessel's correction (along `axis`).",
                  "```\nstd(x) = sqrt(var(x))\n```", list: nil) { try $0.std(axes: $1, keepdims: $2) },
        reduction("norm", "The Euclidean (L2) norm (along `axis`).", "```\nnorm(x) = sqrt(sum(x ** 2))\n```",
                  list: { xs in xs.reduce(0) { $0 + $1 * $1 }.squareRoot() }) {
            try $0.norm(axes: $1, keepdims: $2)
        },
        reduction("logsumexp", "The logarithm of the sum of exponentials, computed stably (along `axis`).",
                  "```\nlogsumexp(x) = m + log(sum(exp(x - m))),  m = max(x)\n```", list: nil) {
            try $0.logsumexp(axes: $1, keepdims: $2)
        },
    ]
}
