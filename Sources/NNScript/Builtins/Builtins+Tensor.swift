import NNTensor

/// Creating tensors, shapes, reductions, softmax and linear algebra.
extension Builtins {
    /// Argument `name`, which must be a tensor.
    static func tensorArg(_ a: BuiltinArguments, _ name: String) throws -> Tensor {
        if case .tensor(let t) = try a[name] { return t }
        throw try a.bad(name, "tensor")
    }

    /// A tensor, or a number/list converted to one (float32 or the other tensor's dtype).
    static func tensorLike(_ a: BuiltinArguments, _ name: String) throws -> Tensor {
        try convertedTensor(a, name, lone: "number", expected: "tensor")
    }

    /// Argument `name` as a tensor: a tensor, or what `tensor(...)` makes
    /// one of (float32): nested lists or tuples, or a lone value of type
    /// `lone`; anything else is an error expecting `expected`.
    static func convertedTensor(_ a: BuiltinArguments, _ name: String, lone: String, expected: String) throws -> Tensor {
        let v = try a[name]
        switch v {
        case .tensor(let t): return t
        case .list, .tuple: break
        default: guard v.typeName == lone else { throw try a.bad(name, expected) }
        }
        return try TensorBridge.make(v, dtype: nil, a.builtin.name)
    }

    /// A shape argument, checked (size limit included) under the builtin's own name.
    static func shapeArg(_ a: BuiltinArguments, _ name: String) throws -> [Int] {
        let shape = try TensorBridge.shape(try a[name], a.builtin.name)
        _ = try Shape.count(shape, op: a.builtin.name)
        return shape
    }

    /// A dtype argument (nil: float32).
    static func dtypeArg(_ a: BuiltinArguments, _ name: String) throws -> DType {
        try TensorBridge.dtype(try a[name], a.builtin.name)
    }

    static let shapeDoc = "`shape` is a list of integers (or one integer)."

    static let creation: [Builtin] = [
        Builtin("tensor", [.required("data"), .optional("dtype")], area: "Tensors",
                summary: "A tensor from a number or nested lists of numbers (float32 unless `dtype:` says otherwise).",
                discussion: "`tensor([1, 2])` is float32: nn numbers are doubles, a literal list has no int/float distinction, and literal tensors are mostly used for float math. Pass `dtype: \"int64\"` for integers (labels, indices); every value must then be an integer in [-2**63, 2**63), else it is an error naming the value. A list of bools makes a bool tensor; a list of int64 tensors stays int64. A tensor given as `data` is converted as `.to(dtype)` does (to int64, floats truncate toward zero).") { a in
            let dt: DType? = try a["dtype"].isNil ? nil : try dtypeArg(a, "dtype")
            return .tensor(try TensorBridge.make(try a["data"], dtype: dt, "tensor"))
        },
        Builtin("zeros", [.required("shape"), .optional("dtype")], area: "Tensors",
                summary: "A tensor of zeros.", discussion: shapeDoc) { a in
            .tensor(try Tensor.zeros(try shapeArg(a, "shape"), dtype: try dtypeArg(a, "dtype")))
        },
        Builtin("ones", [.required("shape"), .optional("dtype")], area: "Tensors",
                summary: "A tensor of ones.", discussion: shapeDoc) { a in
            .tensor(try Tensor.ones(try shapeArg(a, "shape"), dtype: try dtypeArg(a, "dtype")))
        },
        Builtin("full", [.required("shape"), .required("value"), .optional("dtype")], area: "Tensors",
                summary: "A tensor with every element `value`.") { a in
            let dtype = try dtypeArg(a, "dtype"), value = try a.number("value")
            if dtype == .float32 { try Tensor.checkFitsFloat32([value], op: "full") }
            return .tensor(try Tensor.full(try shapeArg(a, "shape"), value, dtype: dtype))
        },
        Builtin("zeros_like", [.required("t")], area: "Tensors", summary: "Zeros of `t`'s shape and dtype.") { a in
            .tensor(try tensorArg(a, "t").zerosLike())
        },
        Builtin("ones_like", [.required("t")], area: "Tensors", summary: "Ones of `t`'s shape and dtype.") { a in
            .tensor(try tensorArg(a, "t").onesLike())
        },
        Builtin("eye", [.required("n"), .optional("m"), .optional("dtype")], area: "Tensors",
                summary: "The `n`×`m` identity matrix (`m` defaults to `n`).") { a in
            .tensor(try Tensor.eye(try a.int("n"), try a.optionalInt("m"), dtype: try dtypeArg(a, "dtype")))
        },
        Builtin("arange", [.required("start"), .optional("stop"), .optional("step", .number(1)), .optional("dtype")],
                area: "Tensors", summary: "Evenly spaced values in `[start, stop)`; `arange(n)` is `0, 1, ..., n-1`.",
                discussion: "```\ncount = max(0, ceil((stop - start) / step)); out[i] = start + i * step\n```") { a in
            let dt = try dtypeArg(a, "dtype")
            if try a["stop"].isNil { return .tensor(try Tensor.arange(try a.number("start"), dtype: dt)) }
            return .tensor(try Tensor.arange(try a.number("start"), try a.number("stop"), try a.number("step"), dtype: dt))
        },
        Builtin("linspace", [.required("start"), .required("end"), .optional("count", .number(50)), .optional("dtype")],
                area: "Tensors", summary: "`count` evenly spaced values from `start` to `end`, both included.") { a in
            .tensor(try Tensor.linspace(try a.number("start"), try a.number("end"), try a.int("count"), dtype: try dtypeArg(a, "dtype")))
        },
        Builtin("randn", [.required("shape"), .optional("seed"), .optional("dtype")], area: "Tensors",
                summary: "Samples of the standard normal distribution.",
                discussion: "Uses the interpreter's generator (see `seed`), or a fresh one when `seed:` is given.") { a in
            let shape = try shapeArg(a, "shape"), dt = try dtypeArg(a, "dtype")
            return .tensor(try withGenerator(a, "seed") { try Tensor.randn(shape, dtype: dt, using: &$0) })
        },
        Builtin("rand", [.required("shape"), .optional("seed"), .optional("dtype")], area: "Tensors",
                summary: "Samples of the uniform distribution on `[0, 1)`.") { a in
            let shape = try shapeArg(a, "shape"), dt = try dtypeArg(a, "dtype")
            return .tensor(try withGenerator(a, "seed") { try Tensor.rand(shape, dtype: dt, using: &$0) })
        },
        Builtin("randint", [.required("low"), .required("high"), .required("shape"), .optional("seed"), .optional("dtype")],
                area: "Tensors", summary: "Uniform random integers in `[low, high)`, as an int64 tensor (or `dtype:` a float dtype).") { a in
            let lo = try a.int("low"), hi = try a.int("high"), shape = try shapeArg(a, "shape")
            let dt = try TensorBridge.dtype(try a["dtype"], "randint", default: .int64)
            return .tensor(try withGenerator(a, "seed") { try Tensor.randint(lo, hi, shape, dtype: dt, using: &$0) })
        },
        Builtin("param", [.required("t")], area: "Tensors",
                summary: "A leaf tensor that requires grad: `backward()` accumulates into its `.grad`.") { a in
            let t = try tensorLike(a, "t")
            if !t.dtype.isFloatingPoint {
                throw try a.bad("t", message: "\(t.isInt64 ? "an" : "a") \(t.dtype) tensor cannot require grad; convert it with .to(\"float32\")")
            }
            return .tensor(t.isLeaf && !t.requiresGrad ? t.requiringGrad() : t.detach().requiringGrad())
        },
        Builtin("assign", [.required("t"), .required("value")], area: "Tensors",
                summary: "Replaces the elements of `t` in place (keeping its identity, `grad` and `requires_grad`): how a parameter is updated.",
                discussion: "`value` is a tensor of the same shape or a number. Use inside `no_grad(() => ...)` when `value` is computed from tracked tensors.") { a in
            let t = try tensorArg(a, "t")
            try t.assign(try operand(try a["value"], like: t, a, "value").expand(t.shape))
            return try a["t"]
        },
        Builtin("detach", [.required("t")], area: "Tensors",
                summary: "The same values, cut off from the autodiff graph.") { a in
            .tensor(try tensorArg(a, "t").detach())
        },
        Builtin("clone", [.required("t")], area: "Tensors", summary: "A copy of the values (not tracked).") { a in
            .tensor(try tensorArg(a, "t").clone())
        },
        Builtin("item", [.required("t")], area: "Tensors", summary: "The number held by a one-element tensor (a bool for a bool tensor).",
                discussion: "An int64 element beyond ±2**53 is an error: an nn number is a double and cannot hold it exactly.") { a in
            let t = try tensorArg(a, "t")
            let v = try t.item()
            return t.isBool ? .bool(v != 0) : .number(v)
        },
        Builtin("tolist", [.required("t")], area: "Tensors", summary: "The values as nested lists of numbers (of bools for a bool tensor).",
                discussion: "An int64 element beyond ±2**53 is an error, as for `item`.") { a in
            let t = try tensorArg(a, "t")
            try Iterate.checkCount(t.count, "tensor", "tolist")
            let values = try t.exactDoubles(op: "tolist")
            let element: (Double) -> Value = t.isBool ? { .bool($0 != 0) } : { .number($0) }
            if t.shape.isEmpty { return element(values.first ?? 0) }
            var index = 0
            func level(_ d: Int) -> Value {
                var out: [Value] = []
                for _ in 0..<t.shape[d] {
                    if d + 1 == t.shape.count {
                        out.append(element(values[index]))
                        index += 1
                    } else {
                        out.append(level(d + 1))
                    }
                }
                return .list(out)
            }
            return level(0)
        },
        Builtin("to", [.required("t"), .required("dtype")], area: "Tensors",
                summary: "The tensor converted to `dtype` (\"float32\", \"float64\", \"int64\", or \"bool\": `x != 0`).",
                discussion: "To int64 a float truncates toward zero (`-1.7` becomes `-1`, as PyTorch); NaN, ±inf and values outside [-2**63, 2**63) are errors naming the value. From int64 to a float the value rounds to the nearest: exact below 2**24 for float32 and 2**53 for float64. Names: \"float32\" (\"f32\", \"float\"), \"float64\" (\"f64\", \"double\"), \"int64\" (\"i64\", \"long\", \"int\"), \"bool\". Converting between float dtypes is recorded (gradients flow back); to or from int64 and bool it is not.") { a in
            .tensor(try tensorArg(a, "t").to(try dtypeArg(a, "dtype")))
        },
        Builtin("backward", [.required("t"), .optional("seed"), .optional("create_graph", .bool(false)), .optional("retain_graph")], area: "Autodiff",
                summary: "Backpropagates from `t`, accumulating gradients into the `.grad` of every parameter it depends on.",
                discussion: "`t` must have one element unless `seed` (the gradient with respect to `t`) is given. A graph is gone through once: a second `backward` through it is an error (it would add the gradients again), unless the first had `retain_graph: true` (the default with `create_graph: true`), as in PyTorch. A tensor that a recorded op used and that was then written in place (`x[0] = 5`, `assign`) makes backward an error naming where it was written.") { a in
            let t = try tensorArg(a, "t")
            let seed: Tensor? = try a["seed"].isNil ? nil : try tensorLike(a, "seed")
            let retain: Bool? = try a["retain_graph"].isNil ? nil : try a.bool("retain_graph")
            try t.backward(seed: seed, createGraph: try a.bool("create_graph"), retainGraph: retain)
            return .nil
        },
        Builtin("zero_grad", [.required("params")], area: "Autodiff",
                summary: "Clears `.grad` of a tensor or of every tensor in a list.") { a in
            for t in try Params.collect(try a["params"], "zero_grad", a.interpreter) { t.zeroGrad() }
            return .nil
        },
        Builtin("parameters", [.required("x")], area: "Autodiff",
                summary: "Every tensor that requires grad inside `x` (lists, tuples, records, library objects), in order.") { a in
            .list(try Params.collect(try a["x"], "parameters", a.interpreter).filter(\.requiresGrad).map { .tensor($0) })
        },
    ]

    /// Runs `body` with the interpreter's generator, or with a fresh one seeded by argument `seed`.
    static func withGenerator<T>(_ a: BuiltinArguments, _ seed: String, _ body: (inout RandomGenerator) throws -> T) throws -> T {
        if try a[seed].isNil { return try body(&a.interpreter.rng) }
        let s = try a.int(seed)
        guard s >= 0 else { throw try a.bad(seed, message: "a seed must be non-negative") }
        var g = RandomGenerator(seed: UInt64(s))
        return try body(&g)
    }
}

/// Collecting parameters from containers.
enum Params {
    static func collect(_ v: Value, _ op: String, _ interp: Interpreter) throws -> [Tensor] {
        var out: [Tensor] = []
        var seen: Set<ObjectIdentifier> = []
        func walk(_ v: Value, _ depth: Int) throws {
            guard depth < 100 else { throw BuiltinError("\(op): values nested too deeply") }
            switch v {
            case .tensor(let t):
                if seen.insert(ObjectIdentifier(t)).inserted { out.append(t) }
            case .list(let l): for x in l.items { try walk(x, depth + 1) }
            case .tuple(let t): for x in t { try walk(x, depth + 1) }
            case .record(let r): for x in r.values { try walk(x, depth + 1) }
            case .object(let o):
                if let m = try o.member("parameters", in: interp) {
                    switch m {
                    case .builtin, .function, .object: try walk(try interp.call(m, []), depth + 1)
                    default: try walk(m, depth + 1)
                    }
                }
            default: break
            }
        }
        try walk(v, 0)
        return out
    }
}
